/*
 * fuzz_note_oom: allocation failures through trace_set_allocator().  Every
 * libtrace allocation goes through that hook, so it reaches what
 * -Wl,--wrap=malloc would, without linker flags (see README.md).  Each input
 * goes through the note path (parse, verify, checkpoint, policy check), the
 * tlog-proof parser and verifier and the policy parser: once to count
 * allocations, then again failing the Nth (N carved from the input),
 * optionally every one after it.  A call that saw a failure must return a
 * negative code and release what it allocated; the others must return what
 * they returned on the clean run.
 * Input: text || mode (1 byte: bit 0 = keep failing) || N (2 bytes, big-endian).
 */
#include <stdlib.h>
#include <string.h>

#include <trace/bundle.h>
#include <trace/common.h>
#include <trace/error.h>
#include <trace/note.h>

#include "fuzz_data.h"
#include "fuzz_fixtures.h"

static size_t count, fail_at, live;	/* fail_at 0: never fail */
static int sticky, injected;

static int should_fail(void)
{
	count++;
	if (fail_at && (count == fail_at || (sticky && count > fail_at))) {
		injected = 1;
		return 1;
	}
	return 0;
}

static void *t_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (should_fail())
		return NULL;
	void *p = malloc(n);
	live += p != NULL;
	return p;
}

static void *t_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (should_fail())
		return NULL;
	void *q = realloc(p, n);
	live += p == NULL && q != NULL;
	return q;
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	live -= p != NULL;
	free(p);
}

static trace_verifier *keys[2];
static trace_policy *policy;

static void init(void)
{
	static const trace_allocator a = { t_malloc, t_realloc, t_free, NULL };
	if (policy)
		return;
	FUZZ_CHECK(trace_set_allocator(&a) == TRACE_OK);	/* before any allocation */
	FUZZ_CHECK(trace_verifier_new(&keys[0], FUZZ_LOG_VKEY) == TRACE_OK);
	FUZZ_CHECK(trace_verifier_new(&keys[1], FUZZ_WITNESS_VKEY) == TRACE_OK);
	FUZZ_CHECK(trace_policy_parse(&policy, FUZZ_POLICY_WITNESSED, strlen(FUZZ_POLICY_WITNESSED)) == TRACE_OK);
}

/* Checks one call: a negative code if a failure was injected, no leak if it
 * failed, and otherwise the same result as the run without failures. */
static int call(int rc, size_t live_before, int *rcs, size_t step, int faulty)
{
	fuzz_rc(rc);
	if (injected)
		FUZZ_CHECK(rc < 0);
	if (rc < 0)
		FUZZ_CHECK(live == live_before);
	if (!faulty)
		rcs[step] = rc;
	else if (!injected)
		FUZZ_CHECK(rc == rcs[step]);
	injected = 0;
	return rc;
}

/* Each parser of the note family on the input, and what follows a success. */
static void run(const char *msg, size_t len, int *rcs, int faulty)
{
	static const uint8_t entry[] = "entry 3\n";	/* the tlog-proof seeds prove it */
	trace_note *n = NULL;
	trace_checkpoint *c = NULL;
	trace_tlog_proof *tp = NULL;
	trace_policy *p = NULL;
	size_t base = live, text_len;

	if (call(trace_note_parse(&n, msg, len), base, rcs, 0, faulty) == TRACE_OK) {
		size_t with_note = live;
		call(trace_note_verify(NULL, NULL, n, (const trace_verifier *const *)keys, 2), with_note, rcs, 1, faulty);
		FUZZ_CHECK(live == with_note);	/* verifying keeps nothing */
		const char *text = trace_note_text(n, &text_len);
		call(trace_checkpoint_parse(&c, text, text_len), with_note, rcs, 2, faulty);
		trace_checkpoint_free(c);
		c = NULL;
		call(trace_policy_verify_checkpoint(&c, policy, msg, len), with_note, rcs, 3, faulty);
		trace_checkpoint_free(c);
		c = NULL;
		trace_note_free(n);
	}
	if (call(trace_tlog_proof_parse(&tp, msg, len), base, rcs, 4, faulty) == TRACE_OK) {
		call(trace_tlog_proof_verify(tp, policy, entry, sizeof entry - 1), live, rcs, 5, faulty);
		trace_tlog_proof_free(tp);
	}
	if (call(trace_policy_parse(&p, msg, len), base, rcs, 6, faulty) == TRACE_OK) {
		static const char cp[] = FUZZ_CHECKPOINT_COSIGNED;
		call(trace_policy_verify_checkpoint(NULL, p, cp, sizeof cp - 1), live, rcs, 7, faulty);
		trace_policy_free(p);
	}
	FUZZ_CHECK(live == base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_data d = fuzz_data_init(data, size);
	int rcs[8];
	size_t len;

	init();
	unsigned n = fuzz_data_u16(&d);
	sticky = fuzz_data_u8(&d) & 1;
	const char *msg = (const char *)fuzz_data_rest(&d, &len);

	count = 0;
	fail_at = 0;
	run(msg, len, rcs, 0);
	if (count == 0)
		return 0;
	fail_at = 1 + n % count;
	count = 0;
	run(msg, len, rcs, 1);
	FUZZ_CHECK(count >= fail_at);	/* the same path allocates the same way */
	fail_at = 0;
	return 0;
}
