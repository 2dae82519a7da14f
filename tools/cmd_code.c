/*
 * trace code parse|issue: codes on the command line.
 *
 *   trace code parse TEXT [--gcp-length N] [--stem URL] [--zero-suppressed] [--cn-strict]
 *   trace code issue (--gtin GTIN --lot LOT | --native PREFIX) --count N
 *                    [--ledger DIR] [--out FILE] [--site ID] [--format text|csv]
 *                    [--commission] [--time RFC3339]
 *
 * When DIR holds an event ledger, the issued codes are also recorded there as
 * issuance events (or, with --commission, commissioning events).
 *
 * parse prints one JSON object (exit 0), or names the problem (exit 2).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

static const char *scheme_name(int s)
{
	switch (s) {
	case TRACE_CODE_GS1: return "gs1";
	case TRACE_CODE_NMPA: return "nmpa";
	case TRACE_CODE_MA: return "ma";
	case TRACE_CODE_NATIVE: return "native";
	default: return "unknown";
	}
}

static const char *form_name(int f)
{
	static const char *const names[] = { "auto", "digital_link", "bracketed", "element_string",
	                                     "scan_data", "epc_urn", "nmpa", "ma", "native" };
	return f >= 0 && f < (int)(sizeof names / sizeof names[0]) ? names[f] : "unknown";
}

/* A library string result as a JSON string, or null when the call fails. */
static json_t *buf_json(int rc, trace_buf *b)
{
	json_t *j = rc == TRACE_OK ? json_stringn((const char *)b->ptr, b->size) : json_null();
	trace_buf_dispose(b);
	return j;
}

static json_t *code_json(const trace_code *c, const char *stem, int gcp_length)
{
	json_t *o = json_object();
	json_object_set_new(o, "scheme", json_string(scheme_name(trace_code_scheme(c))));
	json_object_set_new(o, "form", json_string(form_name(trace_code_form(c))));
	json_object_set_new(o, "canonical", json_string(trace_code_canonical(c)));
	size_t n = trace_code_field_count(c);
	if (trace_code_scheme(c) == TRACE_CODE_GS1) {
		trace_buf b = TRACE_BUF_INIT;
		json_object_set_new(o, "element_string", buf_json(trace_code_element_string(&b, c, TRACE_CODE_ES_BRACKETED), &b));
		json_object_set_new(o, "digital_link", buf_json(trace_code_digital_link(&b, c, NULL), &b));
		if (stem)
			json_object_set_new(o, "digital_link_stem", buf_json(trace_code_digital_link(&b, c, stem), &b));
		if (gcp_length)
			json_object_set_new(o, "epc_urn", buf_json(trace_code_epc_urn(&b, c, gcp_length), &b));
		json_t *ais = json_array();
		for (size_t i = 0; i < n; i++) {
			const char *ai, *v;
			if (trace_code_field(&ai, &v, c, i) == TRACE_OK)
				json_array_append_new(ais, json_pack("{s:s, s:s}", "ai", ai, "value", v));
		}
		json_object_set_new(o, "ais", ais);
		if (trace_code_extra_count(c)) {
			json_t *x = json_object();
			for (size_t i = 0; i < trace_code_extra_count(c); i++) {
				const char *k, *v;
				if (trace_code_extra(&k, &v, c, i) == TRACE_OK)
					json_object_set_new(x, k, json_string(v));
			}
			json_object_set_new(o, "ignored_query", x);
		}
	} else {
		json_t *seg = json_object();
		for (size_t i = 0; i < n; i++) {
			const char *k, *v;
			if (trace_code_field(&k, &v, c, i) == TRACE_OK)
				json_object_set_new(seg, k, json_string(v));
		}
		json_object_set_new(o, "segments", seg);
	}
	return o;
}

