/*
 * event/json_read: the EPCIS 2.0 JSON-LD event object in, through jansson
 * (Debian's libjansson; the only file besides ext.c that parses JSON).
 * Every refusal names the JSON path of the offending field, such as
 * "eventList[2].epcList[0]".  Values go through the builder's setters, so
 * they are checked and canonicalised exactly as for events built in C.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define PATH_MAX_LEN 320

typedef struct jrd {
	const json_t *ctx[8];  /* @context objects in scope: prefix -> IRI */
	int nctx;
} jrd;

/* Paths are cut at PATH_MAX_LEN - 1 bytes: they name a field in a message only. */
static void sub(char *out, const char *path, const char *field)
{
	size_t n = strlen(path), f = strlen(field);
	if (n > PATH_MAX_LEN - 2)
		n = PATH_MAX_LEN - 2;
	memcpy(out, path, n);
	if (n)
		out[n++] = '.';
	if (f > PATH_MAX_LEN - 1 - n)
		f = PATH_MAX_LEN - 1 - n;
	memcpy(out + n, field, f);
	out[n + f] = '\0';
}

static void idx(char *out, const char *path, size_t i)
{
	char num[24];
	int k = snprintf(num, sizeof num, "[%zu]", i);
	size_t n = strlen(path);
	if (n > PATH_MAX_LEN - 1 - (size_t)k)
		n = PATH_MAX_LEN - 1 - (size_t)k;
	memcpy(out, path, n);
	memcpy(out + n, num, (size_t)k + 1);
}

static int jfail(const char *path, const char *fmt, ...) TRACE__PRINTF(2, 3);
static int jfail(const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return trace__fail(TRACE_EINVAL, "%s: %s", *path ? path : "event", msg);
}

/* After a setter failed: name where in the JSON it was. */
static int at(const char *path, int rc)
{
	if (rc != TRACE_OK && rc != TRACE_ENOMEM && *path)
		trace__error_prefix("%s", path);
	return rc;
}

static const char *jstr(const json_t *v, const char *path, int *rc)
{
	if (!json_is_string(v)) {
		*rc = jfail(path, "expected a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		*rc = jfail(path, "string contains a NUL character");
		return NULL;
	}
	*rc = TRACE_OK;
	return s;
}

static int jnum(double *out, const json_t *v, const char *path)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i > 9007199254740992LL || i < -9007199254740992LL)
			return jfail(path, "integer beyond 2^53 cannot be held exactly");
		*out = (double)i;
		return TRACE_OK;
	}
	if (json_is_real(v)) {
		*out = trace__ev_num_normalize(json_real_value(v));
		return TRACE_OK;
	}
	return jfail(path, "expected a number");
}

static int jhex(uint8_t *out, size_t n, const json_t *v, const char *path)
{
	int rc;
	const char *s = jstr(v, path, &rc);
	if (s == NULL)
		return rc;
	if (strlen(s) != 2 * n)
		return jfail(path, "expected %zu lowercase hex digits", 2 * n);
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return jfail(path, "expected lowercase hex digits");
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(d << 4);
		else
			out[i / 2] |= (uint8_t)d;
	}
	return TRACE_OK;
}

static int jtime(int64_t *ms, const json_t *v, const char *path)
{
	int rc;
	const char *s = jstr(v, path, &rc);
	if (s == NULL)
		return rc;
	if (trace__ev_time_parse(ms, NULL, s))
		return jfail(path, "\"%.60s\" is not an RFC 3339 date-time with offset in the years 0000-9999", s);
	return TRACE_OK;
}

static int jarray(const json_t *v, const char *path)
{
	return json_is_array(v) ? TRACE_OK : jfail(path, "expected an array");
}

static int jobject(const json_t *v, const char *path)
{
	return json_is_object(v) ? TRACE_OK : jfail(path, "expected an object");
}

/* ---- @context and extension keys ---- */

static void push_ctx(jrd *j, const json_t *c)
{
	if (json_is_object(c)) {
		if (j->nctx < 8)
			j->ctx[j->nctx++] = c;
	} else if (json_is_array(c)) {
		for (size_t i = 0; i < json_array_size(c); i++)
			if (json_is_object(json_array_get(c, i)) && j->nctx < 8)
				j->ctx[j->nctx++] = json_array_get(c, i);
	}
}

/*
 * What the in-document contexts bind @term to: a prefix or term mapped to an
 * IRI, or a term definition with "@id".  NULL when unbound, bound to null or
 * to a keyword ("id": "@id"); the innermost context wins, as in JSON-LD.
 */
static const char *ctx_lookup(const jrd *j, const char *term, size_t len)
{
	for (int i = j->nctx - 1; i >= 0; i--) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j->ctx[i], k, v) {
			if (strlen(k) != len || memcmp(k, term, len) != 0)
				continue;
			if (json_is_object(v))
				v = json_object_get(v, "@id");
			const char *iri = json_is_string(v) ? json_string_value(v) : NULL;
			return iri && *iri != '@' ? iri : NULL;
		}
	}
	return NULL;
}

/*
 * JSON-LD IRI expansion against the in-document contexts: a whole term the
 * context defines (only when @terms: keys and vocabulary values), else a
 * compact IRI "prefix:suffix" whose prefix it binds.  Prefixes only the
 * standard EPCIS context binds (cbv:, gs1:, cbvmda:) are left compact: the
 * JSON that libtrace writes declares that context.  A result that is itself
 * a compact IRI is expanded again, a few levels deep.
 */
