/*
 * query/recall: a recall is an event (disposition "recalled") whose
 * indexing marks everything downstream, so status answers in constant
 * time; the recall list is a signed note shops can check offline.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trace/error.h"
#include "ledger_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"
#include "../util/text.h"
#include "../crypto.h"
#include "../event/event_internal.h"

int trace_ledger_recall(trace_ledger *l, uint64_t *affected, const char *code, const char *reason,
                        int64_t time_ms)
{
	trace__txn *t;
	trace_event *ev = NULL;
	uint64_t id;
	char *canonical = NULL;
	if (l == NULL || code == NULL || reason == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_recall: NULL argument");
	int rc = trace__ledger_read(l, &t);
	if (rc)
		return rc;
	rc = trace__ledger_code_id(t, code, &id);
	trace__txn_abort(t);
	if (rc == TRACE_OK)
		rc = trace__code_canonical(&canonical, code);
	if (rc == TRACE_OK && (rc = trace_event_new(&ev, TRACE_EVENT_OBJECT)) == TRACE_OK &&
	    (rc = trace_event_set_time(ev, time_ms, 0)) == TRACE_OK &&
	    (rc = trace_event_set_action(ev, TRACE_ACTION_OBSERVE)) == TRACE_OK &&
	    (rc = trace_event_add_code(ev, TRACE_ROLE_ITEM, canonical)) == TRACE_OK &&
	    (rc = trace_event_set_biz_step(ev, "holding")) == TRACE_OK &&
	    (rc = trace_event_set_disposition(ev, "recalled")) == TRACE_OK &&
	    (rc = trace_event_add_extension(ev, "libtrace:recallReason", reason)) == TRACE_OK)
		rc = trace__ledger_append(l, NULL, &ev, 1, INT64_MIN, affected);
	trace_event_free(ev);
	trace__free(canonical);
	return rc;
}

/*
 * The recall list, a signed note (docs/FORMAT.md §2.9.5):
 *   libtrace recall list v2
 *   origin ORIGIN
 *   size N            the ledger size it reflects
 *   root BASE64       the tree's root at that size (what a checkpoint signs)
 *   time RFC3339      when it was made
 *   one canonical code per line
 * Its second line can never be a checkpoint's (a decimal size), and a
 * checkpoint's can never be "origin ...": neither passes for the other.
 * The codes come from indexes rebuilt from the log itself, never from the
 * stored ones: the ledger key signs only what the log shows.
 */
#define RECALL_LIST_HEADER "libtrace recall list v2"

int trace_ledger_recall_list(trace_buf *out, trace_ledger *l, trace_signer *signer, int64_t time_ms)
{
	trace__txn *t = NULL;
	trace__cursor *c = NULL;
	trace__store *scratch = NULL;
	trace_buf vkey = TRACE_BUF_INIT;
	char path[4096], when[40];
	uint8_t root[TRACE_HASH_MAX_SIZE];
	uint64_t size;
	if (out == NULL || l == NULL || signer == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_recall_list: NULL argument");
	int rc = trace_signer_vkey(&vkey, signer);
	if (rc)
		return rc;
	if (strcmp((const char *)vkey.ptr, trace_log_vkey(l->log)) != 0) {
		trace_buf_dispose(&vkey);
		return trace__fail(TRACE_EINVAL, "the recall list must be signed with the ledger's key");
	}
	trace_buf_dispose(&vkey);
	if (time_ms == INT64_MIN) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	if ((rc = trace__ledger_rebuild(l, &scratch, path, sizeof path, &size)))
		return rc;
	trace__sbuf b = TRACE__SBUF_INIT;
	size_t hs = trace__suite_info_get(trace_log_suite(l->log))->hash_size;
	if ((rc = trace_log_root(root, sizeof root, l->log, size)) == TRACE_OK) {
		trace__ev_time_format(when, time_ms - time_ms % 1000, 0, 1);
		trace__sbuf_printf(&b, RECALL_LIST_HEADER "\norigin %s\nsize %llu\nroot ", trace_log_origin(l->log),
		                   (unsigned long long)size);
		trace__sbuf_base64(&b, root, hs);
		trace__sbuf_printf(&b, "\ntime %s\n", when);
		rc = trace__txn_begin(&t, scratch, 0);
	}
	trace__val k = { NULL, 0 }, v;
	if (rc == TRACE_OK && (rc = trace__cursor_open(&c, t, DB_RECALLS)) == TRACE_OK) {
		for (rc = trace__cursor_get(c, TRACE__CUR_FIRST, &k, &v); rc == TRACE_OK;
		     rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v)) {
			const char *name;
			size_t len;
			if (k.size != 8 || (rc = trace__code_name(t, trace__be64_get(k.data), &name, &len)))
				break;
			trace__sbuf_put(&b, name, len);
			trace__sbuf_putc(&b, '\n');
		}
		if (rc == TRACE_ENOTFOUND)
			rc = TRACE_OK;
	}
	trace__cursor_close(c);
	trace__txn_abort(t);
	trace__ledger_rebuild_done(scratch, path);
	if (rc == TRACE_OK && b.oom)
		rc = trace__oom();
	if (rc == TRACE_OK)
		rc = trace_note_sign(out, (const char *)b.p, b.len, &signer, 1, 0);
	trace__sbuf_free(&b);
	return rc;
}

