/*
 * trace: the command-line tool.  Dispatches "trace <group> ..." to the
 * subcommand files; each is a thin layer over the public API.
 */
#include <stdio.h>
#include <string.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "key", cmd_key, "key generate|public: Ed25519 signed-note keys" },
	{ "note", cmd_note, "note sign|verify: C2SP signed notes" },
	{ "log", cmd_log, "log init|append|checkpoint|prove|consistency|verify|add-cosignatures|export" },
	{ "proof", cmd_proof, "proof verify: check a tlog-proof offline" },
	{ "code", cmd_code, "code parse|issue: GS1, Digital Link, NMPA, MA and native codes" },
	{ "qr", cmd_qr, "qr TEXT: QR code as PNG, SVG or text" },
	{ "datamatrix", cmd_datamatrix, "datamatrix TEXT: (GS1) DataMatrix as PNG or SVG" },
	{ "labels", cmd_labels, "labels: sheets of QR labels as SVG or PDF" },
	{ "ledger", cmd_ledger, "ledger init: an event ledger" },
	{ "event", cmd_event, "event add|show|private|erase-private: EPCIS events in a ledger" },
	{ "history", cmd_history, "history DIR CODE" },
	{ "trace", cmd_trace, "trace back|forward DIR CODE" },
	{ "status", cmd_status, "status DIR CODE" },
	{ "contents", cmd_contents, "contents DIR CODE" },
	{ "events", cmd_events, "events DIR: by time, party, step, disposition or location" },
	{ "recall", cmd_recall, "recall DIR CODE --reason TEXT | recall DIR --list --key SKEYFILE" },
	{ "reindex", cmd_reindex, "reindex DIR" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: trace <command> [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nlibtrace %s\n", trace_version_string());
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr), EXIT_USAGE;
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(stdout), 0;
	if (strcmp(argv[1], "--version") == 0)
		return printf("trace (libtrace) %s\n", trace_version_string()), 0;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "trace: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
