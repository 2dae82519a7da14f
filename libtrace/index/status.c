/*
 * index/status: each code's state machine.  Impossible moves (a second
 * sale, selling a recalled or expired code, moving a destroyed one) are
 * recorded and flagged, never refused — the evidence must be kept; only a
 * safety interlock (filling a scrapped or overdue cylinder) refuses.
 */
#include <string.h>

#include "trace/error.h"
#include "index_internal.h"
#include "walk.h"
#include "../error_internal.h"

void trace__ledger_params_default(trace__ledger_params *p)
{
	p->max_skew_ms = 5 * 60 * 1000;
	p->undo_window_ms = (int64_t)10 * 24 * 3600 * 1000;
	p->fill_interlock = 1;
	p->scan_limit = 20;
}

static void put64(uint8_t *p, uint64_t v) { trace__be64_put(p, v); }
static uint64_t get64(const uint8_t *p) { return trace__be64_get(p); }

int trace__status_get(trace__txn *t, uint64_t id, trace__status *out)
{
	uint8_t k[8];
	trace__val v;
	trace__be64_put(k, id);
	memset(out, 0, sizeof *out);
	out->last_event = NO_EVENT;
	out->first_scan_ms = INT64_MIN;
	out->decommissioned_ms = INT64_MIN;
	out->expiry_ms = INT64_MIN;
	int rc = trace__txn_get(t, DB_STATUS, k, 8, &v);
	if (rc)
		return rc;
	if (v.size != STATUS_SIZE)
		return trace__fail(TRACE_ECORRUPT, "status of code id %llu is damaged", (unsigned long long)id);
	const uint8_t *p = v.data;
	out->state = p[0];
	out->flags = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	out->last_event = get64(p + 8);
	out->scans = get64(p + 16);
	out->first_scan_ms = (int64_t)get64(p + 24);
	out->decommissioned_ms = (int64_t)get64(p + 32);
	out->expiry_ms = (int64_t)get64(p + 40);
	return TRACE_OK;
}

int trace__status_put(trace__txn *t, uint64_t id, const trace__status *s)
{
	uint8_t k[8], p[STATUS_SIZE] = { 0 };
	trace__be64_put(k, id);
	p[0] = (uint8_t)s->state;
	p[4] = (uint8_t)(s->flags >> 24);
	p[5] = (uint8_t)(s->flags >> 16);
	p[6] = (uint8_t)(s->flags >> 8);
	p[7] = (uint8_t)s->flags;
	put64(p + 8, s->last_event);
	put64(p + 16, s->scans);
	put64(p + 24, (uint64_t)s->first_scan_ms);
	put64(p + 32, (uint64_t)s->decommissioned_ms);
	put64(p + 40, (uint64_t)s->expiry_ms);
	return trace__txn_put(t, DB_STATUS, k, 8, p, STATUS_SIZE, 0);
}

static int terminal(int state)
{
	return state == TRACE_STATE_SOLD || state == TRACE_STATE_DESTROYED;
}

