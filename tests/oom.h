/*
 * Allocation-failure sweeps through trace_set_allocator, as SQLite does
 * with its allocator hook: run one call failing its n-th allocation, for
 * n = 0, 1, ... until it succeeds.  Every failing run must return exactly
 * TRACE_ENOMEM (a short allocation is not bad input, nor corruption) and
 * free everything it allocated.
 *
 * Include after test.h.  Allocations by OpenSSL, LMDB, zlib and
 * libqrencode do not go through libtrace's hook (docs/ABI.md); OpenSSL's
 * can be failed through its own (OOM_OPENSSL below).  LMDB and
 * libqrencode have no hook, so their allocations are not failed.
 */
#ifndef TRACE_TEST_OOM_H
#define TRACE_TEST_OOM_H

#include <execinfo.h>

static long oom_countdown = -1;	/* fail when it reaches 0; -1: never */
static long oom_live;		/* blocks allocated through the hook and not freed */
static int oom_backtrace = -1;	/* OOM_BACKTRACE=1 in the environment: print where each failure is injected */

static int oom_fail_now(void)
{
	if (oom_countdown < 0 || oom_countdown-- != 0)
		return 0;
	if (oom_backtrace < 0)
		oom_backtrace = getenv("OOM_BACKTRACE") != NULL;
	if (oom_backtrace) {
		void *frames[24];
		fprintf(stderr, "-- failing this allocation:\n");
		backtrace_symbols_fd(frames, backtrace(frames, 24), 2);
	}
	return 1;
}

/*
 * Libraries with an allocator hook of their own are failed the same way:
 * with OOM_OPENSSL defined (the test links OpenSSL) through
 * CRYPTO_set_mem_functions, with OOM_JANSSON (the test links jansson)
 * through json_set_alloc_funcs; both must be installed before the library
 * allocates.  oom_target names whose n-th allocation a sweep fails (and
 * only theirs).  Their blocks are not counted (OpenSSL keeps caches of
 * fetched algorithms): the ASan build looks for leaks.
 */
enum { OOM_LIBTRACE, OOM_OPENSSL_ALLOCS, OOM_JANSSON_ALLOCS };
static int oom_target = OOM_LIBTRACE;

static void *oom_malloc(void *ctx, size_t n)
{
	(void)ctx;
	if (oom_target == OOM_LIBTRACE && oom_fail_now())
		return NULL;
	void *p = malloc(n);
	oom_live += p != NULL;
	return p;
}

static void *oom_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (oom_target == OOM_LIBTRACE && oom_fail_now())
		return NULL;
	void *q = realloc(p, n);
	oom_live += p == NULL && q != NULL;
	return q;
}

static void oom_free(void *ctx, void *p)
{
	(void)ctx;
	oom_live -= p != NULL;
	free(p);
}

/* Installs the failing allocator: call first, before libtrace allocates. */
static void oom_install(void)
{
	static const trace_allocator a = { oom_malloc, oom_realloc, oom_free, NULL };
	CHECK_OK(trace_set_allocator(&a));
}

#ifdef OOM_OPENSSL
#include <openssl/crypto.h>

static void *oom_ssl_malloc(size_t n, const char *file, int line)
{
	(void)file, (void)line;
	return oom_target == OOM_OPENSSL_ALLOCS && oom_fail_now() ? NULL : malloc(n);
}

static void *oom_ssl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file, (void)line;
	return oom_target == OOM_OPENSSL_ALLOCS && oom_fail_now() ? NULL : realloc(p, n);
}

static void oom_ssl_free(void *p, const char *file, int line)
{
	(void)file, (void)line;
	free(p);
}

/* Call first in main(), before anything reaches OpenSSL. */
static void oom_install_openssl(void)
{
	CHECK(CRYPTO_set_mem_functions(oom_ssl_malloc, oom_ssl_realloc, oom_ssl_free) == 1);
}
#endif

#ifdef OOM_JANSSON
#include <jansson.h>

static void *oom_json_malloc(size_t n)
{
	return oom_target == OOM_JANSSON_ALLOCS && oom_fail_now() ? NULL : malloc(n);
}

/* Call first in main(), before anything reaches jansson. */
static void oom_install_jansson(void)
{
	json_set_alloc_funcs(oom_json_malloc, free);
}
#endif

/* Optional check after every failing run (a ledger that still audits...). */
typedef void (*oom_after_fn)(void *ctx);

/*
 * Sweeps @fn(@ctx), which must release whatever it allocated.  @step > 1
 * samples n (1, 1+step, ...) for entry points too slow to sweep fully in
 * the quick suite; n = 0 is always tried.  Returns the number of
 * allocation points seen (the n at which the call first succeeded).
 */
static int oom_also_allowed;	/* a second code a sweep accepts (0: none); see its use */

static long oom_sweep_step(const char *what, int (*fn)(void *ctx), void *ctx, oom_after_fn after,
                           long step)
{
	long before = oom_live, n = 0;
	for (;; n = n == 0 ? 1 : n + step) {
		oom_countdown = n;
		trace_error_clear();
		int rc = fn(ctx);
		long missed = oom_countdown;	/* >= 0: the n-th allocation never came */
		oom_countdown = -1;
		if (rc != TRACE_OK && rc != TRACE_ENOMEM && !(oom_also_allowed && rc == oom_also_allowed)) {
			fprintf(stderr, "%s: failing allocation %ld gave %d (%s: %s), expected TRACE_ENOMEM\n", what, n,
			        rc, trace_strerror(rc), trace_error_last()->message);
			test_failures++;
			break;
		}
		if (rc == TRACE_ENOMEM && trace_error_last()->code != TRACE_ENOMEM) {
			fprintf(stderr, "%s: failing allocation %ld: the error detail says %d (%s)\n", what, n,
			        trace_error_last()->code, trace_error_last()->message);
			test_failures++;
		}
		if (oom_live != before) {
			fprintf(stderr, "%s: failing allocation %ld leaked %ld block(s)\n", what, n, oom_live - before);
			test_failures++;
			before = oom_live;
		}
		if (after)
			after(ctx);
		if (rc == TRACE_OK) {
			/* Success is only allowed once no allocation was failed. */
			/* (Other libraries may recover from their own failures: only libtrace's count.) */
			if (missed < 0 && step == 1 && oom_target == OOM_LIBTRACE) {
				fprintf(stderr, "%s: failing allocation %ld was ignored: the call succeeded anyway\n",
				        what, n);
				test_failures++;
			}
			break;
		}
		if (n > 200000) {
			fprintf(stderr, "%s: still failing after %ld allocations\n", what, n);
			test_failures++;
			break;
		}
	}
	return n;
}

static long oom_sweep(const char *what, int (*fn)(void *ctx), void *ctx, oom_after_fn after)
{
	return oom_sweep_step(what, fn, ctx, after, 1);
}

#endif
