/*
 * event/decode: the strict decoder of the canonical encoding.  Every CBOR
 * rule of RFC 8949 §4.2.1 and every rule of docs/FORMAT.md is checked and a
 * refusal names the byte offset and the rule; what is accepted re-encodes to
 * the same bytes (checked last), so one event has exactly one encoding.
 * The input is untrusted: this file is fuzzed (fuzz/fuzz_event_decode.c).
 */
#include <math.h>
#include <string.h>

#include "trace/log.h"
#include "cbor.h"
#include "event_internal.h"
#include "keys.h"
#include "../error_internal.h"
#include "../util/alloc.h"

typedef struct dec {
	trace__cbr r;
	trace_event *ev;
	int tz_seen;
} dec;

static int fail(dec *d, size_t at, const char *what, const char *rule)
{
	return trace__cbr_fail(&d->r, at, what, rule);
}

static int text_dup(dec *d, char **out, const char *what)
{
	const char *s;
	size_t n;
	int rc = trace__cbr_text(&d->r, &s, &n, what);
	if (rc)
		return rc;
	char *c = trace__strndup(s, n);
	if (c == NULL)
		return trace__oom();
	trace__free(*out);
	*out = c;
	return TRACE_OK;
}

/* Iterates the integer keys of a map: strictly ascending, each one known (<= @max). */
typedef struct keyit {
	size_t n, i;
	int64_t prev;
} keyit;

static int map_begin(dec *d, keyit *it, const char *what)
{
	it->i = 0;
	it->prev = -1;
	return trace__cbr_count(&d->r, TRACE__CB_MAP, &it->n, what);
}

static int map_key(dec *d, keyit *it, uint64_t max, uint64_t *key, const char *what)
{
	size_t at = d->r.off;
	int rc = trace__cbr_uint(&d->r, key, what);
	if (rc)
		return rc;
	if (*key > max || *key == 0)
		return fail(d, at, what, "unknown map key in encoding version 1");
	if ((int64_t)*key == it->prev)
		return fail(d, at, what, "duplicate map key");
	if ((int64_t)*key < it->prev)
		return fail(d, at, what, "map keys not in ascending order");
	it->prev = (int64_t)*key;
	it->i++;
	return TRACE_OK;
}

static int read_time(dec *d, int64_t *t, const char *what)
{
	size_t at = d->r.off;
	int rc = trace__cbr_int(&d->r, t, what);
	if (rc)
		return rc;
	if (*t < TRACE__EV_TIME_MIN || *t > TRACE__EV_TIME_MAX)
		return fail(d, at, what, "time outside the years 0000 to 9999");
	return TRACE_OK;
}

static int read_strv(dec *d, trace__strv *s, const char *what)
{
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &n, what);
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		char *t = NULL;
		if ((rc = text_dup(d, &t, what)))
			break;
		if ((rc = trace__grow((void **)&s->v, &s->cap, s->n, sizeof *s->v))) {
			trace__free(t);
			break;
		}
		s->v[s->n++] = t;
	}
	return rc;
}

static int read_hash(dec *d, uint8_t *out, size_t *len, const char *what)
{
	const uint8_t *p;
	size_t n, at = d->r.off;
	int rc = trace__cbr_bytes(&d->r, &p, &n, what);
	if (rc)
		return rc;
	if (n != TRACE__EV_HASH)
		return fail(d, at, what, "hash must be 32 bytes");
	memcpy(out, p, n);
	*len = n;
	return TRACE_OK;
}

