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

/* Codes recorded per ledger transaction: a bounded event and a bounded buffer. */
#define ISSUE_CHUNK 20000

typedef struct out_ctx {
	FILE *f;
	int csv;
	int gs1;
	const char *gtin, *lot, *prefix;
	/* Recording in a ledger: each chunk of codes is appended as events first,
	 * and only then written out, so no code leaves unrecorded. */
	trace_ledger *l;
	int commission, tz;
	int64_t when;
	trace_event *ev;	/* the chunk's issuance event */
	FILE *pending;		/* the chunk's output lines */
	char *pending_buf;
	size_t pending_len, in_chunk, events;
	uint64_t first, recorded;	/* first event index; codes recorded so far */
	int rc;			/* a libtrace failure inside the callback */
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

/*
 * Issuance as ledger events (CBV bizStep "encoding", disposition "encoded";
 * with --commission, "commissioning" and "active"): an ObjectEvent ADD of
 * each chunk of issued codes, split into as many entries as it needs and
 * appended in one transaction.
 */
static int issuance_event(trace_event **out, const out_ctx *o)
{
	trace_event *ev;
	int rc = trace_event_new(&ev, TRACE_EVENT_OBJECT);
	if (rc == TRACE_OK && (rc = trace_event_set_time(ev, o->when, o->tz)) == TRACE_OK &&
	    (rc = trace_event_set_action(ev, TRACE_ACTION_ADD)) == TRACE_OK &&
	    (rc = trace_event_set_biz_step(ev, o->commission ? "commissioning" : "encoding")) == TRACE_OK &&
	    (rc = trace_event_set_disposition(ev, o->commission ? "active" : "encoded")) == TRACE_OK && o->lot)
		rc = trace_event_set_lot(ev, o->lot, INT64_MIN, INT64_MIN);
	if (rc) {
		trace_event_free(ev);
		ev = NULL;
	}
	*out = ev;
	return rc;
}

/* Records the chunk's codes in the ledger, then writes their lines out. */
static int flush_chunk(out_ctx *o)
{
	if (o->in_chunk == 0)
		return 0;
	cli_events parts = { NULL, 0, 0 };
	uint64_t first = 0;
	int rc = trace_event_split(o->ev, 0, cli_events_keep, &parts);
	if (rc == TRACE_OK)
		rc = trace_ledger_append(o->l, &first, parts.v, parts.n, INT64_MIN);
	if (rc == TRACE_OK) {
		if (o->events == 0)
			o->first = first;
		o->events += parts.n;
		o->recorded += o->in_chunk;
	}
	cli_events_free(&parts);
	trace_event_free(o->ev);
	o->ev = NULL;
	if (rc) {
		o->rc = rc;
		return -1;
	}
	/* The chunk is recorded: now its lines go out, then a fresh buffer and event. */
	int bad = fclose(o->pending) != 0;
	o->pending = NULL;
	if (fwrite(o->pending_buf, 1, o->pending_len, o->f) != o->pending_len || fflush(o->f) != 0)
		o->werr = 1;
	free(o->pending_buf);
	o->pending_buf = NULL;
	o->in_chunk = 0;
	if (o->werr)
		return -1;
	if (bad || (o->pending = open_memstream(&o->pending_buf, &o->pending_len)) == NULL) {
		o->rc = TRACE_ENOMEM;
		return -1;
	}
	if ((rc = issuance_event(&o->ev, o))) {
		o->rc = rc;
		return -1;
	}
	return 0;
}

static int emit(const char *code, const char *serial, uint64_t seq, void *payload)
{
	out_ctx *o = payload;
	FILE *f = o->l ? o->pending : o->f;
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
	if (o->l) {
		if ((o->rc = trace_event_add_code(o->ev, TRACE_ROLE_ITEM, code)) != TRACE_OK)
			return -1;
		if (++o->in_chunk == ISSUE_CHUNK)
			return flush_chunk(o);
	}
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
	out_ctx o = { .csv = csv, .gs1 = gtin != NULL, .gtin = gtin, .lot = lot, .prefix = prefix,
	              .commission = commission, .tz = tz, .when = when == INT64_MIN ? cli_now_ms() : when };
	int status = ledger ? open_issue_ledger(ledger, &o.l) : 0;
	if (status)
		return status;
	if (commission && o.l == NULL) {
		trace_ledger_close(o.l);
		return cli_usage("code issue: --commission: %s holds no event ledger", ledger);
	}
	if (ledger && o.l == NULL)
		fprintf(stderr, "trace: code issue: %s holds no event ledger: issuance is not recorded as events\n", ledger);
	int rc = TRACE_OK;
	if (o.l && ((rc = issuance_event(&o.ev, &o)) ||
	            (o.pending = open_memstream(&o.pending_buf, &o.pending_len)) == NULL)) {
		trace_event_free(o.ev);
		trace_ledger_close(o.l);
		return rc ? cli_fail(rc, "code issue") : cli_usage("code issue: out of memory");
	}

	trace_issuer *is = NULL;
	if ((rc = trace_issuer_open(&is, ledger, site)) == TRACE_OK &&
	    (o.f = out ? fopen(out, "w") : stdout) == NULL)
		status = cli_usage("code issue: cannot create %s", out);
	if (rc == TRACE_OK && status == 0) {
		if (csv)
			fputs(gtin ? "seq,gtin,lot,serial,digital_link\n" : "seq,serial,code\n", o.f);
		rc = gtin ? trace_issuer_issue_gs1(is, gtin, lot, count, emit, &o)
		          : trace_issuer_issue_native(is, prefix, count, emit, &o);
		if (rc == TRACE_OK && o.l && flush_chunk(&o) != 0)
			rc = TRACE_EUSER;
		if (rc == TRACE_EUSER && o.rc)
			rc = o.rc;	/* the ledger or the event builder failed: its message stands */
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
	if (o.pending)
		fclose(o.pending);
	free(o.pending_buf);
	trace_event_free(o.ev);
	int recording = o.l != NULL;
	trace_ledger_close(o.l);
	if (rc)
		status = cli_fail(rc, "code issue");
	if (recording && o.recorded)
		fprintf(stderr, "trace: code issue: %" PRIu64 " codes recorded as %zu %s event%s from index %" PRIu64 "%s\n",
		        o.recorded, o.events, commission ? "commissioning" : "issuance", o.events == 1 ? "" : "s",
		        o.first, status ? " before the failure (they are issued: do not issue them again)" : "");
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
