/*
 * code/dl_parse: GS1 Digital Link 1.x URIs into AI elements.
 *
 *   http(s)://host[:port][/stem...]/PK/value[/Q/value...][?AI=v&other=v][#frag]
 *
 * The key path is found from the right: pairs are taken backwards until a
 * primary key, so a stem may itself contain AI-like segments.  Qualifiers
 * must follow one of the key's qualifier paths in order; query parameters
 * that are AIs must be data attributes not already present and not
 * qualifiers of the branch the path took; other parameters are kept aside.
 * Values are percent-decoded ('+' is a plus in the path, a space in the
 * query); %00 and empty values are rejected.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"
#include "../util/text.h"

#define MAX_SEGS 64

typedef struct seg {
	size_t off, len; /* in the URI */
} seg;


/* Percent-decodes s[off..off+len) into @out; @what names the part in messages. */
static int pct_decode(trace__sbuf *out, const char *s, size_t off, size_t len, int plus_space,
                      const char *what)
{
	out->len = 0;
	if (trace__sbuf_reserve(out, len))
		return trace__oom();
	out->p[0] = 0;
	for (size_t i = off; i < off + len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < off + len ? trace__hex_digit(s[i + 1]) : -1;
			int lo = hi >= 0 ? trace__hex_digit(s[i + 2]) : -1;
			if (lo < 0)
				return trace__fail(TRACE_EINVAL, "%s at position %zu: '%%' must start a %%XX escape", what, i);
			c = (char)(hi << 4 | lo);
			if (c == 0)
				return trace__fail(TRACE_EINVAL, "%s at position %zu: %%00 is not allowed", what, i);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		trace__sbuf_putc(out, c);
	}
	return out->oom ? trace__oom() : TRACE_OK;
}

/* RFC 3986 pchar (without '%', checked by the decoder) and '/'. */
static int path_char_ok(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("-._~!$&'()*+,;=:@/%", c) != NULL);
}

static int check_chars(const char *s, size_t from, size_t to, int query, const char *what)
{
	for (size_t i = from; i < to; i++) {
		int c = (unsigned char)s[i];
		if (!path_char_ok(c) && !(query && c == '?')) {
			if (c > 0x20 && c < 0x7f)
				return trace__fail(TRACE_EINVAL, "%s at position %zu: character '%c' must be percent-encoded", what, i, c);
			return trace__fail(TRACE_EINVAL, "%s at position %zu: byte 0x%02x must be percent-encoded", what, i, c);
		}
	}
	return TRACE_OK;
}

static int parse_authority(const char *s, size_t len, size_t *pos)
{
	size_t i = *pos, start = i;
	while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
		i++;
	if (i == start)
		return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: empty host", start);
	for (size_t k = start; k < i; k++) {
		int c = (unsigned char)s[k];
		if (c == '%')
			return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: percent-encoding (e.g. an IPv6 zone ID) is not allowed in the host", k);
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (c && strchr("-._~!$&'()*+,;=:[]", c))))
			return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: byte 0x%02x is not allowed in the host", k, c);
	}
	*pos = i;
	return TRACE_OK;
}

/* Whether @ai is among the qualifiers of alternative @alt of @pk (or of any alternative if alt < 0). */
static int is_qualifier(const trace__ai_entry *pk, int alt, const char *ai)
{
	for (int a = alt < 0 ? 0 : alt;; a++) {
		char q[4][5];
		int n = trace__dl_qualifier_path(pk, a, q, 4);
		if (n < 0)
			return 0;
		for (int k = 0; k < n; k++)
			if (strcmp(q[k], ai) == 0)
				return 1;
		if (alt >= 0)
			return 0;
	}
}

