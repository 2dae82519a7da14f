/*
 * The canonical-key fast path (libtrace/code/fast.c) against the full
 * parser: whatever the fast path accepts, trace_code_parse() must accept
 * and return unchanged as its canonical key.  Inputs are the shapes the
 * fast path looks for, with every kind of near miss mixed in.
 */
#include "code_test.h"
#include "../../libtrace/code/code_internal.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void random_digits(char *p, int n, int fix_check)
{
	for (int i = 0; i < n; i++)
		p[i] = (char)('0' + pick(10));
	if (fix_check)
		p[n - 1] = (char)('0' + trace__gs1_csum(p, (size_t)n - 1));
}

static void random_value(char *p, int n)
{
	static const char pool[] = "ABCxyz0189-._%/+!~ \"*";
	for (int i = 0; i < n; i++)
		p[i] = pick(30) ? "AZaz09-._"[pick(9)] : pool[pick(sizeof pool - 1)];
	p[n] = 0;
}

static void make(char *s, size_t cap)
{
	static const char *const stems[] = { "https://id.gs1.org/", "http://id.gs1.org/",
	                                     "https://id.gs1.org//", "HTTPS://id.gs1.org/",
	                                     "https://example.com/" };
	static const char *const keys[] = { "01/", "00/", "02/", "1/", "414/" };
	static const char *const quals[] = { "/21/", "/10/", "/22/", "/235/", "/21", "" };
	char digits[24], value[32];
	const char *stem = stems[pick(8) < 6 ? 0 : pick(5)];
	int key = pick(8) < 6 ? (int)pick(2) : (int)pick(5);
	int nd = key == 1 ? 18 : 14;
	if (pick(10) == 0)
		nd += (int)pick(3) - 1;
	random_digits(digits, nd, pick(10) != 0);
	digits[nd] = 0;
	random_value(value, pick(8) ? 1 + (int)pick(20) : (int)pick(23));
	const char *q = pick(2) ? quals[pick(2)] : quals[pick(6)];
	if (pick(4) == 0)
		snprintf(s, cap, "%s%s%s", stem, keys[key], digits);
	else
		snprintf(s, cap, "%s%s%s%s%s%s", stem, keys[key], digits, q, value,
		         pick(10) == 0 ? "/21/X" : pick(10) == 0 ? "?17=201225" : "");
}

int main(void)
{
	char s[160];
	unsigned fast = 0, total = 200000;
	for (unsigned i = 0; i < total; i++) {
		make(s, sizeof s);
		if (!trace__code_is_canonical_key(s))
			continue;
		fast++;
		trace_code *c = NULL;
		int rc = trace_code_parse(&c, s, TRACE_CODE_FORM_AUTO, 0);
		CHECK(rc == TRACE_OK);
		if (rc != TRACE_OK) {
			fprintf(stderr, "fast path accepted %s, parser refused it: %s\n", s, trace_error_last()->message);
			break;
		}
		if (strcmp(trace_code_canonical(c), s) != 0) {
			fprintf(stderr, "fast path accepted %s, canonical is %s\n", s, trace_code_canonical(c));
			CHECK(0);
			trace_code_free(c);
			break;
		}
		trace_code_free(c);
	}
	/* The fast path must actually take the common shapes. */
	CHECK(fast > total / 10);
	CHECK(trace__code_is_canonical_key("https://id.gs1.org/01/09506000134352/21/0NRJRH3KM0FXD1"));
	CHECK(trace__code_is_canonical_key("https://id.gs1.org/01/09506000134352/10/Y1"));
	CHECK(trace__code_is_canonical_key("https://id.gs1.org/00/095060001000000012"));
	CHECK(!trace__code_is_canonical_key("https://id.gs1.org/01/09506000134353/21/X"));	/* check digit */
	CHECK(!trace__code_is_canonical_key("https://id.gs1.org/01/09506000134352/21/A%2BB"));	/* escaped: parse */
	CHECK(!trace__code_is_canonical_key("https://id.gs1.org/01/09506000134352/21/.."));
	/* Cut short after each character: never read past the end (ASan checks this). */
	const char *full = "https://id.gs1.org/01/09506000134352/21/AB";
	for (size_t n = 0; n <= strlen(full); n++) {
		char *cut = strndup(full, n);
		CHECK(trace__code_is_canonical_key(cut) == (n == 36 || n >= 41));	/* GTIN; serial "A", "AB" */
		free(cut);
	}
	fprintf(stderr, "fast path took %u of %u generated codes\n", fast, total);
	return test_done("code-fast");
}