static int cmd_parse(int argc, char **argv)
{
	const char *text = NULL, *stem = NULL;
	uint64_t gcp = 0;
	unsigned flags = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--gcp-length") == 0 && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &gcp) || gcp < 6 || gcp > 12)
				return cli_usage("code parse: --gcp-length must be 6 to 12");
		} else if (strcmp(argv[i], "--stem") == 0 && i + 1 < argc) {
			stem = argv[++i];
		} else if (strcmp(argv[i], "--zero-suppressed") == 0) {
			flags |= TRACE_CODE_PERMIT_ZERO_SUPPRESSED_GTIN;
		} else if (strcmp(argv[i], "--cn-strict") == 0) {
			flags |= TRACE_CODE_CN_STRICT;
		} else if (text == NULL && (argv[i][0] != '-' || argv[i][1] == 0 || argv[i][1] != '-')) {
			text = argv[i];
		} else {
			return cli_usage("code parse: unexpected argument \"%s\"", argv[i]);
		}
	}
	if (text == NULL)
		return cli_usage("usage: trace code parse TEXT [--gcp-length N] [--stem URL] [--zero-suppressed] [--cn-strict]");
	trace_code *c;
	int rc = trace_code_parse(&c, text, TRACE_CODE_FORM_AUTO, flags);
	if (rc) {
		cli_fail(rc, "code parse");
		return EXIT_USAGE; /* whatever was wrong, an invalid code is exit 2 */
	}
	json_t *o = code_json(c, stem, (int)gcp);
	trace_code_free(c);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return cli_usage("code parse: out of memory");
	puts(s);
	free(s);
	return 0;
}

typedef struct out_ctx {
	FILE *f;
	int csv;
	int gs1;
	const char *gtin, *lot;
	uint64_t handed;	/* codes written out */
	int werr;		/* the output could not be written */
} out_ctx;

/* CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Writes one issued code out (with a ledger: once trace_ledger_issue() recorded it). */
static int emit(const char *code, const char *serial, uint64_t seq, void *payload)
{
	out_ctx *o = payload;
	FILE *f = o->f;
	if (!o->csv) {
		fputs(code, f);
		fputc('\n', f);
	} else if (o->gs1) {
		fprintf(f, "%" PRIu64 ",%s,", seq, o->gtin);
		csv_field(f, o->lot);
		fprintf(f, ",%s,", serial);
		csv_field(f, code);
		fputc('\n', f);
	} else {
		fprintf(f, "%" PRIu64 ",%s,%s\n", seq, serial, code);
	}
	o->handed++;
	if (ferror(f)) {
		o->werr = 1;
		return -1;
	}
	return 0;
}

