/*
 * bench/pg/bench_pg: the PostgreSQL baseline of issue 5.  The food scenario
 * (bench/scenario.c, the very steps bench_food loads into libtrace) loaded
 * into the schema of bench/pg/schema.sql, then the same questions asked with
 * recursive CTEs, and the hash chain verified by one query.
 *
 *   bench_pg --host SOCKET_DIR [--port N] [--db NAME] [--user NAME]
 *            [--schema FILE] [--small] [--load-only] [--out FILE] [--results FILE]
 *
 * Normally started by bench/pg/run-pg, which creates a throw-away server
 * (Unix socket only) and removes it afterwards.  The database must be empty.
 *
 * Loading, tuned as a careful engineer would:
 *  - batches of 1,000 events per transaction (libtrace appends the same
 *    batches), committed with synchronous_commit = on: each COMMIT waits for
 *    its WAL flush, as libtrace's commit waits for its fsync;
 *  - every table filled by COPY (text format) from buffers built in C;
 *  - the SHA-256 chain computed in the loader with OpenSSL inside the
 *    transaction, after LOCK TABLE events and reading the tail's hash under
 *    that lock, so concurrent writers could not fork the chain.  Computing
 *    it in SQL would need a row-by-row loop (each hash depends on the
 *    previous one), which is far slower than one pass in C; verification is
 *    in SQL (sha256() exists since PostgreSQL 11);
 *  - the status of each code upserted once per batch (INSERT ... ON
 *    CONFLICT from a COPY-filled temporary table, deduplicated in the loader);
 *    containers' open intervals closed by one UPDATE ... FROM per batch,
 *    kept to index probes (see write_batch()).
 * Queries are prepared statements; "warm" means a first untimed pass over
 * the same sample.  Figures are printed as a markdown table and, with
 * --results, as "key<TAB>value" lines that bench/run merges with bench_food's.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "../bench_util.h"
#include "../scenario.h"

#ifndef BENCH_PG_SCHEMA
#define BENCH_PG_SCHEMA "bench/pg/schema.sql"
#endif

#define BATCH 1000
#define HISTORY_SAMPLE_FULL 10000
#define HISTORY_SAMPLE_SMALL 1000
#define FORWARD_RUNS 11
#define STATUS_SAMPLE 1000
#define RECALL_LOT_FULL 42

/* ---- small helpers ------------------------------------------------------ */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench_pg: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

#define progress(...) bench_progress("bench_pg", __VA_ARGS__)

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_reserve(sbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->p = realloc(b->p, cap);
	if (b->p == NULL)
		die("out of memory");
	b->cap = cap;
}

static void sb_put(sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_put(b, &c, 1); }

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("formatting failed");
	sb_reserve(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

/* A COPY text-format field: backslash, tab, newline and CR escaped. */
static void sb_copy_field(sbuf *b, const char *s)
{
	if (s == NULL) {
		sb_puts(b, "\\N");
		return;
	}
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '\\': sb_puts(b, "\\\\"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		default: sb_putc(b, *p);
		}
	}
}

/* A JSON string (our data is ASCII; quotes, backslashes, controls escaped). */
static void sb_json_str(sbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)*p);
		} else if (*p < 0x20) {
			sb_printf(b, "\\u%04x", *p);
		} else {
			sb_putc(b, (char)*p);
		}
	}
	sb_putc(b, '"');
}