/* Text-keyed extension map: keys in bytewise order of their encoding. */
static int read_ext(dec *d, trace__extv *e, const char *what)
{
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_MAP, &n, what);
	const char *pk = NULL;
	size_t pn = 0;
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		const char *k, *v;
		size_t kn, vn, at = d->r.off;
		if ((rc = trace__cbr_text(&d->r, &k, &kn, what)))
			break;
		if (i > 0) {
			int c = kn != pn ? (kn < pn ? -1 : 1) : memcmp(k, pk, kn);
			if (c == 0)
				return fail(d, at, what, "duplicate map key");
			if (c < 0)
				return fail(d, at, what, "map keys not in bytewise order of their encoding");
		}
		pk = k;
		pn = kn;
		trace__cbh h;
		size_t vat = d->r.off;
		if ((rc = trace__cbr_head(&d->r, &h)))
			break;
		int is_json = 0;
		if (h.major == TRACE__CB_TAG) {
			if (h.v != TRACE__CB_TAG_JSON)
				return fail(d, vat, what, "only tag 262 (embedded JSON) may appear");
			const uint8_t *b;
			size_t bat = d->r.off;
			if ((rc = trace__cbr_bytes(&d->r, &b, &vn, what)))
				break;
			v = (const char *)b;
			if (!trace__ev_text_ok(v, vn))
				return fail(d, bat, what, "embedded JSON is not UTF-8 text without NUL");
			is_json = 1;
		} else if (h.major == TRACE__CB_TEXT) {
			d->r.off = vat;
			if ((rc = trace__cbr_text(&d->r, &v, &vn, what)))
				break;
		} else {
			return fail(d, vat, what, "extension value must be text or tag 262 (embedded JSON)");
		}
		char *kc = trace__strndup(k, kn), *vc = trace__strndup(v, vn);
		if (kc == NULL || vc == NULL) {
			trace__free(kc);
			trace__free(vc);
			return trace__oom();
		}
		rc = trace__extv_push(e, kc, vc, is_json);
		trace__free(kc);
		trace__free(vc);
	}
	return rc;
}

static int read_qty(dec *d, trace__qtyv *q, const char *what)
{
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &n, what);
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		if ((rc = trace__grow((void **)&q->v, &q->cap, q->n, sizeof *q->v)))
			break;
		trace__qty *x = &q->v[q->n++];
		memset(x, 0, sizeof *x);
		x->qty = NAN;
		keyit it;
		size_t at = d->r.off;
		if ((rc = map_begin(d, &it, what)))
			break;
		while (rc == TRACE_OK && it.i < it.n) {
			uint64_t k;
			if ((rc = map_key(d, &it, KQ_UOM, &k, what)))
				break;
			if (k == KQ_CLASS)
				rc = text_dup(d, &x->cls, what);
			else if (k == KQ_QUANTITY)
				rc = trace__cbr_number(&d->r, &x->qty, what);
			else
				rc = text_dup(d, &x->uom, what);
		}
		if (rc == TRACE_OK && x->cls == NULL)
			rc = fail(d, at, what, "quantity element without epcClass");
	}
	return rc;
}

static int read_pairs(dec *d, trace__pairv *p, const char *what)
{
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &n, what);
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		if ((rc = trace__grow((void **)&p->v, &p->cap, p->n, sizeof *p->v)))
			break;
		trace__pair *x = &p->v[p->n++];
		memset(x, 0, sizeof *x);
		keyit it;
		size_t at = d->r.off;
		if ((rc = map_begin(d, &it, what)))
			break;
		while (rc == TRACE_OK && it.i < it.n) {
			uint64_t k;
			if ((rc = map_key(d, &it, KP_ID, &k, what)))
				break;
			rc = text_dup(d, k == KP_TYPE ? &x->type : &x->id, what);
		}
		if (rc == TRACE_OK && x->id == NULL)
			rc = fail(d, at, what, "entry without an id");
	}
	return rc;
}

static int read_report(dec *d, trace__report *r)
{
	const char *what = "sensorReport";
	keyit it;
	int rc = map_begin(d, &it, what);
	while (rc == TRACE_OK && it.i < it.n) {
		uint64_t k;
		if ((rc = map_key(d, &it, KR_EXT, &k, what)))
			break;
		if (k == KR_TYPE)
			rc = text_dup(d, &r->type, what);
		else if (k >= KR_NUM0 && k < KR_NUM0 + TRACE__EV_SR_NUM)
			rc = trace__cbr_number(&d->r, &r->num[k - KR_NUM0], trace__ev_sr_json[k - KR_NUM0]);
		else if (k == KR_UOM)
			rc = text_dup(d, &r->uom, what);
		else if (k == KR_TIME)
			rc = read_time(d, &r->time, "sensorReport.time");
		else
			rc = read_ext(d, &r->ext, "sensorReport extensions");
	}
	return rc;
}

static int read_sensors(dec *d)
{
	const char *what = "sensorElementList";
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &n, what);
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		trace__sensor *s = trace__ev_new_sensor(d->ev);
		if (s == NULL)
			return trace__oom();
		keyit it;
		if ((rc = map_begin(d, &it, what)))
			break;
		while (rc == TRACE_OK && it.i < it.n) {
			uint64_t k;
			if ((rc = map_key(d, &it, KS_EXT, &k, what)))
				break;
			if (k == KS_METADATA || k == KS_EXT) {
				rc = k == KS_EXT ? read_ext(d, &s->ext, "sensorElement extension")
				                 : read_ext(d, &s->meta, "sensorMetadata");
				continue;
			}
			size_t m;
			if ((rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &m, "sensorReport list")))
				break;
			for (size_t j = 0; rc == TRACE_OK && j < m; j++) {
				trace__report *r = trace__ev_new_report(d->ev, s);
				rc = r ? read_report(d, r) : trace__oom();
			}
		}
	}
	return rc;
}

