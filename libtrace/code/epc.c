/*
 * code/epc: EPC pure-identity URNs (GS1 Tag Data Standard) to and from AI
 * elements.  A URN splits each key at the end of the GS1 Company Prefix
 * ("urn:epc:id:sgtin:0614141.107346.2017"); the element string holds the
 * key whole with its check digit, so the way back needs the prefix length.
 * The schemes and their fields follow the pure-identity URI grammar of the
 * EPC Tag Data Standard 2.x (section 6.3): every GS1 key that has an EPC,
 * so that a URN and a Digital Link of one object name one ledger identity.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"
#include "../util/sbuf.h"
#include "../util/text.h"

#define MAX_PARTS 6

/* Schemes: key AI, the digits company prefix + reference must total, parts. */
typedef struct scheme {
	const char *name;
	const char *ai;
	int refs_digits;   /* CP + reference digits (without indicator/check) */
	int nparts;        /* including the company prefix */
} scheme;

static const scheme schemes[] = {
	{ "id:sgtin", "01", 13, 3 },
	{ "id:sscc", "00", 17, 2 },
	{ "id:sgln", "414", 12, 3 },
	{ "id:pgln", "417", 12, 2 },
	{ "id:grai", "8003", 12, 3 },
	{ "id:giai", "8004", 0, 2 },
	{ "id:itip", "8006", 13, 5 },
	{ "id:gsrn", "8018", 17, 2 },
	{ "id:gsrnp", "8017", 17, 2 },
	{ "id:gdti", "253", 12, 3 },
	{ "id:sgcn", "255", 12, 3 },
	{ "id:ginc", "401", 0, 2 },
	{ "id:gsin", "402", 16, 2 },
	{ "id:cpi", "8010", 0, 3 },
	{ "id:upui", "01", 13, 3 },
	{ "class:lgtin", "01", 13, 3 },
	/* Class-level patterns: the serial field is "*", the key stands alone. */
	{ "idpat:sgtin", "01", 13, 3 },
	{ "idpat:itip", "8006", 13, 5 },
	{ "idpat:grai", "8003", 12, 3 },
	{ "idpat:gdti", "253", 12, 3 },
	{ "idpat:sgcn", "255", 12, 3 },
	{ "idpat:cpi", "8010", 0, 3 },
};


/* Decodes the URN escapes of a serial-like part into @out. */
static int decode(trace__sbuf *out, const char *s, size_t off, size_t len)
{
	out->len = 0;
	if (trace__sbuf_reserve(out, len))
		return trace__oom();
	out->p[0] = 0;
	for (size_t i = off; i < off + len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < off + len ? trace__hex_digit(s[i + 1]) : -1, lo = hi >= 0 ? trace__hex_digit(s[i + 2]) : -1;
			if (lo < 0 || (hi << 4 | lo) == 0)
				return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: bad %%XX escape", i);
			c = hi << 4 | lo;
			i += 2;
		}
		trace__sbuf_putc(out, (char)c);
	}
	return out->oom ? trace__oom() : TRACE_OK;
}

static int digits_part(const char *s, size_t off, size_t len, const char *what)
{
	if (!trace__is_digits(s + off, len))
		return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: the %s must be digits", off, what);
	return TRACE_OK;
}

/* Appends the check digit of key[0..n) to it (n <= 17). */
static void add_check(char *key, size_t n)
{
	key[n] = (char)('0' + trace__gs1_csum(key, n));
	key[n + 1] = 0;
}