int trace__status_apply(trace__indexer *ix, uint64_t id, const trace_event *ev, uint64_t idx,
                        int role, const char *code)
{
	trace__status s;
	int rc = trace__status_get(ix->txn, id, &s);
	if (rc && rc != TRACE_ENOTFOUND)
		return rc;
	/* Transitions come from the table, on CBV names alone (status_table.c). */
	if (!ix->rule_valid || ix->rule_idx != idx || ix->rule_role != role) {
		ix->rule = trace__status_match(ev, role);
		ix->rule_idx = idx;
		ix->rule_role = role;
		ix->rule_valid = 1;
	}
	const trace__status_rule *rule = ix->rule;
	int64_t t = trace_event_time(ev);
	int before = s.state, next = s.state;
	int fx = rule ? rule->next : before == TRACE_STATE_UNKNOWN ? TRACE_STATE_ACTIVE : TRACE__NEXT_KEEP;

	if (ix->params->max_skew_ms >= 0 && trace_event_record_time(ev) != INT64_MIN &&
	    t > trace_event_record_time(ev) + ix->params->max_skew_ms)
		s.flags |= TRACE_FLAG_CLOCK_SKEW;

	if (fx == TRACE__NEXT_FILL) {
		int overdue = s.expiry_ms != INT64_MIN && t > s.expiry_ms;
		/* A recomputation replays accepted events: the interlock held then. */
		if (ix->params->fill_interlock && !ix->replaying &&
		    (s.state == TRACE_STATE_DESTROYED || s.state == TRACE_STATE_EXPIRED || overdue))
			return trace__fail(TRACE_EREFUSED, "refusing to fill %s: it is %s (safety interlock)",
			                   code ? code : "a unit", overdue ? "overdue for inspection" : trace_code_state_name(s.state));
		fx = before == TRACE_STATE_UNKNOWN ? TRACE_STATE_ACTIVE : TRACE__NEXT_KEEP;
	}
	if (fx == TRACE__NEXT_SCAN) {
		/* Scans count, but do not move the code. */
		if (s.scans++ == 0)
			s.first_scan_ms = t;
		if (s.scans > ix->params->scan_limit)
			s.flags |= TRACE_FLAG_MANY_SCANS;
		return trace__status_put(ix->txn, id, &s);
	}
	/* Only a row's own move has side effects: a kept state is no new commissioning. */
	int kept = fx == TRACE__NEXT_KEEP;
	if (kept)
		fx = before == TRACE_STATE_UNKNOWN ? TRACE_STATE_ACTIVE : before;
	next = fx;

	switch (kept ? TRACE__NEXT_KEEP : next) {
	case TRACE_STATE_ISSUED:
		/* Issuance: the code exists (printed or encoded) but is not yet on a unit. */
		if (before != TRACE_STATE_UNKNOWN) {
			s.flags |= TRACE_FLAG_IMPOSSIBLE_MOVE;	/* issued twice, or after use */
			next = before;
		}
		break;
	case TRACE_STATE_COMMISSIONED: {
		if (before == TRACE_STATE_DECOMMISSIONED && s.decommissioned_ms != INT64_MIN &&
		    t - s.decommissioned_ms > ix->params->undo_window_ms)
			s.flags |= TRACE_FLAG_LATE_UNDO;
		else if (before != TRACE_STATE_UNKNOWN && before != TRACE_STATE_ISSUED && before != TRACE_STATE_DECOMMISSIONED)
			s.flags |= TRACE_FLAG_IMPOSSIBLE_MOVE;
		int64_t expiry;
		trace_event_lot_dates(ev, NULL, &expiry);
		if (expiry != INT64_MIN)
			s.expiry_ms = expiry;	/* also "next inspection due" for equipment */
		break;
	}
	case TRACE_STATE_SOLD:
	case TRACE_STATE_SPLIT_SOLD:
		if (before == TRACE_STATE_SOLD || before == TRACE_STATE_SPLIT_SOLD)
			s.flags |= TRACE_FLAG_DOUBLE_SALE;
		if (before == TRACE_STATE_RECALLED || before == TRACE_STATE_EXPIRED || (s.flags & TRACE_FLAG_RECALLED))
			s.flags |= TRACE_FLAG_SOLD_RECALLED;
		break;
	case TRACE_STATE_DECOMMISSIONED:
		s.decommissioned_ms = t;
		break;
	case TRACE_STATE_RECALLED:
		s.flags |= TRACE_FLAG_RECALLED;
		break;
	default:
		break;
	}
	if (terminal(before) && next != before && !(s.flags & TRACE_FLAG_DOUBLE_SALE) &&
	    next != TRACE_STATE_RETURNED && next != TRACE_STATE_RECALLED)
		s.flags |= TRACE_FLAG_IMPOSSIBLE_MOVE;
	/* A recalled code stays recalled until a later sale is flagged. */
	if ((s.flags & TRACE_FLAG_RECALLED) && next != TRACE_STATE_SOLD && next != TRACE_STATE_SPLIT_SOLD &&
	    next != TRACE_STATE_DESTROYED && next != TRACE_STATE_RETURNED)
		next = TRACE_STATE_RECALLED;
	/* last_event is the last event that moved the code: an event that kept
	 * its state (an inspection, an association) is not one. */
	if (!kept || next != before)
		s.last_event = idx;
	s.state = next;
	return trace__status_put(ix->txn, id, &s);
}

int trace__recall_mark(trace__indexer *ix, uint64_t id, uint64_t idx)
{
	trace__walk *w;
	uint64_t node;
	unsigned depth;
	uint8_t k[8], v[8];
	int rc = trace__walk_new(&w, ix->txn, WALK_FORWARD, id);
	if (rc)
		return rc;
	trace__be64_put(v, idx);
	while ((rc = trace__walk_next(w, &node, &depth)) == TRACE_OK) {
		trace__status s;
		if ((rc = trace__status_get(ix->txn, node, &s)) && rc != TRACE_ENOTFOUND)
			break;
		s.flags |= TRACE_FLAG_RECALLED;
		/* Sold units stay sold (the flag says they were recalled). */
		if (s.state != TRACE_STATE_SOLD && s.state != TRACE_STATE_SPLIT_SOLD && s.state != TRACE_STATE_DESTROYED)
			s.state = TRACE_STATE_RECALLED;
		s.last_event = idx;
		trace__be64_put(k, node);
		if ((rc = trace__status_put(ix->txn, node, &s)) ||
		    (rc = trace__txn_put(ix->txn, DB_RECALLS, k, 8, v, 8, 0)))
			break;
		ix->recalled++;
	}
	trace__walk_free(w);
	return rc == TRACE_ENOTFOUND ? TRACE_OK : rc;
}

const char *trace_code_state_name(int state)
{
	static const char *const names[] = {
		"unknown", "issued", "commissioned", "active", "packed", "in_transit", "received",
		"sold", "split_sold", "returned", "recalled", "expired", "destroyed", "decommissioned",
		"consumed",
	};
	return state >= 0 && state < (int)(sizeof names / sizeof names[0]) ? names[state] : "unknown";
}
