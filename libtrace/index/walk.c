/*
 * index/walk: trace forward, trace back and contents as iterative
 * depth-first walks.  Each level keeps (node, edge kind, last child), so
 * memory grows with depth, not with the number of codes found, and the
 * stack grows as deep as the links go.  Codes that transformation links can
 * reach twice are remembered to report them once; the codes on the current
 * path are remembered too, so links that lead back into the path (a cycle
 * the ledger should never hold) fail at once instead of looping.
 *
 * Trace back follows every stay the code ever had in a container
 * (ix_containment), not only its current container: a pallet unpacked long
 * ago is still the link to the despatch it came in.  Above a container, only
 * the stays that overlap the stretch the code was inside count.
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

enum { EDGE_MULTI, EDGE_SINGLE, EDGE_STAY };

/* Edges by direction: prefix scans, one value, or container stays. */
typedef struct edge {
	int db;
	int kind;
	int dedup;
} edge;

static const edge forward_edges[] = {
	{ DB_IX_TRANSFORM_FWD, EDGE_MULTI, 1 }, { DB_IX_LOT_ITEMS, EDGE_MULTI, 0 }, { DB_IX_CHILDREN, EDGE_MULTI, 0 }
};
static const edge back_edges[] = {
	{ DB_IX_TRANSFORM_BACK, EDGE_MULTI, 1 }, { DB_IX_ITEM_LOT, EDGE_SINGLE, 1 }, { DB_IX_CONTAINMENT, EDGE_STAY, 0 }
};
static const edge contents_edges[] = { { DB_IX_CHILDREN, EDGE_MULTI, 0 } };

#define NEDGES 3
/* The codes of the first levels are checked by a scan of the stack (most
 * walks never go deeper); deeper ones are kept in a set. */
#define PATH_SCAN 16

typedef struct frame {
	uint64_t node, last;
	uint64_t lo, hi;	/* the stretch over which the node counts: all time unless reached through a stay */
	unsigned edge;
	int started;
	int stay;		/* reached through a container stay */
	int owns_path;		/* it put its node into the path set (levels from PATH_SCAN on) */
} frame;

/* A cursor of one level on one edge table, and where it stands. */
typedef struct level_cursor {
	trace__cursor *cur;
	int valid;		/* the fields below describe the cursor: */
	uint64_t from_node;	/* it last moved from a key of this node ... */
	int at_end;		/* ... past the last key, */
	uint64_t at_node, at_child;	/* or to this one: no key lies between */
} level_cursor;

/* A set of code ids (open addressing; UINT64_MAX marks a free slot). */
typedef struct idset {
	uint64_t *v;
	size_t cap, count;
} idset;

struct trace__walk {
	trace__txn *txn;
	level_cursor (*cur)[NEDGES];
	frame *stack;
	size_t levels;		/* frames and cursor rows allocated */
	const edge *edges;
	unsigned nedges;
	unsigned depth;
	int begun;
	idset seen;	/* codes reached by dedup edges */
	idset path;	/* codes of the frames on the stack from level PATH_SCAN on */
};