static int expand_iri(char **out, const jrd *j, const char *s, int terms)
{
	*out = NULL;
	char *cur = trace__strdup(s);
	if (cur == NULL)
		return trace__oom();
	for (int depth = 0; depth < 4; depth++) {
		const char *iri = terms ? ctx_lookup(j, cur, strlen(cur)) : NULL;
		const char *rest = "";
		const char *colon = strchr(cur, ':');
		if (iri == NULL && colon != NULL && colon != cur && strncmp(colon, "://", 3) != 0 &&
		    !(colon - cur == 1 && *cur == '_')) {
			iri = ctx_lookup(j, cur, (size_t)(colon - cur));
			rest = colon + 1;
		}
		if (iri == NULL || strcmp(iri, cur) == 0)
			break;
		size_t il = strlen(iri), rl = strlen(rest);
		char *e = trace__malloc(il + rl + 1);
		if (e == NULL) {
			trace__free(cur);
			return trace__oom();
		}
		memcpy(e, iri, il);
		memcpy(e + il, rest, rl + 1);
		trace__free(cur);
		cur = e;
		terms = 0; /* a term's IRI is not looked up as a term again */
	}
	*out = cur;
	return TRACE_OK;
}

/*
 * A key of an extension member: a defined term or a compact IRI, expanded;
 * else, when the @context sets "@vocab", a plain key is relative to it.
 */
static int expand_key(char **out, const jrd *j, const char *key)
{
	int rc = expand_iri(out, j, key, 1);
	const char *vocab = rc == TRACE_OK && *key != '@' && strchr(*out, ':') == NULL
	                  ? ctx_lookup(j, "@vocab", 6) : NULL;
	if (vocab == NULL)
		return rc;
	size_t vl = strlen(vocab), kl = strlen(*out);
	char *e = trace__malloc(vl + kl + 1);
	if (e != NULL) {
		memcpy(e, vocab, vl);
		memcpy(e + vl, *out, kl + 1);
	}
	trace__free(*out);
	*out = e;
	return e ? TRACE_OK : trace__oom();
}

/* The libtrace field name of @key ("prev" for "libtrace:prev" or the full IRI), or NULL. */
static const char *libtrace_name(const char *key, const char *expanded)
{
	/* A document that binds "libtrace" itself means its own IRI. */
	if (strcmp(key, expanded) == 0 && strncmp(key, "libtrace:", 9) == 0)
		return key + 9;
	size_t n = strlen(TRACE__EV_NS);
	if (strncmp(expanded, TRACE__EV_NS, n) == 0)
		return expanded + n;
	return NULL;
}

/*
 * A copy of an extension value with the keys of nested objects expanded as
 * the member's own key is, so that nothing nested keeps a prefix only the
 * input's @context defined.  Keywords ("@id", "@value") and plain keys stay.
 */
static int expand_tree(json_t **out, const jrd *j, const json_t *v, const char *path)
{
	*out = NULL;
	if (json_is_array(v)) {
		json_t *a = json_array();
		if (a == NULL)
			return trace__oom();
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *x;
			int rc = expand_tree(&x, j, json_array_get(v, i), path);
			if (rc == TRACE_OK && json_array_append_new(a, x) != 0)
				rc = trace__oom();
			if (rc) {
				json_decref(a);
				return rc;
			}
		}
		*out = a;
		return TRACE_OK;
	}
	if (!json_is_object(v)) {
		*out = json_copy((json_t *)v);
		return *out ? TRACE_OK : trace__oom();
	}
	json_t *o = json_object();
	if (o == NULL)
		return trace__oom();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x) {
		char *e = NULL;
		json_t *c = NULL;
		int rc = *k == '@' ? ((e = trace__strdup(k)) ? TRACE_OK : trace__oom()) : expand_key(&e, j, k);
		if (rc == TRACE_OK && json_object_get(o, e) != NULL)
			rc = jfail(path, "nested member \"%.100s\" appears twice once its prefix is expanded", e);
		if (rc == TRACE_OK)
			rc = expand_tree(&c, j, x, path);
		if (rc == TRACE_OK && json_object_set_new(o, e, c) != 0)
			rc = trace__oom();
		trace__free(e);
		if (rc) {
			json_decref(o);
			return rc;
		}
	}
	*out = o;
	return TRACE_OK;
}

static int ext_value(const jrd *j, trace__extv *e, const char *key, const json_t *v, const char *path)
{
	if (json_is_string(v)) {
		int rc;
		const char *s = jstr(v, path, &rc);
		return s ? trace__extv_push(e, key, s, 0) : rc;
	}
	json_t *x = NULL;
	char *c = NULL;
	int rc = expand_tree(&x, j, v, path);
	if (rc == TRACE_OK)
		rc = trace__ev_json_canonical(&c, x);
	if (rc == TRACE_OK)
		rc = trace__extv_push(e, key, c, 1);
	trace__free(c);
	json_decref(x);
	return rc;
}

/*
 * One extension member.  When @namespaced, the key must be, or expand to, an
 * IRI: a compact IRI or a term the @context defines.  Otherwise (the open
 * members of sensorMetadata and sensorReport) plain keys are kept as they are
 * and only compact IRIs are expanded.
 */
