/*
 * log/checkpoints: signing, storing and serving C2SP checkpoints, merging
 * witness cosignatures, and tlog-proof files for entries.
 */
#include <string.h>

#include "trace/bundle.h"
#include "trace/error.h"
#include "trace/log.h"
#include "trace/note.h"
#include "log_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"
#include "../note/note_internal.h"

int trace_log_checkpoint_get(trace_buf *out, trace_log *log, uint64_t size)
{
	trace__txn *t;
	trace__val k, v;
	uint8_t key[8];
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_checkpoint_get: NULL argument");
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	if (size == UINT64_MAX) {
		trace__cursor *c;
		if ((rc = trace__cursor_open(&c, t, DB_CHECKPOINTS)) == TRACE_OK) {
			k.data = NULL;
			k.size = 0;
			rc = trace__cursor_get(c, TRACE__CUR_LAST, &k, &v);
			trace__cursor_close(c);
		}
		if (rc == TRACE_ENOTFOUND)
			rc = trace__fail(TRACE_ENOTFOUND, "%s has no signed checkpoint yet", log->dir);
	} else {
		trace__be64_put(key, size);
		rc = trace__txn_get(t, DB_CHECKPOINTS, key, 8, &v);
		if (rc == TRACE_ENOTFOUND)
			rc = trace__fail(TRACE_ENOTFOUND, "%s has no checkpoint at size %llu", log->dir,
			                 (unsigned long long)size);
	}
	if (rc == TRACE_OK) {
		out->ptr = trace__memdup(v.data, v.size);
		out->size = v.size;
		if (out->ptr == NULL)
			rc = trace__oom();
	}
	trace__txn_abort(t);
	return rc;
}

struct checkpoint_put {
	uint8_t key[8];
	const trace_buf *note;
};

static int put_checkpoint(void *ctx, trace__txn *t)
{
	struct checkpoint_put *p = ctx;
	return trace__txn_put(t, DB_CHECKPOINTS, p->key, 8, p->note->ptr, p->note->size, 0);
}

/* Writes @note under @size. */
static int store_checkpoint(trace_log *log, uint64_t size, const trace_buf *note)
{
	struct checkpoint_put p = { { 0 }, note };
	trace__be64_put(p.key, size);
	return trace__store_write(log->store, put_checkpoint, &p);
}