static int build(trace__elems *l, const scheme *sc, const char *s, const size_t *off, const size_t *len,
                 trace__sbuf *tmp)
{
	const char *cp = s + off[0];
	size_t cpl = len[0];
	char key[40];
	int rc;
	if (cpl < 6 || cpl > 12 || (rc = digits_part(s, off[0], cpl, "company prefix")))
		return cpl < 6 || cpl > 12
		       ? trace__fail(TRACE_EINVAL, "EPC URN at position %zu: the company prefix must have 6 to 12 digits", off[0])
		       : rc;
	int last = sc->nparts - 1, pat = strncmp(sc->name, "idpat:", 6) == 0;
	if (pat && !(len[last] == 1 && s[off[last]] == '*'))
		return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: only the \"*\" pattern of the serial is supported", off[last]);
	if (sc->refs_digits) {
		if ((rc = digits_part(s, off[1], len[1], "reference")))
			return rc;
		if (cpl + len[1] != (size_t)sc->refs_digits)
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: company prefix and reference must total %d digits",
			                   off[1], sc->refs_digits);
	}
	const char *ref = s + off[1];
	size_t rl = len[1];
	const char *ai = sc->ai;
	if (strcmp(ai, "01") == 0 || strcmp(ai, "8006") == 0 || strcmp(ai, "00") == 0 ||
	    strcmp(ai, "8017") == 0 || strcmp(ai, "8018") == 0 || strcmp(ai, "402") == 0) {
		size_t n = 0;
		if (ai[0] != '0' && strcmp(ai, "8006") != 0) {	/* GSRN, GSRNP, GSIN: no indicator */
			memcpy(key, cp, cpl);
			memcpy(key + cpl, ref, rl);
			n = cpl + rl;
		} else {
			/* The indicator / extension digit leads the key. */
			key[n++] = ref[0];
			memcpy(key + n, cp, cpl);
			n += cpl;
			memcpy(key + n, ref + 1, rl - 1);
			n += rl - 1;
		}
		add_check(key, n);
		n++;
		if (strcmp(ai, "8006") == 0) {
			if (len[2] != 2 || len[3] != 2 || !trace__is_digits(s + off[2], 2) || !trace__is_digits(s + off[3], 2))
				return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: ITIP piece and total must be 2 digits each", off[2]);
			memcpy(key + n, s + off[2], 2);
			memcpy(key + n + 2, s + off[3], 2);
			n += 4;
		}
		if ((rc = trace__elems_add(l, trace__ai_lookup(ai, strlen(ai)), ai, strlen(ai), key, n, off[0])))
			return rc;
	} else if (strcmp(ai, "414") == 0 || strcmp(ai, "417") == 0) {
		memcpy(key, cp, cpl);
		memcpy(key + cpl, ref, rl);
		add_check(key, 12);
		if ((rc = trace__elems_add(l, trace__ai_lookup(ai, 3), ai, 3, key, 13, off[0])))
			return rc;
		if (strcmp(ai, "414") == 0 && !(len[2] == 1 && s[off[2]] == '0')) {
			if ((rc = decode(tmp, s, off[2], len[2])))
				return rc;
			return trace__elems_add(l, trace__ai_lookup("254", 3), "254", 3, (const char *)tmp->p, tmp->len, off[2]);
		}
	} else if (strcmp(ai, "255") == 0) {
		/* SGCN: the serial is a padded numeric component, its leading zeros significant. */
		memcpy(key, cp, cpl);
		memcpy(key + cpl, ref, rl);
		add_check(key, 12);
		if (pat)
			return trace__elems_add(l, trace__ai_lookup(ai, 3), ai, 3, key, 13, off[0]);
		if ((rc = digits_part(s, off[2], len[2], "coupon serial")))
			return rc;
		if (len[2] > 12)
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: coupon serial has more than 12 digits", off[2]);
		memcpy(key + 13, s + off[2], len[2]);
		return trace__elems_add(l, trace__ai_lookup(ai, 3), ai, 3, key, 13 + len[2], off[0]);
	} else if (strcmp(ai, "8010") == 0) {
		/* CPI: prefix and part reference make the CPID; the serial is a number. */
		if ((rc = decode(tmp, s, off[1], len[1])))
			return rc;
		if (cpl + tmp->len > 30)
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: CPI part reference must make at most 30 characters with the prefix", off[1]);
		memcpy(key, cp, cpl);
		memcpy(key + cpl, tmp->p, tmp->len);
		if ((rc = trace__elems_add(l, trace__ai_lookup(ai, 4), ai, 4, key, cpl + tmp->len, off[0])) || pat)
			return rc;
		if ((rc = digits_part(s, off[2], len[2], "CPI serial")))
			return rc;
		if (len[2] > 12 || (len[2] > 1 && s[off[2]] == '0'))
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: CPI serial must be a number of 1 to 12 digits without leading zeros", off[2]);
		return trace__elems_add(l, trace__ai_lookup("8011", 4), "8011", 4, s + off[2], len[2], off[2]);
	} else if (strcmp(ai, "8003") == 0 || strcmp(ai, "253") == 0) {
		size_t n = 0;
		if (ai[0] == '8')
			key[n++] = '0';
		memcpy(key + n, cp, cpl);
		memcpy(key + n + cpl, ref, rl);
		add_check(key + n, 12);
		n += 13;
		if (pat)
			return trace__elems_add(l, trace__ai_lookup(ai, strlen(ai)), ai, strlen(ai), key, n, off[0]);
		if ((rc = decode(tmp, s, off[2], len[2])))
			return rc;
		if (tmp->len > 17)
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: serial too long", off[2]);
		memcpy(key + n, tmp->p, tmp->len);
		n += tmp->len;
		return trace__elems_add(l, trace__ai_lookup(ai, strlen(ai)), ai, strlen(ai), key, n, off[0]);
	} else { /* 8004 GIAI, 401 GINC: prefix and free-form reference */
		const char *what = ai[0] == '8' ? "GIAI" : "GINC";
		if ((rc = decode(tmp, s, off[1], len[1])))
			return rc;
		if (cpl + tmp->len > 30 || tmp->len == 0)
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: %s reference must make 1 to 30 characters with the prefix",
			                   off[1], what);
		memcpy(key, cp, cpl);
		memcpy(key + cpl, tmp->p, tmp->len);
		return trace__elems_add(l, trace__ai_lookup(ai, strlen(ai)), ai, strlen(ai), key, cpl + tmp->len, off[0]);
	}
	/* Serial or lot of SGTIN / ITIP / LGTIN, TPX of UPUI. */
	if (strcmp(sc->name, "id:sgtin") == 0 || strcmp(sc->name, "id:itip") == 0 ||
	    strcmp(sc->name, "class:lgtin") == 0 || strcmp(sc->name, "id:upui") == 0) {
		const char *sai = sc->name[0] == 'c' ? "10" : strcmp(sc->name, "id:upui") == 0 ? "235" : "21";
		if ((rc = decode(tmp, s, off[last], len[last])))
			return rc;
		return trace__elems_add(l, trace__ai_lookup(sai, strlen(sai)), sai, strlen(sai), (const char *)tmp->p, tmp->len, off[last]);
	}
	return TRACE_OK;
}