/* Checks the qualifiers (AIs of segs, after the key) follow one path; returns its index. */
static int match_qualifiers(const char *s, const trace__ai_entry *pk, const char *pk_ai,
                            const seg *segs, int first, int nseg, int *alt_out)
{
	*alt_out = -1;
	if (first >= nseg)
		return TRACE_OK;
	for (int a = 0;; a++) {
		char q[4][5];
		int n = trace__dl_qualifier_path(pk, a, q, 4);
		if (n < 0)
			break;
		int k = 0, ok = 1;
		for (int i = first; i < nseg && ok; i += 2) {
			while (k < n && (strlen(q[k]) != segs[i].len || memcmp(q[k], s + segs[i].off, segs[i].len)))
				k++;
			ok = k < n;
			k++;
		}
		if (ok) {
			*alt_out = a;
			return TRACE_OK;
		}
	}
	/* Name the first qualifier that does not fit. */
	for (int i = first; i < nseg; i += 2) {
		char ai[5] = { 0 };
		memcpy(ai, s + segs[i].off, segs[i].len);
		if (!is_qualifier(pk, -1, ai))
			return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: AI (%s) is not a key qualifier of (%s)%s",
			                   segs[i].off, ai, pk_ai, trace__ai_lookup(ai, strlen(ai)) &&
			                   (trace__ai_lookup(ai, strlen(ai))->flags & AI_DLATTR) ? "; put it in the query" : "");
	}
	return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: key qualifiers of (%s) are out of order or repeated (allowed: %s)",
	                   segs[first].off, pk_ai, pk->qual ? pk->qual : "none");
}

static int add_path(trace__elems *l, const char *s, const seg *segs, int i, trace__sbuf *tmp, unsigned flags)
{
	const seg *a = &segs[i], *v = &segs[i + 1];
	const trace__ai_entry *e = trace__ai_lookup(s + a->off, a->len);
	char ai[5] = { 0 };
	memcpy(ai, s + a->off, a->len);
	char what[16];
	memcpy(what, "AI (", 4);
	memcpy(what + 4, ai, a->len);
	memcpy(what + 4 + a->len, ")", 2);
	int rc = pct_decode(tmp, s, v->off, v->len, 0, what);
	if (rc)
		return rc;
	const char *val = (const char *)tmp->p;
	size_t vlen = tmp->len;
	if (strcmp(ai, "01") == 0 && vlen != 14) {
		/* GTIN-8/12/13 only on request, then padded to GTIN-14. */
		if ((flags & TRACE_CODE_PERMIT_ZERO_SUPPRESSED_GTIN) && (vlen == 8 || vlen == 12 || vlen == 13) &&
		    trace__is_digits(val, vlen)) {
			char g[15];
			memset(g, '0', 14 - vlen);
			memcpy(g + 14 - vlen, val, vlen);
			return trace__elems_add(l, e, ai, a->len, g, 14, v->off);
		}
		return trace__fail(TRACE_EINVAL, "AI (01) at position %zu: a Digital Link GTIN must have 14 digits (got %zu)",
		                   v->off, vlen);
	}
	return trace__elems_add(l, e, ai, a->len, val, vlen, v->off);
}

