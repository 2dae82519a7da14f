/*
 * fuzz_checkpoint: the tlog-checkpoint body parser.  Whatever it accepts
 * must format back to the same first three lines (origin, size, root), so
 * parser and formatter agree on the one canonical encoding.
 */
#include <string.h>

#include <trace/error.h>
#include <trace/note.h>

#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	trace_checkpoint *c = NULL;
	trace_buf out = TRACE_BUF_INIT;
	size_t root_len;

	if (fuzz_rc(trace_checkpoint_parse(&c, (const char *)data, size)) != TRACE_OK) {
		FUZZ_CHECK(c == NULL);
		return 0;
	}
	const uint8_t *root = trace_checkpoint_root(c, &root_len);
	FUZZ_CHECK(fuzz_rc(trace_checkpoint_format(&out, trace_checkpoint_origin(c),
	                                           trace_checkpoint_size(c), root, root_len)) == TRACE_OK);
	/* The first three lines of the input, newlines included. */
	size_t head = 0;
	for (int lines = 0; lines < 3; head++)
		if (data[head] == '\n')
			lines++;
	FUZZ_CHECK(out.size == head && memcmp(out.ptr, data, head) == 0);
	/* Extension lines are the rest, one per line, in order. */
	size_t pos = head;
	for (size_t i = 0; i < trace_checkpoint_extension_count(c); i++) {
		const char *ext = trace_checkpoint_extension(c, i);
		size_t n = strlen(ext);
		FUZZ_CHECK(pos + n < size && memcmp(data + pos, ext, n) == 0 && data[pos + n] == '\n');
		pos += n + 1;
	}
	FUZZ_CHECK(pos == size);
	trace_buf_dispose(&out);
	trace_checkpoint_free(c);
	return 0;
}
