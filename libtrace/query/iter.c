/*
 * query/iter: query iterators.  Each holds one read transaction (a
 * consistent snapshot) and a few cursors; results are produced one at a
 * time, so memory does not grow with the ledger.
 *
 * A history merges the code's own events with those of each container it
 * was in, over the stay.  The stays (64 bytes each) are listed up front and
 * sorted by their start; only the stays that have begun and not ended (the
 * code's own, and the chain of containers it is in at that point) hold a
 * cursor, so a gas cylinder with thousands of delivery trips costs a few
 * cursors, not thousands.
 */
#include <stdlib.h>
#include <string.h>

#include "trace/error.h"
#include "query_internal.h"
#include "../event/event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

void trace_query_free(trace_query *q)
{
	if (q == NULL)
		return;
	trace__walk_free(q->walk);
	for (size_t i = 0; i < q->niv; i++)
		trace__cursor_close(q->iv[i].cur);
	trace__free(q->iv);
	trace__free(q->act);
	trace__free(q->via);
	trace__cursor_close(q->names);
	trace__cursor_close(q->assoc);
	trace__cursor_close(q->cur);
	if (!q->borrowed_txn)
		trace__txn_abort(q->txn);
	trace__where_free(q);
	trace__free(q->code);
	trace__free(q);
}

int trace__query_new(trace_query **out, trace_ledger *l, int kind)
{
	if (out == NULL || l == NULL)
		return trace__fail(TRACE_EINVAL, "query: NULL argument");
	*out = NULL;
	trace_query *q = trace__calloc(1, sizeof *q);
	if (q == NULL)
		return trace__oom();
	q->kind = kind;
	q->event = UINT64_MAX;
	int rc = trace__ledger_read(l, &q->txn);
	if (rc) {
		trace__free(q);
		return rc;
	}
	*out = q;
	return TRACE_OK;
}

static int add_interval(trace_query *q, interval iv)
{
	if (q->niv >= MAX_STAYS)
		return trace__fail(TRACE_ELIMIT, "history spans more than %d container stays", MAX_STAYS);
	int rc = trace__grow((void **)&q->iv, &q->cap_iv, q->niv, sizeof *q->iv);
	if (rc)
		return rc;
	q->iv[q->niv++] = iv;
	return TRACE_OK;
}

/* Adds the containers @id was in during [from, to), recursively. */
static int add_containers(trace_query *q, uint64_t id, uint64_t from, uint64_t to, unsigned depth)
{
	trace__cursor *c;
	uint8_t start[16];
	int rc = trace__cursor_open(&c, q->txn, DB_IX_CONTAINMENT);
	if (rc)
		return rc;
	/* Stays are keyed by their start: begin with the last one that started at
	 * or before @from (it may still be open then), and stop at @to. */
	trace__key2(start, id, from);
	trace__val k = { start, 16 }, v;
	rc = trace__cursor_get(c, TRACE__CUR_SEEK, &k, &v);
	if (from > 0 && (rc == TRACE_ENOTFOUND || (rc == TRACE_OK && (k.size != 16 || trace__be64_get(k.data) != id ||
	                                                              trace__be64_get((const uint8_t *)k.data + 8) > from)))) {
		trace__val pk, pv;
		int prc = rc == TRACE_ENOTFOUND ? trace__cursor_get(c, TRACE__CUR_LAST, &pk, &pv)
		                                : trace__cursor_get(c, TRACE__CUR_PREV, &pk, &pv);
		if (prc == TRACE_OK && pk.size == 16 && trace__be64_get(pk.data) == id) {
			k = pk;
			v = pv;
			rc = TRACE_OK;
		} else if (prc != TRACE_OK && prc != TRACE_ENOTFOUND) {
			rc = prc;
		} else if (rc == TRACE_OK) {
			/* No earlier stay of @id: go back to where the seek landed. */
			k = (trace__val){ start, 16 };
			rc = trace__cursor_get(c, TRACE__CUR_SEEK, &k, &v);
		}
	}
	for (; rc == TRACE_OK; rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v)) {
		if (k.size != 16 || trace__be64_get(k.data) != id || v.size != 16)
			break;
		uint64_t packed = trace__be64_get((const uint8_t *)k.data + 8);
		if (packed >= to)
			break;	/* this stay and all later ones start after the window */
		uint64_t parent = trace__be64_get(v.data), unpacked = trace__be64_get((const uint8_t *)v.data + 8);
		uint64_t lo = packed > from ? packed : from, hi = unpacked < to ? unpacked : to;
		if (lo >= hi)
			continue;
		if (depth >= MAX_NESTING) {
			rc = trace__fail(TRACE_ELIMIT, "containers nested more than %d deep", MAX_NESTING);
			break;
		}
		if ((rc = add_interval(q, (interval){ parent, lo, hi, lo, 0, 0, 0, 0, depth + 1, NULL })) ||
		    (rc = add_containers(q, parent, lo, hi, depth + 1)))
			break;
	}
	trace__cursor_close(c);
	return rc == TRACE_ENOTFOUND ? TRACE_OK : rc;
}