int trace_log_checkpoint_sign(trace_buf *out, trace_log *log, trace_signer *signer)
{
	trace_buf vkey = TRACE_BUF_INIT, text = TRACE_BUF_INIT, note = TRACE_BUF_INIT;
	trace_buf existing = TRACE_BUF_INIT;
	uint8_t root[TRACE_HASH_MAX_SIZE];
	uint64_t size;
	trace__txn *t;
	int rc;

	if (out == NULL || log == NULL || signer == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_checkpoint_sign: NULL argument");
	if (log->readonly)
		return trace__fail(TRACE_EINVAL, "%s is open read-only", log->dir);
	if ((rc = trace_signer_vkey(&vkey, signer)))
		return rc;
	if (strcmp((const char *)vkey.ptr, log->vkey) != 0) {
		rc = trace__fail(TRACE_EINVAL, "key %s is not the log's key %s", (const char *)vkey.ptr, log->vkey);
		trace_buf_dispose(&vkey);
		return rc;
	}
	trace_buf_dispose(&vkey);
	if ((rc = trace__txn_begin(&t, log->store, 0)))
		return rc;
	rc = trace__log_read_size(t, &size);
	if (rc == TRACE_OK)
		rc = trace__log_root_in(log, t, size, size, root);
	trace__txn_abort(t);
	if (rc || (rc = trace_checkpoint_format(&text, log->origin, size, root, log->hs)))
		return rc;
	/* Keep a stored note at this size: it may carry cosignatures already. */
	if (trace_log_checkpoint_get(&existing, log, size) == TRACE_OK &&
	    existing.size > text.size && memcmp(existing.ptr, text.ptr, text.size) == 0 &&
	    existing.ptr[text.size] == '\n') {
		trace_buf_dispose(&text);
		*out = existing;
		return TRACE_OK;
	}
	trace_buf_dispose(&existing);
	rc = trace_note_sign(&note, (const char *)text.ptr, text.size, &signer, 1, 0);
	trace_buf_dispose(&text);
	if (rc == TRACE_OK)
		rc = store_checkpoint(log, size, &note);
	if (rc) {
		trace_buf_dispose(&note);
		return rc;
	}
	*out = note;
	return TRACE_OK;
}

/* Appends to @b every signature line of @add that @b lacks. */
static void merge_lines(trace__sbuf *b, const char *add, size_t add_len)
{
	size_t pos = 0;
	while (pos < add_len) {
		const char *line = add + pos;
		const char *nl = memchr(line, '\n', add_len - pos);
		size_t n = nl ? (size_t)(nl - line) + 1 : add_len - pos;
		pos += n;
		int have = 0;
		for (size_t i = 0; i + n <= b->len && !have; i++)
			have = (i == 0 || b->p[i - 1] == '\n') && memcmp(b->p + i, line, n) == 0;
		if (!have)
			trace__sbuf_put(b, line, n);
	}
}

/* Merges signature lines of @note into the stored note for its checkpoint:
 * all of them, or with @witnesses only those lines the witnesses signed. */
static int add_signatures(trace_log *log, const char *note, size_t len, const trace_verifier *const *witnesses,
                          size_t nwitnesses, const char *fn)
{
	trace_note *n = NULL;
	trace_checkpoint *c = NULL;
	trace_buf stored = TRACE_BUF_INIT, merged = TRACE_BUF_INIT;
	const trace_verifier *key;
	size_t text_len;
	int rc;

	if (log == NULL || note == NULL || (witnesses == NULL && nwitnesses))
		return trace__fail(TRACE_EINVAL, "%s: NULL argument", fn);
	if (log->readonly)
		return trace__fail(TRACE_EINVAL, "%s is open read-only", log->dir);
	if ((rc = trace_note_parse(&n, note, len)))
		return rc;
	key = log->verifier;
	const char *text = trace_note_text(n, &text_len);
	if ((rc = trace_note_verify(NULL, NULL, n, &key, 1)) ||
	    (rc = trace_checkpoint_parse(&c, text, text_len)))
		goto done;
	if ((rc = trace_log_checkpoint_get(&stored, log, trace_checkpoint_size(c))))
		goto done;
	if (stored.size <= text_len || memcmp(stored.ptr, text, text_len) != 0) {
		rc = trace__fail(TRACE_EINVAL, "the note's checkpoint text differs from the stored checkpoint at size %llu",
		                 (unsigned long long)trace_checkpoint_size(c));
		goto done;
	}
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_put(&b, stored.ptr, stored.size);
	if (witnesses == NULL) {
		merge_lines(&b, note + text_len + 1, len - text_len - 1);
	} else {
		trace__sbuf lines = TRACE__SBUF_INIT;
		trace_buf kept = TRACE_BUF_INIT;
		size_t verified = 0;
		const trace_verifier *marks[TRACE_NOTE_MAX_SIGNATURES];
		if ((rc = trace__note_verify_each(n, witnesses, nwitnesses, marks, &verified)) == TRACE_OK && verified == 0)
			rc = trace__fail(TRACE_EBADSIG, "the note carries no cosignature from any of the %zu given witnesses",
			                 nwitnesses);
		if (rc == TRACE_OK) {
			trace__note_put_verified(&lines, n, marks);
			if ((rc = trace__sbuf_finish(&lines, &kept)) == TRACE_OK)
				merge_lines(&b, (const char *)kept.ptr, kept.size);
			trace_buf_dispose(&kept);
		}
		if (rc) {
			trace__sbuf_free(&b);
			goto done;
		}
	}
	if ((rc = trace__sbuf_finish(&b, &merged)))
		goto done;
	/* The merged note must still parse (at most 100 signatures). */
	trace_note *check = NULL;
	if ((rc = trace_note_parse(&check, (const char *)merged.ptr, merged.size)) == TRACE_OK)
		rc = store_checkpoint(log, trace_checkpoint_size(c), &merged);
	trace_note_free(check);
done:
	trace_buf_dispose(&merged);
	trace_buf_dispose(&stored);
	trace_checkpoint_free(c);
	trace_note_free(n);
	return rc;
}

int trace_log_checkpoint_add_cosignatures(trace_log *log, const char *note, size_t len)
{
	return add_signatures(log, note, len, NULL, 0, "trace_log_checkpoint_add_cosignatures");
}

int trace_log_checkpoint_add_witnessed(trace_log *log, const char *note, size_t len,
                                       const trace_verifier *const *witnesses, size_t nwitnesses)
{
	if (log == NULL || witnesses == NULL || nwitnesses == 0)
		return trace__fail(TRACE_EINVAL, "trace_log_checkpoint_add_witnessed: no log or no witness keys given");
	for (size_t i = 0; i < nwitnesses; i++) {
		if (witnesses[i] == NULL)
			return trace__fail(TRACE_EINVAL, "trace_log_checkpoint_add_witnessed: witness key %zu is NULL", i);
		/* The log's own signature is not a witness's. */
		if (trace_verifier_key_id(witnesses[i]) == trace_verifier_key_id(log->verifier) &&
		    strcmp(trace_verifier_name(witnesses[i]), trace_verifier_name(log->verifier)) == 0)
			return trace__fail(TRACE_EINVAL, "witness key %s is the log's own key",
			                   trace_verifier_name(witnesses[i]));
	}
	return add_signatures(log, note, len, witnesses, nwitnesses, "trace_log_checkpoint_add_witnessed");
}

int trace_log_prove(trace_buf *out, trace_log *log, uint64_t index, uint64_t size)
{
	trace_buf note = TRACE_BUF_INIT, path = TRACE_BUF_INIT;
	trace_note *n = NULL;
	trace_checkpoint *c = NULL;
	size_t text_len;
	int rc;

	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_prove: NULL argument");
	if ((rc = trace_log_checkpoint_get(&note, log, size)))
		return rc;
	if ((rc = trace_note_parse(&n, (const char *)note.ptr, note.size)))
		goto done;
	const char *text = trace_note_text(n, &text_len);
	if ((rc = trace_checkpoint_parse(&c, text, text_len)))
		goto done;
	if (index >= trace_checkpoint_size(c)) {
		rc = trace__fail(TRACE_ERANGE, "entry %llu is not covered by the checkpoint of size %llu",
		                 (unsigned long long)index, (unsigned long long)trace_checkpoint_size(c));
		goto done;
	}
	if ((rc = trace_log_inclusion_proof(&path, log, index, trace_checkpoint_size(c))))
		goto done;
	rc = trace_tlog_proof_format(out, index, path.ptr, path.size, log->hs,
	                             (const char *)note.ptr, note.size, NULL, 0);
done:
	trace_buf_dispose(&path);
	trace_checkpoint_free(c);
	trace_note_free(n);
	trace_buf_dispose(&note);
	return rc;
}