static int read_ilmd(dec *d)
{
	trace_event *ev = d->ev;
	keyit it;
	int rc = map_begin(d, &it, "ilmd");
	ev->has_ilmd = 1;
	while (rc == TRACE_OK && it.i < it.n) {
		uint64_t k;
		if ((rc = map_key(d, &it, KI_EXT, &k, "ilmd")))
			break;
		if (k == KI_LOT)
			rc = text_dup(d, &ev->lot, "ilmd lot");
		else if (k == KI_PRODUCTION)
			rc = read_time(d, &ev->production, "ilmd production date");
		else if (k == KI_EXPIRY)
			rc = read_time(d, &ev->expiry, "ilmd expiry date");
		else
			rc = read_ext(d, &ev->ilmd_ext, "ilmd extensions");
	}
	return rc;
}

static int read_error(dec *d)
{
	trace_event *ev = d->ev;
	keyit it;
	size_t at = d->r.off;
	int rc = map_begin(d, &it, "errorDeclaration");
	ev->has_error = 1;
	while (rc == TRACE_OK && it.i < it.n) {
		uint64_t k;
		if ((rc = map_key(d, &it, KE_EXT, &k, "errorDeclaration")))
			break;
		switch (k) {
		case KE_CORRECTS: rc = read_hash(d, ev->err_hash, &ev->err_hash_len, "errorDeclaration corrects"); break;
		case KE_REASON: rc = text_dup(d, &ev->err_reason, "errorDeclaration reason"); break;
		case KE_TIME: rc = read_time(d, &ev->err_time, "errorDeclaration declarationTime"); break;
		case KE_CORRECTIVE: rc = read_strv(d, &ev->err_corrective, "correctiveEventIDs"); break;
		default: rc = read_ext(d, &ev->err_ext, "errorDeclaration extensions"); break;
		}
	}
	if (rc == TRACE_OK && ev->err_time == TRACE__EV_NO_TIME)
		rc = fail(d, at, "errorDeclaration", "declarationTime is required");
	return rc;
}

static int read_hashrefs(dec *d, trace__hashrefv *v, int attachments, const char *what)
{
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &n, what);
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		if ((rc = trace__grow((void **)&v->v, &v->cap, v->n, sizeof *v->v)))
			break;
		trace__hashref *x = &v->v[v->n++];
		memset(x, 0, sizeof *x);
		keyit it;
		size_t at = d->r.off;
		if ((rc = map_begin(d, &it, what)))
			break;
		while (rc == TRACE_OK && it.i < it.n) {
			uint64_t k;
			if ((rc = map_key(d, &it, attachments ? KA_MEDIA_TYPE : KV_ORIGIN, &k, what)))
				break;
			if (k == 1)
				rc = read_hash(d, x->hash, &x->len, what);
			else
				rc = text_dup(d, k == 2 ? &x->a : &x->b, what);
		}
		if (rc == TRACE_OK && x->len == 0)
			rc = fail(d, at, what, "entry without a hash");
	}
	return rc;
}

static int read_commitments(dec *d)
{
	const char *what = "commitments";
	size_t n;
	int rc = trace__cbr_count(&d->r, TRACE__CB_ARRAY, &n, what);
	for (size_t i = 0; rc == TRACE_OK && i < n; i++) {
		size_t at = d->r.off;
		trace__cbh h;
		if ((rc = trace__cbr_expect(&d->r, &h, TRACE__CB_MAP, what)))
			break;
		if (h.v != 2)
			return fail(d, at, what, "a commitment is a map of exactly keys 1 and 2");
		uint64_t k;
		const char *name;
		size_t nn, cl;
		const uint8_t *c;
		if ((rc = trace__cbr_uint(&d->r, &k, what)))
			break;
		if (k != KC_NAME)
			return fail(d, d->r.off - 1, what, "expected key 1 (name)");
		if ((rc = trace__cbr_text(&d->r, &name, &nn, what)))
			break;
		if ((rc = trace__cbr_uint(&d->r, &k, what)))
			break;
		if (k != KC_COMMITMENT)
			return fail(d, d->r.off - 1, what, "expected key 2 (commitment)");
		size_t cat = d->r.off;
		if ((rc = trace__cbr_bytes(&d->r, &c, &cl, what)))
			break;
		if (cl != TRACE__EV_HASH)
			return fail(d, cat, what, "commitment must be 32 bytes");
		char *nc = trace__strndup(name, nn);
		if (nc == NULL)
			return trace__oom();
		rc = trace__ev_add_commitment(d->ev, nc, c, cl);
		trace__free(nc);
	}
	return rc;
}