int trace__parse_epc_urn(trace__elems *l, const char *s, size_t len)
{
	if (len < 8 || strncmp(s, "urn:epc:", 8) != 0)
		return trace__fail(TRACE_EINVAL, "EPC URN at position 0: must start with \"urn:epc:\"");
	const char *name = s + 8;
	const char *colon = memchr(name, ':', len - 8);
	colon = colon ? memchr(colon + 1, ':', (size_t)(s + len - colon - 1)) : NULL;
	if (colon == NULL)
		return trace__fail(TRACE_EINVAL, "EPC URN at position 8: expected urn:epc:id:<scheme>:<fields>");
	size_t nl = (size_t)(colon - name);
	const scheme *sc = NULL;
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strlen(schemes[i].name) == nl && memcmp(schemes[i].name, name, nl) == 0)
			sc = &schemes[i];
	if (sc == NULL)
		return trace__fail(TRACE_EUNSUPPORTED, "EPC URN scheme \"%.*s\" is not supported", (int)(nl > 20 ? 20 : nl), name);
	size_t off[MAX_PARTS], plen[MAX_PARTS];
	int n = 0;
	size_t i = (size_t)(colon - s) + 1;
	for (;;) {
		size_t j = i;
		/* The last field (serial, extension, asset reference) may itself hold dots. */
		while (j < len && (s[j] != '.' || n == sc->nparts - 1))
			j++;
		off[n] = i;
		plen[n] = j - i;
		/* With a 12-digit company prefix, a location, party, asset or document
		 * reference has no digits left: that field alone may be empty. */
		if (plen[n] == 0 && !(n == 1 && sc->refs_digits == 12))
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: empty field", i);
		n++;
		if (j >= len)
			break;
		i = j + 1;
	}
	if (n != sc->nparts)
		return trace__fail(TRACE_EINVAL, "EPC URN: %s has %d fields, expected %d", sc->name, n, sc->nparts);
	for (size_t k = (size_t)(colon - s) + 1; k < len; k++) {
		int c = (unsigned char)s[k];
		if (c <= 0x20 || c >= 0x7f || strchr("\"&/<>?#", c))
			return trace__fail(TRACE_EINVAL, "EPC URN at position %zu: character must be %%-escaped", k);
	}
	trace__sbuf tmp = TRACE__SBUF_INIT;
	int rc = build(l, sc, s, off, plen, &tmp);
	trace__sbuf_free(&tmp);
	return rc;
}

