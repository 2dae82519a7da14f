/*
 * Issuance: the keyed permutation, uniqueness across restarts and sites,
 * recovery from a torn journal, locking, and the error paths.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "code_test.h"
#include "code/perm.h"

typedef struct bag {
	char (*serial)[40];
	char (*code)[96];
	uint64_t *seq;
	size_t n, cap;
	uint64_t stop_after; /* callback returns 1 after this many (0: never) */
} bag;

static int collect(const char *code, const char *serial, uint64_t seq, void *payload)
{
	bag *b = payload;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->serial = realloc(b->serial, b->cap * sizeof *b->serial);
		b->code = realloc(b->code, b->cap * sizeof *b->code);
		b->seq = realloc(b->seq, b->cap * sizeof *b->seq);
	}
	snprintf(b->serial[b->n], sizeof b->serial[0], "%s", serial);
	snprintf(b->code[b->n], sizeof b->code[0], "%s", code);
	b->seq[b->n] = seq;
	b->n++;
	return b->stop_after && b->n >= b->stop_after;
}

static void bag_free(bag *b)
{
	free(b->serial);
	free(b->code);
	free(b->seq);
	memset(b, 0, sizeof *b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Number of repeated strings among n entries of width w (sorts a copy). */
static size_t duplicates(const void *v, size_t n, size_t w)
{
	char *copy = malloc(n * w + 1);
	memcpy(copy, v, n * w);
	qsort(copy, n, w, cmp_str);
	size_t d = 0;
	for (size_t i = 1; i < n; i++)
		d += strcmp(copy + (i - 1) * w, copy + i * w) == 0;
	free(copy);
	return d;
}

static void test_perm(void)
{
	uint8_t key[TRACE__PERM_KEY] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	trace__perm *p;
	CHECK_OK(trace__perm_new(&p, key));
	enum { N = 1 << 16 };
	static char out[N][TRACE__PERM_CHARS + 1];
	uint64_t ctr[TRACE__PERM_BATCH];
	for (size_t base = 0; base < N; base += TRACE__PERM_BATCH) {
		/* Dense counters near 0 and near the top of the 64-bit range. */
		for (size_t i = 0; i < TRACE__PERM_BATCH; i++)
			ctr[i] = base < N / 2 ? base + i : UINT64_MAX - (base + i);
		char chars[TRACE__PERM_BATCH * TRACE__PERM_CHARS];
		CHECK_OK(trace__perm_forward(p, ctr, TRACE__PERM_BATCH, chars, TRACE__PERM_CHARS));
		for (size_t i = 0; i < TRACE__PERM_BATCH; i++) {
			memcpy(out[base + i], chars + i * TRACE__PERM_CHARS, TRACE__PERM_CHARS);
			out[base + i][TRACE__PERM_CHARS] = 0;
			uint64_t back = 0;
			if (i % 16 == 0) {
				CHECK_OK(trace__perm_inverse(p, out[base + i], &back));
				CHECK(back == ctr[i]);
			}
		}
	}
	CHECK(duplicates(out, N, sizeof out[0]) == 0);
	/* Loose uniformity of one position: each symbol near N/32 times. */
	size_t hist[32] = { 0 };
	for (size_t i = 0; i < N; i++)
		hist[strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", out[i][7]) - "0123456789ABCDEFGHJKMNPQRSTVWXYZ"]++;
	for (int k = 0; k < 32; k++)
		CHECK(hist[k] > N / 32 * 8 / 10 && hist[k] < N / 32 * 12 / 10);
	/* A value outside the counter half of the domain has no counter. */
	int found = 0;
	for (int i = 0; i < 64 && !found; i++) {
		char probe[TRACE__PERM_CHARS + 1] = "ZZZZZZZZZZZZZ";
		probe[12] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[i % 32];
		probe[11] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[i / 32];
		uint64_t back;
		found = trace__perm_inverse(p, probe, &back) == TRACE_ENOTFOUND;
	}
	CHECK(found);
	uint64_t back;
	CHECK_RC(trace__perm_inverse(p, "0000000000U00", &back), TRACE_EINVAL);
	trace__perm_free(p);
}

static void test_memory(void)
{
	trace_issuer *is;
	CHECK_OK(trace_issuer_open(&is, NULL, "7a"));
	if (is == NULL)
		return;
	CHECK_STR(trace_issuer_site(is), "7A");
	bag b = { 0 };
	CHECK_OK(trace_issuer_issue_gs1(is, "06901234567892", "LOT-2025/01", 20000, collect, &b));
	CHECK_OK(trace_issuer_issue_gs1(is, "6901234567892", "L2", 5000, collect, &b)); /* GTIN-13 padded */
	CHECK(b.n == 25000);
	CHECK(trace_issuer_count(is) == 25000);
	CHECK(duplicates(b.serial, b.n, sizeof b.serial[0]) == 0);
	for (size_t i = 0; i < b.n; i += 997) {
		CHECK(strlen(b.serial[i]) == 15 && strncmp(b.serial[i], "7A", 2) == 0);
		CHECK_OK(trace_gs1_ai_validate("21", b.serial[i], TRACE_CODE_CN_STRICT));
		CHECK(b.seq[i] == i);
		trace_code *c = parse_ok(b.code[i], 0, 0);
		if (c) {
			CHECK_STR(trace_code_find(c, "01"), "06901234567892");
			CHECK_STR(trace_code_find(c, "21"), b.serial[i]);
			CHECK_STR(trace_code_find(c, "10"), i < 20000 ? "LOT-2025/01" : "L2");
			trace_code_free(c);
		}
		uint64_t seq = 99;
		CHECK_OK(trace_issuer_lookup(&seq, is, b.serial[i]));
		CHECK(seq == i);
	}
	const char *head = "https://id.gs1.org/01/06901234567892/10/LOT-2025%2F01/21/7A";
	CHECK(strncmp(b.code[0], head, strlen(head)) == 0 && strlen(b.code[0]) == strlen(head) + 13);
	/* Lookups of serials that were never issued. */
	CHECK_RC(trace_issuer_lookup(NULL, is, "7A0000000000000"), TRACE_ENOTFOUND);
	CHECK_RC(trace_issuer_lookup(NULL, is, "7B0000000000000"), TRACE_ENOTFOUND);
	CHECK_MSG("site");
	CHECK_RC(trace_issuer_lookup(NULL, is, "7A00000000000U0"), TRACE_EINVAL);
	CHECK_MSG("position 13");
	CHECK_RC(trace_issuer_lookup(NULL, is, "short"), TRACE_ENOTFOUND);

	/* Native codes carry a valid check character and parse back. */
	bag nb = { 0 };
	CHECK_OK(trace_issuer_issue_native(is, "acme", 1000, collect, &nb));
	for (size_t i = 0; i < nb.n; i++) {
		trace_code *c = NULL;
		if (trace_code_parse(&c, nb.code[i], TRACE_CODE_FORM_AUTO, 0) != TRACE_OK ||
		    strcmp(trace_code_canonical(c), nb.code[i]) != 0) {
			fprintf(stderr, "native code %s does not parse back\n", nb.code[i]);
			test_failures++;
		}
		trace_code_free(c);
	}
	CHECK(strncmp(nb.code[0], "ACME-7A", 7) == 0 && strlen(nb.code[0]) == 5 + 2 + 13 + 1);
	CHECK(nb.seq[0] == 25000);
	uint64_t seq;
	CHECK_OK(trace_issuer_lookup(&seq, is, nb.code[10]));
	CHECK(seq == 25010);
	char lower[64];
	for (size_t i = 0; nb.code[10][i]; i++)
		lower[i] = (char)(nb.code[10][i] >= 'A' && nb.code[10][i] <= 'Z' ? nb.code[10][i] + 32 : nb.code[10][i]);
	lower[strlen(nb.code[10])] = 0;
	CHECK_OK(trace_issuer_lookup(&seq, is, lower));
	CHECK(seq == 25010);

	/* Errors name what was wrong. */
	CHECK_RC(trace_issuer_issue_gs1(is, "06901234567893", "L", 1, collect, &b), TRACE_EINVAL);
	CHECK_MSG("AI (01)");
	CHECK_RC(trace_issuer_issue_gs1(is, "0690123456789", "L", 1, collect, &b), TRACE_EINVAL);
	CHECK_RC(trace_issuer_issue_gs1(is, "06901234567892", "L 1", 1, collect, &b), TRACE_EINVAL);
	CHECK_MSG("AI (10) at position 1");
	CHECK_RC(trace_issuer_issue_gs1(is, "06901234567892", "L", 0, collect, &b), TRACE_EINVAL);
	CHECK_MSG("count");
	CHECK_RC(trace_issuer_issue_gs1(is, "06901234567892", "L", 1, NULL, &b), TRACE_EINVAL);
	CHECK_RC(trace_issuer_issue_native(is, "9X", 1, collect, &b), TRACE_EINVAL);
	CHECK_MSG("prefix");
	CHECK(trace_issuer_count(is) == 26000); /* rejected calls reserve nothing */

	/* A callback that stops: the rest of its range is burnt, never reissued. */
	bag s = { 0 };
	s.stop_after = 3;
	CHECK_RC(trace_issuer_issue_native(is, "X", 10, collect, &s), TRACE_EUSER);
	CHECK(s.n == 3);
	CHECK(trace_issuer_count(is) == 26010);
	bag_free(&s);
	trace_issuer_close(is);
	bag_free(&b);
	bag_free(&nb);

	CHECK_RC(trace_issuer_open(&is, NULL, "U"), TRACE_EINVAL);
	CHECK_MSG("site ID");
	CHECK_RC(trace_issuer_open(&is, NULL, "12345"), TRACE_EINVAL);
	trace_issuer_close(NULL);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	fputs(text, f);
	fclose(f);
}

static void test_persistence(void)
{
	char *tmp = test_tmpdir("issuer");
	char dir[512], journal[600], state[600];
	snprintf(dir, sizeof dir, "%s/ledger", tmp);
	snprintf(journal, sizeof journal, "%s/codes/journal", dir);
	snprintf(state, sizeof state, "%s/codes/issuer", dir);
	bag all = { 0 };

	trace_issuer *is = NULL, *other = NULL;
	CHECK_OK(trace_issuer_open(&is, dir, "S1"));
	if (is == NULL)
		return;
	CHECK_OK(trace_issuer_issue_gs1(is, "09506000134352", "A1", 3000, collect, &all));
	CHECK_OK(trace_issuer_issue_native(is, "ACME", 500, collect, &all));
	/* One issuer per directory at a time. */
	CHECK_RC(trace_issuer_open(&other, dir, NULL), TRACE_EBUSY);
	trace_issuer_close(is);

	struct stat st;
	CHECK(stat(state, &st) == 0 && (st.st_mode & 0777) == 0600);

	/* Restart: the counter resumes past everything handed out. */
	CHECK_OK(trace_issuer_open(&is, dir, NULL));
	if (is == NULL)
		return;
	CHECK_STR(trace_issuer_site(is), "S1");
	CHECK(trace_issuer_count(is) == 3500);
	uint64_t seq;
	CHECK_OK(trace_issuer_lookup(&seq, is, all.serial[1234]));
	CHECK(seq == 1234);
	CHECK_OK(trace_issuer_issue_gs1(is, "09506000134352", "A1", 3000, collect, &all));
	trace_issuer_close(is);

	/* A crash while appending leaves a torn last line: dropped on open. */
	append(journal, "6500 999999 gs1 0950");
	CHECK_OK(trace_issuer_open(&is, dir, "s1"));
	if (is == NULL)
		return;
	CHECK(trace_issuer_count(is) == 6500);
	CHECK_OK(trace_issuer_issue_gs1(is, "09506000134352", "A2", 2000, collect, &all));
	CHECK(trace_issuer_count(is) == 8500);
	trace_issuer_close(is);
	CHECK(all.n == 8500);
	CHECK(duplicates(all.serial, all.n, sizeof all.serial[0]) == 0);
	for (size_t i = 0; i < all.n; i++)
		CHECK(all.seq[i] == i);

	/* Another site issuing for the same GTIN never collides: its serials start with its ID. */
	char dir2[512];
	snprintf(dir2, sizeof dir2, "%s/site2", tmp);
	CHECK_OK(trace_issuer_open(&other, dir2, "S2"));
	if (other) {
		size_t before = all.n;
		CHECK_OK(trace_issuer_issue_gs1(other, "09506000134352", "A1", 3000, collect, &all));
		CHECK(duplicates(all.serial, all.n, sizeof all.serial[0]) == 0);
		CHECK(strncmp(all.serial[before], "S2", 2) == 0);
		CHECK_RC(trace_issuer_lookup(NULL, other, all.serial[0]), TRACE_ENOTFOUND);
		trace_issuer_close(other);
	}

	/* The site is fixed when the state is created. */
	CHECK_RC(trace_issuer_open(&is, dir, "S3"), TRACE_EINVAL);
	CHECK_MSG("belongs to site \"S1\"");

	/* A journal that does not add up is refused, naming the line. */
	append(journal, "9999 10 native X - 0\n");
	CHECK_RC(trace_issuer_open(&is, dir, NULL), TRACE_ECORRUPT);
	CHECK_MSG("line 5");
	/* So is a damaged state file. */
	append(state, "junk\n");
	CHECK_RC(trace_issuer_open(&is, dir, NULL), TRACE_ECORRUPT);
	CHECK_MSG("issuer state");

	bag_free(&all);
	test_rmrf(tmp);
}

int main(void)
{
	test_perm();
	test_memory();
	test_persistence();
	return test_done("code-issuer");
}
