/*
 * event/split: events larger than a log entry (docs/FORMAT.md §3.10.6) are
 * cut into parts of the same kind that differ only in one list.  Each part is
 * measured by encoding a shallow view of the event with a sub-range of that
 * list, then materialised by decoding those bytes.
 */
#include <string.h>

#include "trace/log.h"
#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

/* A shallow view of @ev whose split lists hold [c0, c1) codes and [q0, q1) quantities. */
static trace_event view(const trace_event *ev, int role, size_t c0, size_t c1, size_t q0, size_t q1)
{
	trace_event v = *ev;
	v.codes[role].v = ev->codes[role].v ? ev->codes[role].v + c0 : NULL;
	v.codes[role].n = c1 - c0;
	v.qty[role].v = ev->qty[role].v ? ev->qty[role].v + q0 : NULL;
	v.qty[role].n = q1 - q0;
	return v;
}

/* The size @v will have in the log: appending adds a recordTime to an event
 * without one, so it is measured with the widest one (a 9-byte integer). */
static int encoded_size(size_t *out, const trace_event *v)
{
	trace_buf b = TRACE_BUF_INIT;
	trace_event m = *v;
	if (m.record_time == TRACE__EV_NO_TIME)
		m.record_time = TRACE__EV_TIME_MAX;
	int rc = trace__ev_encode(&b, &m, 0);
	*out = b.size;
	trace_buf_dispose(&b);
	return rc;
}

/* Decodes @v's bytes into a new event and gives it the cleartext of @ev's private fields. */
static int materialise(trace_event **out, const trace_event *ev, const trace_event *v)
{
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace__ev_encode(&b, v, 1);
	if (rc == TRACE_OK)
		rc = trace__event_decode(out, b.ptr, b.size, TRACE__EV_DECODE_TRUST_IDS);
	trace_buf_dispose(&b);
	for (size_t i = 0; rc == TRACE_OK && i < ev->n_priv; i++) {
		trace__priv *p = &(*out)->priv[i];
		if (!ev->priv[i].has_clear)
			continue;
		if ((p->value = trace__strdup(ev->priv[i].value)) == NULL) {
			trace_event_free(*out);
			*out = NULL;
			return trace__oom();
		}
		memcpy(p->salt, ev->priv[i].salt, TRACE__EV_SALT);
		p->has_clear = 1;
	}
	return rc;
}

int trace_event_split(const trace_event *ev, size_t max_size,
                      int (*cb)(trace_event *part, void *payload), void *payload)
{
	if (ev == NULL || cb == NULL)
		return trace__fail(TRACE_EINVAL, "event split: NULL argument");
	if (max_size == 0)
		max_size = TRACE_LOG_MAX_ENTRY;
	if (max_size < 64 || max_size > TRACE_LOG_MAX_ENTRY)
		return trace__fail(TRACE_EINVAL, "event split: part size %zu is outside 64..%d", max_size,
		                   TRACE_LOG_MAX_ENTRY);
	int rc = trace__ev_validate(ev, 0);
	if (rc)
		return rc;
	int role = ev->type == TRACE_EVENT_TRANSFORMATION ? TRACE_ROLE_OUTPUT : TRACE_ROLE_ITEM;
	size_t nc = ev->codes[role].n, nq = ev->qty[role].n, total = nc + nq;
	size_t whole;
	if ((rc = encoded_size(&whole, ev)))
		return rc;
	trace_event *part = NULL;
	if (whole <= max_size) {
		trace_event v = *ev;
		if ((rc = materialise(&part, ev, &v)))
			return rc;
		return cb(part, payload) ? trace__fail(TRACE_EUSER, "event split: the callback stopped") : TRACE_OK;
	}
	if (total == 0)
		return trace__fail(TRACE_ELIMIT, "event split: the event is %zu bytes, over %zu, and has no %s to divide",
		                   whole, max_size, role == TRACE_ROLE_OUTPUT ? "outputs" : "items");
	/* A ledger's eventIDs are unique (docs/FORMAT.md §2.9.5): parts sharing one
	 * would be refused at the second, after the first was recorded. */
	if (trace_event_id(ev) != NULL)
		return trace__fail(TRACE_EINVAL, "event split: the event has eventID %.100s and needs several parts, "
		                   "which cannot share it: give each part its own eventID", trace_event_id(ev));
	/* Greedy: grow each part one unit (a code, then the quantities) at a time,
	 * doubling then bisecting the count, so a part is as large as fits. */
	size_t start = 0;
	while (start < total) {
		size_t lo = 0, hi = 1, size;
		for (;;) {
			size_t end = start + hi > total ? total : start + hi;
			trace_event v = view(ev, role, start < nc ? start : nc, end < nc ? end : nc,
			                     start > nc ? start - nc : 0, end > nc ? end - nc : 0);
			if ((rc = encoded_size(&size, &v)))
				return rc;
			if (size > max_size)
				break;
			lo = end - start;
			if (end == total)
				break;
			hi *= 2;
		}
		if (lo == 0)
			return trace__fail(TRACE_ELIMIT, "event split: one item with the other fields is %zu bytes, over %zu",
			                   size, max_size);
		if (start + lo < total && lo < hi) {
			size_t a = lo, b = hi; /* a fits, b does not */
			while (b - a > 1) {
				size_t m = a + (b - a) / 2, end = start + m > total ? total : start + m;
				trace_event v = view(ev, role, start < nc ? start : nc, end < nc ? end : nc,
				                     start > nc ? start - nc : 0, end > nc ? end - nc : 0);
				if ((rc = encoded_size(&size, &v)))
					return rc;
				if (size <= max_size)
					a = m;
				else
					b = m;
			}
			lo = a;
		}
		size_t end = start + lo;
		trace_event v = view(ev, role, start < nc ? start : nc, end < nc ? end : nc,
		                     start > nc ? start - nc : 0, end > nc ? end - nc : 0);
		if ((rc = materialise(&part, ev, &v)))
			return rc;
		if (cb(part, payload))
			return trace__fail(TRACE_EUSER, "event split: the callback stopped at the part from item %zu", start);
		start = end;
	}
	return TRACE_OK;
}