static void fmt_time(char out[80], int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 80, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Peak RSS of the server process serving this connection (VmHWM), or 0. */
static uint64_t backend_hwm(PGconn *c)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", PQbackendPID(c));
	FILE *f = fopen(path, "r");
	uint64_t kb = 0;
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtoull(line + 6, NULL, 10);
	fclose(f);
	return kb * 1024u;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ---- libpq -------------------------------------------------------------- */

static PGconn *conn;

static void check(PGresult *r, ExecStatusType want, const char *what)
{
	if (PQresultStatus(r) != want)
		die("%s: %s", what, PQresultErrorMessage(r));
}

static void exec(const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		die("%.60s...: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

static void copy_in(const char *sql, const sbuf *data)
{
	PGresult *r = PQexec(conn, sql);
	check(r, PGRES_COPY_IN, sql);
	PQclear(r);
	for (size_t off = 0; off < data->len;) {
		size_t n = data->len - off > (1u << 20) ? (1u << 20) : data->len - off;
		if (PQputCopyData(conn, data->p + off, (int)n) != 1)
			die("%s: %s", sql, PQerrorMessage(conn));
		off += n;
	}
	if (PQputCopyEnd(conn, NULL) != 1)
		die("%s: %s", sql, PQerrorMessage(conn));
	while ((r = PQgetResult(conn)) != NULL) {
		check(r, PGRES_COMMAND_OK, sql);
		PQclear(r);
	}
}

static void prepare(const char *name, const char *sql, int nparams)
{
	PGresult *r = PQprepare(conn, name, sql, nparams, NULL);
	check(r, PGRES_COMMAND_OK, name);
	PQclear(r);
}

static PGresult *run_prepared(const char *name, int n, const char *const *params)
{
	PGresult *r = PQexecPrepared(conn, name, n, params, NULL, NULL, 0);
	check(r, PGRES_TUPLES_OK, name);
	return r;
}

/* ---- loading -------------------------------------------------------------- */

/* States (libtrace's trace_code_state numbers). */
enum { ST_COMMISSIONED = 2, ST_ACTIVE = 3, ST_PACKED = 4, ST_IN_TRANSIT = 5, ST_RECEIVED = 6, ST_RECALLED = 10 };
enum { ROLE_ITEM = 1, ROLE_PARENT = 2, ROLE_INPUT = 3, ROLE_OUTPUT = 4, ROLE_LOT = 5 };

/* Per-batch status map: code -> (state, event), last write wins. */
typedef struct st_entry {
	char *code;
	int state;
	uint64_t event;
} st_entry;

typedef struct loader {
	uint64_t next_id;	/* id of the next event */
	uint64_t batch_first;	/* id of the batch's first event */
	size_t n;		/* events in the batch */
	sbuf docs;		/* the batch's JSON documents, back to back */
	size_t doc_off[BATCH + 1];
	sbuf rows;		/* events rows without prev_hash and hash */
	size_t row_off[BATCH + 1];
	sbuf codes, lots, agg, trans, status;
	st_entry *map;
	size_t map_cap, map_n;
	char record_time[80];
	uint8_t prev[32];
	int have_prev;
	EVP_MD_CTX *md;
	double client_s;	/* building rows and hashing */
	uint64_t commits;
} loader;

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void status_set(loader *L, const char *code, int state, uint64_t ev)
{
	if (L->map_n * 2 >= L->map_cap) {
		size_t cap = L->map_cap ? L->map_cap * 2 : 1 << 16;
		st_entry *m = calloc(cap, sizeof *m);
		if (m == NULL)
			die("out of memory");
		for (size_t i = 0; i < L->map_cap; i++)
			if (L->map[i].code) {
				size_t j = (size_t)str_hash(L->map[i].code) & (cap - 1);
				while (m[j].code)
					j = (j + 1) & (cap - 1);
				m[j] = L->map[i];
			}
		free(L->map);
		L->map = m;
		L->map_cap = cap;
	}
	size_t j = (size_t)str_hash(code) & (L->map_cap - 1);
	while (L->map[j].code && strcmp(L->map[j].code, code) != 0)
		j = (j + 1) & (L->map_cap - 1);
	if (L->map[j].code == NULL) {
		L->map[j].code = strdup(code);
		if (L->map[j].code == NULL)
			die("out of memory");
		L->map_n++;
	}
	L->map[j].state = state;
	L->map[j].event = ev;
}

static void code_row(loader *L, const char *code, uint64_t ev, int role)
{
	sb_copy_field(&L->codes, code);
	sb_printf(&L->codes, "\t%" PRIu64 "\t%d\n", ev, role);
}

static void json_id_list(sbuf *d, const char *name, const char *const *codes, size_t n)
{
	sb_printf(d, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_putc(d, ',');
		sb_json_str(d, codes[i]);
	}
	sb_putc(d, ']');
}

static void json_quantity(sbuf *d, const char *klass, double q, const char *uom)
{
	sb_puts(d, "{\"epcClass\":");
	sb_json_str(d, klass);
	sb_printf(d, ",\"quantity\":%.17g", q);
	if (uom) {
		sb_puts(d, ",\"uom\":");
		sb_json_str(d, uom);
	}
	sb_putc(d, '}');
}

static const char *type_name(int kind)
{
	switch (kind) {
	case SCN_TRANSFORM: return "TransformationEvent";
	case SCN_PACK: return "AggregationEvent";
	default: return "ObjectEvent";
	}
}

/* The event as an EPCIS 2.0 JSON event object. */
static void build_doc(loader *L, const scn_step *s)
{
	sbuf *d = &L->docs;
	char t[80];
	fmt_time(t, s->time_ms);
	sb_printf(d, "{\"type\":\"%s\",\"eventTime\":\"%s\",\"eventTimeZoneOffset\":\"+01:00\",\"recordTime\":\"%s\"",
	          type_name(s->kind), t, L->record_time);
	if (s->kind != SCN_TRANSFORM)
		sb_printf(d, ",\"action\":\"%s\"", s->kind == SCN_SHIP || s->kind == SCN_RECEIVE ? "OBSERVE" : "ADD");
	if (s->parent) {
		sb_puts(d, ",\"parentID\":");
		sb_json_str(d, s->parent);
	}
	if (s->ncodes)
		json_id_list(d, s->kind == SCN_PACK ? "childEPCs" : "epcList", s->codes, s->ncodes);
	if (s->klass) {
		sb_puts(d, ",\"quantityList\":[");
		json_quantity(d, s->klass, s->qty, s->uom);
		sb_putc(d, ']');
	}
	if (s->ninputs) {
		sb_puts(d, ",\"inputQuantityList\":[");
		for (size_t i = 0; i < s->ninputs; i++) {
			if (i)
				sb_putc(d, ',');
			json_quantity(d, s->inputs[i], s->qty, s->uom);
		}
		sb_puts(d, "],\"outputQuantityList\":[");
		json_quantity(d, s->output, s->output_qty, s->output_uom);
		sb_putc(d, ']');
	}
	sb_printf(d, ",\"bizStep\":\"%s\"", s->biz_step);
	if (s->disposition)
		sb_printf(d, ",\"disposition\":\"%s\"", s->disposition);
	if (s->read_point) {
		sb_puts(d, ",\"readPoint\":{\"id\":");
		sb_json_str(d, s->read_point);
		sb_putc(d, '}');
	}
	if (s->biz_location) {
		sb_puts(d, ",\"bizLocation\":{\"id\":");
		sb_json_str(d, s->biz_location);
		sb_putc(d, '}');
	}
	if (s->source) {
		sb_puts(d, ",\"sourceList\":[{\"type\":\"owning_party\",\"source\":");
		sb_json_str(d, s->source);
		sb_puts(d, "}]");
	}
	if (s->destination) {
		sb_puts(d, ",\"destinationList\":[{\"type\":\"owning_party\",\"destination\":");
		sb_json_str(d, s->destination);
		sb_puts(d, "}]");
	}
	if (s->lot) {
		sb_puts(d, ",\"ilmd\":{\"cbvmda:lotNumber\":");
		sb_json_str(d, s->lot);
		if (s->production_ms != INT64_MIN) {
			fmt_time(t, s->production_ms);
			sb_printf(d, ",\"cbvmda:productionDate\":\"%.10s\"", t);
		}
		if (s->expiry_ms != INT64_MIN) {
			fmt_time(t, s->expiry_ms);
			sb_printf(d, ",\"cbvmda:itemExpirationDate\":\"%.10s\"", t);
		}
		sb_putc(d, '}');
	}
	sb_putc(d, '}');
}

static void flush(loader *L);

static int on_step(const scn_step *s, void *payload)
{
	loader *L = payload;
	double t0 = bench_now();
	uint64_t ev = L->next_id++;
	if (L->n == 0) {
		L->batch_first = ev;
		fmt_time(L->record_time, (int64_t)time(NULL) * 1000);
	}

	L->doc_off[L->n] = L->docs.len;
	build_doc(L, s);
	L->doc_off[L->n + 1] = L->docs.len;

	/* events row up to doc; prev_hash and hash are added under the lock. */
	char t[80];
	sbuf *r = &L->rows;
	L->row_off[L->n] = r->len;
	fmt_time(t, s->time_ms);
	int type = s->kind == SCN_TRANSFORM ? 3 : s->kind == SCN_PACK ? 2 : 1;
	sb_printf(r, "%" PRIu64 "\t%d\t", ev, type);
	if (s->kind == SCN_TRANSFORM)
		sb_puts(r, "\\N");
	else
		sb_printf(r, "%d", s->kind == SCN_SHIP || s->kind == SCN_RECEIVE ? 2 : 1);
	sb_printf(r, "\t%s\t%s\t", t, L->record_time);
	sb_copy_field(r, s->biz_step);
	sb_putc(r, '\t');
	sb_copy_field(r, s->disposition);
	sb_putc(r, '\t');
	sb_copy_field(r, s->read_point);
	sb_putc(r, '\t');
	sb_copy_field(r, s->biz_location);
	sb_putc(r, '\t');
	sb_copy_field(r, s->source);
	sb_putc(r, '\t');
	sb_copy_field(r, s->destination);
	sb_putc(r, '\t');
	size_t doc_len = L->doc_off[L->n + 1] - L->doc_off[L->n];
	char *doc = malloc(doc_len + 1);
	if (doc == NULL)
		die("out of memory");
	memcpy(doc, L->docs.p + L->doc_off[L->n], doc_len);
	doc[doc_len] = '\0';
	sb_copy_field(r, doc);
	free(doc);
	L->row_off[L->n + 1] = r->len;

	/* Derived rows. */
	switch (s->kind) {
	case SCN_RAW_LOT:
		code_row(L, s->klass, ev, ROLE_ITEM);
		status_set(L, s->klass, ST_COMMISSIONED, ev);
		break;
	case SCN_TRANSFORM:
		for (size_t i = 0; i < s->ninputs; i++) {
			code_row(L, s->inputs[i], ev, ROLE_INPUT);
			sb_copy_field(&L->trans, s->inputs[i]);
			sb_putc(&L->trans, '\t');
			sb_copy_field(&L->trans, s->output);
			sb_printf(&L->trans, "\t%" PRIu64 "\n", ev);
		}
		code_row(L, s->output, ev, ROLE_OUTPUT);
		status_set(L, s->output, ST_ACTIVE, ev);
		break;
	case SCN_COMMISSION: {
		/* The lot of a GS1 item: its GTIN with AI (10), as libtrace derives it. */
		char lot[SCN_CODE_MAX];
		scn_prod_lot_code(lot, NULL, s->lot_index);
		code_row(L, lot, ev, ROLE_LOT);
		for (size_t i = 0; i < s->ncodes; i++) {
			code_row(L, s->codes[i], ev, ROLE_ITEM);
			status_set(L, s->codes[i], ST_COMMISSIONED, ev);
			sb_copy_field(&L->lots, lot);
			sb_putc(&L->lots, '\t');
			sb_copy_field(&L->lots, s->codes[i]);
			sb_printf(&L->lots, "\t%" PRIu64 "\n", ev);
		}
		break;
	}
	case SCN_PACK:
		code_row(L, s->parent, ev, ROLE_PARENT);
		status_set(L, s->parent, ST_ACTIVE, ev);
		for (size_t i = 0; i < s->ncodes; i++) {
			code_row(L, s->codes[i], ev, ROLE_ITEM);
			status_set(L, s->codes[i], ST_PACKED, ev);
			sb_copy_field(&L->agg, s->parent);
			sb_putc(&L->agg, '\t');
			sb_copy_field(&L->agg, s->codes[i]);
			sb_printf(&L->agg, "\t%" PRIu64 "\n", ev);
		}
		break;
	case SCN_SHIP:
	case SCN_RECEIVE:
		for (size_t i = 0; i < s->ncodes; i++) {
			code_row(L, s->codes[i], ev, ROLE_ITEM);
			status_set(L, s->codes[i], s->kind == SCN_SHIP ? ST_IN_TRANSIT : ST_RECEIVED, ev);
		}
		break;
	default:
		die("unknown step kind %d", s->kind);
	}
	L->n++;
	L->client_s += bench_now() - t0;
	if (L->n == BATCH)
		flush(L);
	return 0;
}

static void hex(sbuf *b, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	sb_reserve(b, 2 * n);
	for (size_t i = 0; i < n; i++) {
		b->p[b->len++] = digits[p[i] >> 4];
		b->p[b->len++] = digits[p[i] & 15];
	}
	b->p[b->len] = '\0';
}

/* Writes the batch's rows inside the caller's transaction. */
static void write_batch(loader *L)
{
	/* Serialise writers of the chain; readers are not blocked. */
	exec("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE");
	PGresult *r = PQexec(conn, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1");
	check(r, PGRES_TUPLES_OK, "chain tail");
	if (PQntuples(r) == 0) {
		if (L->batch_first != 0)
			die("chain tail: the events table is empty but %" PRIu64 " events were loaded", L->batch_first);
		L->have_prev = 0;
	} else {
		uint64_t tail = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		size_t n = 0;
		unsigned char *h = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &n);
		if (tail + 1 != L->batch_first || h == NULL || n != 32)
			die("chain tail: another writer appended (tail %" PRIu64 ", expected %" PRIu64 ")", tail,
			    L->batch_first - 1);
		memcpy(L->prev, h, 32);
		L->have_prev = 1;
		PQfreemem(h);
	}
	PQclear(r);

	/* Chain hashes: sha256(prev_hash || doc), one pass in C. */
	double t0 = bench_now();
	sbuf ev = { 0 };
	for (size_t i = 0; i < L->n; i++) {
		uint8_t h[32];
		unsigned hl = 0;
		if (!EVP_DigestInit_ex(L->md, EVP_sha256(), NULL) ||
		    (L->have_prev && !EVP_DigestUpdate(L->md, L->prev, 32)) ||
		    !EVP_DigestUpdate(L->md, L->docs.p + L->doc_off[i], L->doc_off[i + 1] - L->doc_off[i]) ||
		    !EVP_DigestFinal_ex(L->md, h, &hl) || hl != 32)
			die("SHA-256 failed");
		sb_put(&ev, L->rows.p + L->row_off[i], L->row_off[i + 1] - L->row_off[i]);
		if (L->have_prev) {
			sb_puts(&ev, "\t\\\\x");
			hex(&ev, L->prev, 32);
		} else {
			sb_puts(&ev, "\t\\N");
		}
		sb_puts(&ev, "\t\\\\x");
		hex(&ev, h, 32);
		sb_putc(&ev, '\n');
		memcpy(L->prev, h, 32);
		L->have_prev = 1;
	}
	sbuf st = { 0 };
	for (size_t i = 0; i < L->map_cap; i++)
		if (L->map[i].code) {
			sb_copy_field(&st, L->map[i].code);
			sb_printf(&st, "\t%d\t%" PRIu64 "\n", L->map[i].state, L->map[i].event);
			free(L->map[i].code);
			L->map[i].code = NULL;
		}
	L->map_n = 0;
	L->client_s += bench_now() - t0;

	copy_in("COPY events (id, type, action, event_time, record_time, biz_step, disposition, read_point, "
	        "biz_location, source, destination, doc, prev_hash, hash) FROM STDIN", &ev);
	copy_in("COPY event_codes (code, event_id, role) FROM STDIN", &L->codes);
	if (L->lots.len)
		copy_in("COPY lot_items (lot, item, event_id) FROM STDIN", &L->lots);
	if (L->trans.len)
		copy_in("COPY transformation (input, output, event_id) FROM STDIN", &L->trans);
	if (L->agg.len) {
		copy_in("COPY agg_stage (parent, child, packed) FROM STDIN", &L->agg);
		/* A child moved from another container leaves it first: one index
		 * probe per child (aggregation_child).  The planner, left to
		 * itself with statistics that lag a growing table, hashes or
		 * materialises the whole aggregation table for every batch instead
		 * (up to 20 s per batch seen): the load goes quadratic.  These
		 * settings leave it the index nested loop only. */
		exec("SET LOCAL enable_seqscan = off");
		exec("SET LOCAL enable_bitmapscan = off");
		exec("SET LOCAL enable_hashjoin = off");
		exec("SET LOCAL enable_mergejoin = off");
		exec("SET LOCAL enable_material = off");
		exec("UPDATE aggregation a SET unpacked = s.packed FROM agg_stage s "
		     "WHERE a.child = s.child AND a.unpacked IS NULL");
		exec("INSERT INTO aggregation (parent, child, packed) SELECT parent, child, packed FROM agg_stage");
	}
	copy_in("COPY status_stage (code, state, last_event) FROM STDIN", &st);
	exec("INSERT INTO status (code, state, last_event) SELECT code, state, last_event FROM status_stage "
	     "ON CONFLICT (code) DO UPDATE SET state = EXCLUDED.state, last_event = EXCLUDED.last_event");

	free(ev.p);
	free(st.p);
	L->docs.len = L->rows.len = L->codes.len = L->lots.len = L->agg.len = L->trans.len = 0;
	L->n = 0;
}

static void flush(loader *L)
{
	if (L->n == 0)
		return;
	exec("BEGIN");
	write_batch(L);
	exec("COMMIT");
	L->commits++;
}

/* ---- queries ---------------------------------------------------------------- */

static const char *sql_history =
	"WITH RECURSIVE stay(code, lo, hi, depth) AS ("
	"  SELECT $1::text, 0::bigint, 9223372036854775807::bigint, 0"
	"  UNION ALL"
	"  SELECT a.parent, greatest(a.packed, s.lo), least(coalesce(a.unpacked, 9223372036854775807), s.hi), s.depth + 1"
	"  FROM stay s JOIN aggregation a ON a.child = s.code"
	"  WHERE a.packed < s.hi AND coalesce(a.unpacked, 9223372036854775807) > s.lo AND s.depth < 16"
	") "
	"SELECT DISTINCT ec.event_id FROM stay s JOIN event_codes ec"
	"  ON ec.code = s.code AND ec.event_id >= s.lo AND ec.event_id < s.hi "
	"ORDER BY ec.event_id";

#define SQL_FORWARD_CTE \
	"WITH RECURSIVE fwd(code, depth) AS (" \
	"  SELECT $1::text, 0" \
	"  UNION" \
	"  SELECT n.code, f.depth + 1 FROM fwd f CROSS JOIN LATERAL (" \
	"    SELECT t.output AS code FROM transformation t WHERE t.input = f.code" \
	"    UNION ALL SELECT li.item FROM lot_items li WHERE li.lot = f.code" \
	"    UNION ALL SELECT a.child FROM aggregation a WHERE a.parent = f.code AND a.unpacked IS NULL" \
	"  ) n WHERE f.depth < 32" \
	")"

static const char *sql_forward = SQL_FORWARD_CTE " SELECT code, depth FROM fwd";

/* Marks everything downstream recalled and records it in the recall list. */
static const char *sql_recall_mark =
	SQL_FORWARD_CTE
	", marked AS ("
	"  UPDATE status s SET state = CASE WHEN s.state IN (7, 8, 12) THEN s.state ELSE 10 END,"
	"    flags = s.flags | 4, last_event = $2::bigint"
	"  FROM (SELECT DISTINCT code FROM fwd) f WHERE s.code = f.code RETURNING s.code)"
	" INSERT INTO recalls (code, event_id) SELECT code, $2::bigint FROM marked";

/* A code and its current containers, nearest first, with their states. */
static const char *sql_status =
	"WITH RECURSIVE up(code, depth) AS ("
	"  SELECT $1::text, 0"
	"  UNION ALL"
	"  SELECT a.parent, u.depth + 1 FROM up u JOIN aggregation a ON a.child = u.code AND a.unpacked IS NULL"
	"  WHERE u.depth < 16"
	") SELECT s.state, s.flags, s.last_event FROM up u JOIN status s ON s.code = u.code ORDER BY u.depth";

static const char *sql_verify =
	"SELECT count(*),"
	"  count(*) FILTER (WHERE hash <> sha256(coalesce(prev_hash, ''::bytea) || convert_to(doc::text, 'UTF8'))),"
	"  count(*) FILTER (WHERE prev_hash IS DISTINCT FROM prev_row OR id <> rn - 1)"
	" FROM (SELECT id, doc, hash, prev_hash, lag(hash) OVER (ORDER BY id) AS prev_row,"
	"              row_number() OVER (ORDER BY id) AS rn FROM events) e";

/* libtrace's rule: the latest move of a code or its containers wins,
 * unless the code itself is recalled. */
static void status_of(const char *code, int *state, int *flags)
{
	const char *params[1] = { code };
	PGresult *r = run_prepared("status", 1, params);
	if (PQntuples(r) == 0)
		die("status of %s: not found", code);
	int st = atoi(PQgetvalue(r, 0, 0)), fl = atoi(PQgetvalue(r, 0, 1));
	uint64_t last = strtoull(PQgetvalue(r, 0, 2), NULL, 10);
	for (int i = 1; i < PQntuples(r); i++) {
		int ps = atoi(PQgetvalue(r, i, 0)), pf = atoi(PQgetvalue(r, i, 1));
		uint64_t pl = strtoull(PQgetvalue(r, i, 2), NULL, 10);
		if (pl > last && ps != ST_PACKED && !(fl & 4)) {
			st = ps;
			last = pl;
		}
		fl |= pf & 4;
	}
	PQclear(r);
	*state = st;
	*flags = fl;
}

static int count_items(PGresult *r)
{
	int n = 0;
	for (int i = 0; i < PQntuples(r); i++)
		if (strstr(PQgetvalue(r, i, 0), "/21/"))
			n++;
	return n;
}

/* ---- output ------------------------------------------------------------------ */

static FILE *results;
static sbuf table;

static void result(const char *key, double v)
{
	if (results)
		fprintf(results, "%s\t%.9g\n", key, v);
}

static void row(const char *op, const char *fmt, ...)
{
	va_list ap;
	char fig[256];
	va_start(ap, fmt);
	vsnprintf(fig, sizeof fig, fmt, ap);
	va_end(ap);
	sb_printf(&table, "| %s | %s |\n", op, fig);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		die("cannot read %s: %s", path, strerror(errno));
	sbuf b = { 0 };
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_put(&b, chunk, n);
	fclose(f);
	return b.p;
}

int main(int argc, char **argv)
{
	const char *host = NULL, *port = NULL, *db = "postgres", *user = "bench", *schema = BENCH_PG_SCHEMA;
	const char *out = NULL, *results_path = NULL;
	int small = 0, load_only = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--small") == 0)
			small = 1;
		else if (strcmp(argv[i], "--load-only") == 0)
			load_only = 1;
		else if (i + 1 < argc && strcmp(argv[i], "--host") == 0)
			host = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--port") == 0)
			port = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--db") == 0)
			db = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--user") == 0)
			user = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--schema") == 0)
			schema = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--out") == 0)
			out = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--results") == 0)
			results_path = argv[++i];
		else {
			fprintf(stderr, "usage: %s --host SOCKET_DIR [--port N] [--db NAME] [--user NAME] [--schema FILE] "
			                "[--small] [--load-only] [--out FILE] [--results FILE]\n", argv[0]);
			return 2;
		}
	}
	if (host == NULL)
		die("--host is required (bench/pg/run-pg starts a server and passes it)");
	const scn_params *P = small ? &scn_small : &scn_full;
	if (results_path && (results = fopen(results_path, "w")) == NULL)
		die("cannot write %s: %s", results_path, strerror(errno));

	const char *keys[] = { "host", "port", "dbname", "user", "application_name", NULL };
	const char *vals[] = { host, port, db, user, "libtrace-bench", NULL };
	conn = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(conn) != CONNECTION_OK)
		die("cannot connect: %s", PQerrorMessage(conn));
	PGresult *r = PQexec(conn, "SELECT version(), current_setting('shared_buffers'), "
	                           "current_setting('synchronous_commit'), current_setting('fsync'), "
	                           "current_setting('full_page_writes'), current_setting('wal_compression')");
	check(r, PGRES_TUPLES_OK, "version");
	char server[512];
	snprintf(server, sizeof server, "%s; shared_buffers %s, synchronous_commit %s, fsync %s, "
	         "full_page_writes %s, wal_compression %s", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
	         PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 5));
	int sync_on = strcmp(PQgetvalue(r, 0, 2), "on") == 0 && strcmp(PQgetvalue(r, 0, 3), "on") == 0;
	PQclear(r);
	if (!sync_on)
		die("the server must run with fsync = on and synchronous_commit = on (durable commits, as libtrace's)");
	progress("%s", server);

	char *ddl = read_file(schema);
	exec(ddl);
	free(ddl);
	exec("CREATE TEMP TABLE agg_stage (parent text, child text, packed bigint) ON COMMIT DELETE ROWS");
	exec("CREATE TEMP TABLE status_stage (code text, state smallint, last_event bigint) ON COMMIT DELETE ROWS");

	/* ---- load ---- */
	loader *L = calloc(1, sizeof *L);
	if (L == NULL || (L->md = EVP_MD_CTX_new()) == NULL)
		die("out of memory");
	progress("%s scenario: %" PRIu64 " events, %" PRIu64 " items; loading in transactions of %d",
	         P->name, scn_event_count(P), scn_item_count(P), BATCH);
	double t0 = bench_now();
	if (scn_run(P, on_step, L) != 0)
		die("scenario generation failed");
	flush(L);
	double load_s = bench_now() - t0;
	uint64_t rss_load = bench_peak_rss(), hwm_load = backend_hwm(conn);
	if (L->next_id != scn_event_count(P))
		die("loaded %" PRIu64 " events, expected %" PRIu64, L->next_id, scn_event_count(P));
	progress("loaded in %.2f s (%.2f s in the loader's C code), %" PRIu64 " commits", load_s, L->client_s, L->commits);

	/* Statistics for the planner, as anyone would after a bulk load. */
	t0 = bench_now();
	exec("VACUUM ANALYZE");
	double analyze_s = bench_now() - t0;
	r = PQexec(conn, "SELECT pg_database_size(current_database()), "
	                 "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
	check(r, PGRES_TUPLES_OK, "size");
	double db_bytes = strtod(PQgetvalue(r, 0, 0), NULL), wal_bytes = strtod(PQgetvalue(r, 0, 1), NULL);
	PQclear(r);
	if (load_only) {
		printf("loaded %s scenario in %.2f s (loader's C code %.2f s); VACUUM ANALYZE %.2f s; database %.1f MB; "
		       "WAL %.1f MB\n", P->name, load_s, L->client_s, analyze_s, db_bytes / 1e6, wal_bytes / 1e6);
		PQfinish(conn);
		return 0;
	}

	/* In --small mode one production lot holds every item, so the statistics
	 * say a lot code matches the whole lot_items table and the planner
	 * probes it by sequential scan for each of the 10,000 items reached
	 * (seconds per trace).  At full scale (100 lots) it picks the index by
	 * itself; the smoke run just tells it to. */
	if (small)
		exec("SET enable_seqscan = off");
	prepare("history", sql_history, 1);
	prepare("forward", sql_forward, 1);
	prepare("status", sql_status, 1);

	/* ---- history of one item: warm pass, then timed pass ---- */
	int nhist = small ? HISTORY_SAMPLE_SMALL : HISTORY_SAMPLE_FULL;
	uint64_t *sample = malloc((size_t)nhist * sizeof *sample);
	double *lat = malloc((size_t)nhist * sizeof *lat);
	if (sample == NULL || lat == NULL)
		die("out of memory");
	scn_history_sample(sample, nhist, P);	/* the same sample as bench_food */
	progress("history of %d random items (warm-up pass, then timed)", nhist);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nhist; i++) {
			char code[SCN_CODE_MAX];
			const char *params[1] = { scn_item_code(code, P, sample[i]) };
			double q0 = bench_now();
			PGresult *h = run_prepared("history", 1, params);
			int n = PQntuples(h);
			PQclear(h);
			lat[i] = bench_now() - q0;
			if (n != SCN_ITEM_HISTORY)
				die("history of %s: %d events, expected %d", code, n, SCN_ITEM_HISTORY);
		}
	qsort(lat, (size_t)nhist, sizeof *lat, cmp_double);
	double h50 = lat[nhist / 2], h99 = lat[(size_t)nhist * 99 / 100];

	/* ---- status of one item ---- */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < STATUS_SAMPLE; i++) {
			char code[SCN_CODE_MAX];
			int st, fl;
			scn_item_code(code, P, sample[i % nhist]);
			double q0 = bench_now();
			status_of(code, &st, &fl);
			lat[i] = bench_now() - q0;
			if (st != ST_RECEIVED)
				die("status of %s: state %d, expected received (%d)", code, st, ST_RECEIVED);
		}
	qsort(lat, STATUS_SAMPLE, sizeof *lat, cmp_double);
	double s50 = lat[STATUS_SAMPLE / 2];

	/* ---- trace forward from a raw lot: a first pass, then the same lots warm ---- */
	double fwd[FORWARD_RUNS], fwd_warm[FORWARD_RUNS];
	progress("trace forward from %d raw lots (first pass, then again warm)", FORWARD_RUNS);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < FORWARD_RUNS; i++) {
			char code[SCN_CODE_MAX];
			unsigned raw = (unsigned)((uint64_t)i * 7919 % P->raw_lots);
			const char *params[1] = { scn_raw_lot_code(code, P, raw) };
			double q0 = bench_now();
			PGresult *f = run_prepared("forward", 1, params);
			int items = count_items(f);
			PQclear(f);
			(pass ? fwd_warm : fwd)[i] = bench_now() - q0;
			if ((uint64_t)items != scn_items_downstream_of_raw(P, raw))
				die("trace forward from %s: %d items, expected %" PRIu64, code, items,
				    scn_items_downstream_of_raw(P, raw));
		}
	qsort(fwd, FORWARD_RUNS, sizeof fwd[0], cmp_double);
	qsort(fwd_warm, FORWARD_RUNS, sizeof fwd_warm[0], cmp_double);
	uint64_t rss_query = bench_peak_rss(), hwm_query = backend_hwm(conn);

	/* ---- recall of a production lot ---- */
	unsigned lot = small ? 0 : RECALL_LOT_FULL;
	char lot_code[SCN_CODE_MAX];
	scn_prod_lot_code(lot_code, P, lot);
	progress("recall of %s", lot_code);
	t0 = bench_now();
	/* One transaction: the recall event joins the chain like any other
	 * event, then everything downstream is marked and listed. */
	scn_step rs;
	memset(&rs, 0, sizeof rs);
	rs.kind = SCN_SHIP;	/* an ObjectEvent OBSERVE */
	rs.time_ms = (int64_t)time(NULL) * 1000;
	rs.biz_step = "holding";
	rs.disposition = "recalled";
	const char *one[1] = { lot_code };
	rs.codes = one;
	rs.ncodes = 1;
	rs.production_ms = rs.expiry_ms = INT64_MIN;
	uint64_t recall_ev = L->next_id;
	on_step(&rs, L);
	exec("BEGIN");
	write_batch(L);
	char ev_text[32];
	snprintf(ev_text, sizeof ev_text, "%" PRIu64, recall_ev);
	const char *rparams[2] = { lot_code, ev_text };
	r = PQexecParams(conn, sql_recall_mark, 2, NULL, rparams, NULL, NULL, 0);
	check(r, PGRES_COMMAND_OK, "recall");
	uint64_t affected = strtoull(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	exec("COMMIT");
	double recall_s = bench_now() - t0;
	if (affected != (uint64_t)P->items_per_lot + 1)
		die("recall of %s marked %" PRIu64 " codes, expected %u items and the lot", lot_code, affected,
		    P->items_per_lot);
	uint64_t seed = 7;	/* five items of the recalled lot, checked after it */
	for (int i = 0; i < 5; i++) {
		char code[SCN_CODE_MAX];
		int st, fl;
		scn_item_code(code, P, (uint64_t)lot * P->items_per_lot + scn_rand(&seed) % P->items_per_lot);
		status_of(code, &st, &fl);
		if (st != ST_RECALLED || !(fl & 4))
			die("after the recall, %s has state %d flags %d", code, st, fl);
	}
	{
		char code[SCN_CODE_MAX];
		int st, fl;
		status_of(scn_raw_lot_code(code, P, 0), &st, &fl);
		if (st != ST_COMMISSIONED || (fl & 4))
			die("after the recall, raw lot %s has state %d flags %d (it is upstream, not recalled)", code, st, fl);
	}

	/* ---- the chain, verified by one query ---- */
	progress("verifying the hash chain in SQL");
	t0 = bench_now();
	r = PQexec(conn, sql_verify);
	check(r, PGRES_TUPLES_OK, "chain verification");
	double verify_s = bench_now() - t0;
	uint64_t rows_checked = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
	uint64_t bad_hash = strtoull(PQgetvalue(r, 0, 1), NULL, 10), bad_link = strtoull(PQgetvalue(r, 0, 2), NULL, 10);
	PQclear(r);
	if (rows_checked != scn_event_count(P) + 1 || bad_hash || bad_link)
		die("chain verification: %" PRIu64 " rows, %" PRIu64 " bad hashes, %" PRIu64 " bad links", rows_checked,
		    bad_hash, bad_link);
	uint64_t rss_end = bench_peak_rss(), hwm_end = backend_hwm(conn);

	/* ---- output ---- */
	char a[48], b[48], c[48], d[48];
	double events = (double)scn_event_count(P);
	row("scenario", "%s: %" PRIu64 " events, %" PRIu64 " items, %" PRIu64 " cases, %" PRIu64 " pallets", P->name,
	    scn_event_count(P), scn_item_count(P), scn_case_count(P), scn_pallet_count(P));
	row("ingest, whole scenario (COPY, 1,000 events per durable transaction, SHA-256 chain)",
	    "%s = %s (loader's own C code %s, %" PRIu64 " commits)", bench_fmt_time(a, sizeof a, load_s),
	    bench_fmt_rate(b, sizeof b, events / load_s, "events/s"), bench_fmt_time(c, sizeof c, L->client_s),
	    L->commits);
	row("VACUUM ANALYZE after the load (not counted above)", "%s", bench_fmt_time(a, sizeof a, analyze_s));
	row("history of one item, warm (p50 / p99)", "%s / %s", bench_fmt_time(a, sizeof a, h50),
	    bench_fmt_time(b, sizeof b, h99));
	row("status of one item, warm (p50)", "%s", bench_fmt_time(a, sizeof a, s50));
	row("trace forward from a raw lot (median of 11, first run)", "%s (%" PRIu64 " items)",
	    bench_fmt_time(a, sizeof a, fwd[FORWARD_RUNS / 2]), scn_items_downstream_of_raw(P, 0));
	row("trace forward from a raw lot (median of 11, warm: the same lots again)", "%s (%" PRIu64 " items)",
	    bench_fmt_time(a, sizeof a, fwd_warm[FORWARD_RUNS / 2]), scn_items_downstream_of_raw(P, 0));
	row("recall of a production lot, status updated for all (one durable transaction)", "%s (%" PRIu64 " codes)",
	    bench_fmt_time(a, sizeof a, recall_s), affected);
	row("chain verification by one query", "%s (%" PRIu64 " events)", bench_fmt_time(a, sizeof a, verify_s),
	    rows_checked);
	row("database size; WAL written since initdb", "%s; %s", bench_fmt_bytes(a, sizeof a, db_bytes),
	    bench_fmt_bytes(b, sizeof b, wal_bytes));
	row("peak RSS of the loader / of its server backend, after load", "%s / %s",
	    bench_fmt_bytes(a, sizeof a, (double)rss_load), bench_fmt_bytes(b, sizeof b, (double)hwm_load));
	row("peak RSS of the client / backend: after queries; after verification", "%s / %s; %s / %s",
	    bench_fmt_bytes(a, sizeof a, (double)rss_query), bench_fmt_bytes(b, sizeof b, (double)hwm_query),
	    bench_fmt_bytes(c, sizeof c, (double)rss_end), bench_fmt_bytes(d, sizeof d, (double)hwm_end));

	result("events", events);
	result("items", (double)scn_item_count(P));
	result("ingest_s", load_s);
	result("ingest_events_per_s", events / load_s);
	result("ingest_client_s", L->client_s);
	result("analyze_s", analyze_s);
	result("history_p50_us", h50 * 1e6);
	result("history_p99_us", h99 * 1e6);
	result("status_p50_us", s50 * 1e6);
	result("forward_ms", fwd[FORWARD_RUNS / 2] * 1e3);
	result("forward_warm_ms", fwd_warm[FORWARD_RUNS / 2] * 1e3);
	result("recall_ms", recall_s * 1e3);
	result("recall_codes", (double)affected);
	result("verify_s", verify_s);
	result("storage_bytes", db_bytes);
	result("wal_bytes", wal_bytes);
	result("rss_load_bytes", (double)rss_load);
	result("server_rss_load_bytes", (double)hwm_load);
	result("server_rss_query_bytes", (double)hwm_query);
	result("server_rss_end_bytes", (double)hwm_end);

	FILE *outs[2] = { stdout, out ? fopen(out, "w") : NULL };
	if (out && outs[1] == NULL)
		die("cannot write %s: %s", out, strerror(errno));
	for (int i = 0; i < 2; i++) {
		if (outs[i] == NULL)
			continue;
		fprintf(outs[i], "## PostgreSQL baseline (bench_pg%s)\n\n%s\n\n| operation | PostgreSQL |\n|---|---:|\n%s\n",
		        small ? " --small: smoke run, figures not meaningful" : "", server, table.p);
	}
	if (outs[1] && fclose(outs[1]) != 0)
		die("writing %s failed", out);
	if (results && fclose(results) != 0)
		die("writing %s failed", results_path);
	EVP_MD_CTX_free(L->md);
	free(L->map);
	free(sample);
	free(lat);
	PQfinish(conn);
	return 0;
}
