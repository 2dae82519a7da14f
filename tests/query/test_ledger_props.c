/*
 * Properties on random scenarios: every code that trace forward from X
 * reaches finds X again by trace back, contents are a subset of trace
 * forward, trace forward and trace back (with the stretches it reports for
 * containers) reach exactly what a plain breadth-first search over the
 * index tables of docs/FORMAT.md §2.9.2 (read with liblmdb, not libtrace)
 * reaches, each history event reached through a container is one that
 * container's event names and trace back lists that container at the same
 * depth over a stretch holding the event, where-did-it-go / where-from
 * equals one trace forward plus a history per item, and a reindex from the
 * log equals the live indexes.
 * Usage: test-ledger-props [SEED] [ROUNDS]
 */
#define TRACE_EXPERIMENTAL_API	/* ledger parameters, the where query */
#include <lmdb.h>

#include "../test.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define MAXC 4096

/* How trace_query_next() says there are no more results (one place to change). */
#define QUERY_END TRACE_ITEROVER
#define CHECK_END(rc) CHECK_RC(rc, QUERY_END)

static unsigned long long rng;
static unsigned next_rand(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng >> 33) % n);
}

static char codes[MAXC][80];
static int ncodes;

static const char *new_code(const char *kind)
{
	/* Items are NMPA codes of one drug: a lot is named within its product. */
	if (strcmp(kind, "item") == 0)
		snprintf(codes[ncodes], sizeof codes[ncodes], "8100000%013d", ncodes);
	else
		snprintf(codes[ncodes], sizeof codes[ncodes], "urn:example:%s:%d", kind, ncodes);
	return codes[ncodes++];
}

static trace_event *event(int type, int action, const char *step, int64_t t)
{
	trace_event *e;
	CHECK_OK(trace_event_new(&e, type));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + t * 1000, 0));
	if (action != TRACE_ACTION_NONE)
		CHECK_OK(trace_event_set_action(e, action));
	CHECK_OK(trace_event_set_biz_step(e, step));
	return e;
}

static int contains(trace_ledger *l, int forward, const char *from, const char *want)
{
	trace_query *q;
	int found = 0, rc;
	CHECK_OK(forward ? trace_query_trace_forward(&q, l, from) : trace_query_trace_back(&q, l, from));
	while ((rc = trace_query_next(q)) == TRACE_OK)
		found |= strcmp(trace_query_code(q), want) == 0;
	CHECK_END(rc);
	trace_query_free(q);
	return found;
}

/* What trace forward and back returned, per start code, kept until the ledger is closed. */
static char *forward_sets[MAXC], *back_sets[MAXC];

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The results of a trace query as one sorted, newline-separated string of
 * distinct lines: the code, and for a container stay the stretch [from, end)
 * in the form of the containment table (end is one past the unpacking). */
static char *result_set(trace_ledger *l, int back, const char *from)
{
	static char *v[MAXC];
	size_t n = 0, len = 1;
	trace_query *q;
	int rc;
	CHECK_OK(back ? trace_query_trace_back(&q, l, from) : trace_query_trace_forward(&q, l, from));
	while ((rc = trace_query_next(q)) == TRACE_OK && n < MAXC) {
		char line[160];
		uint64_t a, b;
		if (trace_query_interval(q, &a, &b) == TRACE_OK)
			snprintf(line, sizeof line, "%s[%llu-%llu]", trace_query_code(q), (unsigned long long)a,
			         (unsigned long long)(b == UINT64_MAX ? b : b + 1));
		else
			snprintf(line, sizeof line, "%s", trace_query_code(q));
		v[n] = strdup(line);
		len += strlen(v[n++]) + 1;
	}
	CHECK_END(rc);
	trace_query_free(q);
	qsort(v, n, sizeof *v, cmp_str);
	char *out = malloc(len), *p = out;
	*p = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			p += sprintf(p, "%s\n", v[i]);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	return out;
}

