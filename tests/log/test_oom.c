/*
 * Allocation failures: through trace_set_allocator, fail the Nth
 * allocation for every N a workload makes.  Each call must fail with
 * exactly TRACE_ENOMEM (never crash, never another code, never succeed as
 * if nothing had failed), and the log must stay intact.
 */
#include "log_util.h"

static long countdown = -1;	/* fail when it reaches 0; -1: never */
static long allocations;

static void *fail_malloc(void *ctx, size_t n)
{
	(void)ctx;
	allocations++;
	if (countdown >= 0 && countdown-- == 0)
		return NULL;
	return malloc(n);
}

static void *fail_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	allocations++;
	if (countdown >= 0 && countdown-- == 0)
		return NULL;
	return realloc(p, n);
}

static void plain_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/* A workload touching every module: returns the first failing code. */
static int workload(const char *dir, uint64_t *appended)
{
	trace_log *log = NULL;
	trace_signer *s = NULL;
	trace_buf cp = TRACE_BUF_INIT, proof = TRACE_BUF_INIT;
	trace_policy *pol = NULL;
	trace_tlog_proof *tp = NULL;
	uint8_t buf[128];
	const char *ptext = "log " TEST_VKEY "\nquorum none\n";
	int rc = trace_log_open(&log, dir, TRACE_OPEN_WRITE, NULL);
	if (rc == TRACE_OK && (rc = test_append(log, *appended, *appended + 300, 300)) == TRACE_OK)
		*appended += 300;
	if (rc == TRACE_OK)
		rc = trace_signer_from_skey(&s, TEST_SKEY);
	if (rc == TRACE_OK)
		rc = trace_log_checkpoint_sign(&cp, log, s);
	if (rc == TRACE_OK)
		rc = trace_log_prove(&proof, log, 7, UINT64_MAX);
	if (rc == TRACE_OK)
		rc = trace_policy_parse(&pol, ptext, strlen(ptext));
	if (rc == TRACE_OK)
		rc = trace_tlog_proof_parse(&tp, (char *)proof.ptr, proof.size);
	if (rc == TRACE_OK) {
		size_t len = test_entry(buf, 7);
		rc = trace_tlog_proof_verify(tp, pol, buf, len);
	}
	uint64_t found;
	uint8_t lh[32];
	if (rc == TRACE_OK && (rc = trace_log_leaf_hash(lh, 32, log, 5)) == TRACE_OK)
		rc = trace_log_find(&found, log, lh, 32);
	if (rc == TRACE_OK)
		rc = trace_log_audit(log);
	trace_tlog_proof_free(tp);
	trace_policy_free(pol);
	trace_buf_dispose(&proof);
	trace_buf_dispose(&cp);
	trace_signer_free(s);
	trace_log_close(log);
	return rc;
}

int main(void)
{
	trace_allocator a = { fail_malloc, fail_realloc, plain_free, NULL };
	CHECK_OK(trace_set_allocator(&a));
	char *dir = strdup(test_tmpdir("oom"));
	trace_log *log;
	CHECK_OK(trace_log_create(&log, dir, TEST_ORIGIN, TEST_VKEY, NULL));
	trace_log_close(log);
	CHECK_RC(trace_set_allocator(NULL), TRACE_EBUSY);

	uint64_t appended = 0;
	allocations = 0;
	CHECK_OK(workload(dir, &appended));
	long total = allocations;
	int failures_seen = 0;
	for (long n = 0; n < total; n++) {
		countdown = n;
		int rc = workload(dir, &appended);
		long missed = countdown;	/* >= 0: this run made fewer allocations */
		countdown = -1;
		if (rc != TRACE_OK && rc != TRACE_ENOMEM) {
			fprintf(stderr, "failing allocation %ld gave %d (%s), expected TRACE_ENOMEM\n", n, rc,
			        trace_error_last()->message);
			test_failures++;
		}
		if (rc == TRACE_OK && missed < 0) {
			fprintf(stderr, "failing allocation %ld was swallowed: the workload succeeded\n", n);
			test_failures++;
		}
		failures_seen += rc != TRACE_OK;
		/* Whatever failed, the log is whole and still appendable. */
		CHECK_OK(trace_log_open(&log, dir, TRACE_OPEN_WRITE, NULL));
		uint64_t size;
		CHECK_OK(trace_log_size(&size, log));
		CHECK(size == appended);
		CHECK_OK(trace_log_audit(log));
		trace_log_close(log);
	}
	printf("%ld allocation points, %d failed cleanly\n", total, failures_seen);
	CHECK(failures_seen > 0);
	test_rmrf(dir);
	free(dir);
	return test_done("oom");
}
