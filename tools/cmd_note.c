/* trace note sign|verify: C2SP signed notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

static int note_sign(int argc, char **argv)
{
	const char *key = NULL, *file = "-";
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("note sign: unknown option \"%s\"", argv[i]);
		else
			file = argv[i];
	}
	if (key == NULL)
		return cli_usage("usage: trace note sign --key SKEYFILE [FILE]");
	trace_signer *s;
	uint8_t *text;
	size_t len;
	int rc = cli_load_signer(key, &s);
	if (rc)
		return rc;
	if (cli_read(file, &text, &len)) {
		trace_signer_free(s);
		return EXIT_USAGE;
	}
	trace_buf note = TRACE_BUF_INIT;
	rc = trace_note_sign(&note, (const char *)text, len, &s, 1, (uint64_t)time(NULL));
	free(text);
	trace_signer_free(s);
	if (rc)
		return cli_fail(rc, "note sign");
	fwrite(note.ptr, 1, note.size, stdout);
	trace_buf_dispose(&note);
	return 0;
}

static int note_verify(int argc, char **argv)
{
	const char *file = "-";
	trace_verifier *keys[TRACE_NOTE_MAX_SIGNATURES];
	size_t nkeys = 0;
	int status = 0, rc;
	for (int i = 2; i < argc && status == 0; i++) {
		if (strcmp(argv[i], "--vkey") == 0 && i + 1 < argc) {
			if (nkeys == TRACE_NOTE_MAX_SIGNATURES)
				status = cli_usage("note verify: too many --vkey");
			else if ((rc = trace_verifier_new(&keys[nkeys], argv[++i])))
				status = cli_fail(rc, "--vkey");
			else
				nkeys++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			status = cli_usage("note verify: unknown option \"%s\"", argv[i]);
		} else {
			file = argv[i];
		}
	}
	if (status == 0 && nkeys == 0)
		status = cli_usage("usage: trace note verify --vkey VKEY [--vkey VKEY]... [FILE]");
	uint8_t *msg = NULL;
	size_t len;
	trace_note *n = NULL;
	if (status == 0 && cli_read(file, &msg, &len))
		status = EXIT_USAGE;
	if (status == 0 && (rc = trace_note_parse(&n, (const char *)msg, len)))
		status = cli_fail(rc, "note verify");
	uint8_t ok[TRACE_NOTE_MAX_SIGNATURES];
	if (status == 0 && (rc = trace_note_verify(ok, NULL, n, (const trace_verifier *const *)keys, nkeys)))
		status = cli_fail(rc == TRACE_EINVAL ? TRACE_EBADSIG : rc, "note verify");
	if (status == 0) {
		size_t text_len;
		const char *text = trace_note_text(n, &text_len);
		fwrite(text, 1, text_len, stdout);
		for (size_t i = 0; i < nkeys; i++)
			if (ok[i])
				fprintf(stderr, "trace: verified by %s\n", trace_verifier_name(keys[i]));
	}
	trace_note_free(n);
	free(msg);
	for (size_t i = 0; i < nkeys; i++)
		trace_verifier_free(keys[i]);
	return status;
}

/* A witness (a regulator, say) cosigns a checkpoint it has checked. */
static int note_cosign(int argc, char **argv)
{
	const char *key = NULL, *file = "-";
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage("note cosign: unknown option \"%s\"", argv[i]);
		else
			file = argv[i];
	}
	if (key == NULL)
		return cli_usage("usage: trace note cosign --key WITNESS_SKEYFILE [FILE]");
	trace_signer *s;
	uint8_t *note;
	size_t len;
	int rc = cli_load_signer(key, &s);
	if (rc)
		return rc;
	if (cli_read(file, &note, &len)) {
		trace_signer_free(s);
		return EXIT_USAGE;
	}
	trace_buf out = TRACE_BUF_INIT;
	rc = trace_note_cosign(&out, (const char *)note, len, s, (uint64_t)time(NULL));
	free(note);
	trace_signer_free(s);
	if (rc)
		return cli_fail(rc, "note cosign");
	fwrite(out.ptr, 1, out.size, stdout);
	trace_buf_dispose(&out);
	return 0;
}

int cmd_note(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "cosign") == 0)
		return note_cosign(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return note_sign(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return note_verify(argc, argv);
	return cli_usage("usage: trace note sign --key SKEYFILE [FILE] | trace note verify --vkey VKEY... [FILE] | trace note cosign --key WITNESS_SKEYFILE [FILE]");
}