static int add_ext(const jrd *j, trace__extv *e, const char *key, const json_t *v, const char *path,
                   int namespaced)
{
	if (!trace__ev_text_ok(key, strlen(key)) || *key == '\0')
		return jfail(path, "bad field name");
	char *k = NULL;
	int rc = namespaced || strchr(key, ':') ? expand_key(&k, j, key)
	                                        : ((k = trace__strdup(key)) ? TRACE_OK : trace__oom());
	if (rc)
		return rc;
	if (namespaced && strchr(k, ':') == NULL)
		rc = jfail(path, "unknown field (extension fields are namespaced, prefix:name, or terms the @context defines)");
	else if (strchr(k, ':') && !trace__ev_is_uri(k))
		rc = jfail(path, "extension key is not a namespaced name or URI");
	if (rc == TRACE_OK)
		rc = ext_value(j, e, k, v, path);
	trace__free(k);
	return rc;
}

/*
 * A value JSON-LD would read as an IRI (identifiers; with @vocab also
 * vocabulary terms), expanded against the in-document contexts.  The caller
 * frees *out.
 */
static int xval(char **out, const jrd *j, const json_t *v, const char *path, int vocab)
{
	int rc;
	const char *s = jstr(v, path, &rc);
	*out = NULL;
	return s ? expand_iri(out, j, s, vocab) : rc;
}

/* ---- lists ---- */

static int read_codes(const jrd *j, trace_event *ev, int role, const json_t *v, const char *path)
{
	int rc = jarray(v, path);
	for (size_t i = 0; rc == TRACE_OK && i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN], *s = NULL;
		idx(p, path, i);
		if ((rc = xval(&s, j, json_array_get(v, i), p, 0)) == TRACE_OK)
			rc = at(p, trace_event_add_code(ev, role, s));
		trace__free(s);
	}
	return rc;
}

static int read_quantities(const jrd *j, trace_event *ev, int role, const json_t *v, const char *path)
{
	int rc = jarray(v, path);
	for (size_t i = 0; rc == TRACE_OK && i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN], f[PATH_MAX_LEN];
		const json_t *q = json_array_get(v, i);
		idx(p, path, i);
		if ((rc = jobject(q, p)))
			break;
		const char *uom = NULL, *k;
		char *cls = NULL;
		double qty = NAN;
		json_t *x;
		json_object_foreach((json_t *)q, k, x) {
			sub(f, p, k);
			if (strcmp(k, "epcClass") == 0) {
				trace__free(cls);
				rc = xval(&cls, j, x, f, 0);
			} else if (strcmp(k, "quantity") == 0)
				rc = jnum(&qty, x, f);
			else if (strcmp(k, "uom") == 0)
				uom = jstr(x, f, &rc);
			else
				rc = jfail(f, "unknown field of a quantity element");
			if (rc) {
				trace__free(cls);
				return rc;
			}
		}
		if (cls == NULL)
			return jfail(p, "epcClass is required");
		rc = at(p, trace_event_add_quantity(ev, role, cls, qty, uom));
		trace__free(cls);
	}
	return rc;
}

static int read_location(const jrd *j, trace_event *ev, int bizloc, const json_t *v, const char *path)
{
	int rc = jobject(v, path);
	const char *k;
	char *id = NULL;
	json_t *x;
	if (rc)
		return rc;
	json_object_foreach((json_t *)v, k, x) {
		char f[PATH_MAX_LEN];
		sub(f, path, k);
		if (strcmp(k, "id") == 0)
			rc = xval(&id, j, x, f, 0);
		else
			rc = add_ext(j, bizloc ? &ev->biz_location_ext : &ev->read_point_ext, k, x, f, 1);
		if (rc) {
			trace__free(id);
			return rc;
		}
	}
	if (id == NULL)
		return jfail(path, "id is required");
	rc = at(path, bizloc ? trace_event_set_biz_location(ev, id) : trace_event_set_read_point(ev, id));
	trace__free(id);
	return rc;
}

static int read_pairs(const jrd *j, trace_event *ev, int kind, const json_t *v, const char *path)
{
	const char *idname = kind == TRACE_PARTY_SOURCE ? "source"
	                   : kind == TRACE_PARTY_DESTINATION ? "destination" : "bizTransaction";
	int rc = jarray(v, path);
	for (size_t i = 0; rc == TRACE_OK && i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN], f[PATH_MAX_LEN];
		const json_t *e = json_array_get(v, i);
		idx(p, path, i);
		if ((rc = jobject(e, p)))
			break;
		char *type = NULL, *id = NULL;
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)e, k, x) {
			sub(f, p, k);
			if (strcmp(k, "type") == 0 && type == NULL)
				rc = xval(&type, j, x, f, 1);
			else if (strcmp(k, idname) == 0 && id == NULL)
				rc = xval(&id, j, x, f, 0);
			else
				rc = jfail(f, "unknown field");
			if (rc)
				break;
		}
		if (rc == TRACE_OK && id == NULL)
			rc = jfail(p, "%s is required", idname);
		else if (rc == TRACE_OK && kind == 0)
			rc = at(p, trace_event_add_biz_transaction(ev, type, id));
		else if (rc == TRACE_OK && type == NULL)
			rc = jfail(p, "type is required");
		else if (rc == TRACE_OK)
			rc = at(p, trace_event_add_party(ev, kind, type, id));
		trace__free(type);
		trace__free(id);
	}
	return rc;
}

