/*
 * code/ai_check: checks one AI value against its specification in the AI
 * table: character set, length of each component, and the component's
 * linters (check digits, dates, country and currency codes ...).  Every
 * failure names the AI and the position of the offending character.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"
#include "../util/text.h"

/* GS1 character set 82 (AI 'X' data), in the order that gives each its value. */
static const char cset82[] =
	"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
/* Alphabet of the GS1 alphanumeric check-character pair. */
static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/* ISO 3166-1 numeric country codes and ISO 4217 numeric currency codes, as bitmaps. */
static const uint32_t iso3166_numeric[32] = {
	0x91111510, 0x111d1111, 0x14501551, 0x11111111, 0x51111110, 0x9114c444,
	0x44511811, 0x4544c784, 0x00185454, 0x11111111, 0x11115111, 0x11111111,
	0x45114111, 0x45445446, 0x44444444, 0x111d1011, 0x10e91111, 0x44444410,
	0x114087b4, 0x44451111, 0x44d8504c, 0xc0454444, 0x13101047, 0x15111110,
	0x59111111, 0x84040091, 0x54440107, 0x40841000, 0x00000000, 0x00000000,
	0x00000000, 0x00000000,
};
static const uint32_t iso4217_numeric[32] = {
	0x00001100, 0x101d1011, 0x04100111, 0x10101101, 0x11010110, 0x90004400,
	0x40410801, 0x00044140, 0x00004040, 0x00000010, 0x11101111, 0x01011111,
	0x45114110, 0x40044446, 0x00004440, 0x01050011, 0x00301011, 0x00404410,
	0x11404404, 0x04000001, 0x00004048, 0x40440400, 0x01000045, 0x11111000,
	0x00111100, 0x04040081, 0x14000104, 0x00440000, 0xe0000020, 0xfbfdb57f,
	0x473fbfbf, 0x000000a4,
};
/* ISO 3166-1 alpha-2 codes, concatenated in order. */
static const char iso3166_alpha2[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFO"
	"FRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJE"
	"JMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMO"
	"MPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPW"
	"PYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTM"
	"TNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

int trace__is_cset82(int c)
{
	return c > 0 && c < 128 && c != ' ' && strchr(cset82, c) != NULL;
}

static int is_cset39(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '#' || c == '-' || c == '/';
}

static int is_cset64(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '-' || c == '_';
}

int trace__gs1_csum(const char *d, size_t n)
{
	/* Weights 3,1,3,... from the right-most data digit. */
	unsigned sum = 0, w = 3;
	for (size_t i = n; i-- > 0;) {
		sum += (unsigned)(d[i] - '0') * w;
		w = 4 - w;
	}
	return (int)((10 - sum % 10) % 10);
}

int trace__gs1_csum_ok(const char *d, size_t n)
{
	return n >= 2 && trace__gs1_csum(d, n - 1) == d[n - 1] - '0';
}

/* Formats "AI (xx) at position p: ..." as the error detail. */
static int fail(const char *ai, size_t pos, const char *fmt, ...) TRACE__PRINTF(3, 4);
static int fail(const char *ai, size_t pos, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return trace__fail(TRACE_EINVAL, "AI (%s) at position %zu: %s", ai, pos, what);
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}


/* YYMMDD (yy2) or YYYYMMDD; @day0 allows DD=00 ("day not specified"). */
static int check_date(const char *ai, size_t pos, const char *s, size_t n, int day0)
{
	int year = n == 8 ? num(s, 4) : 2000 + num(s, 2); /* leap years agree for 2000-2099 and 1901-1999 */
	int month = num(s + n - 4, 2), day = num(s + n - 2, 2);
	if (month < 1 || month > 12)
		return fail(ai, pos + n - 4, "invalid month %02d in date %.*s", month, (int)n, s);
	if (day == 0 && day0)
		return TRACE_OK;
	if (day < 1 || day > trace__days_in_month(year, month))
		return fail(ai, pos + n - 2, "invalid day %02d in date %.*s%s", day, (int)n, s,
		            day0 ? " (00 means no day)" : "");
	return TRACE_OK;
}

static int in_bitmap(const uint32_t *map, int v)
{
	return v >= 0 && v < 1000 && (map[v / 32] >> (v % 32) & 1);
}

static int check_csumalpha(const char *ai, size_t pos, const char *s, size_t n)
{
	if (n < 2)
		return fail(ai, pos, "too short for a check character pair");
	/* Weights are the primes 2, 3, 5, ... from the right-most data character. */
	static const unsigned primes[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37,
	                                   41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83 };
	size_t m = n - 2;
	if (m > sizeof primes / sizeof primes[0])
		return fail(ai, pos, "too long for a check character pair");
	unsigned sum = 0;
	for (size_t i = 0; i < m; i++)
		sum += (unsigned)(strchr(cset82, s[i]) - cset82) * primes[m - 1 - i];
	sum %= 1021;
	char c1 = cset32[sum >> 5], c2 = cset32[sum & 31];
	if (s[m] != c1 || s[m + 1] != c2)
		return fail(ai, pos + m, "check character pair is \"%c%c\", expected \"%c%c\"", s[m], s[m + 1], c1, c2);
	return TRACE_OK;
}

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static int check_pcenc(const char *ai, size_t pos, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%')
			continue;
		if (i + 2 >= n || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
			return fail(ai, pos + i, "'%%' must start a %%XX escape");
		i += 2;
	}
	return TRACE_OK;
}

/* Applies one linter to component text s[0..n) (already in its character set). */
static int lint(const char *name, size_t nlen, const char *ai, size_t pos, const char *s, size_t n)
{
#define IS(x) (nlen == sizeof(x) - 1 && memcmp(name, x, nlen) == 0)
	if (IS("csum")) {
		if (!trace__gs1_csum_ok(s, n))
			return fail(ai, pos + n - 1, "check digit is %c, expected %d", s[n - 1],
			            trace__gs1_csum(s, n - 1));
	} else if (IS("csumalpha")) {
		return check_csumalpha(ai, pos, s, n);
	} else if (IS("yymmdd") || IS("yymmd0") || IS("yyyymmdd")) {
		return check_date(ai, pos, s, n, IS("yymmd0"));
	} else if (IS("hhmi") || IS("hh")) {
		if (num(s, 2) > 23)
			return fail(ai, pos, "invalid hour %.2s", s);
		if (n == 4 && num(s + 2, 2) > 59)
			return fail(ai, pos + 2, "invalid minute %.2s", s + 2);
	} else if (IS("mi") || IS("ss")) {
		if (num(s, 2) > 59)
			return fail(ai, pos, "invalid %s %.2s", IS("mi") ? "minute" : "second", s);
	} else if (IS("iso3166") || IS("iso3166999")) {
		int v = num(s, 3);
		if (!in_bitmap(iso3166_numeric, v) && !(v == 999 && IS("iso3166999")))
			return fail(ai, pos, "%.3s is not an ISO 3166 country code", s);
	} else if (IS("iso3166list")) {
		if (n % 3 != 0)
			return fail(ai, pos, "expected one to five 3-digit ISO 3166 country codes");
		for (size_t i = 0; i < n; i += 3)
			if (!in_bitmap(iso3166_numeric, num(s + i, 3)))
				return fail(ai, pos + i, "%.3s is not an ISO 3166 country code", s + i);
	} else if (IS("iso3166alpha2")) {
		for (size_t i = 0; i + 1 < sizeof iso3166_alpha2; i += 2)
			if (iso3166_alpha2[i] == s[0] && iso3166_alpha2[i + 1] == s[1])
				return TRACE_OK;
		return fail(ai, pos, "%.2s is not an ISO 3166 alpha-2 country code", s);
	} else if (IS("iso4217")) {
		if (!in_bitmap(iso4217_numeric, num(s, 3)))
			return fail(ai, pos, "%.3s is not an ISO 4217 currency code", s);
	} else if (IS("zero")) {
		if (s[0] != '0')
			return fail(ai, pos, "must be 0");
	} else if (IS("yesno")) {
		if (s[0] != '0' && s[0] != '1')
			return fail(ai, pos, "must be 0 or 1");
	} else if (IS("iso5218")) {
		if (!strchr("0129", s[0]))
			return fail(ai, pos, "must be 0, 1, 2 or 9 (ISO/IEC 5218)");
	} else if (IS("minus")) {
		if (s[0] != '-')
			return fail(ai, pos, "only '-' may follow the value");
	} else if (IS("pieceoftotal")) {
		int piece = num(s, 2), total = num(s + 2, 2);
		if (piece == 0 || total == 0 || piece > total)
			return fail(ai, pos, "piece %02d of total %02d is invalid", piece, total);
	} else if (IS("latlong")) {
		if (num(s, 5) > 18000 || (num(s, 5) == 18000 && num(s + 5, 5) > 0))
			return fail(ai, pos, "latitude out of range");
		if (num(s + 10, 5) > 36000 || (num(s + 10, 5) == 36000 && num(s + 15, 5) > 0))
			return fail(ai, pos + 10, "longitude out of range");
	} else if (IS("birthseq")) {
		if (!(s[0] >= '1' && s[0] <= '9' && s[1] == '/' && s[2] >= '1' && s[2] <= '9' && s[0] <= s[2]))
			return fail(ai, pos, "expected \"n/m\" with 1 <= n <= m <= 9");
	} else if (IS("pcenc")) {
		return check_pcenc(ai, pos, s, n);
	} else {
		return trace__fail(TRACE_EINVAL, "AI (%s): internal error, unknown linter %.*s", ai, (int)nlen, name);
	}
	return TRACE_OK;
#undef IS
}

/* One parsed component of a spec: "N13,csum" or "[X..17]". */
typedef struct comp {
	char cset;
	int variable, optional;
	size_t len;           /* fixed length, or maximum */
	const char *linters;  /* ",a,b" text after the length */
	size_t linters_len;
} comp;

static const char *parse_comp(comp *c, const char *p)
{
	memset(c, 0, sizeof *c);
	if (*p == '[') {
		c->optional = 1;
		p++;
	}
	c->cset = *p++;
	if (p[0] == '.' && p[1] == '.') {
		c->variable = 1;
		p += 2;
	}
	while (*p >= '0' && *p <= '9')
		c->len = c->len * 10 + (size_t)(*p++ - '0');
	c->linters = p;
	while (*p && *p != ' ' && *p != ']')
		p++;
	c->linters_len = (size_t)(p - c->linters);
	if (*p == ']')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

static int check_cset(const comp *c, const char *ai, size_t pos, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)s[i], ok;
		switch (c->cset) {
		case 'N': ok = ch >= '0' && ch <= '9'; break;
		case 'Y': ok = is_cset39(ch); break;
		case 'Z': ok = is_cset64(ch) || (ch == '=' && i > 0); break;
		default: ok = trace__is_cset82(ch); break;
		}
		if (!ok) {
			const char *set = c->cset == 'N' ? "a digit" : c->cset == 'Y' ? "in GS1 character set 39" :
			                  c->cset == 'Z' ? "in GS1 character set 64" : "in GS1 character set 82";
			if (ch >= 0x21 && ch < 0x7f)
				return fail(ai, pos + i, "character '%c' is not %s", ch, set);
			return fail(ai, pos + i, "byte 0x%02x is not %s", ch, set);
		}
	}
	if (c->cset == 'Z') {
		/* '=' is padding: only at the end. */
		const char *eq = memchr(s, '=', n);
		for (const char *q = eq; q && q < s + n; q++)
			if (*q != '=')
				return fail(ai, pos + (size_t)(eq - s), "'=' padding must come last");
	}
	return TRACE_OK;
}

