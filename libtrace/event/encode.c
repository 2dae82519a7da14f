/*
 * event/encode: the canonical encoding (docs/FORMAT.md, "Canonical event
 * encoding"): one CBOR map with small unsigned keys in ascending order,
 * absent and empty fields omitted, written with shortest heads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace/log.h"
#include "cbor.h"
#include "event_internal.h"
#include "keys.h"
#include "../error_internal.h"
#include "../util/alloc.h"

/* Bytewise order of the encoded text keys: shorter first, then by bytes. */
static int ext_cmp(const void *a, const void *b)
{
	const trace__ext *x = *(const trace__ext *const *)a, *y = *(const trace__ext *const *)b;
	size_t lx = strlen(x->key), ly = strlen(y->key);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return memcmp(x->key, y->key, lx);
}

static int put_ext(trace__sbuf *b, const trace__extv *e)
{
	const trace__ext **s = trace__malloc(e->n * sizeof *s);
	if (s == NULL)
		return trace__oom();
	for (size_t i = 0; i < e->n; i++)
		s[i] = &e->v[i];
	qsort(s, e->n, sizeof *s, ext_cmp);
	trace__cb_head(b, TRACE__CB_MAP, e->n);
	for (size_t i = 0; i < e->n; i++) {
		trace__cb_text(b, s[i]->key);
		if (s[i]->is_json) {
			trace__cb_head(b, TRACE__CB_TAG, TRACE__CB_TAG_JSON);
			trace__cb_bytes(b, (const uint8_t *)s[i]->value, strlen(s[i]->value));
		} else {
			trace__cb_text(b, s[i]->value);
		}
	}
	trace__free(s);
	return TRACE_OK;
}

static void put_strv(trace__sbuf *b, const trace__strv *s)
{
	trace__cb_head(b, TRACE__CB_ARRAY, s->n);
	for (size_t i = 0; i < s->n; i++)
		trace__cb_text(b, s->v[i]);
}

static void put_qty(trace__sbuf *b, const trace__qtyv *q)
{
	trace__cb_head(b, TRACE__CB_ARRAY, q->n);
	for (size_t i = 0; i < q->n; i++) {
		const trace__qty *x = &q->v[i];
		trace__cb_head(b, TRACE__CB_MAP, 1 + !isnan(x->qty) + (x->uom != NULL));
		trace__cb_head(b, TRACE__CB_UINT, KQ_CLASS);
		trace__cb_text(b, x->cls);
		if (!isnan(x->qty)) {
			trace__cb_head(b, TRACE__CB_UINT, KQ_QUANTITY);
			trace__cb_number(b, x->qty);
		}
		if (x->uom) {
			trace__cb_head(b, TRACE__CB_UINT, KQ_UOM);
			trace__cb_text(b, x->uom);
		}
	}
}

static void put_pairs(trace__sbuf *b, const trace__pairv *p)
{
	trace__cb_head(b, TRACE__CB_ARRAY, p->n);
	for (size_t i = 0; i < p->n; i++) {
		trace__cb_head(b, TRACE__CB_MAP, 1 + (p->v[i].type != NULL));
		if (p->v[i].type) {
			trace__cb_head(b, TRACE__CB_UINT, KP_TYPE);
			trace__cb_text(b, p->v[i].type);
		}
		trace__cb_head(b, TRACE__CB_UINT, KP_ID);
		trace__cb_text(b, p->v[i].id);
	}
}

static int put_report(trace__sbuf *b, const trace__report *r)
{
	size_t n = (r->type != NULL) + (r->uom != NULL) + (r->time != TRACE__EV_NO_TIME) + (r->ext.n > 0);
	for (int i = 0; i < TRACE__EV_SR_NUM; i++)
		n += !isnan(r->num[i]);
	trace__cb_head(b, TRACE__CB_MAP, n);
	if (r->type) {
		trace__cb_head(b, TRACE__CB_UINT, KR_TYPE);
		trace__cb_text(b, r->type);
	}
	for (int i = 0; i < TRACE__EV_SR_NUM; i++)
		if (!isnan(r->num[i])) {
			trace__cb_head(b, TRACE__CB_UINT, (uint64_t)(KR_NUM0 + i));
			trace__cb_number(b, r->num[i]);
		}
	if (r->uom) {
		trace__cb_head(b, TRACE__CB_UINT, KR_UOM);
		trace__cb_text(b, r->uom);
	}
	if (r->time != TRACE__EV_NO_TIME) {
		trace__cb_head(b, TRACE__CB_UINT, KR_TIME);
		trace__cb_int(b, r->time);
	}
	if (r->ext.n) {
		trace__cb_head(b, TRACE__CB_UINT, KR_EXT);
		return put_ext(b, &r->ext);
	}
	return TRACE_OK;
}