/* Line @i of @text (no newline) into @line; 0 if there is none. */
static int nth_line(const char *text, size_t len, size_t i, const char **line, size_t *n)
{
	const char *p = text, *end = text + len;
	for (; i > 0 && p < end; i--) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return 0;
		p = nl + 1;
	}
	const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (nl == NULL)
		return 0;
	*line = p;
	*n = (size_t)(nl - p);
	return 1;
}

/* The value of line @i, which must read "@key value". */
static int field(char *out, size_t cap, const char *text, size_t len, size_t i, const char *key)
{
	const char *line;
	size_t n, k = strlen(key);
	if (!nth_line(text, len, i, &line, &n) || n <= k + 1 || memcmp(line, key, k) != 0 || line[k] != ' ' ||
	    n - k - 1 >= cap)
		return trace__fail(TRACE_EINVAL, "recall list: line %zu must be \"%s ...\"", i + 1, key);
	memcpy(out, line + k + 1, n - k - 1);
	out[n - k - 1] = 0;
	return TRACE_OK;
}

int trace_recall_list_check(int *recalled_out, uint64_t *size_out, int64_t *time_ms_out,
                            const char *list, size_t len, const trace_verifier *vkey,
                            const char *code, uint64_t min_size, int64_t not_before_ms)
{
	trace_note *n = NULL;
	char origin[1024], size_text[32], root[128], when[64], *canonical = NULL;
	uint64_t size;
	int64_t time_ms;
	if (recalled_out == NULL || list == NULL || vkey == NULL || code == NULL)
		return trace__fail(TRACE_EINVAL, "trace_recall_list_check: NULL argument");
	*recalled_out = 0;
	if (trace_verifier_type(vkey) != TRACE_KEY_ED25519)
		return trace__fail(TRACE_EINVAL, "a recall list is signed by a ledger's Ed25519 key, not a witness key");
	int rc = trace_note_parse(&n, list, len);
	if (rc == TRACE_OK)
		rc = trace_note_verify(NULL, NULL, n, &vkey, 1);
	size_t tl = 0;
	const char *text = rc == TRACE_OK ? trace_note_text(n, &tl) : NULL;
	const char *first;
	size_t first_len;
	if (rc == TRACE_OK && (!nth_line(text, tl, 0, &first, &first_len) || first_len != strlen(RECALL_LIST_HEADER) ||
	                       memcmp(first, RECALL_LIST_HEADER, first_len) != 0))
		rc = trace__fail(TRACE_EINVAL, "not a recall list: its first line is not \"" RECALL_LIST_HEADER "\" "
		                 "(a checkpoint or another note signed by the same key?)");
	if (rc == TRACE_OK && (rc = field(origin, sizeof origin, text, tl, 1, "origin")) == TRACE_OK &&
	    (rc = field(size_text, sizeof size_text, text, tl, 2, "size")) == TRACE_OK &&
	    (rc = field(root, sizeof root, text, tl, 3, "root")) == TRACE_OK)
		rc = field(when, sizeof when, text, tl, 4, "time");
	if (rc == TRACE_OK && strcmp(origin, trace_verifier_name(vkey)) != 0)
		rc = trace__fail(TRACE_EINVAL, "recall list of \"%s\" checked with the key of \"%s\"", origin,
		                 trace_verifier_name(vkey));
	if (rc == TRACE_OK && trace__parse_u64(&size, size_text, strlen(size_text)))
		rc = trace__fail(TRACE_EINVAL, "recall list: size \"%s\" is not a decimal number", size_text);
	if (rc == TRACE_OK && trace__ev_time_parse(&time_ms, NULL, when))
		rc = trace__fail(TRACE_EINVAL, "recall list: time \"%s\" is not an RFC 3339 time", when);
	if (rc == TRACE_OK && size < min_size)
		rc = trace__fail(TRACE_EREFUSED, "recall list of %s reflects %llu entries; at least %llu are required "
		                 "(an older list?)", origin, (unsigned long long)size, (unsigned long long)min_size);
	if (rc == TRACE_OK && not_before_ms != INT64_MIN && time_ms < not_before_ms)
		rc = trace__fail(TRACE_EREFUSED, "recall list of %s was made at %s, before the time required", origin, when);
	if (rc == TRACE_OK && (rc = trace__code_canonical(&canonical, code)) == TRACE_OK) {
		size_t cl = strlen(canonical);
		for (size_t i = 5;; i++) {
			const char *line;
			size_t ln;
			if (!nth_line(text, tl, i, &line, &ln))
				break;
			if (ln == cl && memcmp(line, canonical, cl) == 0) {
				*recalled_out = 1;
				break;
			}
		}
	}
	if (rc == TRACE_OK && size_out)
		*size_out = size;
	if (rc == TRACE_OK && time_ms_out)
		*time_ms_out = time_ms;
	trace__free(canonical);
	trace_note_free(n);
	return rc;
}
