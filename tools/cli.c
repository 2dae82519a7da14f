/* tools/cli: messages, exit statuses and file reading for the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <trace/trace.h>

#include "cli.h"

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("trace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_fail(int rc, const char *what)
{
	const trace_error *e = trace_error_last();
	fprintf(stderr, "trace: %s: %s\n", what, e->code == rc ? e->message : trace_strerror(rc));
	switch (rc) {
	case TRACE_EBADSIG:
	case TRACE_ECHAINBREAK:
	case TRACE_ECORRUPT:
		return EXIT_VERIFY_FAILED;
	default:
		return EXIT_USAGE;
	}
}

static int writer_opts(trace_log_opts **o)
{
	int64_t ms = CLI_BUSY_TIMEOUT_MS;
	const char *env = getenv("TRACE_BUSY_TIMEOUT_MS");
	uint64_t v;
	if (env && cli_parse_u64(env, &v) == 0 && v <= (uint64_t)TRACE_BUSY_TIMEOUT_MAX)
		ms = (int64_t)v;
	int rc = trace_log_opts_new(o);
	if (rc == TRACE_OK && (rc = trace_log_opts_set_busy_timeout(*o, ms)) != TRACE_OK) {
		trace_log_opts_free(*o);
		*o = NULL;
	}
	return rc;
}

int cli_open_log_writer(trace_log **out, const char *dir)
{
	trace_log_opts *o;
	int rc = writer_opts(&o);
	if (rc == TRACE_OK)
		rc = trace_log_open(out, dir, TRACE_OPEN_WRITE, o);
	trace_log_opts_free(o);
	return rc;
}

int cli_open_ledger_writer(trace_ledger **out, const char *dir)
{
	trace_log_opts *o;
	int rc = writer_opts(&o);
	if (rc == TRACE_OK)
		rc = trace_ledger_open(out, dir, TRACE_OPEN_WRITE, o);
	trace_log_opts_free(o);
	return rc;
}

int cli_read(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "trace: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n + 1 < cap)
			break;
		uint8_t *nb = realloc(buf, cap * 2);
		if (nb == NULL) {
			free(buf);
			buf = NULL;
		} else {
			buf = nb;
			cap *= 2;
		}
	}
	int err = buf == NULL || ferror(f);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "trace: cannot read %s\n", path);
		free(buf);
		return -1;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

int cli_read_key(const char *path, char **out)
{
	uint8_t *data;
	size_t len;
	struct stat st;
	/* As ssh does: a private key others can read is no longer private. */
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && (st.st_mode & 077)) {
		fprintf(stderr, "trace: key file %s is accessible by others (mode %04o): chmod 600 it\n", path,
		        (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (cli_read(path, &data, &len))
		return -1;
	if (len && data[len - 1] == '\n')
		data[--len] = 0;
	if (strlen((char *)data) != len) {
		fprintf(stderr, "trace: key file %s contains a NUL byte\n", path);
		free(data);
		return -1;
	}
	*out = (char *)data;
	return 0;
}

int cli_events_keep(trace_event *ev, void *payload)
{
	cli_events *list = payload;
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		trace_event **v = realloc(list->v, cap * sizeof *v);
		if (v == NULL) {
			trace_event_free(ev);
			return -1;
		}
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = ev;
	return 0;
}

void cli_events_free(cli_events *list)
{
	for (size_t i = 0; i < list->n; i++)
		trace_event_free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}

int64_t cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}