static int read_strings(trace__strv *out, const json_t *v, const char *path, int allow_single)
{
	int rc;
	if (allow_single && json_is_string(v)) {
		const char *s = jstr(v, path, &rc);
		if (s && !trace__ev_is_uri(s))
			return jfail(path, "not an absolute URI");
		return s ? trace__strv_push(out, s) : rc;
	}
	if ((rc = jarray(v, path)))
		return rc;
	for (size_t i = 0; i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN];
		idx(p, path, i);
		const char *s = jstr(json_array_get(v, i), p, &rc);
		if (s == NULL)
			return rc;
		if (!trace__ev_is_uri(s))
			return jfail(p, "not an absolute URI");
		if ((rc = trace__strv_push(out, s)))
			return rc;
	}
	return TRACE_OK;
}

static int read_persistent(const jrd *j, trace_event *ev, const json_t *v, const char *path)
{
	int rc = jobject(v, path);
	const char *k;
	json_t *x;
	if (rc)
		return rc;
	json_object_foreach((json_t *)v, k, x) {
		char f[PATH_MAX_LEN];
		sub(f, path, k);
		int unset = strcmp(k, "unset") == 0;
		if (!unset && strcmp(k, "set") != 0)
			return jfail(f, "unknown field (set, unset)");
		if ((rc = jarray(x, f)))
			return rc;
		for (size_t i = 0; i < json_array_size(x); i++) {
			char p[PATH_MAX_LEN];
			idx(p, f, i);
			char *s = NULL, *n = NULL;
			if ((rc = xval(&s, j, json_array_get(x, i), p, 1)))
				return rc;
			rc = at(p, trace__cbv_normalize(&n, TRACE__CBV_DISP, s, "disposition"));
			trace__free(s);
			if (rc)
				return rc;
			rc = trace__strv_push(unset ? &ev->pd_unset : &ev->pd_set, n);
			trace__free(n);
			if (rc)
				return rc;
		}
	}
	return TRACE_OK;
}

/*
 * A member of sensorMetadata or sensorReport that libtrace does not model.
 * The standard ones whose values the EPCIS context types as IRIs have those
 * values expanded like identifiers (deviceID) or vocabulary terms (component).
 */
static int add_open(const jrd *j, trace__extv *e, const char *key, const json_t *v, const char *path)
{
	static const char *const ids[] = {
		"deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules", "microorganism",
		"chemicalSubstance", "coordinateReferenceSystem", "uriValue", NULL
	};
	int vocab = strcmp(key, "component") == 0 || strcmp(key, "exception") == 0, id = 0;
	for (int i = 0; ids[i]; i++)
		id |= strcmp(key, ids[i]) == 0;
	if (!json_is_string(v) || !(vocab || id))
		return add_ext(j, e, key, v, path, 0);
	char *x = NULL;
	int rc = xval(&x, j, v, path, vocab);
	if (rc == TRACE_OK)
		rc = trace__extv_push(e, key, x, 0);
	trace__free(x);
	return rc;
}

static int read_report(const jrd *j, trace_event *ev, trace__sensor *s, const json_t *v, const char *path)
{
	int rc = jobject(v, path);
	if (rc)
		return rc;
	trace__report *r = trace__ev_new_report(ev, s);
	if (r == NULL)
		return TRACE_ENOMEM;
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x) {
		char f[PATH_MAX_LEN];
		sub(f, path, k);
		int num = -1;
		for (int i = 0; i < TRACE__EV_SR_NUM; i++)
			if (strcmp(k, trace__ev_sr_json[i]) == 0)
				num = i;
		if (num >= 0) {
			if ((rc = jnum(&r->num[num], x, f)) == TRACE_OK && !isfinite(r->num[num]))
				rc = jfail(f, "not finite");
		} else if (strcmp(k, "type") == 0) {
			char *t = NULL;
			if ((rc = xval(&t, j, x, f, 1)) == TRACE_OK)
				rc = at(f, trace__ev_sensor_type(&r->type, t, "type"));
			trace__free(t);
		} else if (strcmp(k, "uom") == 0) {
			const char *u = jstr(x, f, &rc);
			if (u && !trace__ev_uom_ok(u))
				rc = jfail(f, "\"%.20s\" is not a UN/CEFACT code (2-3 of A-Z 0-9)", u);
			else if (u && (r->uom = trace__strdup(u)) == NULL)
				rc = trace__oom();
		} else if (strcmp(k, "time") == 0) {
			rc = jtime(&r->time, x, f);
		} else {
			rc = add_open(j, &r->ext, k, x, f);
		}
		if (rc)
			return rc;
	}
	return TRACE_OK;
}

