/*
 * query/where: where a code's items went, or came from, in one query.
 *
 * The items are the code and everything trace forward reaches from it (a
 * lot's items, a container's contents, what was made from it).  Each
 * item's history, containers included, names the events that moved it; an
 * event counts the items it moved, and its destination (or source) parties
 * are the answer.  The rows are worked out when the query is made: their
 * number is the number of shipments, not of items.
 */
#include <stdlib.h>
#include <string.h>

#include "trace/error.h"
#include "query_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"

struct where_row {
	uint64_t event, count;
	size_t type, party;	/* offsets into q->arena */
};

/* A map from u64 keys to counts (open addressing; UINT64_MAX is a free slot). */
typedef struct count_map {
	uint64_t *key, *val;
	size_t cap, count;
} count_map;

static void map_free(count_map *m)
{
	trace__free(m->key);
	trace__free(m->val);
}

/* Adds @n to @k's count; *added says whether @k is new.  -1 when out of memory. */
static int map_add(count_map *m, uint64_t k, uint64_t n, int *added)
{
	if (m->count * 2 >= m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		uint64_t *nk = trace__malloc(cap * sizeof *nk), *nv = trace__malloc(cap * sizeof *nv);
		if (nk == NULL || nv == NULL) {
			trace__free(nk);
			trace__free(nv);
			return -1;
		}
		memset(nk, 0xff, cap * sizeof *nk);
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i] != UINT64_MAX) {
				size_t j = (size_t)(m->key[i] * 0x9e3779b97f4a7c15ull) & (cap - 1);
				while (nk[j] != UINT64_MAX)
					j = (j + 1) & (cap - 1);
				nk[j] = m->key[i];
				nv[j] = m->val[i];
			}
		map_free(m);
		m->key = nk;
		m->val = nv;
		m->cap = cap;
	}
	size_t j = (size_t)(k * 0x9e3779b97f4a7c15ull) & (m->cap - 1);
	while (m->key[j] != UINT64_MAX && m->key[j] != k)
		j = (j + 1) & (m->cap - 1);
	*added = m->key[j] == UINT64_MAX;
	if (*added) {
		m->key[j] = k;
		m->val[j] = 0;
		m->count++;
	}
	m->val[j] += n;
	return 0;
}

void trace__where_free(trace_query *q)
{
	trace__free(q->rows);
	trace__free(q->arena);
}

/* Counts, for every event in @id's history, one more item it applies to. */
static int count_history(trace_query *q, uint64_t id, count_map *events)
{
	trace_query *h = trace__calloc(1, sizeof *h);
	int rc, added;
	if (h == NULL)
		return trace__oom();
	h->kind = Q_HISTORY;
	h->txn = q->txn;
	h->borrowed_txn = 1;
	if ((rc = trace__history_start(h, id)) == TRACE_OK)
		while ((rc = trace__history_next(h)) == TRACE_OK)
			if (map_add(events, h->event, 1, &added) < 0) {
				rc = trace__oom();
				break;
			}
	trace_query_free(h);
	return rc == TRACE_ITEROVER ? TRACE_OK : rc;
}

