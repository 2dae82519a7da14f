/*
 * History against a model: random ledgers of items, containers and nested
 * containers (packing, moving between containers, unpacking one child or
 * emptying a container, plain observations), and for every code the events
 * trace_query_history() returns are compared with those a plain model of
 * container stays predicts: the code's own events (depth 0, via the code)
 * and each container's events while the code was inside it, however deep
 * (depth: how many containers out, via: that container; an event reaching
 * the code several ways counts through the closest), and the stretch
 * trace_query_interval() gives holds the event.
 * A stay ends after its unpacking event, as docs/FORMAT.md §2.9.2 says.
 * Usage: test-history-model [SEED] [ROUNDS]
 */
#include <unistd.h>

#include "../test.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define NCODES 16
#define NEVENTS 400
#define OPEN UINT64_MAX

static unsigned long long rng;
static unsigned next_rand(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng >> 33) % n);
}

typedef struct stay {
	int parent;
	uint64_t from, to;	/* [from, to) in event indexes */
} stay;

static int level[NCODES];	/* 0: item; containers hold only lower levels */
static char name[NCODES][64];
static int in_event[NEVENTS][NCODES];
static stay stays[NCODES][NEVENTS];
static int nstays[NCODES], open_stay[NCODES];
static int expect[NEVENTS], expect_depth[NEVENTS];
static unsigned expect_via[NEVENTS];	/* bit per code: the containers at that depth */

static void model(int c, uint64_t lo, uint64_t hi, int nesting)
{
	if (nesting > 20)
		return;
	for (uint64_t i = lo; i < hi && i < NEVENTS; i++)
		if (in_event[i][c]) {
			if (!expect[i] || nesting < expect_depth[i])
				expect[i] = 1, expect_depth[i] = nesting, expect_via[i] = 0;
			if (nesting == expect_depth[i])
				expect_via[i] |= 1u << c;
		}
	for (int s = 0; s < nstays[c]; s++) {
		uint64_t a = stays[c][s].from > lo ? stays[c][s].from : lo;
		uint64_t b = stays[c][s].to < hi ? stays[c][s].to : hi;
		if (a < b)
			model(stays[c][s].parent, a, b, nesting + 1);
	}
}

static void unpack(int c, uint64_t idx)
{
	if (open_stay[c] >= 0) {
		stays[c][open_stay[c]].to = idx + 1;
		open_stay[c] = -1;
	}
}

/* One random event at index @i; returns it, with the model updated. */
static trace_event *random_event(int i)
{
	trace_event *e;
	unsigned kind = next_rand(10);
	if (kind < 3) {	/* an observation of one to three codes */
		CHECK_OK(trace_event_new(&e, TRACE_EVENT_OBJECT));
		CHECK_OK(trace_event_set_action(e, TRACE_ACTION_OBSERVE));
		for (unsigned n = 1 + next_rand(3); n > 0; n--) {
			int c = (int)next_rand(NCODES);
			if (!in_event[i][c]) {
				in_event[i][c] = 1;
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, name[c]));
			}
		}
		return e;
	}
	int p;
	do
		p = (int)next_rand(NCODES);
	while (level[p] == 0);
	int add = kind < 8, empty_it = !add && next_rand(3) == 0;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_action(e, add ? TRACE_ACTION_ADD : TRACE_ACTION_DELETE));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, name[p]));
	in_event[i][p] = 1;
	if (empty_it) {	/* DELETE without children empties the container */
		for (int c = 0; c < NCODES; c++)
			if (open_stay[c] >= 0 && stays[c][open_stay[c]].parent == p)
				unpack(c, (uint64_t)i);
		return e;
	}
	for (unsigned n = 1 + next_rand(3), j = 0; j < n; j++) {
		int c = (int)next_rand(NCODES);
		if (j == 0)
			while (level[c] >= level[p])
				c = (int)next_rand(NCODES);
		if (level[c] >= level[p] || in_event[i][c])
			continue;
		in_event[i][c] = 1;
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, name[c]));
		unpack(c, (uint64_t)i);	/* moving leaves the old container first */
		if (add) {
			stays[c][nstays[c]] = (stay){ p, (uint64_t)i, OPEN };
			open_stay[c] = nstays[c]++;
		}
	}
	return e;
}