static int read_sensors(const jrd *j, trace_event *ev, const json_t *v, const char *path)
{
	int rc = jarray(v, path);
	for (size_t i = 0; rc == TRACE_OK && i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN];
		const json_t *e = json_array_get(v, i);
		idx(p, path, i);
		if ((rc = jobject(e, p)))
			break;
		trace__sensor *s = trace__ev_new_sensor(ev);
		if (s == NULL)
			return TRACE_ENOMEM;
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)e, k, x) {
			char f[PATH_MAX_LEN];
			sub(f, p, k);
			if (strcmp(k, "sensorMetadata") == 0) {
				const char *mk;
				json_t *mx;
				if ((rc = jobject(x, f)))
					return rc;
				json_object_foreach(x, mk, mx) {
					char g[PATH_MAX_LEN];
					sub(g, f, mk);
					if ((rc = add_open(j, &s->meta, mk, mx, g)))
						return rc;
				}
			} else if (strcmp(k, "sensorReport") == 0) {
				if ((rc = jarray(x, f)))
					return rc;
				for (size_t r = 0; r < json_array_size(x); r++) {
					char g[PATH_MAX_LEN];
					idx(g, f, r);
					if ((rc = read_report(j, ev, s, json_array_get(x, r), g)))
						return rc;
				}
			} else if ((rc = add_ext(j, &s->ext, k, x, f, 1))) {
				return rc;
			}
		}
		if (s->n == 0)
			return jfail(p, "sensorReport is required");
	}
	return rc;
}

/*
 * Whether an ILMD key names the CBV master-data attribute @name.  "cbvmda:"
 * counts only while the document leaves the prefix to the standard context;
 * a document that rebinds it means its own IRI.
 */
static int ilmd_name(const char *key, const char *expanded, const char *name)
{
	static const char *const ns[] = { "cbvmda:", "urn:epcglobal:cbv:mda:", "urn:epcglobal:cbv:mda#", NULL };
	(void)key;
	for (int i = 0; ns[i]; i++) {
		size_t n = strlen(ns[i]);
		if (strncmp(expanded, ns[i], n) == 0 && strcmp(expanded + n, name) == 0)
			return 1;
	}
	return 0;
}

static int read_ilmd(const jrd *j, trace_event *ev, const json_t *v, const char *path)
{
	int rc = jobject(v, path);
	const char *k, *lot = NULL;
	int64_t prod = TRACE__EV_NO_TIME, exp = TRACE__EV_NO_TIME;
	json_t *x;
	if (rc)
		return rc;
	json_object_foreach((json_t *)v, k, x) {
		char f[PATH_MAX_LEN], *e = NULL;
		sub(f, path, k);
		if ((rc = expand_key(&e, j, k)))
			return rc;
		const char *lt = libtrace_name(k, e);
		int64_t *date = NULL;
		if (ilmd_name(k, e, "lotNumber"))
			lot = jstr(x, f, &rc);
		else if (ilmd_name(k, e, "itemExpirationDate"))
			date = &exp;
		else if (lt != NULL && strcmp(lt, "productionDate") == 0)
			date = &prod;
		else
			rc = add_ext(j, &ev->ilmd_ext, k, x, f, 1);
		if (rc == TRACE_OK && date != NULL) {
			const char *s = jstr(x, f, &rc);
			if (s && trace__ev_date_parse(date, s))
				rc = jfail(f, "\"%.40s\" is not a date (YYYY-MM-DD) or RFC 3339 date-time", s);
		}
		trace__free(e);
		if (rc)
			return rc;
	}
	if (lot != NULL && *lot == '\0')
		return jfail(path, "lotNumber is empty");
	rc = at(path, trace_event_set_lot(ev, lot, prod, exp));
	ev->has_ilmd = lot || prod != TRACE__EV_NO_TIME || exp != TRACE__EV_NO_TIME || ev->ilmd_ext.n;
	return rc;
}

static int read_error(const jrd *j, trace_event *ev, const json_t *v, const char *path)
{
	int rc = jobject(v, path);
	const char *k;
	json_t *x;
	if (rc)
		return rc;
	ev->has_error = 1;
	json_object_foreach((json_t *)v, k, x) {
		char f[PATH_MAX_LEN], *e = NULL;
		sub(f, path, k);
		if ((rc = expand_key(&e, j, k)))
			return rc;
		const char *lt = libtrace_name(k, e);
		if (strcmp(k, "declarationTime") == 0) {
			rc = jtime(&ev->err_time, x, f);
		} else if (strcmp(k, "reason") == 0) {
			char *s = NULL;
			if ((rc = xval(&s, j, x, f, 1)) == TRACE_OK)
				rc = at(f, trace__cbv_normalize(&ev->err_reason, TRACE__CBV_ER, s, "reason"));
			trace__free(s);
		} else if (strcmp(k, "correctiveEventIDs") == 0) {
			rc = read_strings(&ev->err_corrective, x, f, 0);
		} else if (lt != NULL && strcmp(lt, "corrects") == 0) {
			if ((rc = jhex(ev->err_hash, TRACE__EV_HASH, x, f)) == TRACE_OK)
				ev->err_hash_len = TRACE__EV_HASH;
		} else {
			rc = add_ext(j, &ev->err_ext, k, x, f, 1);
		}
		trace__free(e);
		if (rc)
			return rc;
	}
	if (ev->err_time == TRACE__EV_NO_TIME)
		return jfail(path, "declarationTime is required");
	return TRACE_OK;
}

/* ---- libtrace extensions ---- */

