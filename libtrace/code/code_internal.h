/*
 * Internal: shared pieces of the code module.  The GS1 parsers (element
 * strings, Digital Link, EPC URN) all produce a list of AI elements; one
 * validator checks them and one builder turns them into a trace_code.
 */
#ifndef TRACE_CODE_INTERNAL_H
#define TRACE_CODE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "trace/code.h"
#include "../util/sbuf.h"

/* Longest input any parser accepts; bounds every position in messages. */
#define TRACE__CODE_MAX_TEXT 4096
/* Longest AI value (91-99: X..90, 8030: Z..90, 8200 X..70 ...). */
#define TRACE__AI_VALUE_MAX 90
#define GS 0x1d

/* ---- the AI table (ai_table.c) ---- */

enum trace__ai_flag {
	AI_DLATTR = 1, /* may appear as a Digital Link query attribute */
	AI_PKEY = 2    /* a Digital Link primary key */
};

typedef struct trace__ai_entry {
	const char *ai;    /* the AI, or its first three digits for a family */
	char lo, hi;       /* families: range of the fourth digit; else 0 */
	uint8_t flags;     /* trace__ai_flag */
	const char *spec;  /* components, see ai_check.c */
	const char *qual;  /* DL key qualifier paths "22,10,21|235", or NULL */
	const char *req;   /* required AIs: groups by ' ', alternatives by ',', all-of by '+' */
	const char *ex;    /* mutually exclusive AIs, by ',' */
	const char *title;
} trace__ai_entry;

/* The entry of exactly this AI, or NULL. */
const trace__ai_entry *trace__ai_lookup(const char *ai, size_t len);
/* The AI at the start of @s (2 to 4 digits), or NULL; sets *ai_len. */
const trace__ai_entry *trace__ai_match(const char *s, size_t avail, size_t *ai_len);
/* Value length for AIs of pre-defined length (no separator needed), else 0. */
size_t trace__ai_predefined_length(const char *ai);

/* ---- value checks (ai_check.c) ---- */

/* Checks @value (len bytes) against the AI's spec; @pos is its offset in the input. */
int trace__ai_check_value(const trace__ai_entry *e, const char *ai, const char *value, size_t len,
                          size_t pos, unsigned flags);
/* GS1 mod-10 over digits[0..n): 1 if the last digit is right. */
int trace__gs1_csum_ok(const char *digits, size_t n);
int trace__gs1_csum(const char *digits, size_t n);
int trace__is_cset82(int c);

/* 1 if @s is certainly a canonical GS1 ledger key (trace_code_parse() would
 * return it unchanged): the common Digital Link shapes, checked directly.
 * 0 means "parse it" (fast.c). */
int trace__code_is_canonical_key(const char *s);

/* ---- element lists ---- */

typedef struct trace__elem {
	char ai[5];
	const trace__ai_entry *e;
	size_t off, len;   /* value bytes inside the list's arena */
	size_t pos;        /* where the value starts in the input, for messages */
} trace__elem;

typedef struct trace__elems {
	trace__elem *v;
	size_t n, cap;
	trace__sbuf vals;
	/* Digital Link: non-AI query parameters as key\0value\0 pairs */
	trace__sbuf extra;
	size_t nextra;
	int form;
} trace__elems;

void trace__elems_init(trace__elems *l, int form);
void trace__elems_free(trace__elems *l);
/* Appends an element; the AI must be in the table (checked by the caller). */
int trace__elems_add(trace__elems *l, const trace__ai_entry *e, const char *ai, size_t ai_len,
                     const char *value, size_t len, size_t pos);
const char *trace__elem_value(const trace__elems *l, size_t i);
/* Index of the first element with this AI, or -1. */
long trace__elems_find(const trace__elems *l, const char *ai);

/* The element list of a GS1 code, for the formatters (code.c). */
int trace__code_elems(trace__elems *l, const trace_code *c);
/* Validates values and associations, then builds the code (gs1.c). */
int trace__gs1_finish(trace_code **out, trace__elems *l, unsigned flags);

/* Parsers of GS1 text into elements. */
int trace__parse_bracketed(trace__elems *l, const char *s, size_t len, size_t base);
int trace__parse_element_string(trace__elems *l, const char *s, size_t len, size_t base);
int trace__parse_digital_link(trace__elems *l, const char *s, size_t len, unsigned flags);
/* 1 if @s is an http(s) URI on any host whose path ends in a GS1 key path: read from
 * the right, /AI/value pairs reach a primary key whose value has the key's shape
 * (its fixed digits; 4 leading digits for GINC, GIAI and CPID).  Such a URI is a
 * Digital Link: refused when malformed, never kept as an opaque identifier. */
int trace__dl_claims(const char *s);
int trace__parse_epc_urn(trace__elems *l, const char *s, size_t len);

/* Digital Link layout shared by the parser and the formatter (dl_format.c). */
/* Qualifier path @alt (0-based) of a primary key: AIs copied to @q, count returned; -1 if none. */
int trace__dl_qualifier_path(const trace__ai_entry *pk, int alt, char q[][5], int max);
/* Appends @v percent-encoded (all but A-Z a-z 0-9 - . _ ~). */
void trace__pct_encode(trace__sbuf *b, const char *v, size_t len);
/* The canonical ledger key of a GS1 element list. */
int trace__gs1_canonical(trace__sbuf *b, const trace__elems *l);

/* ---- the code object (code.c) ---- */

typedef struct trace__codeb {
	trace__sbuf arena;        /* "name\0value\0" strings */
	trace__sbuf fields;       /* size_t offset pairs */
	trace__sbuf extras;       /* size_t offset pairs */
} trace__codeb;

void trace__codeb_init(trace__codeb *b);
void trace__codeb_free(trace__codeb *b);
void trace__codeb_field(trace__codeb *b, const char *name, const char *value, size_t len);
void trace__codeb_extra(trace__codeb *b, const char *key, const char *value, size_t len);
/* Takes the builder's memory; @canonical is copied. */
int trace__codeb_finish(trace_code **out, trace__codeb *b, int scheme, int form,
                        const char *canonical, size_t canonical_len);

/* ---- Chinese and native codes ---- */

int trace__parse_nmpa(trace_code **out, const char *s, size_t len);
int trace__parse_ma(trace_code **out, const char *s, size_t len);
int trace__parse_native(trace_code **out, const char *s, size_t len);

/* ---- the serial alphabet (native.c) ---- */

extern const char trace__b32_alphabet[33];
/* Value of a serial character (case-insensitive, I L -> 1, O -> 0), or -1. */
int trace__b32_value(int c);
/* Luhn mod 32 check character over a native code's prefix and serial data. */
char trace__native_check(const char *prefix, size_t plen, const char *serial, size_t slen);
/* Whether @s is a valid native prefix (1-16 of A-Z 0-9, leading letter, any case). */
int trace__native_prefix_ok(const char *s, size_t len);

/* ---- text helpers (code.c) ---- */

int trace__is_digits(const char *s, size_t len);
/* Printable excerpt of input for messages ("..." when cut), into @buf. */
const char *trace__excerpt(char *buf, size_t cap, const char *s, size_t len);

#endif
