/*
 * trace qr / datamatrix / labels: print-ready codes from the command line.
 * Text starting with '(' is taken as a bracketed GS1 element string and
 * becomes a GS1 symbol (FNC1 in first position); anything else is encoded
 * as given (Digital Link URIs, NMPA codes, Chinese text as UTF-8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

#define DEFAULT_MODULE 8

static int write_out(const char *path, const trace_buf *buf)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return EXIT_USAGE;
	}
	int bad = fwrite(buf->ptr, 1, buf->size, f) != buf->size;
	bad |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "trace: cannot write %s\n", path);
		return EXIT_USAGE;
	}
	return 0;
}

static int gs1_text(const char *text)
{
	return text[0] == '(';
}

static int parse_module(const char *s, int *out)
{
	uint64_t v;
	if (cli_parse_u64(s, &v) || v < 1 || v > TRACE_QR_MAX_MODULE)
		return cli_usage("--module: expected pixels per module, 1 to %d", TRACE_QR_MAX_MODULE);
	*out = (int)v;
	return 0;
}

/* Shared by qr and datamatrix: build, render to the one requested output. */
static int symbol_command(int argc, char **argv, int datamatrix)
{
	const char *usage = datamatrix
		? "usage: trace datamatrix TEXT (--png FILE | --svg FILE) [--module PIXELS]"
		: "usage: trace qr TEXT (--png FILE | --svg FILE | --text) [--ecc L|M|Q|H] [--module PIXELS]";
	const char *text = NULL, *png = NULL, *svg = NULL;
	int as_text = 0, ecc = TRACE_QR_ECC_M, module = DEFAULT_MODULE;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--png") == 0 && i + 1 < argc) {
			png = argv[++i];
		} else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
			svg = argv[++i];
		} else if (!datamatrix && strcmp(argv[i], "--text") == 0) {
			as_text = 1;
		} else if (!datamatrix && strcmp(argv[i], "--ecc") == 0 && i + 1 < argc) {
			const char *e = argv[++i], *levels = "LMQH", *at = strchr(levels, e[0]);
			if (e[0] == 0 || e[1] != 0 || at == NULL)
				return cli_usage("--ecc: expected L, M, Q or H, not \"%s\"", e);
			ecc = (int)(at - levels);
		} else if (strcmp(argv[i], "--module") == 0 && i + 1 < argc) {
			if (parse_module(argv[++i], &module))
				return EXIT_USAGE;
		} else if (text == NULL && (argv[i][0] != '-' || argv[i][1] == 0)) {
			text = argv[i];
		} else {
			return cli_usage("%s: unexpected argument \"%s\"\n%s", argv[0], argv[i], usage);
		}
	}
	if (text == NULL || (png != NULL) + (svg != NULL) + as_text != 1)
		return cli_usage("%s", usage);

	trace_qr_opts *opts = NULL;
	trace_qr *qr = NULL;
	trace_buf out = TRACE_BUF_INIT;
	int rc = trace_qr_opts_new(&opts);
	if (rc == TRACE_OK)
		rc = trace_qr_opts_set_ecc(opts, ecc);
	if (rc == TRACE_OK)
		rc = trace_qr_opts_set_mode(opts, gs1_text(text) ? TRACE_QR_MODE_GS1 : TRACE_QR_MODE_AUTO);
	if (rc == TRACE_OK)
		rc = datamatrix ? trace_qr_new_datamatrix(&qr, text, opts) : trace_qr_new(&qr, text, opts);
	if (rc == TRACE_OK)
		rc = png ? trace_qr_render_png(&out, qr, module)
		   : svg ? trace_qr_render_svg(&out, qr, module)
		   : trace_qr_render_text(&out, qr, 0);
	int status = rc == TRACE_OK ? write_out(png ? png : svg ? svg : "-", &out) : cli_fail(rc, argv[0]);
	trace_buf_dispose(&out);
	trace_qr_free(qr);
	trace_qr_opts_free(opts);
	return status;
}

int cmd_qr(int argc, char **argv)
{
	return symbol_command(argc, argv, 0);
}

int cmd_datamatrix(int argc, char **argv)
{
	return symbol_command(argc, argv, 1);
}

/* Splits @data into its non-empty lines, in place (CR LF or LF). */
static size_t split_lines(char *data, char ***lines_out)
{
	size_t n = 0, cap = 0;
	char **lines = NULL;
	for (char *s = data; s && *s;) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		size_t len = strlen(s);
		if (len && s[len - 1] == '\r')
			s[--len] = 0;
		if (len) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				char **more = realloc(lines, cap * sizeof *lines);
				if (more == NULL) {
					free(lines);
					return (size_t)-1;
				}
				lines = more;
			}
			lines[n++] = s;
		}
		s = nl ? nl + 1 : NULL;
	}
	*lines_out = lines;
	return n;
}