static int read_hashrefs(trace_event *ev, int attachments, const json_t *v, const char *path)
{
	int rc = jarray(v, path);
	for (size_t i = 0; rc == TRACE_OK && i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN], f[PATH_MAX_LEN];
		const json_t *e = json_array_get(v, i);
		idx(p, path, i);
		if ((rc = jobject(e, p)))
			break;
		uint8_t h[TRACE__EV_HASH];
		int have = 0;
		const char *a = NULL, *b = NULL, *k;
		json_t *x;
		json_object_foreach((json_t *)e, k, x) {
			sub(f, p, k);
			if (strcmp(k, attachments ? "sha256" : "hash") == 0) {
				rc = jhex(h, sizeof h, x, f);
				have = 1;
			} else if (strcmp(k, attachments ? "uri" : "origin") == 0) {
				a = jstr(x, f, &rc);
			} else if (attachments && strcmp(k, "mediaType") == 0) {
				b = jstr(x, f, &rc);
			} else {
				rc = jfail(f, "unknown field");
			}
			if (rc)
				return rc;
		}
		if (!have)
			return jfail(p, "%s is required", attachments ? "sha256" : "hash");
		rc = at(p, attachments ? trace_event_add_attachment(ev, h, sizeof h, a, b)
		                       : trace_event_add_prev(ev, h, sizeof h, a));
	}
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int read_private(trace_event *ev, const json_t *v, const char *path)
{
	int rc = jobject(v, path);
	if (rc)
		return rc;
	size_t n = json_object_size(v), i = 0;
	const char **keys = trace__malloc((n ? n : 1) * sizeof *keys);
	if (keys == NULL)
		return trace__oom();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
		keys[i++] = k;
	qsort(keys, n, sizeof *keys, key_cmp); /* deterministic order: by name */
	for (i = 0; rc == TRACE_OK && i < n; i++) {
		char f[PATH_MAX_LEN];
		sub(f, path, keys[i]);
		const char *s = jstr(json_object_get(v, keys[i]), f, &rc);
		if (s)
			rc = at(f, trace_event_add_private(ev, keys[i], s));
	}
	trace__free(keys);
	return rc;
}

static int read_commitments(trace_event *ev, const json_t *v, const char *path)
{
	int rc = jarray(v, path);
	for (size_t i = 0; rc == TRACE_OK && i < json_array_size(v); i++) {
		char p[PATH_MAX_LEN], f[PATH_MAX_LEN];
		const json_t *e = json_array_get(v, i);
		idx(p, path, i);
		if ((rc = jobject(e, p)))
			break;
		uint8_t c[TRACE__EV_HASH];
		int have = 0;
		const char *name = NULL, *k;
		json_t *x;
		json_object_foreach((json_t *)e, k, x) {
			sub(f, p, k);
			if (strcmp(k, "name") == 0)
				name = jstr(x, f, &rc);
			else if (strcmp(k, "commitment") == 0)
				have = (rc = jhex(c, sizeof c, x, f)) == TRACE_OK;
			else
				rc = jfail(f, "unknown field");
			if (rc)
				return rc;
		}
		if (name == NULL || !have)
			return jfail(p, "name and commitment are required");
		rc = at(p, trace__ev_add_commitment(ev, name, c, sizeof c));
	}
	return rc;
}

/* ---- the event object ---- */

static const char *const type_names[] = {
	NULL, "ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent",
	"AssociationEvent"
};

/* Which fields each type has (bit per type). */
#define T_OBJ (1 << TRACE_EVENT_OBJECT)
#define T_AGG (1 << TRACE_EVENT_AGGREGATION)
#define T_TRF (1 << TRACE_EVENT_TRANSFORMATION)
#define T_TRX (1 << TRACE_EVENT_TRANSACTION)
#define T_ASC (1 << TRACE_EVENT_ASSOCIATION)

static int field_ok(int type, int mask, const char *f)
{
	if (mask & (1 << type))
		return TRACE_OK;
	return jfail(f, "not a field of %s", type_names[type]);
}

