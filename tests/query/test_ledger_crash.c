/*
 * Crash safety of the event ledger against a killed process: a child
 * appends batches of events, each with a private field, and reports each
 * acknowledged batch; the parent kills it with SIGKILL at a random moment,
 * reopens the ledger and checks that nothing acknowledged was lost, no
 * batch is half there, the log audits clean, the indexes equal a rebuild,
 * and every event's private value still decrypts and matches its
 * commitment (its key is written before the transaction commits; a key
 * left by an interrupted append is replaced by the next one).  The child
 * starts with a 1 MiB map, so appends also go through map growth and the
 * retried transaction.  A kill leaves the page cache intact: this checks
 * ordering and atomicity, not what fsync guarantees after a power loss.
 * Usage: test-ledger-crash [CYCLES]   (the slow suite runs hundreds)
 */
#include <time.h>

#include "../crash.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define BATCH 50

static trace_event *sale(uint64_t n)
{
	trace_event *e;
	char code[64], buyer[64];
	snprintf(code, sizeof code, "urn:example:item:%llu", (unsigned long long)n);
	snprintf(buyer, sizeof buyer, "buyer %llu", (unsigned long long)n);
	if (trace_event_new(&e, TRACE_EVENT_OBJECT) || trace_event_set_time(e, 1763884800000 + (int64_t)n, 0) ||
	    trace_event_set_action(e, TRACE_ACTION_OBSERVE) || trace_event_set_biz_step(e, "retail_selling") ||
	    trace_event_add_code(e, TRACE_ROLE_ITEM, code) || trace_event_add_private(e, "buyer", buyer))
		_exit(6);
	return e;
}

static void child(const char *dir, int fd)
{
	trace_ledger *l;
	trace_log_opts *o;
	uint64_t size;
	if (trace_log_opts_new(&o) != TRACE_OK || trace_log_opts_set_mapsize(o, (uint64_t)1 << 20) != TRACE_OK ||
	    trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, o) != TRACE_OK || trace_log_size(&size, trace_ledger_log(l)) != TRACE_OK)
		_exit(3);
	trace_log_opts_free(o);
	for (;;) {
		trace_event *batch[BATCH];
		for (int i = 0; i < BATCH; i++)
			batch[i] = sale(size + (uint64_t)i);
		if (trace_ledger_append(l, NULL, batch, BATCH, 1763884800000) != TRACE_OK)
			_exit(4);
		for (int i = 0; i < BATCH; i++)
			trace_event_free(batch[i]);
		size += BATCH;
		if (write(fd, &size, sizeof size) != sizeof size)
			_exit(5);
	}
}

int main(int argc, char **argv)
{
	int cycles = argc > 1 ? atoi(argv[1]) : 5;
	char *dir = strdup(test_tmpdir("ledger-crash"));
	trace_ledger *l;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	trace_ledger_close(l);	/* never use an LMDB handle across fork() */
	test_crash_seed();

	uint64_t acked = 0;
	for (int c = 0; c < cycles && test_failures == 0; c++) {
		acked = test_crash_cycle(child, dir, acked, 30000);
		CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));
		uint64_t size = 0, diff = 1;
		CHECK_OK(trace_log_size(&size, trace_ledger_log(l)));
		if (size < acked || size % BATCH != 0)
			fprintf(stderr, "cycle %d: size %llu after %llu acknowledged\n", c, (unsigned long long)size,
			        (unsigned long long)acked), test_failures++;
		CHECK_OK(trace_log_audit(trace_ledger_log(l)));
		CHECK_OK(trace_ledger_reindex(l, &diff));
		CHECK(diff == 0);
		/* Every private value decrypts and matches: spot-check this cycle's batches. */
		for (uint64_t i = size > 4 * BATCH ? size - 4 * BATCH : 0; i < size; i++) {
			trace_event *e = NULL;
			const char *value = NULL;
			char want[64];
			snprintf(want, sizeof want, "buyer %llu", (unsigned long long)i);
			CHECK_OK(trace_ledger_event_private(&e, l, i));
			CHECK(e && trace_event_private(e, 0, NULL, &value, NULL, NULL) == TRACE_OK && value &&
			      strcmp(value, want) == 0);
			trace_event_free(e);
		}
		trace_ledger_close(l);
		acked = size;
	}
	printf("%d crash cycles, %llu events survived\n", cycles, (unsigned long long)acked);
	test_rmrf(dir);
	free(dir);
	return test_done("ledger crash");
}
