/*
 * note/checkpoint: C2SP tlog-checkpoint note text (origin, size, base64
 * root, optional extension lines).
 */
#include <string.h>

#include "trace/error.h"
#include "trace/note.h"
#include "note_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/sbuf.h"
#include "../util/text.h"

#define MAX_EXTENSIONS 64

struct trace_checkpoint {
	char *text;		/* copy with each newline replaced by NUL */
	const char *origin;
	uint64_t size;
	uint8_t root[TRACE_HASH_MAX_SIZE];
	size_t root_len;
	const char *ext[MAX_EXTENSIONS];
	size_t next;
};

int trace_checkpoint_parse(trace_checkpoint **out, const char *text, size_t len)
{
	if (out == NULL || (text == NULL && len))
		return trace__fail(TRACE_EINVAL, "trace_checkpoint_parse: NULL argument");
	*out = NULL;
	int rc = trace__note_text_check(text, len);
	if (rc)
		return rc;
	trace_checkpoint *c = trace__calloc(1, sizeof *c);
	if (c == NULL || (c->text = trace__memdup(text, len)) == NULL) {
		trace__free(c);
		return trace__oom();
	}
	char *lines[3 + MAX_EXTENSIONS];
	size_t nlines = 0, pos = 0;
	while (pos < len) {
		char *line = c->text + pos;
		char *nl = memchr(line, '\n', len - pos);
		*nl = '\0';
		if (nl == line) {
			trace_checkpoint_free(c);
			return trace__fail(TRACE_EINVAL, "checkpoint line %zu is empty", nlines + 1);
		}
		if (nlines == 3 + MAX_EXTENSIONS) {
			trace_checkpoint_free(c);
			return trace__fail(TRACE_ELIMIT, "checkpoint has more than %d extension lines", MAX_EXTENSIONS);
		}
		lines[nlines++] = line;
		pos = (size_t)(nl - c->text) + 1;
	}
	if (nlines < 3) {
		trace_checkpoint_free(c);
		return trace__fail(TRACE_EINVAL, "checkpoint needs origin, size and root lines, got %zu line(s)", nlines);
	}
	c->origin = lines[0];
	if (trace__parse_u64(&c->size, lines[1], strlen(lines[1]))) {
		/* The message quotes lines[1], which lives in c: record it before freeing c. */
		rc = trace__fail(TRACE_EINVAL, "checkpoint line 2: tree size \"%s\" is not a decimal without leading zeros", lines[1]);
		trace_checkpoint_free(c);
		return rc;
	}
	long n = trace__base64_decode(c->root, sizeof c->root, lines[2], strlen(lines[2]));
	if (n <= 0) {
		trace_checkpoint_free(c);
		return trace__fail(TRACE_EINVAL, "checkpoint line 3: root hash is not canonical base64 of at most %d bytes", TRACE_HASH_MAX_SIZE);
	}
	c->root_len = (size_t)n;
	for (size_t i = 3; i < nlines; i++)
		c->ext[c->next++] = lines[i];
	*out = c;
	return TRACE_OK;
}

void trace_checkpoint_free(trace_checkpoint *c)
{
	if (c == NULL)
		return;
	trace__free(c->text);
	trace__free(c);
}

const char *trace_checkpoint_origin(const trace_checkpoint *c) { return c ? c->origin : NULL; }
uint64_t trace_checkpoint_size(const trace_checkpoint *c) { return c ? c->size : 0; }

const uint8_t *trace_checkpoint_root(const trace_checkpoint *c, size_t *len)
{
	if (c == NULL)
		return NULL;
	if (len)
		*len = c->root_len;
	return c->root;
}

size_t trace_checkpoint_extension_count(const trace_checkpoint *c) { return c ? c->next : 0; }

const char *trace_checkpoint_extension(const trace_checkpoint *c, size_t i)
{
	return c && i < c->next ? c->ext[i] : NULL;
}

int trace_checkpoint_format(trace_buf *out, const char *origin, uint64_t size,
                            const uint8_t *root, size_t root_len)
{
	if (out == NULL || origin == NULL || root == NULL)
		return trace__fail(TRACE_EINVAL, "trace_checkpoint_format: NULL argument");
	if (origin[0] == '\0' || strchr(origin, '\n'))
		return trace__fail(TRACE_EINVAL, "checkpoint origin must be one non-empty line");
	if (root_len == 0 || root_len > TRACE_HASH_MAX_SIZE)
		return trace__fail(TRACE_EINVAL, "checkpoint root must be 1 to %d bytes", TRACE_HASH_MAX_SIZE);
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_printf(&b, "%s\n%llu\n", origin, (unsigned long long)size);
	trace__sbuf_base64(&b, root, root_len);
	trace__sbuf_putc(&b, '\n');
	int rc = trace__sbuf_finish(&b, out);
	if (rc == TRACE_OK && (rc = trace__note_text_check((const char *)out->ptr, out->size)))
		trace_buf_dispose(out);
	return rc;
}