/* Builds one group (plain or GS1) of the labels' codes on all cores. */
static int build_group(trace_qr **codes, char **lines, size_t n, int gs1, const char **bad)
{
	const char **texts = malloc((n ? n : 1) * sizeof *texts);
	size_t *where = malloc((n ? n : 1) * sizeof *where);
	trace_qr **built = calloc(n ? n : 1, sizeof *built);
	trace_qr_opts *opts = NULL;
	size_t m = 0;
	int rc = texts && where && built ? trace_qr_opts_new(&opts) : TRACE_ENOMEM;
	for (size_t i = 0; rc == TRACE_OK && i < n; i++)
		if (gs1_text(lines[i]) == gs1) {
			where[m] = i;
			texts[m++] = lines[i];
		}
	if (rc == TRACE_OK)
		rc = trace_qr_opts_set_mode(opts, gs1 ? TRACE_QR_MODE_GS1 : TRACE_QR_MODE_AUTO);
	if (rc == TRACE_OK && m)
		rc = trace_qr_batch_new(built, texts, m, opts, 0);
	for (size_t k = 0; rc == TRACE_OK && k < m; k++)
		codes[where[k]] = built[k];
	/* The batch names an index within this group; find the payload itself for the message. */
	for (size_t k = 0; rc != TRACE_OK && rc != TRACE_ENOMEM && k < m && *bad == NULL; k++) {
		trace_qr *qr;
		int one = trace_qr_new(&qr, texts[k], opts);
		if (one != TRACE_OK) {
			*bad = lines[where[k]];
			rc = one;
		}
		trace_qr_free(qr);
	}
	trace_qr_opts_free(opts);
	free(texts);
	free(where);
	free(built);
	return rc;
}

int cmd_labels(int argc, char **argv)
{
	const char *usage = "usage: trace labels --in FILE (--svg FILE | --pdf FILE) [--per-row N]";
	const char *in = NULL, *svg = NULL, *pdf = NULL;
	uint64_t per_row = 4;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--in") == 0 && i + 1 < argc)
			in = argv[++i];
		else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
			svg = argv[++i];
		else if (strcmp(argv[i], "--pdf") == 0 && i + 1 < argc)
			pdf = argv[++i];
		else if (strcmp(argv[i], "--per-row") == 0 && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &per_row) || per_row < 1 || per_row > 12)
				return cli_usage("--per-row: expected 1 to 12 labels per row");
		} else
			return cli_usage("labels: unexpected argument \"%s\"\n%s", argv[i], usage);
	}
	if (in == NULL || (svg == NULL) == (pdf == NULL))
		return cli_usage("%s", usage);

	uint8_t *data;
	size_t len;
	if (cli_read(in, &data, &len))
		return EXIT_USAGE;
	char **lines = NULL;
	size_t n = split_lines((char *)data, &lines);
	if (n == (size_t)-1 || n == 0) {
		free(data);
		return n ? cli_usage("out of memory") : cli_usage("%s: no payloads (one per line expected)", in);
	}
	trace_qr **codes = calloc(n, sizeof *codes);
	trace_qr_labels_opts *opts = NULL;
	trace_buf out = TRACE_BUF_INIT;
	int rc = codes ? TRACE_OK : TRACE_ENOMEM;
	const char *what = NULL;
	for (int gs1 = 0; gs1 <= 1 && rc == TRACE_OK; gs1++)
		rc = build_group(codes, lines, n, gs1, &what);
	if (rc == TRACE_OK) {
		what = "labels";
		rc = trace_qr_labels_opts_new(&opts);
	}
	if (what == NULL)
		what = in;
	if (rc == TRACE_OK)
		rc = trace_qr_labels_opts_set_per_row(opts, (int)per_row);
	if (rc == TRACE_OK)
		rc = svg ? trace_qr_labels_svg(&out, (const trace_qr *const *)codes, (const char *const *)lines, n, opts)
		         : trace_qr_labels_pdf(&out, (const trace_qr *const *)codes, (const char *const *)lines, n, opts);
	int status = rc == TRACE_OK ? write_out(svg ? svg : pdf, &out) : cli_fail(rc, what);
	trace_buf_dispose(&out);
	trace_qr_labels_opts_free(opts);
	for (size_t i = 0; codes && i < n; i++)
		trace_qr_free(codes[i]);
	free(codes);
	free(lines);
	free(data);
	return status;
}
