/* trace history | trace back/forward | where | status | contents | events | recall | reindex. */
#define TRACE_EXPERIMENTAL_API	/* ledger parameters, the where query */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

static int open_ledger(const char *dir, int readonly, trace_ledger **out)
{
	int rc = readonly ? trace_ledger_open(out, dir, TRACE_OPEN_READONLY, NULL)
	                  : cli_open_ledger_writer(out, dir);
	return rc ? cli_fail(rc, dir) : 0;
}

/* DIR CODE [--json] */
static int parse_args(int argc, char **argv, int first, const char **dir, const char **code, int *json)
{
	*dir = *code = NULL;
	*json = 0;
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (*dir == NULL)
			*dir = argv[i];
		else if (*code == NULL)
			*code = argv[i];
		else
			return -1;
	}
	return *dir && *code ? 0 : -1;
}

/* An event time as RFC 3339 UTC, to the second. */
static void format_time(char when[32], int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(when, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One event as a line of text (with the container it came through, if
 * any) or as EPCIS JSON; a failure is returned, not skipped.
 * @declared_by: the error declaration that marks it erroneous, or UINT64_MAX. */
static int print_event(trace_ledger *l, uint64_t idx, unsigned depth, const char *via, uint64_t declared_by,
                       int json, int *first)
{
	trace_event *ev;
	int rc = trace_ledger_event(&ev, l, idx);
	if (rc)
		return rc;
	if (json) {
		trace_buf out = TRACE_BUF_INIT;
		if ((rc = trace_event_to_json(&out, ev)) == TRACE_OK && out.size > 1) {
			/* What the ledger knows of the event, not the event's own: members after its own. */
			printf("%s%.*s", *first ? "" : ",\n", (int)out.size - 1, (const char *)out.ptr);
			if (declared_by != UINT64_MAX)
				printf(",\"libtrace:declaredErroneousBy\":%llu", (unsigned long long)declared_by);
			if (depth && via) {
				json_t *v = json_string(via);
				char *text = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
				if (text == NULL)
					rc = TRACE_ENOMEM;
				else
					printf(",\"libtrace:via\":%s,\"libtrace:depth\":%u", text, depth);
				free(text);
				json_decref(v);
			}
			putchar('}');
			*first = 0;
		}
		trace_buf_dispose(&out);
	} else {
		char when[32];
		format_time(when, trace_event_time(ev));
		static const char *types[] = { "?", "object", "aggregation", "transformation", "transaction", "association" };
		int type = trace_event_type(ev);
		const char *step = trace_event_biz_step(ev), *disp = trace_event_disposition(ev);
		const char *where = trace_event_biz_location(ev) ? trace_event_biz_location(ev) : trace_event_read_point(ev);
		printf("%8llu  %s  %-14s %-18s %-14s %s", (unsigned long long)idx, when,
		       types[type >= 1 && type <= 5 ? type : 0], step ? step : "-", disp ? disp : "-",
		       where ? where : "");
		if (depth && via)
			printf("  via %s (depth %u)", via, depth);
		if (declared_by != UINT64_MAX)
			printf("  [erroneous: declared by event %llu]", (unsigned long long)declared_by);
		if (trace_event_is_declaration(ev))
			printf("  [error declaration: %s]", trace_event_error_reason(ev) ? trace_event_error_reason(ev) : "no reason given");
		printf("\n");
	}
	trace_event_free(ev);
	return rc;
}

/* Prints every event of @q (history, or events by time or field); 0 or an exit status. */
static int print_events(trace_ledger *l, trace_query *q, int json, const char *what)
{
	int rc, first = 1;
	if (json)
		printf("[");
	while ((rc = trace_query_next(q)) == TRACE_OK &&
	       (rc = print_event(l, trace_query_event_index(q), trace_query_depth(q), trace_query_via(q),
	                         trace_query_declaration(q), json, &first)) == TRACE_OK)
		;
	if (json)
		printf("]\n");
	return rc == TRACE_ITEROVER ? 0 : cli_fail(rc, what);
}

int cmd_history(int argc, char **argv)
{
	const char *dir, *code;
	int json;
	if (parse_args(argc, argv, 1, &dir, &code, &json))
		return cli_usage("usage: trace history DIR CODE [--json]");
	trace_ledger *l;
	trace_query *q;
	int status = open_ledger(dir, 1, &l);
	if (status)
		return status;
	int rc = trace_query_history(&q, l, code);
	if (rc)
		status = cli_fail(rc, "history");
	else
		status = print_events(l, q, json, "history");
	trace_query_free(q);
	trace_ledger_close(l);
	return status;
}

/* trace events DIR (--from TIME --to TIME | --party ID | --step STEP | --disposition DISP | --location ID) [--json] */
int cmd_events(int argc, char **argv)
{
	static const char usage[] = "usage: trace events DIR (--from TIME --to TIME | --party ID | --step STEP | "
	                            "--disposition DISP | --location ID) [--json]";
	const char *dir = NULL, *value = NULL, *from = NULL, *to = NULL;
	int field = 0, json = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int f = strcmp(a, "--party") == 0 ? TRACE_FIELD_PARTY
		      : strcmp(a, "--step") == 0 ? TRACE_FIELD_BIZ_STEP
		      : strcmp(a, "--disposition") == 0 ? TRACE_FIELD_DISPOSITION
		      : strcmp(a, "--location") == 0 ? TRACE_FIELD_LOCATION : 0;
		if (strcmp(a, "--json") == 0)
			json = 1;
		else if (f && i + 1 < argc && field == 0)
			field = f, value = argv[++i];
		else if (strcmp(a, "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(a, "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (dir == NULL && a[0] != '-')
			dir = a;
		else
			return cli_usage("events: unexpected argument \"%s\"\n%s", a, usage);
	}
	if (dir == NULL || (field != 0) == (from != NULL || to != NULL) || (from != NULL) != (to != NULL))
		return cli_usage("%s", usage);
	int64_t t0 = 0, t1 = 0;
	if (from && (trace_event_time_parse(&t0, NULL, from) || trace_event_time_parse(&t1, NULL, to)))
		return cli_usage("events: %s", trace_error_last()->message);
	trace_ledger *l;
	trace_query *q = NULL;
	int status = open_ledger(dir, 1, &l);
	if (status)
		return status;
	int rc = field ? trace_query_by_field(&q, l, field, value) : trace_query_by_time(&q, l, t0, t1);
	status = rc ? cli_fail(rc, "events") : print_events(l, q, json, "events");
	trace_query_free(q);
	trace_ledger_close(l);
	return status;
}

static int walk(int argc, char **argv, int first_arg, const char *what,
                int (*start)(trace_query **, trace_ledger *, const char *))
{
	const char *dir, *code;
	int json, first = 1;
	if (parse_args(argc, argv, first_arg, &dir, &code, &json))
		return cli_usage("usage: trace %s DIR CODE [--json]", what);
	trace_ledger *l;
	trace_query *q;
	int status = open_ledger(dir, 1, &l);
	if (status)
		return status;
	int rc = start(&q, l, code);
	if (rc) {
		trace_ledger_close(l);
		return cli_fail(rc, what);
	} else {
		if (json)
			printf("[");
		while ((rc = trace_query_next(q)) == TRACE_OK) {
			const char *c = trace_query_code(q);
			uint64_t from, to;
			int stay = trace_query_interval(q, &from, &to) == TRACE_OK;
			if (json) {
				int state = 0, src = trace_ledger_status(l, c, &state, NULL, NULL);
				if (src != TRACE_OK && src != TRACE_ENOTFOUND) {
					rc = src;
					break;
				}
				/* Codes are URIs or plain text without quotes or control characters. */
				printf("%s{\"code\": \"%s\", \"depth\": %u, \"status\": \"%s\"", first ? "" : ",\n", c,
				       trace_query_depth(q), trace_code_state_name(state));
				/* A container: the events over which the code was inside (to: null while it still is). */
				if (stay && to == UINT64_MAX)
					printf(", \"from\": %llu, \"to\": null", (unsigned long long)from);
				else if (stay)
					printf(", \"from\": %llu, \"to\": %llu", (unsigned long long)from, (unsigned long long)to);
				if (trace_query_link(q) == TRACE_LINK_ASSOCIATED)
					printf(", \"link\": \"associated\"");
				printf("}");
				first = 0;
			} else {
				printf("%*s%s%s", 2 * (int)trace_query_depth(q), "", c,
				       trace_query_link(q) == TRACE_LINK_ASSOCIATED ? "  (associated)" : "");
				if (stay && to == UINT64_MAX)
					printf("  (inside since event %llu)", (unsigned long long)from);
				else if (stay)
					printf("  (inside over events %llu-%llu)", (unsigned long long)from, (unsigned long long)to);
				printf("\n");
			}
		}
		if (json)
			printf("]\n");
		trace_query_free(q);
	}
	trace_ledger_close(l);
	return rc == TRACE_ITEROVER || rc == TRACE_OK ? 0 : cli_fail(rc, what);
}

int cmd_trace(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "back") == 0)
		return walk(argc, argv, 2, "trace back", trace_query_trace_back);
	if (argc >= 2 && strcmp(argv[1], "forward") == 0)
		return walk(argc, argv, 2, "trace forward", trace_query_trace_forward);
	return cli_usage("usage: trace trace back|forward DIR CODE [--json]");
}

/* One where row: the event, its time and step, the party or location, and the count. */
static int print_where_row(trace_ledger *l, trace_query *q, int json, int *first)
{
	trace_event *ev;
	uint64_t idx = trace_query_event_index(q);
	const char *type = NULL, *party = trace_query_party(q, &type);
	int rc = trace_ledger_event(&ev, l, idx);
	if (rc)
		return rc;
	char when[32];
	const char *step = trace_event_biz_step(ev);
	format_time(when, trace_event_time(ev));
	if (json) {
		/* Ids and CBV values are URIs or plain text without quotes or control characters. */
		printf("%s{\"event\": %llu, \"eventTime\": \"%s\", \"bizStep\": %s%s%s, \"type\": \"%s\", "
		       "\"party\": \"%s\", \"count\": %llu}", *first ? "" : ",\n", (unsigned long long)idx, when,
		       step ? "\"" : "", step ? step : "null", step ? "\"" : "", type, party,
		       (unsigned long long)trace_query_count(q));
		*first = 0;
	} else {
		printf("%8llu  %s  %-12s %-16s %s  %llu\n", (unsigned long long)idx, when, step ? step : "-",
		       *type ? type : "-", party, (unsigned long long)trace_query_count(q));
	}
	trace_event_free(ev);
	return TRACE_OK;
}

/* trace where DIR CODE (--to | --from) [--json]: where a lot's items went, or came from. */
int cmd_where(int argc, char **argv)
{
	static const char usage[] = "usage: trace where DIR CODE (--to | --from) [--json]";
	const char *dir = NULL, *code = NULL;
	int direction = 0, json = 0, first = 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if ((strcmp(argv[i], "--to") == 0 || strcmp(argv[i], "--from") == 0) && direction == 0)
			direction = argv[i][2] == 't' ? TRACE_WHERE_TO : TRACE_WHERE_FROM;
		else if (dir == NULL && argv[i][0] != '-')
			dir = argv[i];
		else if (code == NULL && argv[i][0] != '-')
			code = argv[i];
		else
			return cli_usage("where: unexpected argument \"%s\"\n%s", argv[i], usage);
	}
	if (dir == NULL || code == NULL || direction == 0)
		return cli_usage("%s", usage);
	trace_ledger *l;
	trace_query *q;
	int status = open_ledger(dir, 1, &l);
	if (status)
		return status;
	int rc = trace_query_where(&q, l, code, direction);
	if (rc) {
		trace_ledger_close(l);
		return cli_fail(rc, "where");
	}
	if (json)
		printf("[");
	while ((rc = trace_query_next(q)) == TRACE_OK && (rc = print_where_row(l, q, json, &first)) == TRACE_OK)
		;
	if (json)
		printf("]\n");
	trace_query_free(q);
	trace_ledger_close(l);
	return rc == TRACE_ITEROVER ? 0 : cli_fail(rc, "where");
}

