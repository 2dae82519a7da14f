/*
 * query/issue: issuing codes into an event ledger.  The issuer hands codes
 * out chunk by chunk; each chunk becomes one ObjectEvent ADD (split into as
 * many entries as it needs), appended in one durable transaction, and only
 * then are its codes passed to the caller: a code a caller has seen is in
 * the ledger.
 */
#include <string.h>

#include "trace/code.h"
#include "trace/error.h"
#include "ledger_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define ISSUE_CHUNK 20000

typedef struct issued {
	char *code, *serial;
	uint64_t seq;
} issued;

typedef struct issue_ctx {
	trace_ledger *l;
	const char *lot;
	int64_t time_ms;
	int tz;
	unsigned flags;
	trace_issue_fn fn;
	void *payload;
	issued *chunk;
	size_t n;
	uint64_t first, events;
	int rc;			/* a failure of ours inside the issuer's callback */
	int stopped;		/* the caller's callback asked to stop */
} issue_ctx;

typedef struct parts {
	trace_event **v;
	size_t n, cap;
} parts;

static int keep_part(trace_event *ev, void *payload)
{
	parts *p = payload;
	if (trace__grow((void **)&p->v, &p->cap, p->n, sizeof *p->v)) {
		trace_event_free(ev);
		return -1;
	}
	p->v[p->n++] = ev;
	return 0;
}

static void drop_chunk(issue_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		trace__free(c->chunk[i].code);
		trace__free(c->chunk[i].serial);
	}
	c->n = 0;
}

/* The chunk as events: CBV encoding/encoded, or commissioning/active. */
static int chunk_event(trace_event **out, const issue_ctx *c)
{
	int commission = (c->flags & TRACE_ISSUE_COMMISSION) != 0;
	trace_event *ev;
	int rc = trace_event_new(&ev, TRACE_EVENT_OBJECT);
	if (rc)
		return rc;
	if ((rc = trace_event_set_time(ev, c->time_ms, c->tz)) == TRACE_OK &&
	    (rc = trace_event_set_action(ev, TRACE_ACTION_ADD)) == TRACE_OK &&
	    (rc = trace_event_set_biz_step(ev, commission ? "commissioning" : "encoding")) == TRACE_OK &&
	    (rc = trace_event_set_disposition(ev, commission ? "active" : "encoded")) == TRACE_OK && c->lot)
		rc = trace_event_set_lot(ev, c->lot, INT64_MIN, INT64_MIN);
	for (size_t i = 0; rc == TRACE_OK && i < c->n; i++)
		rc = trace_event_add_code(ev, TRACE_ROLE_ITEM, c->chunk[i].code);
	if (rc) {
		trace_event_free(ev);
		return rc;
	}
	*out = ev;
	return TRACE_OK;
}

/* Records the chunk, then hands its codes out. */
static int flush(issue_ctx *c)
{
	if (c->n == 0)
		return TRACE_OK;
	trace_event *ev = NULL;
	parts p = { NULL, 0, 0 };
	uint64_t first = 0;
	int rc = chunk_event(&ev, c);
	if (rc == TRACE_OK && (rc = trace_event_split(ev, 0, keep_part, &p)) == TRACE_EUSER)
		rc = trace__oom();	/* keep_part fails only for memory */
	if (rc == TRACE_OK)
		rc = trace_ledger_append(c->l, &first, p.v, p.n, INT64_MIN);
	if (rc == TRACE_OK) {
		if (c->events == 0)
			c->first = first;
		c->events += p.n;
	}
	for (size_t i = 0; i < p.n; i++)
		trace_event_free(p.v[i]);
	trace__free(p.v);
	trace_event_free(ev);
	for (size_t i = 0; rc == TRACE_OK && i < c->n && !c->stopped; i++)
		if (c->fn && c->fn(c->chunk[i].code, c->chunk[i].serial, c->chunk[i].seq, c->payload))
			c->stopped = 1;
	drop_chunk(c);
	return rc;
}

static int collect(const char *code, const char *serial, uint64_t seq, void *payload)
{
	issue_ctx *c = payload;
	issued *it = &c->chunk[c->n];
	if ((it->code = trace__strdup(code)) == NULL || (it->serial = trace__strdup(serial)) == NULL) {
		trace__free(it->code);
		c->rc = trace__oom();
		return -1;
	}
	it->seq = seq;
	if (++c->n == ISSUE_CHUNK && (c->rc = flush(c)) != TRACE_OK)
		return -1;
	return c->stopped ? -1 : 0;
}

int trace_ledger_issue(uint64_t *first_event_out, uint64_t *events_out, trace_ledger *l, trace_issuer *is,
                       const char *gtin, const char *lot, const char *prefix, uint64_t count,
                       int64_t time_ms, int tz_offset_minutes, unsigned flags, trace_issue_fn fn,
                       void *payload)
{
	if (first_event_out)
		*first_event_out = 0;
	if (events_out)
		*events_out = 0;
	if (l == NULL || is == NULL || ((gtin == NULL) == (prefix == NULL)) || ((gtin == NULL) != (lot == NULL)))
		return trace__fail(TRACE_EINVAL, "trace_ledger_issue: a ledger, an issuer, and either a GTIN with a lot "
		                   "or a native prefix are needed");
	if (flags & ~(unsigned)TRACE_ISSUE_COMMISSION)
		return trace__fail(TRACE_EINVAL, "trace_ledger_issue: unknown flags 0x%x", flags);
	issue_ctx c = { l, lot, time_ms, tz_offset_minutes, flags, fn, payload, NULL, 0, 0, 0, TRACE_OK, 0 };
	if (time_ms == INT64_MIN)
		return trace__fail(TRACE_EINVAL, "trace_ledger_issue: the events need a time");
	size_t cap = count < ISSUE_CHUNK ? (size_t)count : ISSUE_CHUNK;
	if (cap && (c.chunk = trace__calloc(cap, sizeof *c.chunk)) == NULL)
		return trace__oom();
	int rc = gtin ? trace_issuer_issue_gs1(is, gtin, lot, count, collect, &c)
	              : trace_issuer_issue_native(is, prefix, count, collect, &c);
	if (rc == TRACE_EUSER && c.rc)
		rc = c.rc;	/* ours, not the caller's: its message stands */
	if (rc == TRACE_OK)
		rc = flush(&c);
	if (rc == TRACE_OK && c.stopped)
		rc = trace__fail(TRACE_EUSER, "code issue: the callback stopped (the codes recorded so far are issued)");
	drop_chunk(&c);
	trace__free(c.chunk);
	if (first_event_out)
		*first_event_out = c.first;
	if (events_out)
		*events_out = c.events;
	return rc;
}
