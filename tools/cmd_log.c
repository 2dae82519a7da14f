/* trace log ...: the raw Merkle log (also works on an event ledger). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"
#include "util/base64.h"

static int open_log(const char *dir, int readonly, trace_log **out)
{
	int rc = readonly ? trace_log_open(out, dir, TRACE_OPEN_READONLY, NULL)
	                  : cli_open_log_writer(out, dir);
	return rc ? cli_fail(rc, dir) : 0;
}

/* Creates a log or ledger: used by "log init" and "ledger init". */
int cli_log_init(const char *dir, const char *origin, const char *key, int kind)
{
	trace_signer *s;
	trace_buf vkey = TRACE_BUF_INIT;
	trace_log_opts *o = NULL;
	trace_log *log = NULL;
	int rc = cli_load_signer(key, &s);
	if (rc)
		return rc;
	rc = trace_signer_vkey(&vkey, s);
	trace_signer_free(s);	/* only the verifier key is stored */
	if (rc == TRACE_OK && (rc = trace_log_opts_new(&o)) == TRACE_OK &&
	    (rc = trace_log_opts_set_kind(o, kind)) == TRACE_OK)
		rc = trace_log_create(&log, dir, origin, (const char *)vkey.ptr, o);
	trace_log_opts_free(o);
	if (rc == TRACE_OK)
		fprintf(stderr, "trace: created %s with origin %s and key %s\n", dir, origin, (const char *)vkey.ptr);
	trace_buf_dispose(&vkey);
	trace_log_close(log);
	return rc ? cli_fail(rc, dir) : 0;
}

static int log_init(int argc, char **argv)
{
	const char *dir = NULL, *origin = NULL, *key = NULL;
	int raw = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--origin") == 0 && i + 1 < argc)
			origin = argv[++i];
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (strcmp(argv[i], "--raw") == 0)
			raw = 1;
		else if (argv[i][0] != '-' && dir == NULL)
			dir = argv[i];
		else
			return cli_usage("log init: unexpected argument \"%s\"", argv[i]);
	}
	if (dir == NULL || origin == NULL || key == NULL || !raw)
		return cli_usage("usage: trace log init DIR --origin ORIGIN --key SKEYFILE --raw"
		                 " (event ledgers: trace ledger init)");
	return cli_log_init(dir, origin, key, TRACE_LOG_RAW);
}

static int log_append(int argc, char **argv)
{
	if (argc < 4)
		return cli_usage("usage: trace log append DIR FILE...");
	size_t n = (size_t)argc - 3;
	uint8_t **data = calloc(n, sizeof *data);
	size_t *lens = calloc(n, sizeof *lens);
	trace_log *log = NULL;
	uint64_t first;
	int status = data && lens ? 0 : cli_usage("out of memory");
	for (size_t i = 0; i < n && status == 0; i++)
		if (cli_read(argv[3 + i], &data[i], &lens[i]))
			status = EXIT_USAGE;
	if (status == 0)
		status = open_log(argv[2], 0, &log);
	if (status == 0) {
		/* All files in one transaction: either all are appended or none. */
		int rc = trace_log_append(&first, log, (const uint8_t *const *)data, lens, n);
		if (rc)
			status = cli_fail(rc, "log append");
		else
			for (size_t i = 0; i < n; i++)
				printf("%llu\n", (unsigned long long)(first + i));
	}
	trace_log_close(log);
	for (size_t i = 0; data && i < n; i++)
		free(data[i]);
	free(data);
	free(lens);
	return status;
}

static int log_checkpoint(int argc, char **argv)
{
	if (argc != 5 || strcmp(argv[3], "--key") != 0)
		return cli_usage("usage: trace log checkpoint DIR --key SKEYFILE");
	trace_signer *s;
	trace_log *log;
	trace_buf note = TRACE_BUF_INIT;
	int status = cli_load_signer(argv[4], &s);
	if (status)
		return status;
	if ((status = open_log(argv[2], 0, &log)) == 0) {
		int rc = trace_log_checkpoint_sign(&note, log, s);
		if (rc)
			status = cli_fail(rc, "log checkpoint");
		else
			fwrite(note.ptr, 1, note.size, stdout);
		trace_log_close(log);
	}
	trace_signer_free(s);
	trace_buf_dispose(&note);
	return status;
}

static int log_prove(int argc, char **argv)
{
	uint64_t index = 0, size = UINT64_MAX;
	int have_index = 0;
	if (argc < 3)
		return cli_usage("usage: trace log prove DIR --index N [--size M]");
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--index") == 0 && i + 1 < argc && cli_parse_u64(argv[i + 1], &index) == 0)
			have_index = 1, i++;
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc && cli_parse_u64(argv[i + 1], &size) == 0)
			i++;
		else
			return cli_usage("log prove: bad argument \"%s\" (usage: trace log prove DIR --index N [--size M])", argv[i]);
	}
	if (!have_index)
		return cli_usage("usage: trace log prove DIR --index N [--size M]");
	trace_log *log;
	trace_buf proof = TRACE_BUF_INIT;
	int status = open_log(argv[2], 1, &log);
	if (status)
		return status;
	int rc = trace_log_prove(&proof, log, index, size);
	trace_log_close(log);
	if (rc)
		return cli_fail(rc, "log prove");
	fwrite(proof.ptr, 1, proof.size, stdout);
	trace_buf_dispose(&proof);
	return 0;
}