/* ---- to URNs ---- */

static void put_escaped(trace__sbuf *b, const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (strchr("\"#%&/<>?", c) && c) {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			trace__sbuf_put(b, e, 3);
		} else {
			trace__sbuf_putc(b, (char)c);
		}
	}
}

/* The first primary key of @c in input order (as for the canonical key), or NULL. */
static const char *first_key(const trace_code *c, const char **value)
{
	for (size_t i = 0; i < trace_code_field_count(c); i++) {
		const char *ai, *v;
		if (trace_code_field(&ai, &v, c, i) == TRACE_OK) {
			const trace__ai_entry *e = trace__ai_lookup(ai, strlen(ai));
			if (e && (e->flags & AI_PKEY)) {
				*value = v;
				return ai;
			}
		}
	}
	return NULL;
}

int trace_code_epc_urn(trace_buf *out, const trace_code *c, int gcp_length)
{
	if (out == NULL || c == NULL)
		return trace__fail(TRACE_EINVAL, "trace_code_epc_urn: out and code are required");
	if (trace_code_scheme(c) != TRACE_CODE_GS1)
		return trace__fail(TRACE_EINVAL, "only GS1 codes have an EPC URN");
	if (gcp_length < 6 || gcp_length > 12)
		return trace__fail(TRACE_EINVAL, "GS1 Company Prefix length %d: must be 6 to 12", gcp_length);
	size_t g = (size_t)gcp_length;
	const char *v = NULL, *key = first_key(c, &v);
	const char *ser = trace_code_find(c, "21"), *lot = trace_code_find(c, "10");
	trace__sbuf b = TRACE__SBUF_INIT;
#define IS(x) (key && strcmp(key, x) == 0)
	const char *tpx = trace_code_find(c, "235");
	if (IS("01") && tpx) {
		trace__sbuf_printf(&b, "urn:epc:id:upui:%.*s.%c%.*s.", (int)g, v + 1, v[0], (int)(12 - g), v + 1 + g);
		put_escaped(&b, tpx, strlen(tpx));
	} else if (IS("01")) {
		trace__sbuf_puts(&b, ser ? "urn:epc:id:sgtin:" : lot ? "urn:epc:class:lgtin:" : "urn:epc:idpat:sgtin:");
		trace__sbuf_printf(&b, "%.*s.%c%.*s.", (int)g, v + 1, v[0], (int)(12 - g), v + 1 + g);
		if (ser || lot)
			put_escaped(&b, ser ? ser : lot, strlen(ser ? ser : lot));
		else
			trace__sbuf_putc(&b, '*');
	} else if (IS("00")) {
		trace__sbuf_printf(&b, "urn:epc:id:sscc:%.*s.%c%.*s", (int)g, v + 1, v[0], (int)(16 - g), v + 1 + g);
	} else if (IS("414")) {
		const char *ext = trace_code_find(c, "254");
		/* TDS: extension "0" in an SGLN means "no extension", so (254)0 has no URN of its own. */
		if (ext && strcmp(ext, "0") == 0) {
			trace__sbuf_free(&b);
			return trace__fail(TRACE_EINVAL, "GLN extension (254) \"0\" has no EPC URN: the SGLN extension 0 "
			                   "stands for a GLN without extension");
		}
		trace__sbuf_printf(&b, "urn:epc:id:sgln:%.*s.%.*s.", (int)g, v, (int)(12 - g), v + g);
		put_escaped(&b, ext ? ext : "0", ext ? strlen(ext) : 1);
	} else if (IS("417")) {
		trace__sbuf_printf(&b, "urn:epc:id:pgln:%.*s.%.*s", (int)g, v, (int)(12 - g), v + g);
	} else if (IS("8006") && ser) {
		trace__sbuf_printf(&b, "urn:epc:id:itip:%.*s.%c%.*s.%.2s.%.2s.", (int)g, v + 1, v[0],
		                   (int)(12 - g), v + 1 + g, v + 14, v + 16);
		put_escaped(&b, ser, strlen(ser));
	} else if (IS("8006") && !lot) {
		trace__sbuf_printf(&b, "urn:epc:idpat:itip:%.*s.%c%.*s.%.2s.%.2s.*", (int)g, v + 1, v[0],
		                   (int)(12 - g), v + 1 + g, v + 14, v + 16);
	} else if ((IS("8003") && strlen(v) == 14) || (IS("253") && strlen(v) == 13) || (IS("255") && strlen(v) == 13)) {
		const char *k = IS("8003") ? v + 1 : v;
		trace__sbuf_printf(&b, "urn:epc:idpat:%s:%.*s.%.*s.*", IS("8003") ? "grai" : IS("253") ? "gdti" : "sgcn",
		                   (int)g, k, (int)(12 - g), k + g);
	} else if (IS("8003") && strlen(v) > 14) {
		trace__sbuf_printf(&b, "urn:epc:id:grai:%.*s.%.*s.", (int)g, v + 1, (int)(12 - g), v + 1 + g);
		put_escaped(&b, v + 14, strlen(v + 14));
	} else if (IS("8004")) {
		if (strlen(v) <= g || !trace__is_digits(v, g))
			return trace__fail(TRACE_EINVAL, "GIAI %s does not start with a %zu-digit company prefix", v, g);
		trace__sbuf_printf(&b, "urn:epc:id:giai:%.*s.", (int)g, v);
		put_escaped(&b, v + g, strlen(v + g));
	} else if (IS("255") && strlen(v) > 13) {
		trace__sbuf_printf(&b, "urn:epc:id:sgcn:%.*s.%.*s.%s", (int)g, v, (int)(12 - g), v + g, v + 13);
	} else if (IS("401") || IS("8010")) {
		const char *cpsn = trace_code_find(c, "8011");
		if (cpsn && cpsn[0] == '0' && cpsn[1])
			return trace__fail(TRACE_EINVAL, "CPID serial (8011) %s has leading zeros, which a CPI URN cannot carry", cpsn);
		if (strlen(v) <= g || !trace__is_digits(v, g))
			return trace__fail(TRACE_EINVAL, "%s %s does not start with a %zu-digit company prefix",
			                   IS("401") ? "GINC" : "CPID", v, g);
		trace__sbuf_printf(&b, "urn:epc:%s:%.*s.", IS("401") ? "id:ginc" : cpsn ? "id:cpi" : "idpat:cpi", (int)g, v);
		put_escaped(&b, v + g, strlen(v + g));
		if (IS("8010"))
			trace__sbuf_printf(&b, ".%s", cpsn ? cpsn : "*");
	} else if (IS("402")) {
		trace__sbuf_printf(&b, "urn:epc:id:gsin:%.*s.%.*s", (int)g, v, (int)(16 - g), v + g);
	} else if (IS("8017") || IS("8018")) {
		trace__sbuf_printf(&b, "urn:epc:id:%s:%.*s.%.*s", IS("8018") ? "gsrn" : "gsrnp", (int)g, v,
		                   (int)(17 - g), v + g);
	} else if (IS("253") && strlen(v) > 13) {
		trace__sbuf_printf(&b, "urn:epc:id:gdti:%.*s.%.*s.", (int)g, v, (int)(12 - g), v + g);
		put_escaped(&b, v + 13, strlen(v + 13));
	} else {
		return trace__fail(TRACE_EINVAL, "no EPC pure-identity scheme for %s%s%s (supported: 01, 00, 414, 417, "
		                   "8006+21, 8003 with serial, 8004, 8010+8011, 8017, 8018, 253 and 255 with serial, 401, 402)",
		                   key ? "primary key (" : "a code without a primary key", key ? key : "", key ? ")" : "");
	}
#undef IS
	return trace__sbuf_finish(&b, out);
}
