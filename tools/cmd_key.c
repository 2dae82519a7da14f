/* trace key generate|public: signed-note keys in C2SP text form. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

static int write_private(const char *path, const trace_buf *skey)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "trace: cannot create %s: %s%s\n", path, strerror(errno),
		        errno == EEXIST ? " (refusing to overwrite a key)" : "");
		return -1;
	}
	int ok = write(fd, skey->ptr, skey->size) == (ssize_t)skey->size && write(fd, "\n", 1) == 1;
	ok = fsync(fd) == 0 && ok;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		fprintf(stderr, "trace: cannot write %s: %s\n", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static int key_generate(int argc, char **argv)
{
	const char *name = NULL, *out = NULL;
	int type = TRACE_KEY_ED25519;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--witness") == 0)
			type = TRACE_KEY_COSIGNATURE_V1;
		else
			return cli_usage("key generate: unexpected argument \"%s\"", argv[i]);
	}
	if (name == NULL || out == NULL)
		return cli_usage("usage: trace key generate --name NAME --out SKEYFILE [--witness]");
	trace_buf skey = TRACE_BUF_INIT, vkey = TRACE_BUF_INIT;
	int rc = trace_key_generate(&skey, &vkey, name, type);
	if (rc)
		return cli_fail(rc, "key generate");
	int fail = write_private(out, &skey);
	memset(skey.ptr, 0, skey.size);
	trace_buf_dispose(&skey);
	if (!fail)
		printf("%s\n", (const char *)vkey.ptr);
	trace_buf_dispose(&vkey);
	return fail ? EXIT_USAGE : 0;
}

static int key_public(int argc, char **argv)
{
	if (argc != 3)
		return cli_usage("usage: trace key public SKEYFILE");
	char *skey;
	trace_signer *s;
	trace_buf vkey = TRACE_BUF_INIT;
	if (cli_read_key(argv[2], &skey))
		return EXIT_USAGE;
	int rc = trace_signer_from_skey(&s, skey);
	memset(skey, 0, strlen(skey));
	free(skey);
	if (rc)
		return cli_fail(rc, argv[2]);
	rc = trace_signer_vkey(&vkey, s);
	trace_signer_free(s);
	if (rc)
		return cli_fail(rc, "key public");
	printf("%s\n", (const char *)vkey.ptr);
	trace_buf_dispose(&vkey);
	return 0;
}

int cmd_key(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "generate") == 0)
		return key_generate(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "public") == 0)
		return key_public(argc, argv);
	return cli_usage("usage: trace key generate --name NAME --out SKEYFILE | trace key public SKEYFILE");
}

/* Loads a signer from a key file; shared with the other subcommands. */
int cli_load_signer(const char *path, trace_signer **out)
{
	char *skey;
	if (cli_read_key(path, &skey))
		return EXIT_USAGE;
	int rc = trace_signer_from_skey(out, skey);
	memset(skey, 0, strlen(skey));
	free(skey);
	return rc ? cli_fail(rc, path) : 0;
}