static int read_small(dec *d, int *out, int64_t lo, int64_t hi, const char *what)
{
	size_t at = d->r.off;
	int64_t v;
	int rc = trace__cbr_int(&d->r, &v, what);
	if (rc)
		return rc;
	if (v < lo || v > hi)
		return fail(d, at, what, "value out of range");
	*out = (int)v;
	return TRACE_OK;
}

static int read_field(dec *d, uint64_t k)
{
	trace_event *ev = d->ev;
	size_t at = d->r.off;
	int rc;
	switch (k) {
	case K_TYPE: return read_small(d, &ev->type, 1, 5, "type");
	case K_TIME:
		if ((rc = read_time(d, &ev->time, "eventTime")) == TRACE_OK)
			ev->time_set = 1;
		return rc;
	case K_TZ:
		d->tz_seen = 1;
		return read_small(d, &ev->tz, -840, 840, "eventTimeZoneOffset");
	case K_RECORD_TIME: return read_time(d, &ev->record_time, "recordTime");
	case K_ACTION: return read_small(d, &ev->action, 1, 3, "action (0 is written by omission)");
	case K_EVENT_ID: return text_dup(d, &ev->event_id, "eventID");
	case K_CERTIFICATION: return read_strv(d, &ev->certification, "certificationInfo");
	case K_PARENT: {
		char *p = NULL;
		if ((rc = text_dup(d, &p, "parentID")))
			return rc;
		trace__strv *s = &ev->codes[TRACE_ROLE_PARENT];
		if ((rc = trace__grow((void **)&s->v, &s->cap, s->n, sizeof *s->v))) {
			trace__free(p);
			return rc;
		}
		s->v[s->n++] = p;
		return TRACE_OK;
	}
	case K_ITEMS: return read_strv(d, &ev->codes[TRACE_ROLE_ITEM], "epcList");
	case K_INPUTS: return read_strv(d, &ev->codes[TRACE_ROLE_INPUT], "inputEPCList");
	case K_OUTPUTS: return read_strv(d, &ev->codes[TRACE_ROLE_OUTPUT], "outputEPCList");
	case K_QTY_ITEMS: return read_qty(d, &ev->qty[TRACE_ROLE_ITEM], "quantityList");
	case K_QTY_INPUTS: return read_qty(d, &ev->qty[TRACE_ROLE_INPUT], "inputQuantityList");
	case K_QTY_OUTPUTS: return read_qty(d, &ev->qty[TRACE_ROLE_OUTPUT], "outputQuantityList");
	case K_BIZ_STEP: return text_dup(d, &ev->biz_step, "bizStep");
	case K_DISPOSITION: return text_dup(d, &ev->disposition, "disposition");
	case K_PERSISTENT_DISP: {
		keyit it;
		rc = map_begin(d, &it, "persistentDisposition");
		while (rc == TRACE_OK && it.i < it.n) {
			uint64_t pk;
			if ((rc = map_key(d, &it, KPD_UNSET, &pk, "persistentDisposition")))
				break;
			rc = read_strv(d, pk == KPD_SET ? &ev->pd_set : &ev->pd_unset, "persistentDisposition");
		}
		return rc;
	}
	case K_READ_POINT: return text_dup(d, &ev->read_point, "readPoint");
	case K_BIZ_LOCATION: return text_dup(d, &ev->biz_location, "bizLocation");
	case K_TRANSFORMATION_ID: return text_dup(d, &ev->transformation_id, "transformationID");
	case K_BIZ_TX: return read_pairs(d, &ev->biz_tx, "bizTransactionList");
	case K_SOURCES: return read_pairs(d, &ev->parties[TRACE_PARTY_SOURCE], "sourceList");
	case K_DESTINATIONS: return read_pairs(d, &ev->parties[TRACE_PARTY_DESTINATION], "destinationList");
	case K_SENSORS: return read_sensors(d);
	case K_ILMD: return read_ilmd(d);
	case K_EXTENSIONS: return read_ext(d, &ev->ext, "extensions");
	case K_READ_POINT_EXT: return read_ext(d, &ev->read_point_ext, "readPoint extensions");
	case K_BIZ_LOCATION_EXT: return read_ext(d, &ev->biz_location_ext, "bizLocation extensions");
	case K_ERROR: return read_error(d);
	case K_PREV: return read_hashrefs(d, &ev->prev, 0, "prev");
	case K_ATTACHMENTS: return read_hashrefs(d, &ev->attachments, 1, "attachments");
	case K_COMMITMENTS: return read_commitments(d);
	}
	return fail(d, at, "event", "unknown key");
}