static int put_sensors(trace__sbuf *b, const trace_event *ev)
{
	trace__cb_head(b, TRACE__CB_ARRAY, ev->n_sensors);
	for (size_t i = 0; i < ev->n_sensors; i++) {
		const trace__sensor *s = &ev->sensors[i];
		trace__cb_head(b, TRACE__CB_MAP, (s->meta.n > 0) + (s->n > 0) + (s->ext.n > 0));
		if (s->meta.n) {
			trace__cb_head(b, TRACE__CB_UINT, KS_METADATA);
			if (put_ext(b, &s->meta))
				return TRACE_ENOMEM;
		}
		if (s->n) {
			trace__cb_head(b, TRACE__CB_UINT, KS_REPORTS);
			trace__cb_head(b, TRACE__CB_ARRAY, s->n);
			for (size_t j = 0; j < s->n; j++)
				if (put_report(b, &s->r[j]))
					return TRACE_ENOMEM;
		}
		if (s->ext.n) {
			trace__cb_head(b, TRACE__CB_UINT, KS_EXT);
			if (put_ext(b, &s->ext))
				return TRACE_ENOMEM;
		}
	}
	return TRACE_OK;
}

static int put_ilmd(trace__sbuf *b, const trace_event *ev)
{
	trace__cb_head(b, TRACE__CB_MAP, (ev->lot != NULL) + (ev->production != TRACE__EV_NO_TIME) +
	               (ev->expiry != TRACE__EV_NO_TIME) + (ev->ilmd_ext.n > 0));
	if (ev->lot) {
		trace__cb_head(b, TRACE__CB_UINT, KI_LOT);
		trace__cb_text(b, ev->lot);
	}
	if (ev->production != TRACE__EV_NO_TIME) {
		trace__cb_head(b, TRACE__CB_UINT, KI_PRODUCTION);
		trace__cb_int(b, ev->production);
	}
	if (ev->expiry != TRACE__EV_NO_TIME) {
		trace__cb_head(b, TRACE__CB_UINT, KI_EXPIRY);
		trace__cb_int(b, ev->expiry);
	}
	if (ev->ilmd_ext.n) {
		trace__cb_head(b, TRACE__CB_UINT, KI_EXT);
		return put_ext(b, &ev->ilmd_ext);
	}
	return TRACE_OK;
}

static int put_error(trace__sbuf *b, const trace_event *ev)
{
	trace__cb_head(b, TRACE__CB_MAP, (ev->err_hash_len > 0) + (ev->err_reason != NULL) + 1 +
	               (ev->err_corrective.n > 0) + (ev->err_ext.n > 0));
	if (ev->err_hash_len) {
		trace__cb_head(b, TRACE__CB_UINT, KE_CORRECTS);
		trace__cb_bytes(b, ev->err_hash, ev->err_hash_len);
	}
	if (ev->err_reason) {
		trace__cb_head(b, TRACE__CB_UINT, KE_REASON);
		trace__cb_text(b, ev->err_reason);
	}
	trace__cb_head(b, TRACE__CB_UINT, KE_TIME);
	trace__cb_int(b, ev->err_time != TRACE__EV_NO_TIME ? ev->err_time : ev->time);
	if (ev->err_corrective.n) {
		trace__cb_head(b, TRACE__CB_UINT, KE_CORRECTIVE);
		put_strv(b, &ev->err_corrective);
	}
	if (ev->err_ext.n) {
		trace__cb_head(b, TRACE__CB_UINT, KE_EXT);
		return put_ext(b, &ev->err_ext);
	}
	return TRACE_OK;
}

static void put_hashrefs(trace__sbuf *b, const trace__hashrefv *v, int attachments)
{
	trace__cb_head(b, TRACE__CB_ARRAY, v->n);
	for (size_t i = 0; i < v->n; i++) {
		const trace__hashref *r = &v->v[i];
		trace__cb_head(b, TRACE__CB_MAP, 1 + (r->a != NULL) + (r->b != NULL));
		trace__cb_head(b, TRACE__CB_UINT, attachments ? KA_HASH : KV_HASH);
		trace__cb_bytes(b, r->hash, r->len);
		if (r->a) {
			trace__cb_head(b, TRACE__CB_UINT, attachments ? KA_URI : KV_ORIGIN);
			trace__cb_text(b, r->a);
		}
		if (r->b) {
			trace__cb_head(b, TRACE__CB_UINT, KA_MEDIA_TYPE);
			trace__cb_text(b, r->b);
		}
	}
}