static uint64_t be64(const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

#define NONE UINT64_MAX
#define MAXS (8 * MAXC)

/* A search state: a code, the stretch over which it counts, and whether a container stay led to it. */
typedef struct state {
	uint64_t node, lo, hi;
	int stay;
} state;

static void push_state(state *queue, size_t *tail, state s)
{
	for (size_t i = 0; i < *tail; i++)
		if (queue[i].node == s.node && queue[i].lo == s.lo && queue[i].hi == s.hi && queue[i].stay == s.stay)
			return;
	if (*tail < MAXS)
		queue[(*tail)++] = s;
}

/* The same set by breadth-first search over the raw tables.  Forward:
 * transformation, lot-item and current-contents rows.  Back (@back):
 * transformation and item-lot rows, and every containment row, a
 * container counting over the part of its stay inside the stretch of the
 * code below it (the whole of time below a code reached otherwise). */
static char *reference_set(MDB_txn *txn, MDB_dbi by_name, MDB_dbi names, const MDB_dbi edges[3], int back,
                           const char *from)
{
	static state queue[MAXS];
	static char *v[MAXS];
	size_t head = 0, tail = 0, n = 0, len = 1;
	MDB_val k = { strlen(from), (void *)from }, d;
	if (mdb_get(txn, by_name, &k, &d) != 0 || d.mv_size != 8)
		return strdup("(start not in codes)");
	queue[tail++] = (state){ be64(d.mv_data), 0, NONE, 0 };
	while (head < tail) {
		state st = queue[head++];
		uint8_t key[8];
		for (int i = 0; i < 8; i++)
			key[i] = (uint8_t)(st.node >> (56 - 8 * i));
		MDB_val nk = { 8, key };
		CHECK(mdb_get(txn, names, &nk, &d) == 0);
		char line[200];
		if (st.stay)
			snprintf(line, sizeof line, "%.*s[%llu-%llu]", (int)d.mv_size, (char *)d.mv_data,
			         (unsigned long long)st.lo, (unsigned long long)st.hi);
		else
			snprintf(line, sizeof line, "%.*s", (int)d.mv_size, (char *)d.mv_data);
		v[n] = strdup(line);
		len += strlen(line) + 1;
		n++;
		for (int e = 0; e < 3; e++) {
			if (back && e == 1) {	/* item -> its lot: one value */
				MDB_val ik = { 8, key };
				if (mdb_get(txn, edges[e], &ik, &d) == 0 && d.mv_size == 8)
					push_state(queue, &tail, (state){ be64(d.mv_data), 0, NONE, 0 });
				continue;
			}
			MDB_cursor *c;
			uint8_t start[16] = { 0 };
			memcpy(start, key, 8);
			MDB_val ck = { 16, start };
			CHECK(mdb_cursor_open(txn, edges[e], &c) == 0);
			for (int rc = mdb_cursor_get(c, &ck, &d, MDB_SET_RANGE); rc == 0 && ck.mv_size == 16 &&
			     memcmp(ck.mv_data, key, 8) == 0; rc = mdb_cursor_get(c, &ck, &d, MDB_NEXT)) {
				uint64_t second = be64((uint8_t *)ck.mv_data + 8);
				if (back && e == 2) {	/* child ‖ packing -> parent ‖ end */
					uint64_t parent = be64(d.mv_data), end = be64((uint8_t *)d.mv_data + 8);
					uint64_t lo = second > st.lo ? second : st.lo, hi = end < st.hi ? end : st.hi;
					if (lo < hi)
						push_state(queue, &tail, (state){ parent, lo, hi, 1 });
				} else {
					push_state(queue, &tail, (state){ second, 0, NONE, 0 });
				}
			}
			mdb_cursor_close(c);
		}
	}
	qsort(v, n, sizeof *v, cmp_str);
	char *out = malloc(len), *p = out;
	*p = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			p += sprintf(p, "%s\n", v[i]);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	return out;
}

static void check_forward_against_tables(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi by_name, names, edges[3], back_edges[3];
	CHECK(mdb_env_create(&env) == 0);
	mdb_env_set_maxdbs(env, 32);
	CHECK(mdb_env_open(env, dir, MDB_RDONLY, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0);
	CHECK(mdb_dbi_open(txn, "codes", 0, &by_name) == 0 && mdb_dbi_open(txn, "code_names", 0, &names) == 0 &&
	      mdb_dbi_open(txn, "ix_transform_fwd", 0, &edges[0]) == 0 &&
	      mdb_dbi_open(txn, "ix_lot_items", 0, &edges[1]) == 0 &&
	      mdb_dbi_open(txn, "ix_children", 0, &edges[2]) == 0);
	CHECK(mdb_dbi_open(txn, "ix_transform_back", 0, &back_edges[0]) == 0 &&
	      mdb_dbi_open(txn, "ix_item_lot", 0, &back_edges[1]) == 0 &&
	      mdb_dbi_open(txn, "ix_containment", 0, &back_edges[2]) == 0);
	for (int x = 0; x < ncodes; x++)
		for (int back = 0; back < 2; back++) {
			char **got = back ? &back_sets[x] : &forward_sets[x];
			if (*got == NULL)
				continue;
			char *want = reference_set(txn, by_name, names, back ? back_edges : edges, back, codes[x]);
			if (strcmp(want, *got) != 0) {
				fprintf(stderr, "trace %s from %s returned\n%sbut the tables reach\n%s", back ? "back" : "forward",
				        codes[x], *got, want);
				test_failures++;
			}
			free(want);
			free(*got);
			*got = NULL;
		}
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

/* Whether event @idx names @code in any role. */
static int event_names(trace_ledger *l, uint64_t idx, const char *code)
{
	static const int roles[] = { TRACE_ROLE_PARENT, TRACE_ROLE_ITEM, TRACE_ROLE_INPUT, TRACE_ROLE_OUTPUT };
	trace_event *ev;
	int found = 0;
	CHECK_OK(trace_ledger_event(&ev, l, idx));
	for (size_t r = 0; r < 4 && ev; r++) {
		for (size_t i = 0; i < trace_event_code_count(ev, roles[r]); i++)
			found |= strcmp(trace_event_code(ev, roles[r], i), code) == 0;
		for (size_t i = 0; i < trace_event_quantity_count(ev, roles[r]); i++) {
			const char *cls = NULL;
			CHECK_OK(trace_event_quantity(ev, roles[r], i, &cls, NULL, NULL));
			found |= cls && strcmp(cls, code) == 0;
		}
	}
	trace_event_free(ev);
	return found;
}

/* History's via and depth against the event and against trace back. */
static void check_history(trace_ledger *l, const char *code)
{
	static struct { char code[80]; unsigned depth; uint64_t from, to; } back[MAXC];
	size_t nback = 0;
	trace_query *q;
	int rc;
	CHECK_OK(trace_query_trace_back(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK && nback < MAXC) {
		snprintf(back[nback].code, sizeof back[nback].code, "%s", trace_query_code(q));
		back[nback].depth = trace_query_depth(q);
		if (trace_query_interval(q, &back[nback].from, &back[nback].to) == TRACE_OK)
			nback++;
	}
	CHECK_END(rc);
	trace_query_free(q);

	CHECK_OK(trace_query_history(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		uint64_t e = trace_query_event_index(q), from = 0, to = 0;
		unsigned depth = trace_query_depth(q);
		const char *via = trace_query_via(q);
		CHECK(via != NULL);
		if (via == NULL)
			continue;
		if (depth == 0) {
			CHECK(strcmp(via, code) == 0);
			CHECK_RC(trace_query_interval(q, &from, &to), TRACE_ENOTFOUND);
			continue;
		}
		CHECK_OK(trace_query_interval(q, &from, &to));
		int listed = 0;
		for (size_t i = 0; i < nback && !listed; i++)
			listed = strcmp(back[i].code, via) == 0 && back[i].depth == depth && back[i].from <= e && e <= back[i].to;
		if (strcmp(via, code) == 0 || !(from <= e && e <= to) || !event_names(l, e, via) || !listed) {
			fprintf(stderr, "history of %s: event %llu via %s at depth %u over [%llu, %llu]: %s\n", code,
			        (unsigned long long)e, via, depth, (unsigned long long)from, (unsigned long long)to,
			        !event_names(l, e, via) ? "the event does not name it" : !listed ?
			        "trace back does not list it so" : "wrong stretch");
			test_failures++;
		}
	}
	CHECK_END(rc);
	trace_query_free(q);
}

/* trace_query_where() against one trace forward and a history per code reached. */
static void check_where(trace_ledger *l, const char *code)
{
	static uint64_t count[1024];
	static char want[65536], got[65536];
	static char seen[MAXC][80];
	int nseen = 0, rc;
	trace_query *q, *h;
	memset(count, 0, sizeof count);
	CHECK_OK(trace_query_trace_forward(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		int dup = 0;
		for (int i = 0; i < nseen && !dup; i++)
			dup = strcmp(seen[i], trace_query_code(q)) == 0;
		if (dup || nseen == MAXC)
			continue;
		snprintf(seen[nseen++], sizeof seen[0], "%s", trace_query_code(q));
		CHECK_OK(trace_query_history(&h, l, trace_query_code(q)));
		while ((rc = trace_query_next(h)) == TRACE_OK)
			if (trace_query_event_index(h) < 1024)
				count[trace_query_event_index(h)]++;
		CHECK_END(rc);
		trace_query_free(h);
	}
	CHECK_END(rc);
	trace_query_free(q);
	for (int dir = TRACE_WHERE_TO; dir <= TRACE_WHERE_FROM; dir++) {
		int kind = dir == TRACE_WHERE_TO ? TRACE_PARTY_DESTINATION : TRACE_PARTY_SOURCE;
		size_t n = 0;
		want[0] = got[0] = 0;
		for (uint64_t e = 0; e < 1024; e++) {
			trace_event *ev;
			if (count[e] == 0)
				continue;
			CHECK_OK(trace_ledger_event(&ev, l, e));
			for (size_t i = 0; ev && i < trace_event_party_count(ev, kind); i++) {
				const char *type, *id;
				CHECK_OK(trace_event_party(ev, kind, i, &type, &id));
				n += (size_t)snprintf(want + n, sizeof want - n, "%llu %s %s %llu\n", (unsigned long long)e, type,
				                      id, (unsigned long long)count[e]);
			}
			trace_event_free(ev);
		}
		n = 0;
		CHECK_OK(trace_query_where(&q, l, code, dir));
		while ((rc = trace_query_next(q)) == TRACE_OK) {
			const char *type = NULL, *id = trace_query_party(q, &type);
			n += (size_t)snprintf(got + n, sizeof got - n, "%llu %s %s %llu\n",
			                      (unsigned long long)trace_query_event_index(q), type, id,
			                      (unsigned long long)trace_query_count(q));
		}
		CHECK_END(rc);
		trace_query_free(q);
		if (strcmp(want, got) != 0) {
			fprintf(stderr, "where %s %s returned\n%sbut trace forward and histories give\n%s",
			        dir == TRACE_WHERE_TO ? "to" : "from", code, got, want);
			test_failures++;
		}
	}
}

static void round_once(const char *dir)
{
	trace_ledger *l;
	trace_event *batch[64];
	size_t nb = 0;
	int64_t t = 0;
	const char *lots[24], *cases[24], *pallets[6], *items[256];
	int nlots = 0, ncases = 0, npallets = 0, nitems = 0;
	ncodes = 0;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));

	for (int step = 0; step < 300; step++) {
		trace_event *e = NULL;
		unsigned what = next_rand(10);
		if (what == 0 && nlots < 24) {
			lots[nlots] = new_code("lot");
			e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", t++);
			CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_ITEM, lots[nlots++], 10, "KGM"));
		} else if (what == 1 && nlots >= 2) {
			/* A transformation from earlier lots into a later one keeps the graph acyclic. */
			unsigned out = 1 + next_rand((unsigned)nlots - 1), in = next_rand(out);
			e = event(TRACE_EVENT_TRANSFORMATION, TRACE_ACTION_NONE, "commissioning", t++);
			CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_INPUT, lots[in], 1, "KGM"));
			CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_OUTPUT, lots[out], 1, "KGM"));
		} else if (what <= 4 && nlots > 0 && nitems < 250) {
			unsigned lot = next_rand((unsigned)nlots), n = 1 + next_rand(5);
			char lot_text[32];
			snprintf(lot_text, sizeof lot_text, "%u", lot);
			e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", t++);
			for (unsigned i = 0; i < n && nitems < 256; i++) {
				items[nitems] = new_code("item");
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[nitems++]));
			}
			CHECK_OK(trace_event_set_lot(e, lot_text, INT64_MIN, INT64_MIN));
		} else if (what <= 6 && nitems > 0) {
			if (ncases < 24 && next_rand(4) == 0)
				cases[ncases++] = new_code("case");
			if (ncases == 0)
				continue;
			e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, cases[next_rand((unsigned)ncases)]));
			unsigned first = next_rand((unsigned)nitems), n = 1 + next_rand(4);
			for (unsigned i = 0; i < n && first + i < (unsigned)nitems; i++)	/* distinct children */
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[first + i]));
		} else if (what == 7 && ncases > 0) {
			if (npallets < 6 && next_rand(3) == 0)
				pallets[npallets++] = new_code("pallet");
			if (npallets == 0)
				continue;
			e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, pallets[next_rand((unsigned)npallets)]));
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cases[next_rand((unsigned)ncases)]));
		} else if (what == 8 && ncases > 0) {
			e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_DELETE, "unpacking", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, cases[next_rand((unsigned)ncases)]));
			if (nitems && next_rand(2))
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[next_rand((unsigned)nitems)]));
		} else if (nitems > 0) {
			/* Items, cases or pallets shipped to, or received from, a party. */
			static const char *const parties[] = { "urn:example:party:a", "urn:example:party:b", "urn:example:party:c" };
			unsigned pick = next_rand(6), how = next_rand(3);
			const char *c = pick == 0 && ncases ? cases[next_rand((unsigned)ncases)]
			              : pick == 1 && npallets ? pallets[next_rand((unsigned)npallets)]
			              : items[next_rand((unsigned)nitems)];
			e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, how == 0 ? "shipping" : how == 1 ? "receiving"
			          : "retail_selling", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, c));
			if (how < 2)
				CHECK_OK(trace_event_add_party(e, how == 0 ? TRACE_PARTY_DESTINATION : TRACE_PARTY_SOURCE,
				                               "owning_party", parties[next_rand(3)]));
			if (how == 0 && next_rand(2))
				CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "location", "urn:example:place:1"));
		}
		if (e == NULL)
			continue;
		batch[nb++] = e;
		/* Batches of random size: the indexes must not depend on batching. */
		if (nb == 64 || next_rand(8) == 0) {
			CHECK_OK(trace_ledger_append(l, NULL, batch, nb, 1763884800000));
			for (size_t i = 0; i < nb; i++)
				trace_event_free(batch[i]);
			nb = 0;
		}
	}
	if (nb) {
		CHECK_OK(trace_ledger_append(l, NULL, batch, nb, 1763884800000));
		for (size_t i = 0; i < nb; i++)
			trace_event_free(batch[i]);
	}

	/* Forward from X reaches Y  =>  back from Y reaches X; contents within forward. */
	for (int x = 0; x < ncodes; x += 1 + next_rand(3)) {
		trace_query *q;
		int rc;
		char reached[64][80];
		int nr = 0, state;
		/* A code made up but never used in an event is not in the ledger. */
		if (trace_ledger_status(l, codes[x], &state, NULL, NULL) == TRACE_ENOTFOUND)
			continue;
		forward_sets[x] = result_set(l, 0, codes[x]);
		back_sets[x] = result_set(l, 1, codes[x]);
		check_history(l, codes[x]);
		check_where(l, codes[x]);
		CHECK_OK(trace_query_trace_forward(&q, l, codes[x]));
		while ((rc = trace_query_next(q)) == TRACE_OK && nr < 64)
			snprintf(reached[nr++], sizeof reached[0], "%s", trace_query_code(q));
		trace_query_free(q);
		for (int i = 0; i < nr; i++)
			if (!contains(l, 0, reached[i], codes[x])) {
				fprintf(stderr, "forward from %s reaches %s, but back from it does not\n", codes[x], reached[i]);
				test_failures++;
			}
		CHECK_OK(trace_query_contents(&q, l, codes[x]));
		while ((rc = trace_query_next(q)) == TRACE_OK)
			CHECK(contains(l, 1, codes[x], trace_query_code(q)));
		trace_query_free(q);
	}
	uint64_t diff = 1;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);
	CHECK_OK(trace_log_audit(trace_ledger_log(l)));
	trace_ledger_close(l);
	check_forward_against_tables(dir);
}

int main(int argc, char **argv)
{
	rng = argc > 1 ? strtoull(argv[1], NULL, 10) : 20261123;
	int rounds = argc > 2 ? atoi(argv[2]) : 4;
	printf("seed %llu, %d rounds\n", rng, rounds);
	char *base = strdup(test_tmpdir("props"));
	for (int r = 0; r < rounds && test_failures == 0; r++) {
		char dir[512];
		snprintf(dir, sizeof dir, "%s/round%d", base, r);
		round_once(dir);
	}
	test_rmrf(base);
	free(base);
	return test_done("ledger properties");
}
