/*
 * qr/labels: label-sheet options and the layout shared by the SVG and PDF
 * sheets.  A4 portrait, fixed margins, N labels per row; each label is the
 * symbol (quiet zone included) with its text wrapped underneath in a
 * monospaced font.  A row is as tall as its label with the most lines.
 * Layer: qr module, no external dependency.
 */
#include <string.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"
#include "util/text.h"

struct trace_qr_labels_opts {
	int per_row;
};

#define MARGIN 28.3465 /* 10 mm */
#define MAX_PER_ROW 12

int trace_qr_labels_opts_new(trace_qr_labels_opts **out)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_labels_opts_new: out is NULL");
	*out = trace__malloc(sizeof **out);
	if (*out == NULL)
		return trace__oom();
	(*out)->per_row = 4;
	return TRACE_OK;
}

void trace_qr_labels_opts_free(trace_qr_labels_opts *opts)
{
	trace__free(opts);
}

int trace_qr_labels_opts_set_per_row(trace_qr_labels_opts *opts, int per_row)
{
	if (opts == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_labels_opts_set_per_row: opts is NULL");
	if (per_row < 1 || per_row > MAX_PER_ROW)
		return trace__fail(TRACE_EINVAL, "labels per row %d: expected 1 to %d", per_row, MAX_PER_ROW);
	opts->per_row = per_row;
	return TRACE_OK;
}

double trace__labels_char_em(const char *s, size_t len, size_t *clen)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	*clen = n < len ? n : len;
	/* Courier's advance is 600/1000 em; other scripts are drawn full width. */
	return c < 0x80 ? 0.6 : 1.0;
}

size_t trace__labels_line(const char *s, size_t len, double max_em)
{
	size_t i = 0, n;
	double em = 0;
	while (i < len) {
		double w = trace__labels_char_em(s + i, len - i, &n);
		if (i > 0 && em + w > max_em + 1e-9)
			break;
		em += w;
		i += n;
	}
	return i;
}

static size_t count_lines(const char *s, double max_em)
{
	size_t len = strlen(s), lines = 0;
	while (len) {
		size_t n = trace__labels_line(s, len, max_em);
		s += n;
		len -= n;
		lines++;
	}
	return lines ? lines : 1;
}

int trace__labels_plan(trace__labels_layout *out, const trace_qr *const *codes,
                       const char *const *texts, size_t count, const trace_qr_labels_opts *opts)
{
	memset(out, 0, sizeof *out);
	if (count && (codes == NULL || texts == NULL))
		return trace__fail(TRACE_EINVAL, "label sheet: codes or texts is NULL");
	for (size_t i = 0; i < count; i++) {
		if (codes[i] == NULL || texts[i] == NULL)
			return trace__fail(TRACE_EINVAL, "label %zu: symbol or text is NULL", i);
		size_t bad = trace__utf8_invalid_at((const uint8_t *)texts[i], strlen(texts[i]));
		if (bad != (size_t)-1)
			return trace__fail(TRACE_EINVAL, "label %zu: text is not valid UTF-8 at byte %zu", i, bad);
	}
	int per_row = opts ? opts->per_row : 4;
	double cell = (TRACE__A4_W - 2 * MARGIN) / per_row;
	double pad = cell * 0.06 > 2 ? cell * 0.06 : 2;
	double side = cell - 2 * pad;
	double font = side / 16 < 4 ? 4 : side / 16 > 9 ? 9 : side / 16;
	double leading = font * 1.2, gap = font * 0.3;
	size_t max_lines = (size_t)((TRACE__A4_H - 2 * MARGIN - 2 * pad - side - gap) / leading);

	out->box = trace__calloc(count ? count : 1, sizeof *out->box);
	if (out->box == NULL)
		return trace__oom();
	size_t page = 0;
	double y = MARGIN;
	for (size_t row = 0; row * (size_t)per_row < count; row++) {
		size_t first = row * (size_t)per_row, last = first + (size_t)per_row;
		if (last > count)
			last = count;
		size_t lines = 1;
		for (size_t i = first; i < last; i++) {
			size_t n = count_lines(texts[i], side / font);
			if (n > lines)
				lines = n;
		}
		if (lines > max_lines)
			lines = max_lines;
		double height = 2 * pad + side + gap + (double)lines * leading;
		if (y + height > TRACE__A4_H - MARGIN && y > MARGIN) {
			page++;
			y = MARGIN;
		}
		for (size_t i = first; i < last; i++) {
			trace__label_box *b = &out->box[i];
			b->page = page;
			b->x = MARGIN + (double)(i - first) * cell + pad;
			b->y = y + pad;
			b->side = side;
			b->text_x = b->x;
			b->text_y = b->y + side + gap + font * 0.8;
			b->font = font;
			b->leading = leading;
			b->line_em = side / font;
			b->lines = lines;
		}
		y += height;
	}
	out->pages = count ? page + 1 : 1;
	return TRACE_OK;
}

void trace__labels_plan_free(trace__labels_layout *l)
{
	trace__free(l->box);
	l->box = NULL;
}