/* Which top-level keys are present, in ascending order. */
static size_t present(const trace_event *ev, uint8_t keys[K_MAX + 1])
{
	size_t n = 0;
#define P(k, cond) do { if (cond) keys[n++] = (k); } while (0)
	P(K_VERSION, 1);
	P(K_TYPE, 1);
	P(K_TIME, 1);
	P(K_TZ, 1);
	P(K_RECORD_TIME, ev->record_time != TRACE__EV_NO_TIME);
	P(K_ACTION, ev->action != TRACE_ACTION_NONE);
	P(K_EVENT_ID, ev->event_id != NULL);
	P(K_CERTIFICATION, ev->certification.n > 0);
	P(K_PARENT, ev->codes[TRACE_ROLE_PARENT].n > 0);
	P(K_ITEMS, ev->codes[TRACE_ROLE_ITEM].n > 0);
	P(K_INPUTS, ev->codes[TRACE_ROLE_INPUT].n > 0);
	P(K_OUTPUTS, ev->codes[TRACE_ROLE_OUTPUT].n > 0);
	P(K_QTY_ITEMS, ev->qty[TRACE_ROLE_ITEM].n > 0);
	P(K_QTY_INPUTS, ev->qty[TRACE_ROLE_INPUT].n > 0);
	P(K_QTY_OUTPUTS, ev->qty[TRACE_ROLE_OUTPUT].n > 0);
	P(K_BIZ_STEP, ev->biz_step != NULL);
	P(K_DISPOSITION, ev->disposition != NULL);
	P(K_PERSISTENT_DISP, ev->pd_set.n + ev->pd_unset.n > 0);
	P(K_READ_POINT, ev->read_point != NULL);
	P(K_BIZ_LOCATION, ev->biz_location != NULL);
	P(K_TRANSFORMATION_ID, ev->transformation_id != NULL);
	P(K_BIZ_TX, ev->biz_tx.n > 0);
	P(K_SOURCES, ev->parties[TRACE_PARTY_SOURCE].n > 0);
	P(K_DESTINATIONS, ev->parties[TRACE_PARTY_DESTINATION].n > 0);
	P(K_SENSORS, ev->n_sensors > 0);
	P(K_ILMD, ev->has_ilmd);
	P(K_EXTENSIONS, ev->ext.n > 0);
	P(K_READ_POINT_EXT, ev->read_point_ext.n > 0);
	P(K_BIZ_LOCATION_EXT, ev->biz_location_ext.n > 0);
	P(K_ERROR, ev->has_error);
	P(K_PREV, ev->prev.n > 0);
	P(K_ATTACHMENTS, ev->attachments.n > 0);
	P(K_COMMITMENTS, ev->n_priv > 0);
#undef P
	return n;
}