static size_t slot_of(uint64_t id, size_t cap)
{
	return (size_t)(id * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static int idset_add(idset *s, uint64_t id)	/* 1 if new, 0 if present, -1 out of memory */
{
	if (s->count * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint64_t *n = trace__malloc(cap * sizeof *n);
		if (n == NULL)
			return -1;
		memset(n, 0xff, cap * sizeof *n);
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i] != UINT64_MAX) {
				size_t j = slot_of(s->v[i], cap);
				while (n[j] != UINT64_MAX)
					j = (j + 1) & (cap - 1);
				n[j] = s->v[i];
			}
		trace__free(s->v);
		s->v = n;
		s->cap = cap;
	}
	size_t j = slot_of(id, s->cap);
	while (s->v[j] != UINT64_MAX) {
		if (s->v[j] == id)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->v[j] = id;
	s->count++;
	return 1;
}

static int idset_has(const idset *s, uint64_t id)
{
	if (s->cap == 0)
		return 0;
	for (size_t j = slot_of(id, s->cap); s->v[j] != UINT64_MAX; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == id)
			return 1;
	return 0;
}

/* Removes @id, shifting later entries of its probe run back so lookups stay correct. */
static void idset_del(idset *s, uint64_t id)
{
	size_t m = s->cap - 1, i;
	if (s->cap == 0)
		return;
	for (i = slot_of(id, s->cap); s->v[i] != id; i = (i + 1) & m)
		if (s->v[i] == UINT64_MAX)
			return;
	for (size_t j = i;;) {
		j = (j + 1) & m;
		if (s->v[j] == UINT64_MAX)
			break;
		size_t k = slot_of(s->v[j], s->cap);
		/* An entry whose home lies cyclically in (i, j] is still reachable. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->v[i] = s->v[j];
		i = j;
	}
	s->v[i] = UINT64_MAX;
	s->count--;
}

static int grow_levels(trace__walk *w)
{
	size_t n = w->levels ? 2 * w->levels : 16;
	frame *f = trace__realloc(w->stack, n * sizeof *f);
	if (f == NULL)
		return trace__oom();
	w->stack = f;
	level_cursor (*c)[NEDGES] = trace__realloc(w->cur, n * sizeof *c);
	if (c == NULL)
		return trace__oom();
	memset(c + w->levels, 0, (n - w->levels) * sizeof *c);
	w->cur = c;
	w->levels = n;
	return TRACE_OK;
}

int trace__walk_new(trace__walk **out, trace__txn *t, int direction, uint64_t start)
{
	trace__walk *w = trace__calloc(1, sizeof *w);
	int rc;
	if (w == NULL)
		return trace__oom();
	w->txn = t;
	w->edges = direction == WALK_FORWARD ? forward_edges : direction == WALK_BACK ? back_edges : contents_edges;
	w->nedges = direction == WALK_CONTENTS ? 1 : NEDGES;
	if ((rc = grow_levels(w)) == TRACE_OK && idset_add(&w->seen, start) < 0)
		rc = trace__oom();
	if (rc) {
		trace__walk_free(w);
		return rc;
	}
	w->stack[0] = (frame){ .node = start, .lo = 0, .hi = NO_EVENT };
	*out = w;
	return TRACE_OK;
}

void trace__walk_free(trace__walk *w)
{
	if (w == NULL)
		return;
	for (size_t d = 0; d < w->levels; d++)
		for (unsigned i = 0; i < NEDGES; i++)
			trace__cursor_close(w->cur[d][i].cur);
	trace__free(w->cur);
	trace__free(w->stack);
	trace__free(w->seen.v);
	trace__free(w->path.v);
	trace__free(w);
}

/* The next neighbour of frame @f along its current edge, or ENOTFOUND:
 * the second half of its key in @child, and its value in @val. */
static int next_neighbour(trace__walk *w, frame *f, uint64_t *child, trace__val *val)
{
	const edge *e = &w->edges[f->edge];
	if (e->kind == EDGE_SINGLE) {
		if (f->started)
			return TRACE_ENOTFOUND;
		f->started = 1;
		uint8_t k[8];
		trace__be64_put(k, f->node);
		int rc = trace__txn_get(w->txn, e->db, k, 8, val);
		if (rc == TRACE_OK && val->size != 8)
			return trace__fail(TRACE_ECORRUPT, "index value of %zu bytes in a lot table", val->size);
		if (rc == TRACE_OK)
			*child = trace__be64_get(val->data);
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
	trace__val k;
	if (!f->started && lc->valid && lc->from_node < f->node && (lc->at_end || lc->at_node > f->node))
		return TRACE_ENOTFOUND;	/* the cursor's last move passed over this node: no edges here */
	if (f->started && lc->valid && !lc->at_end && lc->at_node == f->node && lc->at_child == f->last) {
		rc = trace__cursor_get(lc->cur, TRACE__CUR_NEXT, &k, val);
	} else {
		uint8_t start[16];
		trace__key2(start, f->node, f->started ? f->last + 1 : 0);
		k = (trace__val){ start, 16 };
		rc = trace__cursor_get(lc->cur, TRACE__CUR_SEEK, &k, val);
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

static int on_path(const trace__walk *w, uint64_t id)
{
	for (unsigned d = 0; d <= w->depth && d < PATH_SCAN; d++)
		if (w->stack[d].node == id)
			return 1;
	return w->depth >= PATH_SCAN && idset_has(&w->path, id);
}

static int cycle(trace__walk *w, uint64_t id)
{
	const char *name = NULL;
	size_t len = 0;
	if (trace__code_name(w->txn, id, &name, &len) != TRACE_OK)
		name = "(unnamed)", len = 9;
	return trace__fail(TRACE_ECORRUPT, "the links of code %.*s lead back to it: the index holds a cycle",
	                   (int)len, name);
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
			if (f->owns_path)
				idset_del(&w->path, f->node);
			w->depth--;
			continue;
		}
		uint64_t child = 0, lo = 0, hi = NO_EVENT;
		trace__val v;
		const edge *e = &w->edges[f->edge];
		int rc = next_neighbour(w, f, &child, &v);
		if (rc == TRACE_ENOTFOUND) {
			f->edge++;
			f->started = 0;
			continue;
		}
		if (rc)
			return rc;
		if (e->kind == EDGE_STAY) {
			/* key: child ‖ packing event; value: parent ‖ end of the stay */
			if (v.size != 16)
				return trace__fail(TRACE_ECORRUPT, "containment value of %zu bytes", v.size);
			uint64_t packed = child, end = trace__be64_get((const uint8_t *)v.data + 8);
			if (packed >= f->hi) {	/* this stay and every later one begin after the stretch */
				f->edge++;
				f->started = 0;
				continue;
			}
			child = trace__be64_get(v.data);
			lo = packed > f->lo ? packed : f->lo;
			hi = end < f->hi ? end : f->hi;
			if (lo >= hi)
				continue;
		}
		if (e->dedup) {
			/* A code already on the path (reached first by another kind
			 * of link) is walked once more; the seen set stops it there. */
			int fresh = idset_add(&w->seen, child);
			if (fresh < 0)
				return trace__oom();
			if (!fresh)
				continue;
		} else if (on_path(w, child)) {
			return cycle(w, child);
		}
		int owns = 0;
		if (w->depth + 1 >= w->levels && (rc = grow_levels(w)))
			return rc;
		if (w->depth + 1 >= PATH_SCAN && (owns = idset_add(&w->path, child)) < 0)
			return trace__oom();
		w->depth++;
		w->stack[w->depth] = (frame){ .node = child, .lo = lo, .hi = hi, .stay = e->kind == EDGE_STAY,
		                              .owns_path = owns };
		*id = child;
		*depth = w->depth;
		return TRACE_OK;
	}
}

int trace__walk_stay(const trace__walk *w, uint64_t *from, uint64_t *to)
{
	const frame *f = &w->stack[w->depth];
	if (!w->begun || !f->stay)
		return 0;
	*from = f->lo;
	*to = f->hi;
	return 1;
}