static int by_start(const void *a, const void *b)
{
	const interval *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return y->own - x->own;	/* the code's own stretch first */
}

int trace__history_start(trace_query *q, uint64_t id)
{
	int rc;
	q->last_emitted = NO_EVENT;
	if ((rc = add_interval(q, (interval){ id, 0, NO_EVENT, 0, 0, 0, 0, 1, 0, NULL })) ||
	    (rc = add_containers(q, id, 0, NO_EVENT, 0)))
		return rc;
	/* A code's stays follow one another (a move between containers overlaps
	 * them by the one moving event), and so do each container's, so at any
	 * event about two chains of containers are active. */
	qsort(q->iv, q->niv, sizeof *q->iv, by_start);
	return TRACE_OK;
}

int trace_query_history(trace_query **out, trace_ledger *l, const char *code)
{
	uint64_t id;
	int rc = trace__query_new(out, l, Q_HISTORY);
	if (rc)
		return rc;
	trace_query *q = *out;
	if (code == NULL)
		rc = trace__fail(TRACE_EINVAL, "history: no code given");
	/* Room for any code's name (indexed codes are at most 480 bytes), so that
	 * trace_query_via() names on demand and never fails for memory.  Histories
	 * inside other queries (where.c) never name one and skip this. */
	if (rc == TRACE_OK && (q->via = trace__malloc(CODE_NAME_MAX + 1)) == NULL)
		rc = trace__oom();
	q->via_cap = q->via ? CODE_NAME_MAX + 1 : 0;
	if (rc == TRACE_OK && (rc = trace__ledger_code_id(q->txn, code, &id)) == TRACE_OK)
		rc = trace__history_start(q, id);
	if (rc) {
		trace_query_free(q);
		*out = NULL;
	}
	return rc;
}

/* The next event of one interval at or after iv->next, or NO_EVENT.  An
 * interval moves on only after its event was taken: its own cursor's next
 * key, after one seek to its start. */
static int interval_peek(trace_query *q, interval *iv, uint64_t *idx)
{
	uint8_t start[16];
	*idx = NO_EVENT;
	if (iv->done)
		return TRACE_OK;
	if (iv->has_peek) {
		*idx = iv->peeked;
		return TRACE_OK;
	}
	trace__val k = { start, 16 }, v;
	int rc;
	if (iv->cur != NULL) {
		rc = trace__cursor_get(iv->cur, TRACE__CUR_NEXT, &k, &v);
	} else {
		if ((rc = trace__cursor_open(&iv->cur, q->txn, DB_IX_CODE_EVENTS)))
			return rc;
		trace__key2(start, iv->id, iv->next);
		rc = trace__cursor_get(iv->cur, TRACE__CUR_SEEK, &k, &v);
	}
	uint64_t e = NO_EVENT;
	if (rc == TRACE_OK && k.size == 16 && trace__be64_get(k.data) == iv->id)
		e = trace__be64_get((const uint8_t *)k.data + 8);
	else if (rc != TRACE_OK && rc != TRACE_ENOTFOUND)
		return rc;
	if (e == NO_EVENT || e >= iv->to) {
		iv->done = 1;	/* its cursor is released when it leaves the active set */
		return TRACE_OK;
	}
	*idx = iv->peeked = e;
	iv->has_peek = 1;
	return TRACE_OK;
}