/* DIR holds an event ledger (opened into *l), or not (*l = NULL); 0 or an exit status. */
static int open_issue_ledger(const char *dir, trace_ledger **l)
{
	*l = NULL;
	int rc = cli_open_ledger_writer(l, dir);
	if (rc == TRACE_OK || rc == TRACE_ENOTFOUND)
		return 0;
	if (rc == TRACE_EINVAL) {
		/* A raw log keeps issuer state like any directory; it just records no events. */
		trace_log *log;
		int raw = 0;
		if (trace_log_open(&log, dir, TRACE_OPEN_READONLY, NULL) == TRACE_OK) {
			raw = trace_log_kind(log) == TRACE_LOG_RAW;
			trace_log_close(log);
		}
		if (raw)
			return 0;
	}
	return cli_fail(rc, dir);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmd_issue(int argc, char **argv)
{
	const char *gtin = NULL, *lot = NULL, *prefix = NULL, *ledger = NULL, *out = NULL, *site = NULL,
	           *format = NULL;
	uint64_t count = 0;
	int have_count = 0, commission = 0, tz = 0;
	int64_t when = INT64_MIN;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--commission") == 0) {
			commission = 1;
			continue;
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			return cli_usage("code issue: %s needs a value", a);
		if (strcmp(a, "--gtin") == 0) gtin = v;
		else if (strcmp(a, "--lot") == 0) lot = v;
		else if (strcmp(a, "--native") == 0) prefix = v;
		else if (strcmp(a, "--ledger") == 0) ledger = v;
		else if (strcmp(a, "--out") == 0) out = v;
		else if (strcmp(a, "--site") == 0) site = v;
		else if (strcmp(a, "--format") == 0) format = v;
		else if (strcmp(a, "--time") == 0) {
			if (trace_event_time_parse(&when, &tz, v))
				return cli_usage("code issue: --time: %s", trace_error_last()->message);
		}
		else if (strcmp(a, "--count") == 0) {
			if (cli_parse_u64(v, &count) || count == 0)
				return cli_usage("code issue: --count must be a positive number");
			have_count = 1;
		} else {
			return cli_usage("code issue: unexpected argument \"%s\"", a);
		}
		i++;
	}
	if (!have_count || (prefix == NULL) == (gtin == NULL) || (gtin != NULL) != (lot != NULL))
		return cli_usage("usage: trace code issue (--gtin GTIN --lot LOT | --native PREFIX) --count N "
		                 "[--ledger DIR] [--out FILE] [--site ID] [--format text|csv] [--commission] [--time RFC3339]");
	int csv = format ? strcmp(format, "csv") == 0 : out != NULL && ends_with(out, ".csv");
	if (format && !csv && strcmp(format, "text") != 0)
		return cli_usage("code issue: --format is text or csv");
	if (ledger == NULL)
		fprintf(stderr, "trace: code issue: no --ledger: the serials are random and not guessable, but nothing "
		                "records them, so a later run cannot promise not to repeat one\n");
	if ((commission || when != INT64_MIN) && ledger == NULL)
		return cli_usage("code issue: --commission and --time are for the events recorded in the ledger of --ledger");

	/* An event ledger in DIR records the issuance; any other directory keeps only the issuer state. */
	out_ctx o = { .csv = csv, .gs1 = gtin != NULL, .gtin = gtin, .lot = lot };
	trace_ledger *l = NULL;
	int status = ledger ? open_issue_ledger(ledger, &l) : 0;
	if (status)
		return status;
	if (commission && l == NULL)
		return cli_usage("code issue: --commission: %s holds no event ledger", ledger);
	if (ledger && l == NULL)
		fprintf(stderr, "trace: code issue: %s holds no event ledger: issuance is not recorded as events\n", ledger);
	trace_issuer *is = NULL;
	uint64_t first = 0, events = 0;
	int rc = trace_issuer_open(&is, ledger, site);
	if (rc == TRACE_OK && (o.f = out ? fopen(out, "w") : stdout) == NULL)
		status = cli_usage("code issue: cannot create %s", out);
	if (rc == TRACE_OK && status == 0) {
		if (csv)
			fputs(gtin ? "seq,gtin,lot,serial,digital_link\n" : "seq,serial,code\n", o.f);
		if (l)
			rc = trace_ledger_issue(&first, &events, l, is, gtin, lot, prefix, count,
			                        when == INT64_MIN ? cli_now_ms() : when, tz,
			                        commission ? TRACE_ISSUE_COMMISSION : 0, emit, &o);
		else
			rc = gtin ? trace_issuer_issue_gs1(is, gtin, lot, count, emit, &o)
			          : trace_issuer_issue_native(is, prefix, count, emit, &o);
		if (fflush(o.f) != 0 || ferror(o.f))
			o.werr = 1;
		if (out && fclose(o.f) != 0)
			o.werr = 1;
		if (o.werr) {
			status = cli_usage("code issue: cannot write %s", out ? out : "standard output");
			rc = TRACE_OK;	/* reported: the write failure is what stopped it */
		}
	}
	trace_issuer_close(is);
	int recording = l != NULL;
	trace_ledger_close(l);
	if (rc)
		status = cli_fail(rc, "code issue");
	if (recording && events)
		fprintf(stderr, "trace: code issue: %" PRIu64 " codes handed out, recorded as %" PRIu64 " %s event%s from index %" PRIu64 "%s\n",
		        o.handed, events, commission ? "commissioning" : "issuance", events == 1 ? "" : "s",
		        first, status ? " before the failure (they are issued: do not issue them again)" : "");
	return status;
}

int cmd_code(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "parse") == 0)
		return cmd_parse(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "issue") == 0)
		return cmd_issue(argc - 1, argv + 1);
	return cli_usage("usage: trace code parse TEXT | trace code issue (--gtin GTIN --lot LOT | --native PREFIX) --count N [--ledger DIR] [--out FILE]");
}
