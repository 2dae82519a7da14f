/*
 * bench/bench_util: helpers shared by the bench_*.c programs (header only).
 *
 * Timing with clock_gettime(CLOCK_MONOTONIC), peak memory with getrusage,
 * a temporary directory under $TMPDIR (or /tmp) removed afterwards, a check
 * macro that stops the benchmark on any libtrace failure, and the markdown
 * table every benchmark prints:
 *
 *   | operation | libtrace | target | raw limit | ratio |
 *
 * The table goes to stdout and, with --out FILE, to FILE as well.
 */
#ifndef TRACE_BENCH_UTIL_H
#define TRACE_BENCH_UTIL_H

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <trace/error.h>

/* ---- time and memory ------------------------------------------------- */

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time used by this process (all threads), in seconds.  CPU time over
 * wall time for a single-threaded CPU-bound phase is the share of a core
 * the benchmark really had: well below 1 means other processes competed
 * for it and the figure understates what the code can do. */
static inline double bench_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Stalls of this core that no code of ours causes: a loop that only reads
 * the clock for @seconds counts the gaps above 10 us (interrupts, the
 * hypervisor taking the core).  A query of t us is hit with probability
 * about rate * t, which sets a floor under tail latencies (p99). */
static inline void bench_stalls(double seconds, double *per_s, double *mean_us)
{
	double t0 = bench_now(), last = t0, sum = 0;
	long n = 0;
	while (last - t0 < seconds) {
		double t = bench_now();
		if (t - last > 10e-6) {
			n++;
			sum += t - last;
		}
		last = t;
	}
	*per_s = (double)n / seconds;
	*mean_us = n ? sum / (double)n * 1e6 : 0;
}

/* Peak resident set size of the process so far, in bytes.  Pages of LMDB's
 * memory map that the process touched count too: a scan of a 300 MB log
 * shows up here even though none of it is heap. */
static inline uint64_t bench_peak_rss(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024u;	/* Linux reports KiB */
}

/* Anonymous resident memory right now (heap, stacks; not file pages), in
 * bytes, from /proc/self/status; 0 where unavailable.  Next to the peak RSS
 * it shows how much of that peak is the memory map of a database. */
static inline uint64_t bench_anon_rss(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kb = 0;
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "RssAnon: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024u;
}

/* "model name" of the first CPU in /proc/cpuinfo, or "unknown CPU". */
static inline const char *bench_cpu_model(void)
{
	static char model[128] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	if (f == NULL)
		return model;
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(model, sizeof model, "%s", colon + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
	return model;
}

/* ---- failures ---------------------------------------------------------- */

static inline void bench_die(const char *what, const char *file, int line, int rc)
{
	const trace_error *e = trace_error_last();
	fprintf(stderr, "bench: %s:%d: %s failed: %d (%s): %s\n", file, line, what, rc,
	        trace_strerror(rc), e && e->message ? e->message : "");
	exit(1);
}

/* Runs a libtrace call; any result but TRACE_OK ends the benchmark with
 * exit status 1 (the --small test mode relies on this). */
#define BENCH_CHECK(call) \
	do { \
		int bench_rc_ = (call); \
		if (bench_rc_ != TRACE_OK) \
			bench_die(#call, __FILE__, __LINE__, bench_rc_); \
	} while (0)

/* A condition that must hold; otherwise exit status 1. */
#define BENCH_REQUIRE(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "bench: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			exit(1); \
		} \
	} while (0)

/* ---- temporary directory ---------------------------------------------- */

/* Creates a fresh directory "<$TMPDIR or /tmp>/<prefix>-XXXXXX"; caller
 * frees the returned path.  Exits on failure. */