/* The name of the code an event came through, into q->via (kept while it stays the same). */
static int via_name(trace_query *q, uint64_t id)
{
	const char *name;
	size_t len;
	if (q->has_via && q->via_id == id)
		return TRACE_OK;
	q->has_via = 0;
	int rc = trace__code_name(q->txn, id, &name, &len);
	if (rc == TRACE_ENOTFOUND)
		return trace__fail(TRACE_ECORRUPT, "code id %llu has no name", (unsigned long long)id);
	if (rc)
		return rc;
	if (len + 1 > q->via_cap)
		return trace__fail(TRACE_ECORRUPT, "code id %llu has a name of %zu bytes", (unsigned long long)id, len);
	memcpy(q->via, name, len);
	q->via[len] = '\0';
	q->via_id = id;
	q->has_via = 1;
	return TRACE_OK;
}

int trace__history_next(trace_query *q)
{
	for (;;) {
		uint64_t best = NO_EVENT;
		size_t which = 0;
		/* Drop finished stays; find the earliest pending event among the active ones. */
		for (size_t a = 0; a < q->nact;) {
			interval *iv = &q->iv[q->act[a]];
			uint64_t e;
			int rc = interval_peek(q, iv, &e);
			if (rc)
				return rc;
			if (iv->done) {
				trace__cursor_close(iv->cur);
				iv->cur = NULL;
				q->act[a] = q->act[--q->nact];
				continue;
			}
			/* One event can reach us through the item and its containers:
			 * the closest one is how it applies. */
			if (e < best || (e == best && iv->depth < q->iv[which].depth)) {
				best = e;
				which = q->act[a];
			}
			a++;
		}
		/* A stay that starts at or before that event may hold an earlier
		 * one, or the same one through a closer container. */
		if (q->next_iv < q->niv && q->iv[q->next_iv].from <= best) {
			int grc = trace__grow((void **)&q->act, &q->cap_act, q->nact, sizeof *q->act);
			if (grc)
				return grc;
			q->act[q->nact++] = q->next_iv++;
			continue;
		}
		if (best == NO_EVENT)
			return TRACE_ITEROVER;
		q->iv[which].next = best + 1;
		q->iv[which].has_peek = 0;
		if (best == q->last_emitted)
			continue;	/* already given through a closer stay */
		q->last_emitted = best;
		q->event = best;
		q->current = which;
		q->depth = q->iv[which].depth;
		q->via_want = q->iv[which].id;	/* named only if asked: trace_query_via() */
		return TRACE_OK;
	}
}

static int walk_query(trace_query **out, trace_ledger *l, const char *code, int direction)
{
	uint64_t id;
	int rc = trace__query_new(out, l, Q_WALK);
	if (rc)
		return rc;
	trace_query *q = *out;
	if (code == NULL)
		rc = trace__fail(TRACE_EINVAL, "trace: no code given");
	if (rc == TRACE_OK && (rc = trace__ledger_code_id(q->txn, code, &id)) == TRACE_OK) {
		rc = trace__walk_new(&q->walk, q->txn, direction, id);
		q->start_id = id;
		q->contents = direction == WALK_CONTENTS;
	}
	if (rc) {
		trace_query_free(q);
		*out = NULL;
	}
	return rc;
}

int trace_query_trace_back(trace_query **out, trace_ledger *l, const char *code)
{
	return walk_query(out, l, code, WALK_BACK);
}

int trace_query_trace_forward(trace_query **out, trace_ledger *l, const char *code)
{
	return walk_query(out, l, code, WALK_FORWARD);
}

int trace_query_contents(trace_query **out, trace_ledger *l, const char *code)
{
	return walk_query(out, l, code, WALK_CONTENTS);
}

int trace_query_by_time(trace_query **out, trace_ledger *l, int64_t from_ms, int64_t to_ms)
{
	int rc = trace__query_new(out, l, Q_TIME);
	if (rc)
		return rc;
	trace_query *q = *out;
	trace__key2(q->key, (uint64_t)from_ms ^ ((uint64_t)1 << 63), 0);
	q->key_len = 16;
	q->until = (uint64_t)to_ms ^ ((uint64_t)1 << 63);
	if ((rc = trace__cursor_open(&q->cur, q->txn, DB_IX_TIME))) {
		trace_query_free(q);
		*out = NULL;
	}
	return rc;
}

