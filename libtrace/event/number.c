/*
 * event/number: the numbers of events (quantities, sensor values).  In the
 * canonical encoding an integral value of magnitude <= 2^53 is a CBOR
 * integer and any other value the shortest IEEE float (half, single, double)
 * that holds it exactly; in JSON, the shortest decimal that reads back exactly.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_internal.h"

double trace__ev_num_normalize(double v)
{
	return v == 0 ? 0.0 : v;
}

void trace__ev_num_format(char *buf, size_t cap, double v)
{
	v = trace__ev_num_normalize(v);
	if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
		snprintf(buf, cap, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, cap, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* The C library writes the locale's decimal point; JSON wants '.'. */
	const char *dp = localeconv()->decimal_point;
	if (dp != NULL && strcmp(dp, ".") != 0 && dp[0] != '\0') {
		char *p = strstr(buf, dp);
		if (p != NULL) {
			size_t dl = strlen(dp);
			*p = '.';
			memmove(p + 1, p + dl, strlen(p + dl) + 1);
		}
	}
}

int trace__ev_f16_exact(double v, uint16_t *bits)
{
	uint16_t sign = signbit(v) ? 0x8000 : 0;
	double a = fabs(v);
	if (isnan(v)) {
		*bits = 0x7e00;
		return 1;
	}
	if (isinf(a)) {
		*bits = sign | 0x7c00;
		return 1;
	}
	if (a == 0) {
		*bits = sign;
		return 1;
	}
	int e;
	(void)frexp(a, &e);
	int E = e - 1; /* a = 1.f * 2^E */
	if (E > 15)
		return 0;
	if (E >= -14) {
		double f = (ldexp(a, -E) - 1.0) * 1024.0;
		if (f != floor(f))
			return 0;
		*bits = (uint16_t)(sign | (uint16_t)((E + 15) << 10) | (uint16_t)f);
		return 1;
	}
	double k = ldexp(a, 24); /* subnormal: k * 2^-24 */
	if (k != floor(k) || k >= 1024)
		return 0;
	*bits = (uint16_t)(sign | (uint16_t)k);
	return 1;
}

double trace__ev_f16_value(uint16_t bits)
{
	int e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
	double v;
	if (e == 0)
		v = ldexp(m, -24);
	else if (e == 31)
		v = m ? NAN : INFINITY;
	else
		v = ldexp(m + 1024, e - 25);
	return (bits & 0x8000) ? -v : v;
}
