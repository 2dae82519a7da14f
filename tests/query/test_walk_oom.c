/*
 * Allocation failures in the regulator's queries: with trace_set_allocator,
 * fail the Nth allocation of a query workload for every N it makes.  Each
 * query must then fail with TRACE_ENOMEM (never crash, leak or answer
 * wrongly), and with every allocation granted give the full answer.
 */
#define TRACE_EXPERIMENTAL_API	/* ledger parameters, the where query */
#include "../test.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define QUERY_END TRACE_ITEROVER

static long countdown = -1;	/* fail when it reaches 0; -1: never */

static void *fail_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (countdown >= 0 && countdown-- == 0)
		return NULL;
	return malloc(n);
}

static void *fail_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (countdown >= 0 && countdown-- == 0)
		return NULL;
	return realloc(p, n);
}

static void plain_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static const int64_t t0 = 1763884800000;

static void append(trace_ledger *l, trace_event *e, int64_t minute)
{
	CHECK_OK(trace_event_set_time(e, t0 + 60000 * minute, 0));
	CHECK_OK(trace_ledger_append(l, NULL, &e, 1, t0 + 100000000));
	trace_event_free(e);
}

/* Forty nested boxes over a lot's items, a shipment and an unpacking, and a chain of 80 transformations. */
static void build(trace_ledger *l)
{
	trace_event *e;
	char a[48], b[48];
	int m = 0;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_action(e, TRACE_ACTION_ADD));
	for (int i = 0; i < 3; i++) {
		snprintf(a, sizeof a, "8123456%013d", i);	/* NMPA codes: their lot is the drug's */
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, a));
	}
	CHECK_OK(trace_event_set_lot(e, "L1", INT64_MIN, INT64_MIN));
	append(l, e, m++);
	for (int i = 0; i < 40; i++) {
		CHECK_OK(trace_event_new(&e, TRACE_EVENT_AGGREGATION));
		CHECK_OK(trace_event_set_action(e, TRACE_ACTION_ADD));
		snprintf(a, sizeof a, "urn:t:box:%d", i + 1);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, a));
		for (int k = 0; k < (i ? 1 : 3); k++) {
			if (i)
				snprintf(b, sizeof b, "urn:t:box:%d", i);
			else
				snprintf(b, sizeof b, "8123456%013d", k);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, b));
		}
		append(l, e, m++);
	}
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_action(e, TRACE_ACTION_OBSERVE));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, "urn:t:box:40"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "owning_party", "urn:t:party:x"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_SOURCE, "owning_party", "urn:t:party:y"));
	append(l, e, m++);
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_action(e, TRACE_ACTION_DELETE));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, "urn:t:box:40"));
	append(l, e, m++);
	for (int i = 0; i < 80; i++) {
		CHECK_OK(trace_event_new(&e, TRACE_EVENT_TRANSFORMATION));
		snprintf(a, sizeof a, "urn:t:chain:%d", i);
		snprintf(b, sizeof b, "urn:t:chain:%d", i + 1);
		CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_INPUT, a, 1, "KGM"));
		CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_OUTPUT, b, 1, "KGM"));
		append(l, e, m++);
	}
}

/* Runs one query to its end into @out; returns the first failure or TRACE_OK. */
static int run(trace_ledger *l, int which, char *out, size_t cap)
{
	trace_query *q = NULL;
	size_t n = 0;
	int rc;
	out[0] = 0;
	switch (which) {
	case 0: rc = trace_query_trace_back(&q, l, "81234560000000000001"); break;
	case 1: rc = trace_query_history(&q, l, "81234560000000000001"); break;
	case 2: rc = trace_query_where(&q, l, "lot:nmpa:8123456:L1", TRACE_WHERE_TO); break;
	case 3: rc = trace_query_where(&q, l, "lot:nmpa:8123456:L1", TRACE_WHERE_FROM); break;
	case 4: rc = trace_query_trace_forward(&q, l, "urn:t:chain:0"); break;
	default: rc = trace_query_trace_back(&q, l, "urn:t:chain:80"); break;
	}
	if (rc)
		return rc;
	while ((rc = trace_query_next(q)) == TRACE_OK && n < cap - 100) {
		uint64_t a = 0, b = 0;
		const char *via = trace_query_via(q), *code = trace_query_code(q), *party = trace_query_party(q, NULL);
		int iv = trace_query_interval(q, &a, &b) == TRACE_OK;
		n += (size_t)snprintf(out + n, cap - n, "%llu %s %s %s %u %d %llu %llu %llu;",
		                      (unsigned long long)trace_query_event_index(q), code ? code : "-", via ? via : "-",
		                      party ? party : "-", trace_query_depth(q), iv, (unsigned long long)a,
		                      (unsigned long long)b, (unsigned long long)trace_query_count(q));
	}
	trace_query_free(q);
	return rc == QUERY_END ? TRACE_OK : rc;
}

int main(void)
{
	static const trace_allocator a = { fail_malloc, fail_realloc, plain_free, NULL };
	static char want[6][16384], got[16384];
	char *dir = strdup(test_tmpdir("query-oom"));
	trace_ledger *l;
	CHECK_OK(trace_set_allocator(&a));
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	build(l);
	for (int w = 0; w < 6; w++) {
		CHECK_OK(run(l, w, want[w], sizeof want[w]));
		CHECK(want[w][0] != 0);
		long tried = 0;
		for (long n = 0;; n++) {
			countdown = n;
			int rc = run(l, w, got, sizeof got);
			int hit = countdown < 0;
			countdown = -1;
			tried++;
			if (!hit) {	/* the workload made fewer than n + 1 allocations */
				CHECK_OK(rc);
				CHECK(strcmp(got, want[w]) == 0);
				break;
			}
			if (rc != TRACE_ENOMEM && !(rc == TRACE_OK && strcmp(got, want[w]) == 0)) {
				fprintf(stderr, "query %d, allocation %ld failed: %d (%s), %s\n", w, n, rc,
				        trace_error_last()->message, rc == TRACE_OK ? "a wrong answer" : "not TRACE_ENOMEM");
				test_failures++;
			}
		}
		printf("query %d: %ld allocation failures tried\n", w, tried - 1);
	}
	trace_ledger_close(l);
	test_rmrf(dir);
	free(dir);
	return test_done("query allocation failures");
}
