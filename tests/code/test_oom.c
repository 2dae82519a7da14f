/*
 * Allocation failures in the code module: fail the Nth allocation for
 * every N a workload makes.  Each call must fail with TRACE_ENOMEM (never
 * crash, never another code), and nothing may leak (live blocks counted).
 */
#include "code_test.h"

static long countdown = -1; /* fail when it reaches 0; -1: never */
static long live;

static void *fail_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (countdown >= 0 && countdown-- == 0)
		return NULL;
	void *p = malloc(n);
	live += p != NULL;
	return p;
}

static void *fail_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (countdown >= 0 && countdown-- == 0)
		return NULL;
	void *q = realloc(p, n);
	live += p == NULL && q != NULL;
	return q;
}

static void counting_free(void *ctx, void *p)
{
	(void)ctx;
	live -= p != NULL;
	free(p);
}

static const char *const inputs[] = {
	"https://example.cn/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231&linkType=gs1:pip&x",
	"(00)106141411234567897(02)09506000134352(37)12(10)L1",
	"]d201095060001343521720122510ABC123\03521XYZ", /* \035 is GS */
	"urn:epc:id:sgln:4012345.00005.122",
	"83857930000879766660",
	"MA.156.M0.100761.21234561.Sx00008.M220117.L20220117",
	"ACME-0ABCDEFGHJKMN9",
};

static int on_code(const char *code, const char *serial, uint64_t seq, void *payload)
{
	(void)code, (void)serial, (void)seq, (void)payload;
	return 0;
}

/* Parses and formats one input in every way: the first failure's code. */
static int workload(const char *text)
{
	trace_code *c = NULL;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_code_parse(&c, text, TRACE_CODE_FORM_AUTO, 0);
	if (rc == TRACE_OK && trace_code_scheme(c) == TRACE_CODE_GS1) {
		if ((rc = trace_code_element_string(&b, c, TRACE_CODE_ES_BRACKETED)) == TRACE_OK) {
			trace_buf_dispose(&b);
			rc = trace_code_element_string(&b, c, TRACE_CODE_ES_GS);
		}
		if (rc == TRACE_OK) {
			trace_buf_dispose(&b);
			rc = trace_code_digital_link(&b, c, "https://example.com/p");
		}
		if (rc == TRACE_OK) {
			trace_buf_dispose(&b);
			rc = trace_code_epc_urn(&b, c, 7);
			if (rc == TRACE_EINVAL) /* no EPC scheme for this one */
				rc = TRACE_OK;
		}
	}
	trace_buf_dispose(&b);
	trace_code_free(c);
	return rc;
}

static int issue_workload(void)
{
	trace_issuer *is = NULL;
	int rc = trace_issuer_open(&is, NULL, "1");
	if (rc == TRACE_OK)
		rc = trace_issuer_issue_gs1(is, "06901234567892", "L/1", 600, on_code, NULL);
	if (rc == TRACE_OK)
		rc = trace_issuer_issue_native(is, "ACME", 10, on_code, NULL);
	trace_issuer_close(is);
	return rc;
}

static void exhaust(const char *what, int (*fn)(const char *), const char *arg)
{
	long before = live;
	for (long n = 0;; n++) {
		countdown = n;
		int rc = fn(arg);
		countdown = -1;
		if (rc != TRACE_OK && rc != TRACE_ENOMEM) {
			fprintf(stderr, "%s: failing allocation %ld gave %d (%s)\n", what, n, rc, trace_error_last()->message);
			test_failures++;
		}
		if (live != before) {
			fprintf(stderr, "%s: failing allocation %ld leaked %ld block(s)\n", what, n, live - before);
			test_failures++;
			before = live;
		}
		if (rc == TRACE_OK)
			break;
		CHECK(n < 10000);
	}
}

static int issue_adapter(const char *unused)
{
	(void)unused;
	return issue_workload();
}

int main(void)
{
	trace_allocator a = { fail_malloc, fail_realloc, counting_free, NULL };
	CHECK_OK(trace_set_allocator(&a));
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		exhaust(inputs[i], workload, inputs[i]);
	exhaust("issuer", issue_adapter, NULL);
	return test_done("code-oom");
}