int cmd_contents(int argc, char **argv)
{
	return walk(argc, argv, 1, "contents", trace_query_contents);
}

int cmd_status(int argc, char **argv)
{
	const char *dir, *code;
	int json, state;
	uint32_t flags;
	uint64_t last, scans = 0;
	int64_t first_scan = INT64_MIN;
	if (parse_args(argc, argv, 1, &dir, &code, &json))
		return cli_usage("usage: trace status DIR CODE [--json]");
	trace_ledger *l;
	int status = open_ledger(dir, 1, &l);
	if (status)
		return status;
	int rc = trace_ledger_status(l, code, &state, &flags, &last);
	if (rc == TRACE_OK && (rc = trace_ledger_scans(l, code, &scans, &first_scan)) == TRACE_ENOTFOUND)
		rc = TRACE_OK;	/* never scanned */
	trace_ledger_close(l);
	if (rc)
		return cli_fail(rc, "status");
	static const char *flag_names[] = { "double_sale", "sold_while_recalled", "recalled", "clock_skew",
	                                    "many_scans", "late_undo", "impossible_move", "corrected" };
	const int nflags = (int)(sizeof flag_names / sizeof flag_names[0]);
	if (json) {
		printf("{\"code\": \"%s\", \"status\": \"%s\", \"last_event\": %llu, \"scans\": %llu, \"flags\": [",
		       code, trace_code_state_name(state), (unsigned long long)last, (unsigned long long)scans);
		int first = 1;
		for (int i = 0; i < nflags; i++)
			if (flags & (1u << i)) {
				printf("%s\"%s\"", first ? "" : ", ", flag_names[i]);
				first = 0;
			}
		printf("]}\n");
	} else {
		printf("%s: %s (last event %llu", code, trace_code_state_name(state), (unsigned long long)last);
		if (scans)
			printf(", %llu consumer scans", (unsigned long long)scans);
		printf(")");
		for (int i = 0; i < nflags; i++)
			if (flags & (1u << i))
				printf(" [%s]", flag_names[i]);
		printf("\n");
	}
	return 0;
}

