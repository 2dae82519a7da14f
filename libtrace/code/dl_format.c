/*
 * code/dl_format: GS1 Digital Link URIs out of an element list: the
 * primary key and its qualifiers in the path, every other AI in the query;
 * and the canonical ledger key of a GS1 code, which is the same URI cut
 * down to the AIs that identify the object.
 */
#include <string.h>

#include "trace/error.h"
#include "code_internal.h"
#include "../error_internal.h"

#define DEFAULT_STEM "https://id.gs1.org"
#define MAX_QUAL 4

int trace__dl_qualifier_path(const trace__ai_entry *pk, int alt, char q[][5], int max)
{
	const char *p = pk->qual ? pk->qual : "";
	for (int a = 0; a < alt; a++) {
		p = strchr(p, '|');
		if (p == NULL)
			return -1;
		p++;
	}
	int n = 0;
	while (*p && *p != '|' && n < max) {
		size_t k = strcspn(p, ",|");
		memset(q[n], 0, 5);
		memcpy(q[n], p, k < 4 ? k : 4);
		n++;
		p += k;
		if (*p == ',')
			p++;
	}
	return n;
}

void trace__pct_encode(trace__sbuf *b, const char *v, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			trace__sbuf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			trace__sbuf_put(b, e, 3);
		}
	}
}

/*
 * Chooses the path: the first primary key, and the qualifier branch that
 * places the most qualifiers while leaving no AI that cannot be a query
 * attribute (unless !strict, for the canonical key, which keeps no
 * attributes).  path[] gets element indices in path order.
 */
static int layout(const trace__elems *l, size_t *path, int *npath, int strict)
{
	long pk = -1;
	for (size_t i = 0; i < l->n && pk < 0; i++)
		if (l->v[i].e->flags & AI_PKEY)
			pk = (long)i;
	if (pk < 0)
		return trace__fail(TRACE_EINVAL, "no GS1 Digital Link primary key (such as 01, 00, 414, 8003, 8004) in the code");
	const trace__ai_entry *e = l->v[pk].e;
	int best = -1, best_score = -1;
	const char *homeless = NULL;
	size_t best_path[MAX_QUAL + 1];
	for (int alt = 0;; alt++) {
		char q[MAX_QUAL][5];
		int nq = trace__dl_qualifier_path(e, alt, q, MAX_QUAL);
		if (nq < 0)
			break;
		size_t cand[MAX_QUAL + 1];
		int placed = 0;
		cand[placed++] = (size_t)pk;
		for (int k = 0; k < nq; k++) {
			long j = trace__elems_find(l, q[k]);
			if (j >= 0)
				cand[placed++] = (size_t)j;
		}
		const char *left = NULL;
		for (size_t i = 0; i < l->n && !left; i++) {
			int in_path = 0;
			for (int k = 0; k < placed; k++)
				in_path |= cand[k] == i;
			if (!in_path && !(l->v[i].e->flags & AI_DLATTR))
				left = l->v[i].ai;
		}
		if (left && !homeless)
			homeless = left;
		if (left && strict)
			continue;
		/* A branch that leaves every other AI placeable wins, then the fuller one. */
		int score = (left ? 0 : 100) + placed;
		if (score > best_score) {
			best = alt;
			best_score = score;
			memcpy(best_path, cand, sizeof cand);
		}
	}
	if (best < 0)
		return trace__fail(TRACE_EINVAL, "AI (%s) cannot appear in a Digital Link with primary key (%s): "
		                   "it is neither a qualifier of that key nor a data attribute", homeless, l->v[pk].ai);
	memcpy(path, best_path, sizeof best_path);
	*npath = best_score % 100;
	return TRACE_OK;
}

static void put_pair(trace__sbuf *b, const trace__elems *l, size_t i)
{
	trace__sbuf_putc(b, '/');
	trace__sbuf_puts(b, l->v[i].ai);
	trace__sbuf_putc(b, '/');
	trace__pct_encode(b, trace__elem_value(l, i), l->v[i].len);
}