static int parse_query(trace__elems *l, const char *s, size_t from, size_t to, const trace__ai_entry *pk,
                       const char *pk_ai, int alt, trace__sbuf *tmp)
{
	size_t i = from;
	while (i <= to) {
		size_t end = i;
		while (end < to && s[end] != '&')
			end++;
		if (end == i) { /* empty parameter: "&&" */
			i = end + 1;
			continue;
		}
		const char *eq = memchr(s + i, '=', end - i);
		size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
		size_t voff = eq ? (size_t)(eq - s) + 1 : end;
		if (klen > 0 && trace__is_digits(s + i, klen)) {
			char ai[5] = { 0 };
			const trace__ai_entry *e = klen <= 4 ? trace__ai_lookup(s + i, klen) : NULL;
			if (e == NULL)
				return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: query parameter %.*s is numeric but not a GS1 AI",
				                   i, (int)(klen > 8 ? 8 : klen), s + i);
			memcpy(ai, s + i, klen);
			if (!(e->flags & AI_DLATTR))
				return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: AI (%s) may not be a query attribute", i, ai);
			if (is_qualifier(pk, alt, ai))
				return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: AI (%s) is a key qualifier of (%s) and must be in the path",
				                   i, ai, pk_ai);
			long prev = trace__elems_find(l, ai);
			if (prev >= 0)
				return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: AI (%s) repeats the one at position %zu",
				                   i, ai, l->v[prev].pos);
			if (voff >= end)
				return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu: empty value", ai, voff);
			char what[16] = "AI (";
			memcpy(what + 4, ai, klen);
			memcpy(what + 4 + klen, ")", 2);
			int rc = pct_decode(tmp, s, voff, end - voff, 1, what);
			if (rc)
				return rc;
			rc = trace__elems_add(l, e, ai, klen, (const char *)tmp->p, tmp->len, voff);
			if (rc)
				return rc;
		} else {
			/* Not an AI (linkType, context ...): kept aside, no bearing on identity. */
			int rc = pct_decode(tmp, s, i, klen, 1, "query parameter");
			if (rc)
				return rc;
			size_t kl = tmp->len;
			trace__sbuf_put(&l->extra, tmp->p, kl + 1);
			rc = pct_decode(tmp, s, voff, voff < end ? end - voff : 0, 1, "query parameter");
			if (rc)
				return rc;
			trace__sbuf_put(&l->extra, tmp->p, tmp->len + 1);
			if (l->extra.oom)
				return trace__oom();
			l->nextra++;
		}
		i = end + 1;
	}
	return TRACE_OK;
}

static int parse_uri(trace__elems *l, const char *s, size_t len, unsigned flags, trace__sbuf *tmp)
{
	size_t pos;
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "HTTPS://", 8) == 0)
		pos = 8;
	else if (strncmp(s, "http://", 7) == 0 || strncmp(s, "HTTP://", 7) == 0)
		pos = 7;
	else
		return trace__fail(TRACE_EINVAL, "Digital Link at position 0: scheme must be http or https, all lower or all upper case");
	int rc = parse_authority(s, len, &pos);
	if (rc)
		return rc;
	size_t path_from = pos, path_to = pos;
	while (path_to < len && s[path_to] != '?' && s[path_to] != '#')
		path_to++;
	size_t q_from = path_to, q_to = path_to;
	if (q_from < len && s[q_from] == '?') {
		q_from++;
		q_to = q_from;
		while (q_to < len && s[q_to] != '#')
			q_to++;
	}
	if (path_from == path_to)
		return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: no path; expected /AI/value", path_from);
	if (s[path_to - 1] == '/')
		return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: the path must not end with '/'", path_to - 1);
	if ((rc = check_chars(s, path_from, path_to, 0, "Digital Link")) ||
	    (rc = check_chars(s, q_from, q_to, 1, "Digital Link")))
		return rc;

	seg segs[MAX_SEGS];
	int nseg = 0;
	for (size_t i = path_from; i < path_to;) {
		size_t j = i + 1;
		while (j < path_to && s[j] != '/')
			j++;
		if (nseg == MAX_SEGS) { /* keep only the right-most segments: the key is there */
			memmove(segs, segs + 2, sizeof segs - 2 * sizeof segs[0]);
			nseg -= 2;
		}
		segs[nseg].off = i + 1;
		segs[nseg].len = j - i - 1;
		nseg++;
		i = j;
	}

	/* Walk back over /AI/value pairs to the right-most primary key. */
	int k = nseg - 2;
	const trace__ai_entry *pk = NULL;
	for (; k >= 0; k -= 2) {
		const seg *a = &segs[k], *v = &segs[k + 1];
		const trace__ai_entry *e = a->len >= 2 && a->len <= 4 && trace__is_digits(s + a->off, a->len)
		                           ? trace__ai_lookup(s + a->off, a->len) : NULL;
		if (e == NULL)
			break;
		if (v->len == 0)
			return trace__fail(TRACE_EINVAL, "AI (%.*s) at position %zu: empty value", (int)a->len, s + a->off, v->off);
		if (e->flags & AI_PKEY) {
			pk = e;
			break;
		}
	}
	if (pk == NULL) {
		size_t at = k >= 0 ? segs[k].off : path_from;
		return trace__fail(TRACE_EINVAL, "Digital Link at position %zu: no GS1 primary key path (/AI/value...) at the end of the path%s",
		                   at, nseg == 1 ? " (compressed Digital Link URIs are not supported)" : "");
	}
	char pk_ai[5] = { 0 };
	memcpy(pk_ai, s + segs[k].off, segs[k].len);
	int alt;
	if ((rc = match_qualifiers(s, pk, pk_ai, segs, k + 2, nseg, &alt)))
		return rc;
	for (int i = k; i < nseg; i += 2)
		if ((rc = add_path(l, s, segs, i, tmp, flags)))
			return rc;
	if (q_from < q_to)
		rc = parse_query(l, s, q_from, q_to, pk, pk_ai, alt, tmp);
	return rc;
}

