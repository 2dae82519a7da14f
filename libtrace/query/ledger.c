/*
 * query/ledger: the event ledger.  Events are validated, encoded and
 * appended with all their index rows in one durable transaction.
 */
#include <string.h>
#include <time.h>

#include "trace/error.h"
#include "ledger_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

int trace_ledger_create(trace_ledger **out, const char *dir, const char *origin, const char *vkey,
                        const trace_log_opts *opts)
{
	trace_log_opts o = { 0, TRACE_LOG_EVENTS, (uint64_t)1 << 30 };
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_create: out is NULL");
	*out = NULL;
	if (opts) {
		o = *opts;
		o.kind = TRACE_LOG_EVENTS;
	}
	trace_ledger *l = trace__calloc(1, sizeof *l);
	if (l == NULL)
		return trace__oom();
	l->keys_fd = -1;
	trace__ledger_params_default(&l->params);
	int rc = trace_log_create(&l->log, dir, origin, vkey, &o);
	if (rc == TRACE_OK && ((rc = trace__index_attach(trace__log_store(l->log), TRACE__STORE_CREATE)) ||
	                       (rc = trace__private_attach(trace__log_store(l->log), TRACE__STORE_CREATE))))
		trace_log_close(l->log);
	if (rc) {
		trace__free(l);
		return rc;
	}
	*out = l;
	return TRACE_OK;
}

int trace_ledger_open(trace_ledger **out, const char *dir, unsigned flags, const trace_log_opts *opts)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_open: out is NULL");
	*out = NULL;
	trace_ledger *l = trace__calloc(1, sizeof *l);
	if (l == NULL)
		return trace__oom();
	l->keys_fd = -1;
	trace__ledger_params_default(&l->params);
	int rc = trace_log_open(&l->log, dir, flags, opts);
	if (rc == TRACE_OK && trace_log_kind(l->log) != TRACE_LOG_EVENTS)
		rc = trace__fail(TRACE_EINVAL, "%s is a raw log, not an event ledger", dir);
	/* A writer creates tables a later libtrace added; a reader needs them there. */
	int tflags = (flags & TRACE_OPEN_WRITE) ? TRACE__STORE_ADD_MISSING : TRACE__STORE_READONLY;
	if (rc == TRACE_OK && (rc = trace__index_attach(trace__log_store(l->log), tflags)) == TRACE_OK)
		rc = trace__private_attach(trace__log_store(l->log), tflags);
	if (rc) {
		trace_log_close(l->log);
		trace__free(l);
		return rc;
	}
	*out = l;
	return TRACE_OK;
}

void trace_ledger_close(trace_ledger *l)
{
	if (l == NULL)
		return;
	trace__private_close(l);
	trace_log_close(l->log);
	trace__free(l);
}

trace_log *trace_ledger_log(trace_ledger *l)
{
	return l ? l->log : NULL;
}

/* Each parameter's bounds: generous, but no value that overflows the index's arithmetic. */
static const struct {
	int64_t min, max;
} param_bounds[] = {
	[TRACE_PARAM_MAX_CLOCK_SKEW_MS] = { -1, (int64_t)366 * 24 * 3600 * 1000 },
	[TRACE_PARAM_UNDO_WINDOW_MS] = { 0, (int64_t)10 * 366 * 24 * 3600 * 1000 },
	[TRACE_PARAM_FILL_INTERLOCK] = { 0, 1 },
	[TRACE_PARAM_SCAN_LIMIT] = { 0, (int64_t)1 << 62 },
};

