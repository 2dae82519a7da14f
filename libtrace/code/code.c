/*
 * code/code: the trace_code object (fields, Digital Link extras, canonical
 * string, all in one arena), its accessors, and trace_code_parse(), which
 * detects the form of the text and hands it to the right parser.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

struct trace_code {
	int scheme, form;
	size_t nfields, nextra;
	size_t *off;        /* name/value offset pairs: fields, then extras */
	size_t canon_off;
	char *arena;
};

int trace__is_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

const char *trace__excerpt(char *buf, size_t cap, const char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (o + 5 >= cap && o < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

/* ---- builder ---- */

void trace__codeb_init(trace__codeb *b)
{
	memset(b, 0, sizeof *b);
}

void trace__codeb_free(trace__codeb *b)
{
	trace__sbuf_free(&b->arena);
	trace__sbuf_free(&b->fields);
	trace__sbuf_free(&b->extras);
}

static void put_pair(trace__codeb *b, trace__sbuf *list, const char *name, const char *value, size_t len)
{
	size_t offs[2];
	offs[0] = b->arena.len;
	trace__sbuf_puts(&b->arena, name);
	trace__sbuf_putc(&b->arena, 0);
	offs[1] = b->arena.len;
	trace__sbuf_put(&b->arena, value, len);
	trace__sbuf_putc(&b->arena, 0);
	trace__sbuf_put(list, offs, sizeof offs);
}

void trace__codeb_field(trace__codeb *b, const char *name, const char *value, size_t len)
{
	put_pair(b, &b->fields, name, value, len);
}

void trace__codeb_extra(trace__codeb *b, const char *key, const char *value, size_t len)
{
	put_pair(b, &b->extras, key, value, len);
}

int trace__codeb_finish(trace_code **out, trace__codeb *b, int scheme, int form,
                        const char *canonical, size_t canonical_len)
{
	size_t canon_off = b->arena.len;
	trace__sbuf_put(&b->arena, canonical, canonical_len);
	trace__sbuf_putc(&b->arena, 0);
	trace__sbuf_put(&b->fields, b->extras.p, b->extras.len);
	trace_code *c = trace__calloc(1, sizeof *c);
	if (c == NULL || b->arena.oom || b->fields.oom || b->extras.oom) {
		trace__free(c);
		trace__codeb_free(b);
		return trace__oom();
	}
	c->scheme = scheme;
	c->form = form;
	c->nextra = b->extras.len / (2 * sizeof(size_t));
	c->nfields = b->fields.len / (2 * sizeof(size_t)) - c->nextra;
	c->off = (size_t *)(void *)b->fields.p;
	c->canon_off = canon_off;
	c->arena = (char *)b->arena.p;
	b->fields.p = NULL;
	b->arena.p = NULL;
	trace__codeb_free(b);
	*out = c;
	return TRACE_OK;
}

/* ---- accessors ---- */

void trace_code_free(trace_code *c)
{
	if (c == NULL)
		return;
	trace__free(c->off);
	trace__free(c->arena);
	trace__free(c);
}

int trace_code_scheme(const trace_code *c)
{
	return c->scheme;
}

int trace_code_form(const trace_code *c)
{
	return c->form;
}

const char *trace_code_canonical(const trace_code *c)
{
	return c->arena + c->canon_off;
}

size_t trace_code_field_count(const trace_code *c)
{
	return c->nfields;
}

int trace_code_field(const char **name_out, const char **value_out, const trace_code *c, size_t i)
{
	if (i >= c->nfields)
		return trace__fail(TRACE_ERANGE, "field %zu does not exist (the code has %zu)", i, c->nfields);
	*name_out = c->arena + c->off[2 * i];
	*value_out = c->arena + c->off[2 * i + 1];
	return TRACE_OK;
}

const char *trace_code_find(const trace_code *c, const char *name)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (strcmp(c->arena + c->off[2 * i], name) == 0)
			return c->arena + c->off[2 * i + 1];
	return NULL;
}

size_t trace_code_extra_count(const trace_code *c)
{
	return c->nextra;
}

int trace_code_extra(const char **key_out, const char **value_out, const trace_code *c, size_t i)
{
	if (i >= c->nextra)
		return trace__fail(TRACE_ERANGE, "extra parameter %zu does not exist (the code has %zu)", i, c->nextra);
	size_t k = c->nfields + i;
	*key_out = c->arena + c->off[2 * k];
	*value_out = c->arena + c->off[2 * k + 1];
	return TRACE_OK;
}

/* Rebuilds the element list of a GS1 code, for the formatters. */
int trace__code_elems(trace__elems *l, const trace_code *c)
{
	if (c->scheme != TRACE_CODE_GS1)
		return trace__fail(TRACE_EINVAL, "not a GS1 code");
	trace__elems_init(l, c->form);
	for (size_t i = 0; i < c->nfields; i++) {
		const char *ai = c->arena + c->off[2 * i], *v = c->arena + c->off[2 * i + 1];
		const trace__ai_entry *e = trace__ai_lookup(ai, strlen(ai));
		int rc = trace__elems_add(l, e, ai, strlen(ai), v, strlen(v), 0);
		if (rc) {
			trace__elems_free(l);
			return rc;
		}
	}
	return TRACE_OK;
}

/* ---- parsing ---- */

static int starts_nocase(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return 0;
	}
	return 1;
}

