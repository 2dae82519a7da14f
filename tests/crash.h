/*
 * The fork-and-kill harness of the crash tests: a child runs @work (which
 * appends forever and writes each acknowledged size to @fd) until the parent
 * kills it with SIGKILL at a random moment after its first acknowledgement.
 * Returns the last size acknowledged, at least @acked.
 */
#ifndef TRACE_TEST_CRASH_H
#define TRACE_TEST_CRASH_H

#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

/* Kill points are random: seeds rand() from the clock, or from
 * TRACE_TEST_SEED to replay a failing run, and says which. */
static inline void test_crash_seed(void)
{
	const char *env = getenv("TRACE_TEST_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
	fprintf(stderr, "kill points from seed %u (TRACE_TEST_SEED=%u replays them)\n", seed, seed);
	srand(seed);
}

static inline uint64_t test_crash_cycle(void (*work)(const char *dir, int fd), const char *dir,
                                        uint64_t acked, unsigned max_delay_us)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("pipe");
		exit(2);
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		work(dir, fds[1]);
		_exit(7);
	}
	close(fds[1]);
	uint64_t got;
	if (read(fds[0], &got, sizeof got) == sizeof got)	/* at least one acknowledgement */
		acked = got;
	usleep((useconds_t)(rand() % (int)max_delay_us));
	kill(pid, SIGKILL);
	while (read(fds[0], &got, sizeof got) == sizeof got)
		acked = got;
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status));
	return acked;
}

#endif