/* trace recall DIR --list --key SKEYFILE: the recalled codes as a signed note. */
static int recall_list(const char *dir, const char *key)
{
	trace_signer *signer;
	trace_ledger *l;
	trace_buf out = TRACE_BUF_INIT;
	int status = cli_load_signer(key, &signer);
	if (status)
		return status;
	if ((status = open_ledger(dir, 1, &l)) == 0) {
		int rc = trace_ledger_recall_list(&out, l, signer, INT64_MIN);
		if (rc)
			status = cli_fail(rc, "recall list");
		else
			fwrite(out.ptr, 1, out.size, stdout);
		trace_buf_dispose(&out);
		trace_ledger_close(l);
	}
	trace_signer_free(signer);
	return status;
}

/* trace recall check LIST CODE --vkey VKEY [--not-before TIME] [--min-size N]:
 * exit 0 not recalled, 3 recalled, 1 the list does not verify or is too old. */
static int recall_check(int argc, char **argv)
{
	const char *file = NULL, *code = NULL, *vkey = NULL;
	uint64_t min_size = 0;
	int64_t not_before = INT64_MIN;
	int status = 0;
	for (int i = 2; i < argc && status == 0; i++) {
		if (strcmp(argv[i], "--vkey") == 0 && i + 1 < argc)
			vkey = argv[++i];
		else if (strcmp(argv[i], "--min-size") == 0 && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &min_size))
				status = cli_usage("recall check: --min-size wants a number, not \"%s\"", argv[i]);
		} else if (strcmp(argv[i], "--not-before") == 0 && i + 1 < argc) {
			if (trace_event_time_parse(&not_before, NULL, argv[++i]) != TRACE_OK)
				status = cli_usage("recall check: --not-before wants an RFC 3339 time, not \"%s\"", argv[i]);
		} else if (file == NULL)
			file = argv[i];
		else if (code == NULL)
			code = argv[i];
		else
			status = cli_usage("recall check: unexpected argument \"%s\"", argv[i]);
	}
	if (status)
		return status;
	if (file == NULL || code == NULL || vkey == NULL)
		return cli_usage("usage: trace recall check LIST CODE --vkey VKEY [--not-before TIME] [--min-size N]");
	trace_verifier *v = NULL;
	uint8_t *list = NULL;
	size_t len;
	int rc = trace_verifier_new(&v, vkey);
	if (rc)
		return cli_fail(rc, "--vkey");
	if (cli_read(file, &list, &len)) {
		trace_verifier_free(v);
		return EXIT_USAGE;
	}
	int recalled = 0;
	uint64_t size = 0;
	int64_t when = 0;
	rc = trace_recall_list_check(&recalled, &size, &when, (const char *)list, len, v, code, min_size, not_before);
	if (rc) {
		/* A list that is malformed, forged or too old fails the check: exit 1. */
		status = cli_fail(rc, "recall check");
		if (rc == TRACE_EINVAL || rc == TRACE_EREFUSED)
			status = EXIT_VERIFY_FAILED;
	}
	else
		printf("%s: %s (recall list of %s at size %llu, made %lld ms after the epoch)\n", code,
		       recalled ? "RECALLED" : "not on the recall list", trace_verifier_name(v),
		       (unsigned long long)size, (long long)when);
	free(list);
	trace_verifier_free(v);
	return status ? status : recalled ? 3 : 0;
}