static int put_field(trace__sbuf *b, const trace_event *ev, int k)
{
	switch (k) {
	case K_VERSION: trace__cb_head(b, TRACE__CB_UINT, TRACE_EVENT_ENCODING_VERSION); break;
	case K_TYPE: trace__cb_head(b, TRACE__CB_UINT, (uint64_t)ev->type); break;
	case K_TIME: trace__cb_int(b, ev->time); break;
	case K_TZ: trace__cb_int(b, ev->tz); break;
	case K_RECORD_TIME: trace__cb_int(b, ev->record_time); break;
	case K_ACTION: trace__cb_head(b, TRACE__CB_UINT, (uint64_t)ev->action); break;
	case K_EVENT_ID: trace__cb_text(b, ev->event_id); break;
	case K_CERTIFICATION: put_strv(b, &ev->certification); break;
	case K_PARENT: trace__cb_text(b, ev->codes[TRACE_ROLE_PARENT].v[0]); break;
	case K_ITEMS: put_strv(b, &ev->codes[TRACE_ROLE_ITEM]); break;
	case K_INPUTS: put_strv(b, &ev->codes[TRACE_ROLE_INPUT]); break;
	case K_OUTPUTS: put_strv(b, &ev->codes[TRACE_ROLE_OUTPUT]); break;
	case K_QTY_ITEMS: put_qty(b, &ev->qty[TRACE_ROLE_ITEM]); break;
	case K_QTY_INPUTS: put_qty(b, &ev->qty[TRACE_ROLE_INPUT]); break;
	case K_QTY_OUTPUTS: put_qty(b, &ev->qty[TRACE_ROLE_OUTPUT]); break;
	case K_BIZ_STEP: trace__cb_text(b, ev->biz_step); break;
	case K_DISPOSITION: trace__cb_text(b, ev->disposition); break;
	case K_PERSISTENT_DISP:
		trace__cb_head(b, TRACE__CB_MAP, (ev->pd_set.n > 0) + (ev->pd_unset.n > 0));
		if (ev->pd_set.n) {
			trace__cb_head(b, TRACE__CB_UINT, KPD_SET);
			put_strv(b, &ev->pd_set);
		}
		if (ev->pd_unset.n) {
			trace__cb_head(b, TRACE__CB_UINT, KPD_UNSET);
			put_strv(b, &ev->pd_unset);
		}
		break;
	case K_READ_POINT: trace__cb_text(b, ev->read_point); break;
	case K_BIZ_LOCATION: trace__cb_text(b, ev->biz_location); break;
	case K_TRANSFORMATION_ID: trace__cb_text(b, ev->transformation_id); break;
	case K_BIZ_TX: put_pairs(b, &ev->biz_tx); break;
	case K_SOURCES: put_pairs(b, &ev->parties[TRACE_PARTY_SOURCE]); break;
	case K_DESTINATIONS: put_pairs(b, &ev->parties[TRACE_PARTY_DESTINATION]); break;
	case K_SENSORS: return put_sensors(b, ev);
	case K_ILMD: return put_ilmd(b, ev);
	case K_EXTENSIONS: return put_ext(b, &ev->ext);
	case K_READ_POINT_EXT: return put_ext(b, &ev->read_point_ext);
	case K_BIZ_LOCATION_EXT: return put_ext(b, &ev->biz_location_ext);
	case K_ERROR: return put_error(b, ev);
	case K_PREV: put_hashrefs(b, &ev->prev, 0); break;
	case K_ATTACHMENTS: put_hashrefs(b, &ev->attachments, 1); break;
	case K_COMMITMENTS:
		trace__cb_head(b, TRACE__CB_ARRAY, ev->n_priv);
		for (size_t i = 0; i < ev->n_priv; i++) {
			trace__cb_head(b, TRACE__CB_MAP, 2);
			trace__cb_head(b, TRACE__CB_UINT, KC_NAME);
			trace__cb_text(b, ev->priv[i].name);
			trace__cb_head(b, TRACE__CB_UINT, KC_COMMITMENT);
			trace__cb_bytes(b, ev->priv[i].commitment, TRACE__EV_HASH);
		}
		break;
	}
	return TRACE_OK;
}

int trace__ev_encode(trace_buf *out, const trace_event *ev, int check_limit)
{
	uint8_t keys[K_MAX + 1];
	size_t n = present(ev, keys);
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__cb_head(&b, TRACE__CB_MAP, n);
	for (size_t i = 0; i < n; i++) {
		trace__cb_head(&b, TRACE__CB_UINT, keys[i]);
		if (put_field(&b, ev, keys[i])) {
			trace__sbuf_free(&b);
			return TRACE_ENOMEM;
		}
	}
	if (b.oom) {
		trace__sbuf_free(&b);
		return trace__oom();
	}
	if (check_limit && b.len > TRACE_LOG_MAX_ENTRY) {
		size_t len = b.len;
		trace__sbuf_free(&b);
		return trace__fail(TRACE_ELIMIT,
		                   "event: canonical encoding is %zu bytes, over the log's entry limit of %d "
		                   "bytes; split it into several events (trace_event_split)",
		                   len, TRACE_LOG_MAX_ENTRY);
	}
	return trace__sbuf_finish(&b, out);
}

int trace_event_encode(trace_buf *out, const trace_event *ev)
{
	if (out == NULL || ev == NULL)
		return trace__fail(TRACE_EINVAL, "event: NULL argument");
	out->ptr = NULL;
	out->size = 0;
	int rc = trace__ev_validate(ev, 0);
	if (rc)
		return rc;
	return trace__ev_encode(out, ev, 1);
}
