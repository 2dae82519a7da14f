/* Internal: the qr module's shared types (symbol, options, label layout). */
#ifndef TRACE_QR_INTERNAL_H
#define TRACE_QR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "trace/qr.h"
#include "util/sbuf.h"

struct trace_qr {
	int symbology;
	int width;    /* modules per side */
	int version;  /* QR version, 0 for DataMatrix */
	int quiet;    /* quiet zone the renderers draw, in modules */
	uint8_t *mod; /* width * width, row-major, 1 = dark */
	/* When set, mod belongs to the encoder's own result, released by this. */
	void (*release)(void *owner);
	void *owner;
};

struct trace_qr_opts {
	int ecc, version, mode;
};

/* Defaults for callers that passed NULL options. */
extern const struct trace_qr_opts trace__qr_default_opts;

/* Allocates a symbol with all modules light. */
int trace__qr_alloc(trace_qr **out, int symbology, int width, int version, int quiet);
/* A symbol over modules the encoder allocated; release(owner) frees them with it. */
int trace__qr_wrap(trace_qr **out, int symbology, int width, int version, int quiet, uint8_t *mod,
                   void (*release)(void *owner), void *owner);

/* Common checks on input text: non-empty, length limit, valid UTF-8. */
int trace__qr_check_text(const char *text, size_t max, size_t *len_out);

/*
 * gs1.c: turns an element string (bracketed, or already in FNC1 form) into
 * its FNC1 form, GS (0x1D) between elements that need a separator, after the
 * code module has validated it.  Caller frees *out with trace__free.
 */
int trace__gs1_fnc1_form(char **out, size_t *len_out, const char *text);

/*
 * gs1qr.c: GS1 QR data split into QR segments (numeric, alphanumeric with
 * GS written as '%', byte with GS as 0x1D), and our own encoder for QR
 * symbols with FNC1 in first position, for libqrencode versions that
 * cannot write that mode (4.1.1 rejects it; see matrix.c).
 */
#define TRACE__QR_SEG_NUM 1
#define TRACE__QR_SEG_ALNUM 2
#define TRACE__QR_SEG_BYTE 4

typedef struct trace__qr_seg {
	int mode;         /* TRACE__QR_SEG_* (the QR mode indicator) */
	const char *data; /* characters as the segment carries them */
	size_t len;
} trace__qr_seg;

typedef struct trace__qr_segs {
	trace__qr_seg *seg;
	size_t count;
	char *store; /* backing bytes of the segments' data */
} trace__qr_segs;

int trace__gs1qr_segments(trace__qr_segs *out, const char *data, size_t len);
void trace__gs1qr_segments_free(trace__qr_segs *s);
/*
 * Encodes @segs as a QR symbol: FNC1 in first position when @fnc1, at
 * @version (0: smallest that fits) and @ecc, with @mask (-1: the lowest
 * penalty).  @mask and @fnc1 = 0 exist for the cross-check with libqrencode.
 */
int trace__qrenc(trace_qr **out, const trace__qr_seg *segs, size_t count, int fnc1,
                 int ecc, int version, int mask);

/* svg.c: path data for the dark modules, in module units, origin at the symbol's corner. */
void trace__qr_svg_path(trace__sbuf *b, const trace_qr *qr);

/* Checks a renderer's module size argument. */
int trace__qr_check_module(const trace_qr *qr, int module_px, const char *fn);

/* labels.c: the layout shared by the SVG and PDF label sheets, in points. */
#define TRACE__A4_W 595.2756
#define TRACE__A4_H 841.8898

typedef struct trace__label_box {
	size_t page;
	double x, y;        /* top-left corner of the symbol (quiet zone included), from the page's top-left */
	double side;        /* symbol size including its quiet zone */
	double text_x;      /* left edge of the text lines */
	double text_y;      /* baseline of the first line, from the page's top */
	double font;        /* font size */
	double leading;     /* distance between baselines */
	double line_em;     /* line width in ems (ASCII characters count 0.6, others 1.0) */
	size_t lines;       /* most lines of text that fit under the symbol */
} trace__label_box;

typedef struct trace__labels_layout {
	trace__label_box *box; /* one per label */
	size_t pages;
} trace__labels_layout;

int trace__labels_plan(trace__labels_layout *out, const trace_qr *const *codes,
                         const char *const *texts, size_t count,
                         const trace_qr_labels_opts *opts);
void trace__labels_plan_free(trace__labels_layout *l);
/*
 * Next wrapped line of @s (UTF-8) that fits in @max_em: returns its length in
 * bytes (at least one character while text remains).
 */
size_t trace__labels_line(const char *s, size_t len, double max_em);
/* Width of a UTF-8 character starting at @s, in ems, and its byte length. */
double trace__labels_char_em(const char *s, size_t len, size_t *clen);

#endif