int trace_query_by_field(trace_query **out, trace_ledger *l, int field, const char *value)
{
	if (out)
		*out = NULL;	/* also when the value is refused before the query exists */
	if (field < TRACE_FIELD_PARTY || field > TRACE_FIELD_LOCATION || value == NULL)
		return trace__fail(TRACE_EINVAL, "query by field: unknown field %d or no value", field);
	/* Match the form events are stored in: canonical ids, short CBV values. */
	char *norm = NULL;
	int rc = field == TRACE_FIELD_BIZ_STEP ? trace__cbv_normalize(&norm, TRACE__CBV_BIZSTEP, value, "bizStep")
	       : field == TRACE_FIELD_DISPOSITION ? trace__cbv_normalize(&norm, TRACE__CBV_DISP, value, "disposition")
	       : trace__ev_canonical_id(&norm, value, field == TRACE_FIELD_PARTY ? "party" : "location");
	if (rc)
		return rc;
	value = norm;
	size_t n = strlen(value);
	if (n > 500)
		n = 500;	/* indexed by prefix, as the indexer stores it */
	rc = trace__query_new(out, l, Q_FIELD);
	if (rc) {
		trace__free(norm);
		return rc;
	}
	trace_query *q = *out;
	q->key[0] = (uint8_t)field;
	memcpy(q->key + 1, value, n);
	q->key[1 + n] = 0;
	q->prefix_len = q->key_len = n + 2;
	trace__free(norm);
	if ((rc = trace__cursor_open(&q->cur, q->txn, DB_IX_FIELD))) {
		trace_query_free(q);
		*out = NULL;
	}
	return rc;
}

/* Time and field queries: a range scan, resumed after the last key. */
static int scan_next(trace_query *q)
{
	trace__val k = { q->key, q->key_len }, v;
	int rc = trace__cursor_get(q->cur, q->started ? TRACE__CUR_NEXT : TRACE__CUR_SEEK, &k, &v);
	q->started = 1;
	if (rc)
		return rc == TRACE_ENOTFOUND ? TRACE_ITEROVER : rc;	/* past the table's last key */
	if (q->kind == Q_TIME) {
		if (k.size != 16 || trace__be64_get(k.data) >= q->until)
			return TRACE_ITEROVER;
		q->event = trace__be64_get((const uint8_t *)k.data + 8);
		return TRACE_OK;
	}
	if (k.size != q->prefix_len + 8 || memcmp(k.data, q->key, q->prefix_len) != 0)
		return TRACE_ITEROVER;
	q->event = trace__be64_get((const uint8_t *)k.data + q->prefix_len);
	return TRACE_OK;
}

/* The name of code @id into q->code (a buffer reused from result to result). */
static int walk_name(trace_query *q, uint64_t id)
{
	uint8_t k[8];
	trace__val key = { k, 8 }, v;
	int rc;
	if (q->names == NULL && (rc = trace__cursor_open(&q->names, q->txn, DB_CODE_NAMES)))
		return rc;
	trace__be64_put(k, id);
	if (q->names_valid && id == q->name_id + 1) {
		rc = trace__cursor_get(q->names, TRACE__CUR_NEXT, &key, &v);
	} else {
		rc = trace__cursor_get(q->names, TRACE__CUR_SEEK, &key, &v);
	}
	q->names_valid = rc == TRACE_OK && key.size == 8;
	if (q->names_valid)
		q->name_id = trace__be64_get(key.data);
	if (rc == TRACE_ENOTFOUND || (rc == TRACE_OK && (!q->names_valid || q->name_id != id)))
		return trace__fail(TRACE_ECORRUPT, "code id %llu has no name", (unsigned long long)id);
	if (rc)
		return rc;
	if (v.size + 1 > q->code_cap) {
		char *c = trace__realloc(q->code, v.size + 1);
		if (c == NULL)
			return trace__oom();
		q->code = c;
		q->code_cap = v.size + 1;
	}
	memcpy(q->code, v.data, v.size);
	q->code[v.size] = '\0';
	return TRACE_OK;
}