static int read_field(const jrd *j, trace_event *ev, const char *k, const json_t *x, const char *f,
                      int *tz_seen)
{
	int rc = TRACE_OK;
	const char *s;
	int t = ev->type;
	if (strcmp(k, "type") == 0 || strcmp(k, "eventTime") == 0 || strcmp(k, "@context") == 0)
		return TRACE_OK; /* read first */
	if (strcmp(k, "eventTimeZoneOffset") == 0) {
		int off;
		if ((s = jstr(x, f, &rc)) == NULL)
			return rc;
		if (trace__ev_offset_parse(&off, s) || off < -840 || off > 840)
			return jfail(f, "\"%.20s\" is not an offset -14:00..+14:00 (\"+08:00\")", s);
		*tz_seen = 1;
		return at(f, trace_event_set_time(ev, ev->time, off));
	}
	if (strcmp(k, "recordTime") == 0) {
		int64_t ms;
		return (rc = jtime(&ms, x, f)) ? rc : at(f, trace_event_set_record_time(ev, ms));
	}
	if (strcmp(k, "eventID") == 0) {
		if ((s = jstr(x, f, &rc)) == NULL)
			return rc;
		if (!trace__ev_is_uri(s))
			return jfail(f, "not an absolute URI");
		return trace__ev_set_str(&ev->event_id, s);
	}
	if (strcmp(k, "certificationInfo") == 0)
		return read_strings(&ev->certification, x, f, 1);
	if (strcmp(k, "action") == 0) {
		if ((s = jstr(x, f, &rc)) == NULL)
			return rc;
		int a = strcmp(s, "ADD") == 0 ? TRACE_ACTION_ADD : strcmp(s, "OBSERVE") == 0 ? TRACE_ACTION_OBSERVE
		      : strcmp(s, "DELETE") == 0 ? TRACE_ACTION_DELETE : 0;
		if (a == 0)
			return jfail(f, "\"%.20s\" is not ADD, OBSERVE or DELETE", s);
		if ((rc = field_ok(t, ~T_TRF, f)))
			return rc;
		return trace_event_set_action(ev, a);
	}
	if (strcmp(k, "epcList") == 0)
		return (rc = field_ok(t, T_OBJ | T_TRX, f)) ? rc : read_codes(j, ev, TRACE_ROLE_ITEM, x, f);
	if (strcmp(k, "childEPCs") == 0)
		return (rc = field_ok(t, T_AGG | T_ASC, f)) ? rc : read_codes(j, ev, TRACE_ROLE_ITEM, x, f);
	if (strcmp(k, "inputEPCList") == 0)
		return (rc = field_ok(t, T_TRF, f)) ? rc : read_codes(j, ev, TRACE_ROLE_INPUT, x, f);
	if (strcmp(k, "outputEPCList") == 0)
		return (rc = field_ok(t, T_TRF, f)) ? rc : read_codes(j, ev, TRACE_ROLE_OUTPUT, x, f);
	if (strcmp(k, "parentID") == 0) {
		char *p = NULL;
		if ((rc = field_ok(t, T_AGG | T_ASC | T_TRX, f)) || (rc = xval(&p, j, x, f, 0)))
			return rc;
		rc = at(f, trace_event_add_code(ev, TRACE_ROLE_PARENT, p));
		trace__free(p);
		return rc;
	}
	if (strcmp(k, "quantityList") == 0)
		return (rc = field_ok(t, T_OBJ | T_TRX, f)) ? rc : read_quantities(j, ev, TRACE_ROLE_ITEM, x, f);
	if (strcmp(k, "childQuantityList") == 0)
		return (rc = field_ok(t, T_AGG | T_ASC, f)) ? rc : read_quantities(j, ev, TRACE_ROLE_ITEM, x, f);
	if (strcmp(k, "inputQuantityList") == 0)
		return (rc = field_ok(t, T_TRF, f)) ? rc : read_quantities(j, ev, TRACE_ROLE_INPUT, x, f);
	if (strcmp(k, "outputQuantityList") == 0)
		return (rc = field_ok(t, T_TRF, f)) ? rc : read_quantities(j, ev, TRACE_ROLE_OUTPUT, x, f);
	if (strcmp(k, "transformationID") == 0) {
		if ((rc = field_ok(t, T_TRF, f)) || (s = jstr(x, f, &rc)) == NULL)
			return rc;
		if (!trace__ev_is_uri(s))
			return jfail(f, "not an absolute URI");
		return trace__ev_set_str(&ev->transformation_id, s);
	}
	if (strcmp(k, "bizStep") == 0 || strcmp(k, "disposition") == 0) {
		int step = k[0] == 'b';
		char *v = NULL;
		if ((rc = xval(&v, j, x, f, 1)))
			return rc;
		trace__free(step ? ev->biz_step : ev->disposition);
		rc = at(f, trace__cbv_normalize(step ? &ev->biz_step : &ev->disposition,
		                                step ? TRACE__CBV_BIZSTEP : TRACE__CBV_DISP, v, k));
		trace__free(v);
		return rc;
	}
	if (strcmp(k, "persistentDisposition") == 0)
		return read_persistent(j, ev, x, f);
	if (strcmp(k, "readPoint") == 0)
		return read_location(j, ev, 0, x, f);
	if (strcmp(k, "bizLocation") == 0)
		return read_location(j, ev, 1, x, f);
	if (strcmp(k, "bizTransactionList") == 0)
		return read_pairs(j, ev, 0, x, f);
	if (strcmp(k, "sourceList") == 0)
		return read_pairs(j, ev, TRACE_PARTY_SOURCE, x, f);
	if (strcmp(k, "destinationList") == 0)
		return read_pairs(j, ev, TRACE_PARTY_DESTINATION, x, f);
	if (strcmp(k, "sensorElementList") == 0)
		return read_sensors(j, ev, x, f);
	if (strcmp(k, "ilmd") == 0)
		return (rc = field_ok(t, T_OBJ | T_TRF, f)) ? rc : read_ilmd(j, ev, x, f);
	if (strcmp(k, "errorDeclaration") == 0)
		return read_error(j, ev, x, f);

	char *e = NULL;
	if ((rc = expand_key(&e, j, k)))
		return rc;
	const char *lt = libtrace_name(k, e);
	if (lt == NULL || (!trace__ev_reserved_key(k) && !trace__ev_reserved_key(e)))
		rc = add_ext(j, &ev->ext, k, x, f, 1);
	else if (strcmp(lt, "prev") == 0)
		rc = read_hashrefs(ev, 0, x, f);
	else if (strcmp(lt, "attachments") == 0)
		rc = read_hashrefs(ev, 1, x, f);
	else if (strcmp(lt, "private") == 0)
		rc = read_private(ev, x, f);
	else
		rc = read_commitments(ev, x, f);
	trace__free(e);
	return rc;
}