/* One base64 hash per line; the encoder is the library's (libtrace/util). */
static void print_hashes(const trace_buf *b, size_t hs)
{
	char line[(TRACE_HASH_MAX_SIZE + 2) / 3 * 4];
	if (hs == 0 || hs > TRACE_HASH_MAX_SIZE)
		return;
	for (size_t off = 0; off + hs <= b->size; off += hs) {
		trace__base64_encode(line, b->ptr + off, hs);
		printf("%.*s\n", (int)trace__base64_encoded_len(hs), line);
	}
}

static int log_consistency(int argc, char **argv)
{
	uint64_t from = 0, to = UINT64_MAX;
	int have_from = 0;
	if (argc < 3)
		return cli_usage("usage: trace log consistency DIR --from N [--to M]");
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc && cli_parse_u64(argv[i + 1], &from) == 0)
			have_from = 1, i++;
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc && cli_parse_u64(argv[i + 1], &to) == 0)
			i++;
		else
			return cli_usage("log consistency: bad argument \"%s\" (usage: trace log consistency DIR --from N [--to M])", argv[i]);
	}
	if (!have_from)
		return cli_usage("usage: trace log consistency DIR --from N [--to M]");
	trace_log *log;
	trace_buf proof = TRACE_BUF_INIT;
	trace_hasher *h;
	int status = open_log(argv[2], 1, &log);
	if (status)
		return status;
	int rc = to == UINT64_MAX ? trace_log_size(&to, log) : TRACE_OK;
	if (rc == TRACE_OK)
		rc = trace_log_consistency_proof(&proof, log, from, to);
	if (rc == TRACE_OK && (rc = trace_hasher_new(&h, trace_log_suite(log))) == TRACE_OK) {
		print_hashes(&proof, trace_hasher_size(h));
		trace_hasher_free(h);
	}
	trace_log_close(log);
	trace_buf_dispose(&proof);
	return rc ? cli_fail(rc, "log consistency") : 0;
}

static int log_verify(int argc, char **argv)
{
	if (argc != 3)
		return cli_usage("usage: trace log verify DIR");
	trace_log *log;
	uint64_t size;
	int status = open_log(argv[2], 1, &log);
	if (status)
		return status;
	int rc = trace_log_audit(log);
	if (rc == TRACE_OK)
		rc = trace_log_size(&size, log);
	trace_log_close(log);
	if (rc)
		return cli_fail(rc, "log verify");
	printf("ok: %llu entries, every leaf, tile and checkpoint verified\n", (unsigned long long)size);
	return 0;
}

/* trace log add-cosignatures DIR FILE [--witness VKEY]...: with witness keys,
 * only their verified cosignatures are stored. */
static int log_add_cosignatures(int argc, char **argv)
{
	static const char usage[] = "usage: trace log add-cosignatures DIR FILE [--witness VKEY]...";
	trace_verifier *w[TRACE_NOTE_MAX_SIGNATURES];
	size_t nw = 0;
	int status = argc < 4 ? cli_usage(usage) : 0;
	for (int i = 4; i < argc && status == 0; i++) {
		int rc;
		if (strcmp(argv[i], "--witness") != 0 || i + 1 >= argc)
			status = cli_usage(usage);
		else if (nw == TRACE_NOTE_MAX_SIGNATURES)
			status = cli_usage("trace log add-cosignatures: more than 100 --witness keys");
		else if ((rc = trace_verifier_new(&w[nw], argv[++i])) != TRACE_OK)
			status = cli_fail(rc, "log add-cosignatures: --witness");
		else
			nw++;
	}
	uint8_t *note = NULL;
	size_t len;
	trace_log *log;
	if (status == 0 && cli_read(argv[3], &note, &len))
		status = EXIT_USAGE;
	if (status == 0 && (status = open_log(argv[2], 0, &log)) == 0) {
		int rc = nw ? trace_log_checkpoint_add_witnessed(log, (const char *)note, len,
		                                                 (const trace_verifier *const *)w, nw)
		            : trace_log_checkpoint_add_cosignatures(log, (const char *)note, len);
		if (rc)
			status = cli_fail(rc, "log add-cosignatures");
		trace_log_close(log);
	}
	for (size_t i = 0; i < nw; i++)
		trace_verifier_free(w[i]);
	free(note);
	return status;
}

/* trace log export DIR OUTDIR: static tlog-tiles files for the latest checkpoint. */
static int log_export(int argc, char **argv)
{
	if (argc != 4)
		return cli_usage("usage: trace log export DIR OUTDIR");
	trace_log *log;
	uint64_t size = 0, files = 0;
	int status = open_log(argv[2], 1, &log);
	if (status)
		return status;
	int rc = trace_log_export_tiles(log, argv[3], &size, &files);
	trace_log_close(log);
	if (rc)
		return cli_fail(rc, "log export");
	printf("exported %s at size %llu as tlog-tiles: %llu files written\n", argv[3], (unsigned long long)size,
	       (unsigned long long)files);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} subs[] = {
		{ "init", log_init }, { "append", log_append }, { "checkpoint", log_checkpoint },
		{ "prove", log_prove }, { "consistency", log_consistency }, { "verify", log_verify },
		{ "add-cosignatures", log_add_cosignatures }, { "export", log_export },
	};
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc, argv);
	return cli_usage("usage: trace log init|append|checkpoint|prove|consistency|verify|add-cosignatures|export ...");
}