static int parse_gs1(trace_code **out, const char *s, size_t len, int form, unsigned flags,
                     int record_form, size_t base)
{
	trace__elems l;
	trace__elems_init(&l, record_form);
	int rc;
	switch (form) {
	case TRACE_CODE_FORM_DIGITAL_LINK: rc = trace__parse_digital_link(&l, s, len, flags); break;
	case TRACE_CODE_FORM_BRACKETED: rc = trace__parse_bracketed(&l, s, len, base); break;
	case TRACE_CODE_FORM_EPC_URN: rc = trace__parse_epc_urn(&l, s, len); break;
	default: rc = trace__parse_element_string(&l, s, len, base); break;
	}
	if (rc == TRACE_OK)
		rc = trace__gs1_finish(out, &l, flags);
	trace__elems_free(&l);
	return rc;
}

static int detect(const char *s, size_t len)
{
	if (len && s[0] == ']')
		return TRACE_CODE_FORM_SCAN_DATA;
	if (starts_nocase(s, len, "http://") || starts_nocase(s, len, "https://"))
		return TRACE_CODE_FORM_DIGITAL_LINK;
	if (starts_nocase(s, len, "urn:epc:"))
		return TRACE_CODE_FORM_EPC_URN;
	if (len && s[0] == '(')
		return TRACE_CODE_FORM_BRACKETED;
	if (starts_nocase(s, len, "ma."))
		return TRACE_CODE_FORM_MA;
	if (len == 20 && s[0] == '8' && trace__is_digits(s, len))
		return TRACE_CODE_FORM_NMPA;
	if (len && ((s[0] >= '0' && s[0] <= '9') || s[0] == '^' || s[0] == GS))
		return TRACE_CODE_FORM_ELEMENT_STRING;
	if (len && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && memchr(s, '-', len))
		return TRACE_CODE_FORM_NATIVE;
	return TRACE_CODE_FORM_AUTO;
}

static int parse_form(trace_code **out, const char *s, size_t len, int form, unsigned flags,
                      int nested);