/* "WHO: message" on stderr: what a long benchmark is doing. */
static inline void bench_progress(const char *who, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", who);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* DIR/NAME, allocated. */
static inline char *bench_path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = (char *)malloc(len);
	BENCH_REQUIRE(p != NULL, "out of memory");
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static inline char *bench_tmpdir(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";
	size_t len = strlen(base) + strlen(prefix) + 16;
	char *path = malloc(len);
	BENCH_REQUIRE(path != NULL, "out of memory");
	snprintf(path, len, "%s/%s-XXXXXX", base, prefix);
	BENCH_REQUIRE(mkdtemp(path) != NULL, "mkdtemp %s: %s", path, strerror(errno));
	return path;
}

static inline int bench_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes @path and everything below it; failures are reported, not fatal. */
static inline void bench_rmtree(const char *path)
{
	if (path && nftw(path, bench_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "bench: could not remove %s: %s\n", path, strerror(errno));
}

/* ---- formatting -------------------------------------------------------- */

/* Writes @v with thousands separators and @digits decimals (e.g. 1,234,567). */
static inline char *bench_fmt_num(char *buf, size_t cap, double v, int digits)
{
	char raw[64];
	snprintf(raw, sizeof raw, "%.*f", digits, v < 0 ? -v : v);
	char *dot = strchr(raw, '.');
	size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
	if (v < 0 && o + 1 < cap)
		buf[o++] = '-';
	for (size_t i = 0; i < ilen && o + 1 < cap; i++) {
		buf[o++] = raw[i];
		if ((ilen - 1 - i) % 3 == 0 && i + 1 < ilen && o + 1 < cap)
			buf[o++] = ',';
	}
	for (const char *p = dot; p && *p && o + 1 < cap; p++)
		buf[o++] = *p;
	buf[o] = '\0';
	return buf;
}

/* A rate rounded to 3 significant figures with thousands separators
 * ("123,000 entries/s"), so columns compare at a glance. */
static inline char *bench_fmt_rate(char *buf, size_t cap, double per_s, const char *unit)
{
	char n[48];
	double r = per_s;
	if (r >= 1000) {
		/* keep three significant figures */
		double scale = 1;
		while (r / scale >= 1000)
			scale *= 10;
		r = (double)(long long)(r / scale + 0.5) * scale;
	}
	bench_fmt_num(n, sizeof n, r, r >= 100 ? 0 : (r >= 10 ? 1 : 2));
	snprintf(buf, cap, "%s %s", n, unit);
	return buf;
}

/* Bytes as "12.3 MB" / "1.23 GB" (decimal units). */
static inline char *bench_fmt_bytes(char *buf, size_t cap, double bytes)
{
	if (bytes >= 1e9)
		snprintf(buf, cap, "%.2f GB", bytes / 1e9);
	else if (bytes >= 1e6)
		snprintf(buf, cap, "%.1f MB", bytes / 1e6);
	else
		snprintf(buf, cap, "%.0f kB", bytes / 1e3);
	return buf;
}

/* Seconds as a short duration: "12.3 µs", "4.56 ms", "1.23 s". */
static inline char *bench_fmt_time(char *buf, size_t cap, double s)
{
	if (s < 1e-3)
		snprintf(buf, cap, "%.1f µs", s * 1e6);
	else if (s < 1)
		snprintf(buf, cap, "%.2f ms", s * 1e3);
	else
		snprintf(buf, cap, "%.2f s", s);
	return buf;
}

/* ---- the table --------------------------------------------------------- */

typedef struct bench_table {
	FILE *file;	/* --out FILE, or NULL */
	int header_done;
} bench_table;

static inline void bench_table_vprint(bench_table *t, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	vfprintf(stdout, fmt, ap);
	if (t->file)
		vfprintf(t->file, fmt, ap2);
	va_end(ap2);
}

/* Free text around the table (headings, notes), to both outputs. */
static inline void bench_table_note(bench_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bench_table_vprint(t, fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static inline void bench_table_open(bench_table *t, const char *out_path)
{
	t->header_done = 0;
	t->file = NULL;
	if (out_path) {
		t->file = fopen(out_path, "w");
		BENCH_REQUIRE(t->file != NULL, "cannot write %s: %s", out_path, strerror(errno));
	}
}

static inline void bench_table_close(bench_table *t)
{
	if (t->file) {
		BENCH_REQUIRE(fclose(t->file) == 0, "writing the output file failed: %s", strerror(errno));
		t->file = NULL;
	}
}

/* One row: operation | libtrace figure | target | raw limit | ratio.
 * Empty strings (or NULL) print as "—". */
static inline void bench_row(bench_table *t, const char *op, const char *figure,
                             const char *target, const char *raw, const char *ratio)
{
	if (!t->header_done) {
		bench_table_note(t, "| operation | libtrace | target | raw limit | ratio |\n"
		                    "|---|---:|---:|---:|---:|\n");
		t->header_done = 1;
	}
#define BENCH_CELL(s) ((s) && *(s) ? (s) : "—")
	bench_table_note(t, "| %s | %s | %s | %s | %s |\n", BENCH_CELL(op), BENCH_CELL(figure),
	                 BENCH_CELL(target), BENCH_CELL(raw), BENCH_CELL(ratio));
#undef BENCH_CELL
}

/* "0.83 (goal ≥ 0.7)" or "0.83" when @goal is 0. */
static inline char *bench_fmt_ratio(char *buf, size_t cap, double ratio, double goal)
{
	if (goal > 0)
		snprintf(buf, cap, "%.2f (goal ≥ %.1f)%s", ratio, goal, ratio >= goal ? "" : " **below goal**");
	else
		snprintf(buf, cap, "%.2f", ratio);
	return buf;
}

/* ---- command line ------------------------------------------------------ */

typedef struct bench_args {
	int small;
	const char *out;
} bench_args;

/* Parses "--small" and "--out FILE"; exits 2 on bad usage. */
static inline bench_args bench_parse_args(int argc, char **argv, const char *usage_extra)
{
	bench_args a = { 0, NULL };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--small") == 0)
			a.small = 1;
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			a.out = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--small] [--out FILE]%s\n", argv[0],
			        usage_extra ? usage_extra : "");
			exit(2);
		}
	}
	return a;
}

/* Rows kept while a benchmark runs and printed together at the end, in order. */
#define BENCH_MAX_ROWS 40
typedef struct bench_kept_row {
	char op[192], fig[160], target[96], raw[320], ratio[64];
} bench_kept_row;

static inline void bench_keep_row(bench_kept_row *rows, int *n, const char *op, const char *fig,
                                  const char *target, const char *raw, const char *ratio)
{
	BENCH_REQUIRE(*n < BENCH_MAX_ROWS, "too many rows");
	bench_kept_row *r = &rows[(*n)++];
	snprintf(r->op, sizeof r->op, "%s", op ? op : "");
	snprintf(r->fig, sizeof r->fig, "%s", fig ? fig : "");
	snprintf(r->target, sizeof r->target, "%s", target ? target : "");
	snprintf(r->raw, sizeof r->raw, "%s", raw ? raw : "");
	snprintf(r->ratio, sizeof r->ratio, "%s", ratio ? ratio : "");
}

static inline void bench_print_kept_rows(bench_table *t, const bench_kept_row *rows, int n)
{
	for (int i = 0; i < n; i++)
		bench_row(t, rows[i].op, rows[i].fig, rows[i].target, rows[i].raw, rows[i].ratio);
}

#endif
