/*
 * Crash safety: a child appends batches and reports each acknowledged
 * batch through a pipe; the parent kills it with SIGKILL at a random
 * moment, reopens the log and checks that it audits clean, that nothing
 * acknowledged was lost, and that no batch is half there.
 * Usage: test_crash [CYCLES]   (the slow suite runs hundreds)
 */
#include <time.h>

#include "log_util.h"
#include "../crash.h"

#define BATCH 250

static void child(const char *dir, int fd)
{
	trace_log *log;
	uint64_t size;
	if (trace_log_open(&log, dir, TRACE_OPEN_WRITE, NULL) != TRACE_OK || trace_log_size(&size, log) != TRACE_OK)
		_exit(3);
	for (;;) {
		if (test_append(log, size, size + BATCH, BATCH) != TRACE_OK)
			_exit(4);
		size += BATCH;
		if (write(fd, &size, sizeof size) != sizeof size)
			_exit(5);
	}
}

int main(int argc, char **argv)
{
	int cycles = argc > 1 ? atoi(argv[1]) : 5;
	char *dir = strdup(test_tmpdir("crash"));
	trace_log *log;
	CHECK_OK(trace_log_create(&log, dir, TEST_ORIGIN, TEST_VKEY, NULL));
	trace_log_close(log);	/* never use an LMDB handle across fork() */
	test_crash_seed();

	uint64_t acked = 0;
	for (int c = 0; c < cycles && test_failures == 0; c++) {
		acked = test_crash_cycle(child, dir, acked, 20000);
		CHECK_OK(trace_log_open(&log, dir, TRACE_OPEN_WRITE, NULL));
		uint64_t size = 0;
		CHECK_OK(trace_log_size(&size, log));
		if (size < acked || size % BATCH != 0)
			fprintf(stderr, "cycle %d: size %llu after %llu acknowledged\n", c,
			        (unsigned long long)size, (unsigned long long)acked), test_failures++;
		CHECK_OK(trace_log_audit(log));
		uint8_t want[128];
		trace_buf e = TRACE_BUF_INIT;
		if (size) {
			size_t len = test_entry(want, size - 1);
			CHECK_OK(trace_log_entry(&e, log, size - 1));
			CHECK(e.size == len && memcmp(e.ptr, want, len) == 0);
			trace_buf_dispose(&e);
		}
		trace_log_close(log);
		acked = size;
	}
	printf("%d crash cycles, %llu entries survived\n", cycles, (unsigned long long)acked);
	test_rmrf(dir);
	free(dir);
	return test_done("crash");
}
