/*
 * index/walk: trace forward, trace back and contents as iterative
 * depth-first walks.  Each level keeps (node, edge kind, last child), so
 * memory grows with depth, not with the number of codes found.  Codes that
 * transformation links can reach twice are remembered to report them once.
 *
 * Each level has its own cursor per edge table, so a node's next child is
 * the cursor's next key rather than a new descent from the root, and a leaf
 * whose id falls below the key its level's cursor last landed on (the items
 * of a lot have consecutive ids) is known to have no edges without a seek.
 */
#include <string.h>

#include "trace/error.h"
#include "walk.h"
#include "../error_internal.h"
#include "../util/alloc.h"

/* Edges by direction: multi-valued (prefix scans) or single (one value). */
typedef struct edge {
	int db;
	int single;
	int dedup;
} edge;

static const edge forward_edges[] = { { DB_IX_TRANSFORM_FWD, 0, 1 }, { DB_IX_LOT_ITEMS, 0, 0 }, { DB_IX_CHILDREN, 0, 0 } };
static const edge back_edges[] = { { DB_IX_TRANSFORM_BACK, 0, 1 }, { DB_IX_ITEM_LOT, 1, 1 }, { DB_IX_PARENT, 1, 1 } };
static const edge contents_edges[] = { { DB_IX_CHILDREN, 0, 0 } };

typedef struct frame {
	uint64_t node, last;
	unsigned edge;
	int started;
} frame;

/* A cursor of one level on one edge table, and where it stands. */
typedef struct level_cursor {
	trace__cursor *cur;
	int valid;		/* the fields below describe the cursor: */
	uint64_t from_node;	/* it last moved from a key of this node ... */
	int at_end;		/* ... past the last key, */
	uint64_t at_node, at_child;	/* or to this one: no key lies between */
} level_cursor;

struct trace__walk {
	trace__txn *txn;
	level_cursor cur[WALK_MAX_DEPTH + 1][3];
	const edge *edges;
	unsigned nedges;
	frame stack[WALK_MAX_DEPTH + 1];
	unsigned depth;
	int begun;
	uint64_t *seen;	/* codes reached by dedup edges (open addressing) */
	size_t seen_cap, seen_count;
};

static int seen_add(trace__walk *w, uint64_t id)	/* 1 if new */
{
	if (w->seen_count * 2 >= w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
		uint64_t *n = trace__malloc(cap * sizeof *n);
		if (n == NULL)
			return -1;
		memset(n, 0xff, cap * sizeof *n);
		for (size_t i = 0; i < w->seen_cap; i++)
			if (w->seen[i] != UINT64_MAX) {
				size_t j = (size_t)(w->seen[i] * 0x9e3779b97f4a7c15ull) & (cap - 1);
				while (n[j] != UINT64_MAX)
					j = (j + 1) & (cap - 1);
				n[j] = w->seen[i];
			}
		trace__free(w->seen);
		w->seen = n;
		w->seen_cap = cap;
	}
	size_t j = (size_t)(id * 0x9e3779b97f4a7c15ull) & (w->seen_cap - 1);
	while (w->seen[j] != UINT64_MAX) {
		if (w->seen[j] == id)
			return 0;
		j = (j + 1) & (w->seen_cap - 1);
	}
	w->seen[j] = id;
	w->seen_count++;
	return 1;
}

int trace__walk_new(trace__walk **out, trace__txn *t, int direction, uint64_t start)
{
	trace__walk *w = trace__calloc(1, sizeof *w);
	int rc = TRACE_OK;
	if (w == NULL)
		return trace__oom();
	w->txn = t;
	w->edges = direction == WALK_FORWARD ? forward_edges : direction == WALK_BACK ? back_edges : contents_edges;
	w->nedges = direction == WALK_FORWARD ? 3 : direction == WALK_BACK ? 3 : 1;
	if (seen_add(w, start) < 0)
		rc = trace__oom();
	if (rc) {
		trace__walk_free(w);
		return rc;
	}
	w->stack[0].node = start;
	*out = w;
	return TRACE_OK;
}