int trace__parse_digital_link(trace__elems *l, const char *s, size_t len, unsigned flags)
{
	trace__sbuf tmp = TRACE__SBUF_INIT;
	int rc = parse_uri(l, s, len, flags, &tmp);
	trace__sbuf_free(&tmp);
	return rc;
}

/* Digits the key's value must start with: its leading fixed-length numeric components. */
static size_t fixed_digits(const char *spec, int *more)
{
	size_t n = 0;
	const char *p = spec;
	*more = 0;
	while (*p == 'N' && p[1] >= '1' && p[1] <= '9') {
		n += (size_t)strtoul(p + 1, (char **)&p, 10);
		p += strcspn(p, " ");
		while (*p == ' ')
			p++;
	}
	*more = *p != '\0';
	return n;
}

/* Whether raw path segment @v could be the value of primary key @e. */
static int key_shaped(const trace__ai_entry *e, const char *ai, const char *v, size_t len)
{
	size_t d = 0;
	while (d < len && v[d] >= '0' && v[d] <= '9')
		d++;
	int more;
	size_t need = fixed_digits(e->spec, &more);
	if (need == 0)	/* GINC, GIAI, CPID: a GS1 Company Prefix (4 digits or more) comes first */
		return d >= 4;
	if (strcmp(ai, "01") == 0)	/* GTIN-8, -12 and -13 too: refused by the parser, not kept */
		return d == len && (len == 8 || len == 12 || len == 13 || len == 14);
	return d >= need && (more || d == len);
}

int trace__dl_claims(const char *s)
{
	size_t len = strnlen(s, TRACE__CODE_MAX_TEXT + 1), pos;
	if (len > TRACE__CODE_MAX_TEXT)
		return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		pos = 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		pos = 7;
	else
		return 0;
	while (pos < len && s[pos] != '/' && s[pos] != '?' && s[pos] != '#')
		pos++;
	size_t end = pos;
	while (end < len && s[end] != '?' && s[end] != '#')
		end++;
	/* Walk /AI/value pairs back from the end of the path, as the parser does. */
	for (size_t vend = end; vend > pos;) {
		size_t vstart = vend;
		while (vstart > pos && s[vstart - 1] != '/')
			vstart--;
		if (vstart <= pos + 1)
			return 0;
		size_t aend = vstart - 1, astart = aend;
		while (astart > pos && s[astart - 1] != '/')
			astart--;
		size_t alen = aend - astart;
		const trace__ai_entry *e = alen >= 2 && alen <= 4 && trace__is_digits(s + astart, alen)
		                           ? trace__ai_lookup(s + astart, alen) : NULL;
		if (e == NULL || astart == pos)
			return 0;
		if (e->flags & AI_PKEY) {
			char ai[5] = { 0 };
			memcpy(ai, s + astart, alen);
			return key_shaped(e, ai, s + vstart, vend - vstart);
		}
		vend = astart - 1;
	}
	return 0;
}