/* Scan data: "]" + symbology letter + modifier digit, then the payload. */
static int parse_scan(trace_code **out, const char *s, size_t len, unsigned flags)
{
	if (len < 3 || s[0] != ']' || !((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z')) ||
	    s[2] < '0' || s[2] > '9')
		return trace__fail(TRACE_EINVAL, "scan data must start with a symbology identifier such as ]d2 or ]Q1");
	const char *p = s + 3;
	size_t n = len - 3;
	char id[3] = { s[1], s[2], 0 };
	if (n == 0)
		return trace__fail(TRACE_EINVAL, "scan data ]%s carries no data", id);
	static const char *const gs1_ids[] = { "C1", "e0", "e1", "e2", "d2", "Q3", "J1" };
	for (size_t i = 0; i < sizeof gs1_ids / sizeof gs1_ids[0]; i++)
		if (strcmp(id, gs1_ids[i]) == 0)
			return parse_gs1(out, p, n, TRACE_CODE_FORM_ELEMENT_STRING, flags,
			                 TRACE_CODE_FORM_SCAN_DATA, 3);
	if (strcmp(id, "E0") == 0 || strcmp(id, "E4") == 0) {
		/* EAN-13 / UPC-A (13 digits) and EAN-8 carry a GTIN: make it GTIN-14. */
		size_t want = id[1] == '0' ? 13 : 8;
		if (n != want || !trace__is_digits(p, n))
			return trace__fail(TRACE_EINVAL, "scan data ]%s must carry %zu digits", id, want);
		if (!trace__gs1_csum_ok(p, n))
			return trace__fail(TRACE_EINVAL, "AI (01) at position %zu: check digit is %c, expected %d (scan data ]%s)",
			                   len - 1, p[n - 1], trace__gs1_csum(p, n - 1), id);
		char es[17] = "01";
		memset(es + 2, '0', 14 - n);
		memcpy(es + 2 + 14 - n, p, n);
		return parse_gs1(out, es, 16, TRACE_CODE_FORM_ELEMENT_STRING, flags, TRACE_CODE_FORM_SCAN_DATA, 0);
	}
	/* Any other symbology carries plain text: a Digital Link, NMPA, MA, native code ... */
	int form = detect(p, n);
	if (form == TRACE_CODE_FORM_ELEMENT_STRING || form == TRACE_CODE_FORM_SCAN_DATA ||
	    form == TRACE_CODE_FORM_AUTO)
		return trace__fail(TRACE_EINVAL, "scan data ]%s (plain text) holds no recognised code", id);
	int rc = parse_form(out, p, n, form, flags, 1);
	if (rc)
		trace__error_prefix("scan data ]%s (positions count from its payload)", id);
	return rc;
}

static int parse_form(trace_code **out, const char *s, size_t len, int form, unsigned flags, int nested)
{
	switch (form) {
	case TRACE_CODE_FORM_SCAN_DATA:
		if (nested)
			break;
		return parse_scan(out, s, len, flags);
	case TRACE_CODE_FORM_DIGITAL_LINK:
	case TRACE_CODE_FORM_BRACKETED:
	case TRACE_CODE_FORM_ELEMENT_STRING:
	case TRACE_CODE_FORM_EPC_URN:
		return parse_gs1(out, s, len, form, flags, form, 0);
	case TRACE_CODE_FORM_NMPA:
		return trace__parse_nmpa(out, s, len);
	case TRACE_CODE_FORM_MA:
		return trace__parse_ma(out, s, len);
	case TRACE_CODE_FORM_NATIVE:
		return trace__parse_native(out, s, len);
	default:
		break;
	}
	return trace__fail(TRACE_EINVAL, "unknown code form %d", form);
}

int trace_code_parse(trace_code **out, const char *text, int form, unsigned flags)
{
	if (out == NULL || text == NULL)
		return trace__fail(TRACE_EINVAL, "trace_code_parse: out and text are required");
	*out = NULL;
	size_t len = strnlen(text, TRACE__CODE_MAX_TEXT + 1);
	if (len > TRACE__CODE_MAX_TEXT)
		return trace__fail(TRACE_ELIMIT, "code text is longer than %d bytes", TRACE__CODE_MAX_TEXT);
	if (len == 0)
		return trace__fail(TRACE_EINVAL, "empty code");
	if (form != TRACE_CODE_FORM_AUTO)
		return parse_form(out, text, len, form, flags, 0);

	int detected = detect(text, len);
	if (detected == TRACE_CODE_FORM_AUTO) {
		char ex[48];
		return trace__fail(TRACE_EINVAL, "unrecognised code \"%s\": expected a Digital Link URI, "
		                   "GS1 element string, scan data, EPC URN, NMPA, MA or native code",
		                   trace__excerpt(ex, sizeof ex, text, len));
	}
	int rc = parse_form(out, text, len, detected, flags, 0);
	if (rc && detected == TRACE_CODE_FORM_ELEMENT_STRING && text[0] == '8' && trace__is_digits(text, len))
		trace__error_prefix("not a 20-digit NMPA code (%zu digits) nor a GS1 element string", len);
	return rc;
}