void trace__walk_free(trace__walk *w)
{
	if (w == NULL)
		return;
	for (unsigned d = 0; d <= WALK_MAX_DEPTH; d++)
		for (unsigned i = 0; i < 3; i++)
			trace__cursor_close(w->cur[d][i].cur);
	trace__free(w->seen);
	trace__free(w);
}

/* The next neighbour of frame @f along its current edge, or ENOTFOUND. */
static int next_neighbour(trace__walk *w, frame *f, uint64_t *child)
{
	const edge *e = &w->edges[f->edge];
	if (e->single) {
		if (f->started)
			return TRACE_ENOTFOUND;
		f->started = 1;
		uint8_t k[8];
		trace__val v;
		trace__be64_put(k, f->node);
		int rc = trace__txn_get(w->txn, e->db, k, 8, &v);
		if (rc == TRACE_OK)
			*child = trace__be64_get(v.data);
		return rc;
	}
	if (f->started && f->last == UINT64_MAX)
		return TRACE_ENOTFOUND;
	level_cursor *lc = &w->cur[w->depth][f->edge];
	if (lc->cur == NULL) {
		int rc = trace__cursor_open(&lc->cur, w->txn, e->db);
		if (rc)
			return rc;
	}
	int rc;
	trace__val k, v;
	if (!f->started && lc->valid && lc->from_node < f->node && (lc->at_end || lc->at_node > f->node))
		return TRACE_ENOTFOUND;	/* the cursor's last move passed over this node: no edges here */
	if (f->started && lc->valid && !lc->at_end && lc->at_node == f->node && lc->at_child == f->last) {
		rc = trace__cursor_get(lc->cur, TRACE__CUR_NEXT, &k, &v);
	} else {
		uint8_t start[16];
		trace__key2(start, f->node, f->started ? f->last + 1 : 0);
		k = (trace__val){ start, 16 };
		rc = trace__cursor_get(lc->cur, TRACE__CUR_SEEK, &k, &v);
	}
	lc->from_node = f->node;
	lc->valid = rc == TRACE_OK || rc == TRACE_ENOTFOUND;
	lc->at_end = rc == TRACE_ENOTFOUND;
	if (rc)
		return rc;
	if (k.size != 16) {
		lc->valid = 0;
		return trace__fail(TRACE_ECORRUPT, "index key of %zu bytes in an edge table", k.size);
	}
	lc->at_node = trace__be64_get(k.data);
	lc->at_child = trace__be64_get((const uint8_t *)k.data + 8);
	if (lc->at_node != f->node)
		return TRACE_ENOTFOUND;
	f->started = 1;
	f->last = lc->at_child;
	*child = f->last;
	return TRACE_OK;
}

int trace__walk_next(trace__walk *w, uint64_t *id, unsigned *depth)
{
	if (!w->begun) {
		w->begun = 1;
		*id = w->stack[0].node;
		*depth = 0;
		return TRACE_OK;
	}
	for (;;) {
		frame *f = &w->stack[w->depth];
		if (f->edge >= w->nedges) {
			if (w->depth == 0)
				return TRACE_ENOTFOUND;
			w->depth--;
			continue;
		}
		uint64_t child = 0;
		int rc = next_neighbour(w, f, &child);
		if (rc == TRACE_ENOTFOUND) {
			f->edge++;
			f->started = 0;
			continue;
		}
		if (rc)
			return rc;
		if (w->edges[f->edge].dedup) {
			int fresh = seen_add(w, child);
			if (fresh < 0)
				return trace__oom();
			if (!fresh)
				continue;
		}
		if (w->depth == WALK_MAX_DEPTH)
			return trace__fail(TRACE_ECORRUPT, "trace deeper than %d levels: the links form a cycle", WALK_MAX_DEPTH);
		w->depth++;
		memset(&w->stack[w->depth], 0, sizeof w->stack[w->depth]);
		w->stack[w->depth].node = child;
		*id = child;
		*depth = w->depth;
		return TRACE_OK;
	}
}