static void round_once(const char *dir, int r)
{
	trace_ledger *l;
	int64_t t0 = 1763884800000;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	memset(in_event, 0, sizeof in_event);
	memset(nstays, 0, sizeof nstays);
	int levels = 2 + (int)next_rand(4);
	for (int c = 0; c < NCODES; c++) {
		level[c] = c < 6 ? 0 : 1 + (int)next_rand((unsigned)levels);
		snprintf(name[c], sizeof name[c], "urn:example:c:%d", c);
		open_stay[c] = -1;
	}
	int n = 20 + (int)next_rand(NEVENTS - 20);
	for (int i = 0; i < n; i++) {
		trace_event *e = random_event(i);
		uint64_t at;
		CHECK_OK(trace_event_set_time(e, t0 + i * 1000, 0));
		CHECK_OK(trace_event_set_biz_step(e, "packing"));
		CHECK_OK(trace_ledger_append(l, &at, &e, 1, t0 + 10000000));
		CHECK(at == (uint64_t)i);
		trace_event_free(e);
	}
	for (int c = 0; c < NCODES && test_failures == 0; c++) {
		int seen = 0, got[NEVENTS] = { 0 }, depth[NEVENTS], via[NEVENTS];
		for (int i = 0; i < n; i++)
			seen |= in_event[i][c];
		if (!seen)
			continue;
		memset(expect, 0, sizeof expect);
		model(c, 0, OPEN, 0);
		trace_query *q;
		int rc, count = 0;
		uint64_t last = 0;
		CHECK_OK(trace_query_history(&q, l, name[c]));
		while ((rc = trace_query_next(q)) == TRACE_OK) {
			uint64_t ix = trace_query_event_index(q);
			CHECK(ix < NEVENTS && (count == 0 || ix > last));	/* in order, once each */
			if (ix < NEVENTS) {
				const char *v = trace_query_via(q);
				uint64_t from = 0, to = 0;
				got[ix] = 1;
				depth[ix] = (int)trace_query_depth(q);
				via[ix] = v && strncmp(v, "urn:example:c:", 14) == 0 ? atoi(v + 14) : -1;
				/* A container's event lies within the stay; the code's own have none. */
				if (depth[ix] > 0) {
					CHECK_OK(trace_query_interval(q, &from, &to));
					CHECK(from <= ix && ix <= to);
				} else {
					CHECK_RC(trace_query_interval(q, &from, &to), TRACE_ENOTFOUND);
				}
			}
			last = ix;
			count++;
		}
		CHECK(rc == TRACE_ITEROVER);
		trace_query_free(q);
		for (int i = 0; i < n; i++)
			if (got[i] != expect[i] ||
			    (got[i] && (depth[i] != expect_depth[i] || via[i] < 0 || !(expect_via[i] >> via[i] & 1)))) {
				fprintf(stderr, "round %d, %s, event %d: got %d (depth %d via %d), expected %d (depth %d via mask %x)\n",
				        r, name[c], i, got[i], got[i] ? depth[i] : -1, got[i] ? via[i] : -1, expect[i],
				        expect_depth[i], expect_via[i]);
				test_failures++;
				break;
			}
	}
	trace_ledger_close(l);
}

int main(int argc, char **argv)
{
	unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 20261202;
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	char *base = strdup(test_tmpdir("history-model"));
	printf("seed %llu, %d rounds\n", seed, rounds);
	for (int r = 0; r < rounds && test_failures == 0; r++) {
		char dir[512];
		rng = seed * 1000 + (unsigned)r;
		snprintf(dir, sizeof dir, "%s/round%d", base, r);
		round_once(dir, r);
	}
	test_rmrf(base);
	free(base);
	return test_done("history model");
}