static int read_event(trace_event **out, jrd *j, const json_t *o, const char *path)
{
	*out = NULL;
	char f[PATH_MAX_LEN];
	int rc = jobject(o, *path ? path : "event");
	if (rc)
		return rc;
	jrd local = *j;
	const json_t *c = json_object_get(o, "@context");
	if (c)
		push_ctx(&local, c);

	sub(f, path, "type");
	const json_t *tv = json_object_get(o, "type");
	if (tv == NULL)
		return jfail(f, "required");
	const char *ts = jstr(tv, f, &rc);
	if (ts == NULL)
		return rc;
	int type = 0;
	for (int i = 1; i <= 5; i++)
		if (strcmp(ts, type_names[i]) == 0)
			type = i;
	if (type == 0)
		return jfail(f, "\"%.40s\" is not an EPCIS event type", ts);

	sub(f, path, "eventTime");
	const json_t *et = json_object_get(o, "eventTime");
	if (et == NULL)
		return jfail(f, "required");
	const char *es = jstr(et, f, &rc);
	int64_t ms;
	int off;
	if (es == NULL)
		return rc;
	if (trace__ev_time_parse(&ms, &off, es) || off < -840 || off > 840)
		return jfail(f, "\"%.60s\" is not an RFC 3339 date-time with offset in the years 0000-9999", es);

	trace_event *ev = NULL;
	if ((rc = trace_event_new(&ev, type)))
		return rc;
	/* Until eventTimeZoneOffset is read, the offset written in eventTime stands. */
	rc = at(f, trace_event_set_time(ev, ms, off));
	int tz_seen = 0;
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)o, k, x) {
		if (rc)
			break;
		sub(f, path, k);
		rc = read_field(&local, ev, k, x, f, &tz_seen);
	}
	if (rc == TRACE_OK && (rc = trace_event_validate(ev)) != TRACE_OK && *path)
		trace__error_prefix("%s", path);
	if (rc) {
		trace_event_free(ev);
		return rc;
	}
	*out = ev;
	return TRACE_OK;
}

static int load(json_t **out, const char *json, size_t len)
{
	json_error_t err = { 0 };	/* jansson may fail for memory before it fills it */
	*out = NULL;
	if (json == NULL)
		return trace__fail(TRACE_EINVAL, "JSON: NULL text");
	if ((*out = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err)) != NULL)
		return TRACE_OK;
	if (trace__ev_json_oom(&err))
		return trace__oom();
	return trace__fail(TRACE_EINVAL, "JSON: line %d, column %d: %s", err.line, err.column, err.text);
}

int trace_event_from_json(trace_event **out, const char *json, size_t len)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "event: no output pointer");
	*out = NULL;
	json_t *v;
	int rc = load(&v, json, len);
	if (rc)
		return rc;
	jrd j = { { NULL }, 0 };
	rc = read_event(out, &j, v, "");
	json_decref(v);
	return rc;
}

int trace_event_read_json_events(const char *json, size_t len, int (*cb)(trace_event *ev, void *payload),
                                 void *payload)
{
	if (cb == NULL)
		return trace__fail(TRACE_EINVAL, "JSON events: no callback");
	json_t *v;
	int rc = load(&v, json, len);
	if (rc)
		return rc;
	jrd j = { { NULL }, 0 };
	const json_t *list = NULL;
	const char *base = "";
	if (json_is_array(v)) {
		list = v;
	} else if (json_is_object(v)) {
		const json_t *t = json_object_get(v, "type");
		const char *ts = json_is_string(t) ? json_string_value(t) : "";
		if (strcmp(ts, "EPCISDocument") == 0 || strcmp(ts, "EPCISQueryDocument") == 0) {
			const json_t *c = json_object_get(v, "@context");
			if (c)
				push_ctx(&j, c);
			const json_t *body = json_object_get(v, "epcisBody");
			if (strcmp(ts, "EPCISQueryDocument") == 0)
				body = json_object_get(json_object_get(body, "queryResults"), "resultsBody");
			list = json_object_get(body, "eventList");
			base = "eventList";
			if (!json_is_array(list))
				rc = trace__fail(TRACE_EINVAL, "%s: epcisBody%s.eventList: expected an array of events", ts,
				                 strcmp(ts, "EPCISQueryDocument") == 0 ? ".queryResults.resultsBody" : "");
		}
	} else {
		rc = trace__fail(TRACE_EINVAL, "JSON: expected an event, an array of events or an EPCISDocument");
	}
	if (rc == TRACE_OK && list == NULL) {
		trace_event *ev = NULL;
		if ((rc = read_event(&ev, &j, v, "")) == TRACE_OK && cb(ev, payload) != 0)
			rc = trace__fail(TRACE_EUSER, "JSON events: the callback stopped at the event");
	}
	for (size_t i = 0; rc == TRACE_OK && list && i < json_array_size(list); i++) {
		char p[PATH_MAX_LEN];
		idx(p, base, i);
		trace_event *ev = NULL;
		if ((rc = read_event(&ev, &j, json_array_get(list, i), p)))
			break;
		if (cb(ev, payload) != 0)
			rc = trace__fail(TRACE_EUSER, "JSON events: the callback stopped at %s", p);
	}
	json_decref(v);
	return rc;
}
