/*
 * query/recall: a recall is an event (disposition "recalled") whose
 * indexing marks everything downstream, so status answers in constant
 * time; the recall list is a signed note shops can check offline.
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "ledger_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"

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

int trace_ledger_recall_list(trace_buf *out, trace_ledger *l, trace_signer *signer)
{
	trace__txn *t;
	trace__cursor *c = NULL;
	trace_buf vkey = TRACE_BUF_INIT;
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
	uint64_t size = 0;
	/* The size the list reflects is part of what is signed: never guess it. */
	if ((rc = trace_log_size(&size, l->log)) || (rc = trace__ledger_read(l, &t)))
		return rc;
	/* Text: a header line, the origin, the ledger size it reflects, then one code per line. */
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_printf(&b, "libtrace recall list v1\n%s\n%llu\n", trace_log_origin(l->log), (unsigned long long)size);
	trace__val k = { NULL, 0 }, v;
	if ((rc = trace__cursor_open(&c, t, DB_RECALLS)) == TRACE_OK) {
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
	if (rc == TRACE_OK && b.oom)
		rc = trace__oom();
	if (rc == TRACE_OK)
		rc = trace_note_sign(out, (const char *)b.p, b.len, &signer, 1, 0);
	trace__sbuf_free(&b);
	return rc;
}