int cmd_recall(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return recall_check(argc, argv);
	const char *dir = NULL, *code = NULL, *reason = NULL, *key = NULL;
	int list = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (strcmp(argv[i], "--list") == 0)
			list = 1;
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (dir == NULL)
			dir = argv[i];
		else if (code == NULL)
			code = argv[i];
		else
			return cli_usage("recall: unexpected argument \"%s\"", argv[i]);
	}
	if (list && dir && key && code == NULL && reason == NULL)
		return recall_list(dir, key);
	if (dir == NULL || code == NULL || reason == NULL || list || key)
		return cli_usage("usage: trace recall DIR CODE --reason TEXT | trace recall DIR --list --key SKEYFILE"
		                 " | trace recall check LIST CODE --vkey VKEY [--not-before TIME] [--min-size N]");
	trace_ledger *l;
	uint64_t affected = 0;
	int status = open_ledger(dir, 0, &l);
	if (status)
		return status;
	int rc = trace_ledger_recall(l, &affected, code, reason, cli_now_ms());
	trace_ledger_close(l);
	if (rc)
		return cli_fail(rc, "recall");
	printf("recalled %s: %llu codes marked\n", code, (unsigned long long)affected);
	return 0;
}

int cmd_reindex(int argc, char **argv)
{
	if (argc != 2)
		return cli_usage("usage: trace reindex DIR");
	trace_ledger *l;
	uint64_t diff = 0;
	int status = open_ledger(argv[1], 0, &l);
	if (status)
		return status;
	int rc = trace_ledger_reindex(l, &diff);
	trace_ledger_close(l);
	if (rc)
		return cli_fail(rc, "reindex");
	if (diff)
		printf("reindex: %llu index rows differed from the log and were rebuilt\n", (unsigned long long)diff);
	else
		printf("reindex: every index matches the log\n");
	return diff ? EXIT_VERIFY_FAILED : 0;
}
