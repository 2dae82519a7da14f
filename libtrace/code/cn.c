/*
 * code/cn: codes of China's drug and device traceability.
 *
 * NMPA 20-digit drug traceability codes (NMPAB/T 1002, the 码上放心 layout):
 * 20 digits starting with 8, a 7-digit drug identifier (one per product and
 * packaging level) then a 13-digit production part.  Their check character
 * algorithm is not public, so the code is an opaque key: nothing is invented.
 *
 * MA (IDcode) codes: "MA.<country>.<industry>.<org>.<product>" (the DI),
 * then production-identifier segments ".L<lot> .S<serial> .M<made> .D<lot of
 * sterilisation> .V<use by> .E<expiry>" and an optional ".C<check>" whose
 * algorithm is not public (kept, not verified).  The first five segments
 * are the DI; every later one is a PI segment.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"

int trace__parse_nmpa(trace_code **out, const char *s, size_t len)
{
	for (size_t i = 0; i < len && i < 20; i++)
		if (s[i] < '0' || s[i] > '9')
			return trace__fail(TRACE_EINVAL, "NMPA code at position %zu: '%c' is not a digit", i,
			                   s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?');
	if (len != 20)
		return trace__fail(TRACE_EINVAL, "NMPA code: expected 20 digits, got %zu", len);
	if (s[0] != '8')
		return trace__fail(TRACE_EINVAL, "NMPA code at position 0: must start with 8, not %c", s[0]);
	trace__codeb b;
	trace__codeb_init(&b);
	trace__codeb_field(&b, "drug_id", s, 7);
	trace__codeb_field(&b, "production", s + 7, 13);
	return trace__codeb_finish(out, &b, TRACE_CODE_NMPA, TRACE_CODE_FORM_NMPA, s, 20);
}

static int alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* YYMMDD or YYYYMMDD. */
static int date_ok(const char *v, size_t n)
{
	if ((n != 6 && n != 8) || !trace__is_digits(v, n))
		return 0;
	int m = (v[n - 4] - '0') * 10 + v[n - 3] - '0', d = (v[n - 2] - '0') * 10 + v[n - 1] - '0';
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

#define MA_MAX_SEGS 16

int trace__parse_ma(trace_code **out, const char *s, size_t len)
{
	size_t off[MA_MAX_SEGS], sl[MA_MAX_SEGS];
	int n = 0;
	for (size_t i = 0;;) {
		size_t j = i;
		while (j < len && s[j] != '.')
			j++;
		if (n == MA_MAX_SEGS)
			return trace__fail(TRACE_EINVAL, "MA code at position %zu: more than %d segments", i, MA_MAX_SEGS);
		if (j == i)
			return trace__fail(TRACE_EINVAL, "MA code at position %zu: empty segment", i);
		off[n] = i;
		sl[n++] = j - i;
		if (j == len)
			break;
		i = j + 1;
	}
	if (sl[0] != 2 || (s[0] != 'M' && s[0] != 'm') || (s[1] != 'A' && s[1] != 'a'))
		return trace__fail(TRACE_EINVAL, "MA code at position 0: must start with \"MA.\"");
	if (n < 4)
		return trace__fail(TRACE_EINVAL, "MA code: expected MA.<country>.<code>.<code>..., got %d segments", n);
	if (sl[1] != 3 || !trace__is_digits(s + off[1], 3))
		return trace__fail(TRACE_EINVAL, "MA code at position %zu: country must be 3 digits (ISO 3166 numeric)", off[1]);
	int ndi = n < 5 ? n : 5;
	for (int k = 2; k < ndi; k++)
		for (size_t i = 0; i < sl[k]; i++)
			if (!alnum((unsigned char)s[off[k] + i]))
				return trace__fail(TRACE_EINVAL, "MA code at position %zu: DI segments hold letters and digits only", off[k] + i);

	trace__codeb b;
	trace__codeb_init(&b);
	size_t di_len = off[ndi - 1] + sl[ndi - 1];
	char di[TRACE__CODE_MAX_TEXT + 1];
	memcpy(di, s, di_len);
	di[0] = 'M';
	di[1] = 'A';
	trace__codeb_field(&b, "di", di, di_len);
	trace__codeb_field(&b, "country", s + off[1], sl[1]);
	if (ndi == 5) {
		trace__codeb_field(&b, "industry", s + off[2], sl[2]);
		trace__codeb_field(&b, "org", s + off[3], sl[3]);
		trace__codeb_field(&b, "product", s + off[4], sl[4]);
	}
	int serial = -1, lot = -1;
	char seen[8] = { 0 };
	for (int k = 5; k < n; k++) {
		const char *v = s + off[k] + 1;
		size_t vl = sl[k] - 1;
		char id = s[off[k]];
		const char *known = strchr("LSMDVEC", id);
		if (id == 0 || known == NULL) {
			trace__codeb_free(&b);
			return trace__fail(TRACE_EINVAL, "MA code at position %zu: unknown segment '%c' (expected L, S, M, D, V, E or C)",
			                   off[k], id > 0x20 && id < 0x7f ? id : '?');
		}
		int rc = TRACE_OK;
		if (seen[known - "LSMDVEC"]++)
			rc = trace__fail(TRACE_EINVAL, "MA code at position %zu: segment '%c' repeated", off[k], id);
		else if (vl == 0)
			rc = trace__fail(TRACE_EINVAL, "MA code at position %zu: segment '%c' is empty", off[k], id);
		else if ((id == 'M' || id == 'V' || id == 'E') && !date_ok(v, vl))
			rc = trace__fail(TRACE_EINVAL, "MA code at position %zu: segment '%c' must be a date YYMMDD or YYYYMMDD", off[k] + 1, id);
		for (size_t i = 0; i < vl && rc == TRACE_OK; i++)
			if (!alnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
				rc = trace__fail(TRACE_EINVAL, "MA code at position %zu: character not allowed in segment '%c'", off[k] + 1 + i, id);
		if (rc) {
			trace__codeb_free(&b);
			return rc;
		}
		char name[2] = { id, 0 };
		trace__codeb_field(&b, name, v, vl);
		if (id == 'S')
			serial = k;
		if (id == 'L')
			lot = k;
	}
	/* Identity: the DI, narrowed by the serial, else by the lot. */
	size_t cl = di_len;
	char canon[TRACE__CODE_MAX_TEXT + 1];
	memcpy(canon, di, di_len);
	int pick = serial >= 0 ? serial : lot;
	if (pick >= 0) {
		canon[cl++] = '.';
		memcpy(canon + cl, s + off[pick], sl[pick]);
		cl += sl[pick];
	}
	return trace__codeb_finish(out, &b, TRACE_CODE_MA, TRACE_CODE_FORM_MA, canon, cl);
}
