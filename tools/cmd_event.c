/* trace ledger init, trace event add|show|private|erase-private: the event ledger from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

int cmd_ledger(int argc, char **argv)
{
	const char *dir = NULL, *origin = NULL, *key = NULL;
	if (argc < 2 || strcmp(argv[1], "init") != 0)
		return cli_usage("usage: trace ledger init DIR --origin ORIGIN --key SKEYFILE");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--origin") == 0 && i + 1 < argc)
			origin = argv[++i];
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (argv[i][0] != '-' && dir == NULL)
			dir = argv[i];
		else
			return cli_usage("ledger init: unexpected argument \"%s\"", argv[i]);
	}
	if (dir == NULL || origin == NULL || key == NULL)
		return cli_usage("usage: trace ledger init DIR --origin ORIGIN --key SKEYFILE");
	return cli_log_init(dir, origin, key, TRACE_LOG_EVENTS);
}

/*
 * trace event show DIR INDEX [--cbor | --document]: the EPCIS event object,
 * the exact logged bytes, or an EPCISDocument holding the event (created now).
 */
static int event_show(int argc, char **argv)
{
	uint64_t index;
	int cbor = argc == 5 && strcmp(argv[4], "--cbor") == 0;
	int document = argc == 5 && strcmp(argv[4], "--document") == 0;
	if ((argc != 4 && !cbor && !document) || cli_parse_u64(argv[3], &index))
		return cli_usage("usage: trace event show DIR INDEX [--cbor | --document]");
	trace_ledger *l = NULL;
	trace_buf out = TRACE_BUF_INIT;
	trace_event *ev = NULL;
	int rc = trace_ledger_open(&l, argv[2], TRACE_OPEN_READONLY, NULL);
	if (rc)
		return cli_fail(rc, argv[2]);
	if (cbor)
		rc = trace_log_entry(&out, trace_ledger_log(l), index);
	else if ((rc = trace_ledger_event(&ev, l, index)) == TRACE_OK && document)
		rc = trace_event_to_json_document(&out, (const trace_event *const *)&ev, 1, cli_now_ms());
	else if (rc == TRACE_OK)
		rc = trace_event_to_json(&out, ev);
	trace_event_free(ev);
	trace_ledger_close(l);
	if (rc)
		return cli_fail(rc, "event show");
	fwrite(out.ptr, 1, out.size, stdout);
	if (!cbor)
		putchar('\n');
	trace_buf_dispose(&out);
	return 0;
}

/*
 * trace event private DIR INDEX: the private fields' cleartext the side store
 * still holds, checked against the logged commitments, as one JSON object
 * (an erased field is null).  trace event erase-private DIR INDEX: erases it.
 */
static int event_private(int argc, char **argv, int erase)
{
	uint64_t index;
	if (argc != 4 || cli_parse_u64(argv[3], &index))
		return cli_usage("usage: trace event %s DIR INDEX", erase ? "erase-private" : "private");
	trace_ledger *l = NULL;
	int rc = erase ? cli_open_ledger_writer(&l, argv[2])
	               : trace_ledger_open(&l, argv[2], TRACE_OPEN_READONLY, NULL);
	if (rc)
		return cli_fail(rc, argv[2]);
	if (erase) {
		size_t n = 0;
		rc = trace_ledger_erase_private(l, index, &n);
		trace_ledger_close(l);
		if (rc)
			return cli_fail(rc, "event erase-private");
		printf("erased %zu private field%s of event %llu; the log and its proofs are unchanged\n", n,
		       n == 1 ? "" : "s", (unsigned long long)index);
		return 0;
	}
	trace_event *ev = NULL;
	rc = trace_ledger_event_private(&ev, l, index);
	trace_ledger_close(l);
	if (rc)
		return cli_fail(rc, "event private");
	json_t *obj = json_object();
	for (size_t i = 0; i < trace_event_private_count(ev); i++) {
		const char *name, *value;
		if (trace_event_private(ev, i, &name, &value, NULL, NULL) == TRACE_OK)
			json_object_set_new(obj, name, value ? json_string(value) : json_null());
	}
	trace_event_free(ev);
	char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (text == NULL)
		return cli_usage("event private: out of memory");
	puts(text);
	free(text);
	return 0;
}

int cmd_event(int argc, char **argv)
{
	const char *dir = NULL, *file = NULL;
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return event_show(argc, argv);
	if (argc >= 2 && (strcmp(argv[1], "private") == 0 || strcmp(argv[1], "erase-private") == 0))
		return event_private(argc, argv, argv[1][0] == 'e');
	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage("usage: trace event add DIR (--json FILE | -) | trace event show DIR INDEX [--cbor | --document] | "
		                 "trace event private DIR INDEX | trace event erase-private DIR INDEX");
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "-") == 0)
			file = "-";
		else if (argv[i][0] != '-' && dir == NULL)
			dir = argv[i];
		else
			return cli_usage("event add: unexpected argument \"%s\"", argv[i]);
	}
	if (dir == NULL || file == NULL)
		return cli_usage("usage: trace event add DIR (--json FILE | -)");
	uint8_t *json;
	size_t len;
	if (cli_read(file, &json, &len))
		return EXIT_USAGE;
	cli_events b = { NULL, 0, 0 };
	trace_ledger *l = NULL;
	uint64_t first;
	int status = 0;
	int rc = trace_event_read_json_events((const char *)json, len, cli_events_keep, &b);
	if (rc)
		status = cli_fail(rc, file);
	else if (b.n == 0)
		status = cli_usage("%s holds no events", file);
	if (status == 0 && (rc = cli_open_ledger_writer(&l, dir)))
		status = cli_fail(rc, dir);
	/* The whole file is one transaction: all events land, or none. */
	if (status == 0 && (rc = trace_ledger_append(l, &first, b.v, b.n, INT64_MIN)))
		status = cli_fail(rc, "event add");
	if (status == 0) {
		trace_hasher *h;
		uint8_t leaf[TRACE_HASH_MAX_SIZE];
		if ((rc = trace_hasher_new(&h, trace_log_suite(trace_ledger_log(l)))) == TRACE_OK) {
			for (size_t i = 0; i < b.n; i++) {
				/* Print each event's index and identity (its leaf hash). */
				if (trace_log_leaf_hash(leaf, sizeof leaf, trace_ledger_log(l), first + i) != TRACE_OK)
					continue;
				printf("%llu ", (unsigned long long)(first + i));
				for (size_t j = 0; j < trace_hasher_size(h); j++)
					printf("%02x", leaf[j]);
				putchar('\n');
			}
			trace_hasher_free(h);
		}
	}
	trace_ledger_close(l);
	cli_events_free(&b);
	free(json);
	return status;
}