int trace_ledger_param_bounds(int64_t *min_out, int64_t *max_out, int param)
{
	if (min_out == NULL || max_out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_param_bounds: NULL argument");
	if (param < TRACE_PARAM_MAX_CLOCK_SKEW_MS || param > TRACE_PARAM_SCAN_LIMIT)
		return trace__fail(TRACE_EINVAL, "unknown ledger parameter %d", param);
	*min_out = param_bounds[param].min;
	*max_out = param_bounds[param].max;
	return TRACE_OK;
}

int trace_ledger_set_param(trace_ledger *l, int param, int64_t value)
{
	int64_t lo, hi;
	if (l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_set_param: NULL ledger");
	int rc = trace_ledger_param_bounds(&lo, &hi, param);
	if (rc)
		return rc;
	if (value < lo || value > hi)
		return trace__fail(TRACE_EINVAL, "ledger parameter %d: %lld is outside %lld to %lld", param,
		                   (long long)value, (long long)lo, (long long)hi);
	switch (param) {
	case TRACE_PARAM_MAX_CLOCK_SKEW_MS:
		l->params.max_skew_ms = value;
		break;
	case TRACE_PARAM_UNDO_WINDOW_MS:
		l->params.undo_window_ms = value;
		break;
	case TRACE_PARAM_FILL_INTERLOCK:
		l->params.fill_interlock = (int)value;
		break;
	default:
		l->params.scan_limit = (uint64_t)value;
	}
	return TRACE_OK;
}

int trace_ledger_get_param(int64_t *value_out, const trace_ledger *l, int param)
{
	if (value_out == NULL || l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_get_param: NULL argument");
	switch (param) {
	case TRACE_PARAM_MAX_CLOCK_SKEW_MS:
		*value_out = l->params.max_skew_ms;
		return TRACE_OK;
	case TRACE_PARAM_UNDO_WINDOW_MS:
		*value_out = l->params.undo_window_ms;
		return TRACE_OK;
	case TRACE_PARAM_FILL_INTERLOCK:
		*value_out = l->params.fill_interlock;
		return TRACE_OK;
	case TRACE_PARAM_SCAN_LIMIT:
		*value_out = (int64_t)l->params.scan_limit;
		return TRACE_OK;
	default:
		return trace__fail(TRACE_EINVAL, "unknown ledger parameter %d", param);
	}
}

typedef struct append_ctx {
	trace_ledger *l;
	trace_event *const *events;
	size_t n;
	uint64_t recalled;
} append_ctx;

static int index_batch(void *ctx, trace__txn *txn, uint64_t first)
{
	append_ctx *a = ctx;
	trace__indexer ix;
	trace__indexer_init(&ix, txn, &a->l->params);
	ix.hasher = a->l->log->hasher;
	for (size_t i = 0; i < a->n; i++) {
		int rc = trace__index_event(&ix, a->events[i], first + i);
		if (rc == TRACE_OK)
			rc = trace__private_store(a->l, txn, a->events[i], first + i);
		if (rc) {
			trace__error_prefix("event %zu of the batch", i);
			return rc;
		}
	}
	a->recalled = ix.recalled;	/* the last (committed) attempt's count */
	int rc = trace__indexer_finish(&ix);
	/* The keys of the sealed private values are durable before the rows commit. */
	return rc ? rc : trace__private_sync(a->l);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int trace__ledger_append(trace_ledger *l, uint64_t *first, trace_event *const *events, size_t n,
                         int64_t record_time_ms, uint64_t *recalled)
{
	if (l == NULL || (events == NULL && n))
		return trace__fail(TRACE_EINVAL, "trace_ledger_append: NULL argument");
	trace_buf *bufs = trace__calloc(n ? n : 1, sizeof *bufs);
	const uint8_t **ptrs = trace__calloc(n ? n : 1, sizeof *ptrs);
	size_t *lens = trace__calloc(n ? n : 1, sizeof *lens);
	int rc = bufs && ptrs && lens ? TRACE_OK : trace__oom();
	int64_t rt = record_time_ms == INT64_MIN ? now_ms() : record_time_ms;
	for (size_t i = 0; i < n && rc == TRACE_OK; i++) {
		if (events[i] == NULL) {
			rc = trace__fail(TRACE_EINVAL, "event %zu of the batch is NULL", i);
			break;
		}
		if (trace_event_record_time(events[i]) == INT64_MIN)
			rc = trace_event_set_record_time(events[i], rt);
		if (rc == TRACE_OK)
			rc = trace_event_encode(&bufs[i], events[i]);
		if (rc) {
			trace__error_prefix("event %zu of the batch", i);
			break;
		}
		ptrs[i] = bufs[i].ptr;
		lens[i] = bufs[i].size;
	}
	append_ctx ctx = { l, events, n, 0 };
	trace__append_hook hook = { index_batch, &ctx };
	if (rc == TRACE_OK)
		rc = trace__log_append_entries(l->log, first, ptrs, lens, n, &hook);
	if (rc == TRACE_OK && recalled)
		*recalled = ctx.recalled;
	for (size_t i = 0; bufs && i < n; i++)
		trace_buf_dispose(&bufs[i]);
	trace__free(bufs);
	trace__free(ptrs);
	trace__free(lens);
	return rc;
}

int trace_ledger_append(trace_ledger *l, uint64_t *first_index, trace_event *const *events,
                        size_t n, int64_t record_time_ms)
{
	return trace__ledger_append(l, first_index, events, n, record_time_ms, NULL);
}

int trace_ledger_event(trace_event **out, trace_ledger *l, uint64_t index)
{
	trace_buf e = TRACE_BUF_INIT;
	if (out == NULL || l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_event: NULL argument");
	*out = NULL;
	int rc = trace_log_entry(&e, l->log, index);
	if (rc)
		return rc;
	rc = trace_event_decode(out, e.ptr, e.size);
	if (rc) {
		trace__error_prefix("entry %llu of the ledger", (unsigned long long)index);
		rc = trace__error_stored(rc);
	}
	trace_buf_dispose(&e);
	return rc;
}

int trace__ledger_read(trace_ledger *l, trace__txn **out)
{
	return trace__txn_begin(out, trace__log_store(l->log), 0);
}

int trace__ledger_code_id(trace__txn *t, const char *text, uint64_t *id)
{
	char *canonical = NULL;
	int rc = trace__code_canonical(&canonical, text);
	if (rc)
		return rc;
	rc = trace__code_lookup(t, canonical, id);
	if (rc == TRACE_ENOTFOUND)
		rc = trace__fail(TRACE_ENOTFOUND, "code %s is not in this ledger", canonical);
	trace__free(canonical);
	return rc;
}

int trace_ledger_status(trace_ledger *l, const char *code, int *state, uint32_t *flags,
                        uint64_t *last_event)
{
	trace__txn *t;
	uint64_t id;
	trace__status s;
	if (l == NULL || code == NULL || state == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_status: NULL argument");
	int rc = trace__ledger_read(l, &t);
	if (rc)
		return rc;
	if ((rc = trace__ledger_code_id(t, code, &id)) == TRACE_OK &&
	    (rc = trace__status_get(t, id, &s)) == TRACE_OK) {
		/* A packed code moves with its containers: the latest move wins. */
		uint64_t child = id;
		for (int depth = 0; depth < 16; depth++) {
			uint8_t k[8];
			trace__val v;
			trace__status ps;
			trace__be64_put(k, child);
			if (trace__txn_get(t, DB_IX_PARENT, k, 8, &v) != TRACE_OK || v.size != 16)
				break;
			child = trace__be64_get(v.data);
			if (trace__status_get(t, child, &ps) != TRACE_OK)
				break;
			if (ps.last_event != NO_EVENT && (s.last_event == NO_EVENT || ps.last_event > s.last_event) &&
			    ps.state != TRACE_STATE_PACKED && !(s.flags & TRACE_FLAG_RECALLED)) {
				s.state = ps.state;
				s.last_event = ps.last_event;
			}
			s.flags |= ps.flags & TRACE_FLAG_RECALLED;
		}
		*state = s.state;
		if (flags)
			*flags = s.flags;
		if (last_event)
			*last_event = s.last_event;
	}
	trace__txn_abort(t);
	return rc;
}

int trace_ledger_event_declaration(trace_ledger *l, uint64_t index, uint64_t *declaration)
{
	trace__txn *t;
	if (l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_event_declaration: NULL ledger");
	int rc = trace__ledger_read(l, &t);
	if (rc)
		return rc;
	rc = trace__event_declaration(t, index, declaration);
	if (rc == TRACE_ENOTFOUND)
		rc = trace__fail(TRACE_ENOTFOUND, "event %llu was not declared erroneous", (unsigned long long)index);
	trace__txn_abort(t);
	return rc;
}

int trace_ledger_scans(trace_ledger *l, const char *code, uint64_t *count, int64_t *first_ms)
{
	trace__txn *t;
	uint64_t id;
	trace__status s;
	if (l == NULL || code == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_scans: NULL argument");
	int rc = trace__ledger_read(l, &t);
	if (rc)
		return rc;
	if ((rc = trace__ledger_code_id(t, code, &id)) == TRACE_OK &&
	    (rc = trace__status_get(t, id, &s)) == TRACE_OK) {
		if (count)
			*count = s.scans;
		if (first_ms)
			*first_ms = s.first_scan_ms;
	}
	trace__txn_abort(t);
	return rc;
}