static int dl_write(trace__sbuf *b, const trace__elems *l, const char *stem, size_t stem_len)
{
	size_t path[MAX_QUAL + 1];
	int npath = 0;
	int rc = layout(l, path, &npath, 1);
	if (rc)
		return rc;
	trace__sbuf_put(b, stem, stem_len);
	for (int k = 0; k < npath; k++)
		put_pair(b, l, path[k]);
	char sep = '?';
	for (size_t i = 0; i < l->n; i++) {
		int in_path = 0;
		for (int k = 0; k < npath; k++)
			in_path |= path[k] == i;
		if (in_path)
			continue;
		trace__sbuf_putc(b, sep);
		sep = '&';
		trace__sbuf_puts(b, l->v[i].ai);
		trace__sbuf_putc(b, '=');
		trace__pct_encode(b, trace__elem_value(l, i), l->v[i].len);
	}
	return b->oom ? trace__oom() : TRACE_OK;
}

static int stem_ok(const char *stem, size_t len)
{
	const char *p;
	if (strncmp(stem, "https://", 8) == 0)
		p = stem + 8;
	else if (strncmp(stem, "http://", 7) == 0)
		p = stem + 7;
	else
		return 0;
	if (p == stem + len || *p == '/')
		return 0;
	for (; p < stem + len; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("?#\"<>\\^`{|}", *p))
			return 0;
	return 1;
}

int trace_code_digital_link(trace_buf *out, const trace_code *c, const char *stem)
{
	if (out == NULL || c == NULL)
		return trace__fail(TRACE_EINVAL, "trace_code_digital_link: out and code are required");
	if (stem == NULL)
		stem = DEFAULT_STEM;
	size_t stem_len = strlen(stem);
	if (stem_len && stem[stem_len - 1] == '/')
		stem_len--;
	if (!stem_ok(stem, stem_len))
		return trace__fail(TRACE_EINVAL, "Digital Link stem \"%s\" must be http(s)://host[/path] without query or fragment", stem);
	trace__elems l;
	int rc = trace__code_elems(&l, c);
	if (rc)
		return rc;
	trace__sbuf b = TRACE__SBUF_INIT;
	rc = dl_write(&b, &l, stem, stem_len);
	trace__elems_free(&l);
	if (rc) {
		trace__sbuf_free(&b);
		return rc;
	}
	return trace__sbuf_finish(&b, out);
}

/* Whether path qualifier @ai identifies the object (see the rules in code.h). */
static int identity_qualifier(const trace__elems *l, const char *pk, const char *ai)
{
	if (strcmp(pk, "01") != 0 && strcmp(pk, "8006") != 0)
		return 1;
	/* GTIN / ITIP: the finest of serial (21) or TPX (235), else lot (10). */
	int has21 = trace__elems_find(l, "21") >= 0, has235 = trace__elems_find(l, "235") >= 0;
	if (strcmp(ai, "21") == 0 || strcmp(ai, "235") == 0)
		return 1;
	if (strcmp(ai, "10") == 0)
		return !has21 && !has235;
	return 0;
}

int trace__gs1_canonical(trace__sbuf *b, const trace__elems *l)
{
	int has_pk = 0;
	for (size_t i = 0; i < l->n; i++)
		has_pk |= (l->v[i].e->flags & AI_PKEY) != 0;
	if (!has_pk) {
		/* No identity in GS1 terms: the bracketed string stands for itself. */
		for (size_t i = 0; i < l->n; i++) {
			trace__sbuf_printf(b, "(%s)", l->v[i].ai);
			for (const char *p = trace__elem_value(l, i); *p; p++) {
				if (*p == '(')
					trace__sbuf_putc(b, '\\');
				trace__sbuf_putc(b, *p);
			}
		}
		return b->oom ? trace__oom() : TRACE_OK;
	}
	size_t path[MAX_QUAL + 1];
	int npath = 0;
	int rc = layout(l, path, &npath, 0);
	if (rc)
		return rc;
	trace__sbuf_puts(b, DEFAULT_STEM);
	put_pair(b, l, path[0]);
	for (int k = 1; k < npath; k++)
		if (identity_qualifier(l, l->v[path[0]].ai, l->v[path[k]].ai))
			put_pair(b, l, path[k]);
	return b->oom ? trace__oom() : TRACE_OK;
}
