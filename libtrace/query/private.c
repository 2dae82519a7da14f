/*
 * query/private: the erasable side store of private fields (docs/FORMAT.md
 * §2.9.2, database `private`).  A stored value is attached to an event only
 * after it reproduces the logged commitment; erasing deletes an event's rows
 * durably and leaves the log and every proof as they were.
 */
#include <string.h>

#include "trace/error.h"
#include "ledger_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define SALT_LEN 16	/* FORMAT.md §3.10.5 */

static void private_key(uint8_t k[10], uint64_t index, size_t field)
{
	trace__be64_put(k, index);
	k[8] = (uint8_t)(field >> 8);
	k[9] = (uint8_t)field;
}

int trace_ledger_event_private(trace_event **out, trace_ledger *l, uint64_t index)
{
	trace__txn *t;
	int rc = trace_ledger_event(out, l, index);
	if (rc)
		return rc;
	if ((rc = trace__ledger_read(l, &t)) == TRACE_OK) {
		for (size_t i = 0; rc == TRACE_OK && i < trace_event_private_count(*out); i++) {
			uint8_t k[10];
			trace__val v;
			private_key(k, index, i);
			rc = trace__txn_get(t, DB_PRIVATE, k, sizeof k, &v);
			if (rc == TRACE_ENOTFOUND) {
				rc = TRACE_OK;	/* erased, or never held */
				continue;
			}
			if (rc)
				break;
			char *value = v.size >= SALT_LEN ? trace__strndup((const char *)v.data + SALT_LEN, v.size - SALT_LEN) : NULL;
			if (v.size < SALT_LEN)
				rc = trace__fail(TRACE_ECORRUPT, "side store row of event %llu field %zu is damaged",
				                 (unsigned long long)index, i);
			else if (value == NULL)
				rc = trace__oom();
			else if ((rc = trace_event_reveal_private(*out, i, value, v.data, SALT_LEN)) != TRACE_OK &&
			         rc != TRACE_ENOMEM) {
				trace__error_prefix("side store of event %llu", (unsigned long long)index);
				trace__error_recode(rc = TRACE_ECORRUPT);
			}
			trace__free(value);
		}
		trace__txn_abort(t);
	}
	if (rc) {
		trace_event_free(*out);
		*out = NULL;
	}
	return rc;
}

int trace_ledger_erase_private(trace_ledger *l, uint64_t index, size_t *erased)
{
	trace_event *ev;
	if (erased)
		*erased = 0;
	if (l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_erase_private: NULL ledger");
	if (l->log->readonly)
		return trace__fail(TRACE_EINVAL, "%s is open read-only", l->log->dir);
	int rc = trace_ledger_event(&ev, l, index);
	if (rc)
		return rc;
	size_t n = trace_event_private_count(ev);
	trace_event_free(ev);
	for (int attempt = 0;; attempt++) {
		trace__txn *t;
		size_t count = 0;
		if ((rc = trace__txn_begin(&t, trace__log_store(l->log), 1)))
			return rc;
		for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
			uint8_t k[10];
			private_key(k, index, i);
			if ((rc = trace__txn_del(t, DB_PRIVATE, k, sizeof k)) == TRACE_OK)
				count++;
			else if (rc == TRACE_ENOTFOUND)
				rc = TRACE_OK;
		}
		if (rc == TRACE_OK)
			rc = trace__txn_commit(t);	/* frees t, also on failure */
		else
			trace__txn_abort(t);
		if (rc == TRACE_OK && erased)
			*erased = count;
		if (rc != TRACE__EMAPFULL)
			return rc;
		if (attempt == 16)
			return trace__fail(TRACE_EIO, "LMDB map full");
		if ((rc = trace__store_grow(trace__log_store(l->log))))
			return rc;
	}
}