static int by_event(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Event @idx of the log, decoded.  Running out of memory stays
 * TRACE_ENOMEM; anything else wrong with a logged entry is corruption. */
/* One row per party of the wanted kind that event @idx names. */
static int add_rows(trace_query *q, trace_ledger *l, uint64_t idx, uint64_t count, int kind, trace__sbuf *arena,
                    size_t *cap)
{
	trace_event *ev;
	int rc = trace_ledger_event(&ev, l, idx);
	if (rc)
		return rc;
	size_t n = trace_event_party_count(ev, kind);
	for (size_t i = 0; i < n && rc == TRACE_OK; i++) {
		const char *type = NULL, *id = NULL;
		if ((rc = trace_event_party(ev, kind, i, &type, &id)))
			break;
		if ((rc = trace__grow((void **)&q->rows, cap, q->nrows, sizeof *q->rows)))
			break;
		struct where_row *r = &q->rows[q->nrows++];
		r->event = idx;
		r->count = count;
		r->type = arena->len;
		trace__sbuf_puts(arena, type ? type : "");
		trace__sbuf_putc(arena, '\0');
		r->party = arena->len;
		trace__sbuf_puts(arena, id ? id : "");
		trace__sbuf_putc(arena, '\0');
	}
	trace_event_free(ev);
	if (rc == TRACE_OK && arena->oom)
		rc = trace__oom();
	return rc;
}

static int where_build(trace_query *q, trace_ledger *l, uint64_t start, int kind)
{
	count_map items = { 0 }, events = { 0 };
	trace__walk *w = NULL;
	trace__sbuf arena = TRACE__SBUF_INIT;
	uint64_t *order = NULL, id;
	unsigned depth;
	size_t cap = 0;
	int rc = trace__walk_new(&w, q->txn, WALK_FORWARD, start), added;
	/* Each item once, however many links reach it. */
	while (rc == TRACE_OK && (rc = trace__walk_next(w, &id, &depth)) == TRACE_OK) {
		if (map_add(&items, id, 1, &added) < 0)
			rc = trace__oom();
		else if (added)
			rc = count_history(q, id, &events);
	}
	if (rc == TRACE_ENOTFOUND)
		rc = TRACE_OK;
	trace__walk_free(w);
	if (rc == TRACE_OK && events.count && (order = trace__malloc(events.count * 2 * sizeof *order)) == NULL)
		rc = trace__oom();
	if (rc == TRACE_OK) {
		size_t n = 0;
		for (size_t i = 0; i < events.cap; i++)
			if (events.key[i] != UINT64_MAX) {
				order[2 * n] = events.key[i];
				order[2 * n + 1] = events.val[i];
				n++;
			}
		qsort(order, n, 2 * sizeof *order, by_event);
		for (size_t i = 0; i < n && rc == TRACE_OK; i++)
			rc = add_rows(q, l, order[2 * i], order[2 * i + 1], kind, &arena, &cap);
	}
	trace__free(order);
	map_free(&items);
	map_free(&events);
	if (rc) {
		trace__sbuf_free(&arena);
		return rc;
	}
	q->arena = (char *)arena.p;	/* the sbuf's bytes, freed with trace__free */
	return TRACE_OK;
}

int trace_query_where(trace_query **out, trace_ledger *l, const char *code, int direction)
{
	uint64_t id;
	if (out == NULL || l == NULL || code == NULL)
		return trace__fail(TRACE_EINVAL, "trace_query_where: NULL argument");
	*out = NULL;
	if (direction != TRACE_WHERE_TO && direction != TRACE_WHERE_FROM)
		return trace__fail(TRACE_EINVAL, "trace_query_where: direction %d is neither TRACE_WHERE_TO nor "
		                   "TRACE_WHERE_FROM", direction);
	int rc = trace__query_new(out, l, Q_WHERE);
	if (rc)
		return rc;
	trace_query *q = *out;
	if ((rc = trace__ledger_code_id(q->txn, code, &id)) == TRACE_OK)
		rc = where_build(q, l, id, direction == TRACE_WHERE_TO ? TRACE_PARTY_DESTINATION : TRACE_PARTY_SOURCE);
	if (rc) {
		trace_query_free(q);
		*out = NULL;
	}
	return rc;
}

int trace__where_next(trace_query *q)
{
	if (q->next_row >= q->nrows) {
		q->event = UINT64_MAX;
		return TRACE_ITEROVER;
	}
	q->event = q->rows[q->next_row++].event;
	return TRACE_OK;
}

const char *trace_query_party(const trace_query *q, const char **type)
{
	if (q == NULL || q->kind != Q_WHERE || q->next_row == 0 || q->event == UINT64_MAX)
		return NULL;
	const struct where_row *r = &q->rows[q->next_row - 1];
	if (type)
		*type = q->arena + r->type;
	return q->arena + r->party;
}

uint64_t trace_query_count(const trace_query *q)
{
	if (q == NULL || q->kind != Q_WHERE || q->next_row == 0 || q->event == UINT64_MAX)
		return 0;
	return q->rows[q->next_row - 1].count;
}