/* Contents, after the walk: the devices associated with the start (ix_assoc). */
static int assoc_next(trace_query *q, uint64_t *id)
{
	uint8_t start[16];
	trace__val k = { start, 16 }, v;
	int rc;
	if (!q->assoc_phase) {
		q->assoc_phase = 1;
		if ((rc = trace__cursor_open(&q->assoc, q->txn, DB_IX_ASSOC)))
			return rc;
		trace__key2(start, q->start_id, 0);
		rc = trace__cursor_get(q->assoc, TRACE__CUR_SEEK, &k, &v);
	} else {
		rc = trace__cursor_get(q->assoc, TRACE__CUR_NEXT, &k, &v);
	}
	if (rc)
		return rc;
	if (k.size != 16 || trace__be64_get(k.data) != q->start_id)
		return TRACE_ENOTFOUND;
	*id = trace__be64_get((const uint8_t *)k.data + 8);
	q->depth = 1;
	q->link = TRACE_LINK_ASSOCIATED;
	return TRACE_OK;
}

static int query_step(trace_query *q)
{
	switch (q->kind) {
	case Q_HISTORY:
		q->event = UINT64_MAX;
		return trace__history_next(q);
	case Q_WALK: {
		uint64_t id;
		int rc = q->assoc_phase ? TRACE_ENOTFOUND : trace__walk_next(q->walk, &id, &q->depth);
		q->link = rc == TRACE_OK && q->contents && q->depth ? TRACE_LINK_CONTAINED : TRACE_LINK_NONE;
		if (rc == TRACE_ENOTFOUND && q->contents)
			rc = assoc_next(q, &id);
		if (rc == TRACE_ENOTFOUND)
			rc = TRACE_ITEROVER;	/* the walk's (or the associations') own end */
		if (rc == TRACE_OK && (rc = walk_name(q, id)) == TRACE_OK)
			q->has_code = 1;
		q->event = UINT64_MAX;
		return rc;
	}
	case Q_WHERE:
		return trace__where_next(q);
	default:
		return scan_next(q);
	}
}

int trace_query_next(trace_query *q)
{
	if (q == NULL)
		return trace__fail(TRACE_EINVAL, "trace_query_next: NULL query");
	q->has_code = 0;
	int rc = query_step(q);
	if (rc == TRACE_ITEROVER)
		trace__fail_static(TRACE_ITEROVER, "the query has no more results");
	return rc;
}

uint64_t trace_query_event_index(const trace_query *q) { return q ? q->event : UINT64_MAX; }
const char *trace_query_code(const trace_query *q) { return q && q->has_code ? q->code : NULL; }
unsigned trace_query_depth(const trace_query *q) { return q ? q->depth : 0; }

const char *trace_query_via(const trace_query *q)
{
	if (q == NULL || q->kind != Q_HISTORY || q->event == UINT64_MAX)
		return NULL;
	/* The name is looked up on demand and kept while it stays the same: the
	 * cache is the query's own state, as a const accessor may keep it. */
	trace_query *m = (trace_query *)q;
	return via_name(m, q->via_want) == TRACE_OK ? q->via : NULL;
}

int trace_query_interval(const trace_query *q, uint64_t *from, uint64_t *to)
{
	uint64_t lo, hi;
	if (q == NULL || from == NULL || to == NULL)
		return trace__fail(TRACE_EINVAL, "trace_query_interval: NULL argument");
	if (q->kind == Q_HISTORY && q->event != UINT64_MAX && q->depth > 0) {
		lo = q->iv[q->current].from;
		hi = q->iv[q->current].to;
	} else if (q->kind == Q_WALK && q->has_code && trace__walk_stay(q->walk, &lo, &hi)) {
		;
	} else {
		return TRACE_ENOTFOUND;
	}
	/* Stays end after their unpacking event: report that event itself. */
	*from = lo;
	*to = hi == NO_EVENT ? UINT64_MAX : hi - 1;
	return TRACE_OK;
}

int trace_query_link(const trace_query *q) { return q && q->has_code ? q->link : TRACE_LINK_NONE; }

uint64_t trace_query_declaration(const trace_query *q)
{
	uint64_t d;
	if (q == NULL || q->event == UINT64_MAX || trace__event_declaration(q->txn, q->event, &d) != TRACE_OK) {
		trace_error_clear();
		return UINT64_MAX;
	}
	return d;
}