static int decode_map(dec *d)
{
	trace__cbh h;
	int rc = trace__cbr_expect(&d->r, &h, TRACE__CB_MAP, "event");
	if (rc)
		return rc;
	size_t at = d->r.off;
	uint64_t k, version;
	if (h.v == 0 || (rc = trace__cbr_uint(&d->r, &k, "event")))
		return rc ? rc : fail(d, h.at, "event", "empty map");
	if (k != K_VERSION)
		return fail(d, at, "event", "the first key must be 0 (encoding version)");
	at = d->r.off;
	if ((rc = trace__cbr_uint(&d->r, &version, "version")))
		return rc;
	if (version > TRACE_EVENT_ENCODING_VERSION)
		return trace__fail(TRACE_EUNSUPPORTED,
		                   "canonical event at offset %zu: encoding version %llu is newer than this library's (%d)",
		                   at, (unsigned long long)version, TRACE_EVENT_ENCODING_VERSION);
	if (version != TRACE_EVENT_ENCODING_VERSION)
		return fail(d, at, "version", "unknown encoding version");
	if (h.v > (uint64_t)K_MAX + 1)
		return fail(d, h.at, "event", "more keys than encoding version 1 defines");
	keyit it = { (size_t)h.v, 1, K_VERSION };
	while (it.i < it.n) {
		if ((rc = map_key(d, &it, K_MAX, &k, "event")) || (rc = read_field(d, k)))
			return rc;
	}
	if (d->ev->type == 0)
		return fail(d, h.at, "type", "required");
	if (!d->ev->time_set)
		return fail(d, h.at, "eventTime", "required");
	if (!d->tz_seen)
		return fail(d, h.at, "eventTimeZoneOffset", "required");
	return TRACE_OK;
}

int trace__event_decode(trace_event **out, const uint8_t *data, size_t len, unsigned flags)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "event: no output pointer");
	*out = NULL;
	if (data == NULL && len > 0)
		return trace__fail(TRACE_EINVAL, "event: NULL data");
	if (len > TRACE_LOG_MAX_ENTRY)
		return trace__fail(TRACE_EINVAL, "canonical event at offset 0: %zu bytes is over the entry limit of %d",
		                   len, TRACE_LOG_MAX_ENTRY);
	dec d = { { data, len, 0 }, NULL, 0 };
	int rc = trace_event_new(&d.ev, TRACE_EVENT_OBJECT);
	if (rc)
		return rc;
	d.ev->type = 0;
	rc = decode_map(&d);
	if (rc == TRACE_OK && d.r.off != len)
		rc = fail(&d, d.r.off, "event", "trailing bytes after the event");
	/* Structure first, then the model's rules (identifiers re-checked unless trusted). */
	if (rc == TRACE_OK && (rc = trace__ev_validate(d.ev, !(flags & TRACE__EV_DECODE_TRUST_IDS))))
		trace__error_prefix("canonical event, model rule");
	if (rc == TRACE_OK) {
		trace_buf re = TRACE_BUF_INIT;
		rc = trace__ev_encode(&re, d.ev, 0);
		if (rc == TRACE_OK && (re.size != len || memcmp(re.ptr, data, len) != 0)) {
			size_t i = 0;
			while (i < len && i < re.size && re.ptr[i] == data[i])
				i++;
			rc = fail(&d, i, "event", "not the canonical encoding of the event it describes");
		}
		trace_buf_dispose(&re);
	}
	if (rc) {
		trace_event_free(d.ev);
		return rc;
	}
	*out = d.ev;
	return TRACE_OK;
}

int trace_event_decode(trace_event **out, const uint8_t *data, size_t len)
{
	return trace__event_decode(out, data, len, 0);
}