int trace__ai_check_value(const trace__ai_entry *e, const char *ai, const char *value, size_t len,
                          size_t pos, unsigned flags)
{
	const char *p = e->spec;
	size_t at = 0;
	if (len == 0)
		return fail(ai, pos, "empty value");
	while (*p) {
		comp c;
		p = parse_comp(&c, p);
		size_t left = len - at;
		if (left == 0) {
			if (c.optional)
				break;
			return fail(ai, pos + at, "value \"%.*s\" is too short", (int)len, value);
		}
		size_t n = c.variable ? (left < c.len ? left : c.len) : c.len;
		if (n > left)
			return fail(ai, pos + at, "value \"%.*s\" is too short: expected %zu more characters",
			            (int)len, value, n - left);
		int rc = check_cset(&c, ai, pos + at, value + at, n);
		if (rc)
			return rc;
		for (const char *l = c.linters; l < c.linters + c.linters_len;) {
			const char *name = l + 1, *end = name;
			while (end < c.linters + c.linters_len && *end != ',')
				end++;
			rc = lint(name, (size_t)(end - name), ai, pos + at, value + at, n);
			if (rc)
				return rc;
			l = end;
		}
		at += n;
	}
	if (at < len)
		return fail(ai, pos + at, "value is too long (%zu characters, at most %zu)", len, at);
	if ((flags & TRACE_CODE_CN_STRICT) && (strcmp(ai, "10") == 0 || strcmp(ai, "21") == 0)) {
		for (size_t i = 0; i < len; i++)
			if (strchr("%&/<>?", value[i]))
				return fail(ai, pos + i, "character '%c' is not allowed in batch or serial by GB/T 33993",
				            value[i]);
	}
	return TRACE_OK;
}
