/*
 * trace: the command-line tool.  Dispatches "trace <group> ..." to the
 * subcommand files; each is a thin layer over the public API.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

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
	{ "where", cmd_where, "where DIR CODE (--to|--from)" },
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

/* The first argument naming a directory that holds a log, or NULL. */
static const char *ledger_dir(int argc, char **argv)
{
	char path[4096];
	struct stat st;
	for (int i = 1; i < argc; i++) {
		snprintf(path, sizeof path, "%s/data.mdb", argv[i]);
		if (stat(path, &st) == 0)
			return argv[i];
	}
	return NULL;
}

/*
 * LMDB trusts its files: a damaged page can make it read outside the map
 * (SIGSEGV) or past the end of a file (SIGBUS), and a full disk can fault a
 * write through a sparse file.  The command runs in a child, so a fault
 * becomes a message and exit status 1 instead of a signal.
 */
static int run_guarded(int (*run)(int, char **), int argc, char **argv)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return run(argc, argv);	/* no process to spare: run unguarded */
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		exit(run(argc, argv));
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fprintf(stderr, "trace: lost the command's process: %s\n", strerror(errno)), EXIT_USAGE;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	int sig = WTERMSIG(status);
	const char *dir = ledger_dir(argc, argv);
	struct statvfs vfs;
	if (sig == SIGBUS && dir && statvfs(dir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < (1u << 20)) {
		fprintf(stderr, "trace: %s: no space left on device (the store faulted writing)\n", dir);
		return EXIT_USAGE;
	}
	if (sig == SIGBUS || sig == SIGSEGV) {
		fprintf(stderr, "trace: corrupt: %s%s: reading it faulted (%s); the files are damaged (run trace log verify, restore from a backup)\n",
		        dir ? dir : "the ledger", dir ? "/data.mdb" : "", strsignal(sig));
		return EXIT_VERIFY_FAILED;
	}
	/* Killed from outside, or a bug (an abort, a sanitizer): die the same way. */
	signal(sig, SIG_DFL);
	raise(sig);
	return EXIT_USAGE;
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
			return run_guarded(commands[i].run, argc - 1, argv + 1);
	fprintf(stderr, "trace: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
