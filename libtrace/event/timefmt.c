/*
 * event/timefmt: RFC 3339 times of the JSON form.  Events keep UTC
 * milliseconds; sub-millisecond digits are rounded half up on the fourth
 * fractional digit (the CBV 2.0 event-hash rule), leap seconds are refused.
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "event_internal.h"
#include "../error_internal.h"
#include "../util/text.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}


static int parse_date(const char *s, int64_t *days)
{
	int y, m, d;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > trace__days_in_month(y, m))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int trace__ev_offset_parse(int *out, const char *s)
{
	int h, m;
	if ((s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &h) || s[3] != ':' || digits(s + 4, 2, &m) ||
	    s[6] != '\0' || h > 23 || m > 59)
		return -1;
	*out = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

int trace__ev_time_parse(int64_t *ms, int *offset_min, const char *s)
{
	int64_t days;
	int hh, mi, ss;
	if (strlen(s) < 20 || parse_date(s, &days) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &ss) || hh > 23 || mi > 59 || ss > 59)
		return -1;
	const char *p = s + 19;
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		int n = 0;
		while (*p >= '0' && *p <= '9') {
			if (n < 3)
				frac = frac * 10 + (*p - '0');
			else if (n == 3 && *p >= '5')
				frac++; /* round half up on the fourth digit */
			n++;
			p++;
		}
		if (n == 0)
			return -1;
		for (; n < 3; n++)
			frac *= 10;
	}
	int off;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		off = 0;
	else if (trace__ev_offset_parse(&off, p))
		return -1;
	int64_t t = ((days * 24 + hh) * 60 + mi) * 60 + ss;
	t = t * 1000 + frac - (int64_t)off * 60000;
	if (t < TRACE__EV_TIME_MIN || t > TRACE__EV_TIME_MAX)
		return -1;
	*ms = t;
	if (offset_min)
		*offset_min = off;
	return 0;
}

int trace_event_time_parse(int64_t *time_ms, int *tz_offset_minutes, const char *text)
{
	int64_t ms;
	int off;
	if (text == NULL || time_ms == NULL)
		return trace__fail(TRACE_EINVAL, "trace_event_time_parse: NULL argument");
	if (trace__ev_time_parse(&ms, &off, text))
		return trace__fail(TRACE_EINVAL, "\"%.60s\" is not an RFC 3339 date-time with an offset "
		                   "(such as 2026-11-23T08:00:00+08:00) in the years 0000 to 9999", text);
	*time_ms = ms;
	if (tz_offset_minutes)
		*tz_offset_minutes = off;
	return TRACE_OK;
}

int trace__ev_date_parse(int64_t *ms, const char *s)
{
	int64_t days;
	if (strlen(s) == 10) {
		if (parse_date(s, &days))
			return -1;
		*ms = days * 86400000;
		return 0;
	}
	return trace__ev_time_parse(ms, NULL, s);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void trace__ev_offset_format(char out[8], int offset_min)
{
	int a = offset_min < 0 ? -offset_min : offset_min;
	snprintf(out, 8, "%c%02d:%02d", offset_min < 0 ? '-' : '+', (a / 60) % 100, a % 60);
}

void trace__ev_time_format(char out[40], int64_t ms, int offset_min, int zulu)
{
	int64_t local = ms + (int64_t)offset_min * 60000;
	int64_t days = floordiv(local, 86400000);
	int64_t rem = local - days * 86400000;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	char off[8];
	if (zulu && offset_min == 0)
		strcpy(off, "Z");
	else
		trace__ev_offset_format(off, offset_min);
	snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", y % 10000, m, d,
	         (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000), off);
}

void trace__ev_date_format(char out[40], int64_t ms)
{
	if (ms % 86400000 == 0) {
		int y, m, d;
		civil_from_days(floordiv(ms, 86400000), &y, &m, &d);
		snprintf(out, 40, "%04d-%02d-%02d", y % 10000, m, d);
		return;
	}
	trace__ev_time_format(out, ms, 0, 1);
}
