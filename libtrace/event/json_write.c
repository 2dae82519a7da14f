/*
 * event/json_write: the EPCIS 2.0 JSON-LD event object out.  Written by hand
 * (not by jansson) so the text is deterministic: fields in a fixed order,
 * extension members sorted, numbers in their shortest exact form, times in
 * RFC 3339 with milliseconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"

static const char *const type_names[] = {
	NULL, "ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent",
	"AssociationEvent"
};

typedef struct jw {
	trace__sbuf b;
	int first;  /* no member written yet in the current object */
} jw;

static void key(jw *w, const char *k)
{
	if (!w->first)
		trace__sbuf_putc(&w->b, ',');
	w->first = 0;
	trace__ev_json_str(&w->b, k);
	trace__sbuf_putc(&w->b, ':');
}

static void open_obj(jw *w)
{
	trace__sbuf_putc(&w->b, '{');
	w->first = 1;
}

static void close_obj(jw *w)
{
	trace__sbuf_putc(&w->b, '}');
	w->first = 0;
}

static void kstr(jw *w, const char *k, const char *v)
{
	if (v == NULL)
		return;
	key(w, k);
	trace__ev_json_str(&w->b, v);
}

static void knum(jw *w, const char *k, double v)
{
	char num[40];
	if (isnan(v))
		return;
	key(w, k);
	trace__ev_num_format(num, sizeof num, v);
	trace__sbuf_puts(&w->b, num);
}

static void ktime(jw *w, const char *k, int64_t t, int off, int zulu)
{
	char s[40];
	if (t == TRACE__EV_NO_TIME)
		return;
	trace__ev_time_format(s, t, off, zulu);
	kstr(w, k, s);
}

static void kstrv(jw *w, const char *k, const trace__strv *s)
{
	if (s->n == 0)
		return;
	key(w, k);
	trace__sbuf_putc(&w->b, '[');
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			trace__sbuf_putc(&w->b, ',');
		trace__ev_json_str(&w->b, s->v[i]);
	}
	trace__sbuf_putc(&w->b, ']');
}

static int ext_cmp(const void *a, const void *b)
{
	return strcmp((*(const trace__ext *const *)a)->key, (*(const trace__ext *const *)b)->key);
}

/* Members of an extension map, sorted by key, into the open object. */
static int members(jw *w, const trace__extv *e)
{
	if (e->n == 0)
		return TRACE_OK;
	const trace__ext **s = trace__malloc(e->n * sizeof *s);
	if (s == NULL)
		return trace__oom();
	for (size_t i = 0; i < e->n; i++)
		s[i] = &e->v[i];
	qsort(s, e->n, sizeof *s, ext_cmp);
	for (size_t i = 0; i < e->n; i++) {
		key(w, s[i]->key);
		if (s[i]->is_json)
			trace__sbuf_puts(&w->b, s[i]->value);
		else
			trace__ev_json_str(&w->b, s[i]->value);
	}
	trace__free(s);
	return TRACE_OK;
}

static void quantities(jw *w, const char *k, const trace__qtyv *q)
{
	if (q->n == 0)
		return;
	key(w, k);
	trace__sbuf_putc(&w->b, '[');
	for (size_t i = 0; i < q->n; i++) {
		if (i)
			trace__sbuf_putc(&w->b, ',');
		open_obj(w);
		kstr(w, "epcClass", q->v[i].cls);
		knum(w, "quantity", q->v[i].qty);
		kstr(w, "uom", q->v[i].uom);
		close_obj(w);
	}
	trace__sbuf_putc(&w->b, ']');
}

static int location(jw *w, const char *k, const char *id, const trace__extv *ext)
{
	if (id == NULL)
		return TRACE_OK;
	key(w, k);
	open_obj(w);
	kstr(w, "id", id);
	int rc = members(w, ext);
	close_obj(w);
	return rc;
}

static void pairs(jw *w, const char *k, const char *idname, const trace__pairv *p)
{
	if (p->n == 0)
		return;
	key(w, k);
	trace__sbuf_putc(&w->b, '[');
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			trace__sbuf_putc(&w->b, ',');
		open_obj(w);
		kstr(w, "type", p->v[i].type);
		kstr(w, idname, p->v[i].id);
		close_obj(w);
	}
	trace__sbuf_putc(&w->b, ']');
}

static int sensors(jw *w, const trace_event *ev)
{
	if (ev->n_sensors == 0)
		return TRACE_OK;
	key(w, "sensorElementList");
	trace__sbuf_putc(&w->b, '[');
	for (size_t i = 0; i < ev->n_sensors; i++) {
		const trace__sensor *s = &ev->sensors[i];
		if (i)
			trace__sbuf_putc(&w->b, ',');
		open_obj(w);
		if (s->meta.n) {
			key(w, "sensorMetadata");
			open_obj(w);
			if (members(w, &s->meta))
				return TRACE_ENOMEM;
			close_obj(w);
		}
		key(w, "sensorReport");
		trace__sbuf_putc(&w->b, '[');
		for (size_t j = 0; j < s->n; j++) {
			const trace__report *r = &s->r[j];
			if (j)
				trace__sbuf_putc(&w->b, ',');
			open_obj(w);
			kstr(w, "type", r->type);
			for (int n = 0; n < TRACE__EV_SR_NUM; n++)
				knum(w, trace__ev_sr_json[n], r->num[n]);
			kstr(w, "uom", r->uom);
			ktime(w, "time", r->time, 0, 1);
			if (members(w, &r->ext))
				return TRACE_ENOMEM;
			close_obj(w);
		}
		trace__sbuf_putc(&w->b, ']');
		if (members(w, &s->ext))
			return TRACE_ENOMEM;
		close_obj(w);
	}
	trace__sbuf_putc(&w->b, ']');
	return TRACE_OK;
}

static int ilmd(jw *w, const trace_event *ev)
{
	char d[40];
	if (!ev->has_ilmd)
		return TRACE_OK;
	key(w, "ilmd");
	open_obj(w);
	kstr(w, "cbvmda:lotNumber", ev->lot);
	if (ev->expiry != TRACE__EV_NO_TIME) {
		trace__ev_date_format(d, ev->expiry);
		kstr(w, "cbvmda:itemExpirationDate", d);
	}
	if (ev->production != TRACE__EV_NO_TIME) {
		trace__ev_date_format(d, ev->production);
		kstr(w, "libtrace:productionDate", d);
	}
	int rc = members(w, &ev->ilmd_ext);
	close_obj(w);
	return rc;
}

static int error_decl(jw *w, const trace_event *ev)
{
	if (!ev->has_error)
		return TRACE_OK;
	key(w, "errorDeclaration");
	open_obj(w);
	ktime(w, "declarationTime", ev->err_time != TRACE__EV_NO_TIME ? ev->err_time : ev->time, 0, 1);
	kstr(w, "reason", ev->err_reason);
	kstrv(w, "correctiveEventIDs", &ev->err_corrective);
	if (ev->err_hash_len) {
		key(w, "libtrace:corrects");
		trace__ev_json_hex(&w->b, ev->err_hash, ev->err_hash_len);
	}
	int rc = members(w, &ev->err_ext);
	close_obj(w);
	return rc;
}

static void hashrefs(jw *w, const char *k, const trace__hashrefv *v, int attachments)
{
	if (v->n == 0)
		return;
	key(w, k);
	trace__sbuf_putc(&w->b, '[');
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			trace__sbuf_putc(&w->b, ',');
		open_obj(w);
		key(w, attachments ? "sha256" : "hash");
		trace__ev_json_hex(&w->b, v->v[i].hash, v->v[i].len);
		kstr(w, attachments ? "uri" : "origin", v->v[i].a);
		kstr(w, "mediaType", v->v[i].b);
		close_obj(w);
	}
	trace__sbuf_putc(&w->b, ']');
}

static void commitments(jw *w, const trace_event *ev)
{
	if (ev->n_priv == 0)
		return;
	key(w, "libtrace:commitments");
	trace__sbuf_putc(&w->b, '[');
	for (size_t i = 0; i < ev->n_priv; i++) {
		if (i)
			trace__sbuf_putc(&w->b, ',');
		open_obj(w);
		kstr(w, "name", ev->priv[i].name);
		key(w, "commitment");
		trace__ev_json_hex(&w->b, ev->priv[i].commitment, TRACE__EV_HASH);
		close_obj(w);
	}
	trace__sbuf_putc(&w->b, ']');
}

int trace_event_to_json(trace_buf *out, const trace_event *ev)
{
	if (out == NULL || ev == NULL)
		return trace__fail(TRACE_EINVAL, "event: NULL argument");
	out->ptr = NULL;
	out->size = 0;
	int rc = trace__ev_validate(ev, 0);
	if (rc)
		return rc;
	static const char *const actions[] = { NULL, "ADD", "OBSERVE", "DELETE" };
	int agg = ev->type == TRACE_EVENT_AGGREGATION || ev->type == TRACE_EVENT_ASSOCIATION;
	jw w = { TRACE__SBUF_INIT, 1 };
	char off[8];
	open_obj(&w);
	kstr(&w, "type", type_names[ev->type]);
	ktime(&w, "eventTime", ev->time, ev->tz, 0);
	trace__ev_offset_format(off, ev->tz);
	kstr(&w, "eventTimeZoneOffset", off);
	ktime(&w, "recordTime", ev->record_time, 0, 1);
	kstr(&w, "eventID", ev->event_id);
	kstrv(&w, "certificationInfo", &ev->certification);
	if (ev->codes[TRACE_ROLE_PARENT].n)
		kstr(&w, "parentID", ev->codes[TRACE_ROLE_PARENT].v[0]);
	kstrv(&w, agg ? "childEPCs" : "epcList", &ev->codes[TRACE_ROLE_ITEM]);
	quantities(&w, agg ? "childQuantityList" : "quantityList", &ev->qty[TRACE_ROLE_ITEM]);
	kstrv(&w, "inputEPCList", &ev->codes[TRACE_ROLE_INPUT]);
	quantities(&w, "inputQuantityList", &ev->qty[TRACE_ROLE_INPUT]);
	kstrv(&w, "outputEPCList", &ev->codes[TRACE_ROLE_OUTPUT]);
	quantities(&w, "outputQuantityList", &ev->qty[TRACE_ROLE_OUTPUT]);
	kstr(&w, "action", actions[ev->action]);
	kstr(&w, "transformationID", ev->transformation_id);
	kstr(&w, "bizStep", ev->biz_step);
	kstr(&w, "disposition", ev->disposition);
	if (ev->pd_set.n || ev->pd_unset.n) {
		key(&w, "persistentDisposition");
		open_obj(&w);
		kstrv(&w, "set", &ev->pd_set);
		kstrv(&w, "unset", &ev->pd_unset);
		close_obj(&w);
	}
	if (location(&w, "readPoint", ev->read_point, &ev->read_point_ext) ||
	    location(&w, "bizLocation", ev->biz_location, &ev->biz_location_ext))
		goto oom;
	pairs(&w, "bizTransactionList", "bizTransaction", &ev->biz_tx);
	pairs(&w, "sourceList", "source", &ev->parties[TRACE_PARTY_SOURCE]);
	pairs(&w, "destinationList", "destination", &ev->parties[TRACE_PARTY_DESTINATION]);
	if (sensors(&w, ev) || ilmd(&w, ev) || error_decl(&w, ev) || members(&w, &ev->ext))
		goto oom;
	hashrefs(&w, "libtrace:prev", &ev->prev, 0);
	hashrefs(&w, "libtrace:attachments", &ev->attachments, 1);
	commitments(&w, ev);
	close_obj(&w);
	if (w.b.oom)
		goto oom;
	return trace__sbuf_finish(&w.b, out);
oom:
	trace__sbuf_free(&w.b);
	return trace__oom();
}

int trace_event_to_json_document(trace_buf *out, const trace_event *const *events, size_t n,
                                 int64_t creation_time)
{
	if (out == NULL || (events == NULL && n > 0))
		return trace__fail(TRACE_EINVAL, "EPCIS document: NULL argument");
	out->ptr = NULL;
	out->size = 0;
	if (creation_time < TRACE__EV_TIME_MIN || creation_time > TRACE__EV_TIME_MAX)
		return trace__fail(TRACE_EINVAL, "EPCIS document: creation time outside the years 0000 to 9999");
	char when[40];
	trace__ev_time_format(when, creation_time, 0, 1);
	trace__sbuf b = TRACE__SBUF_INIT;
	/*
	 * The standard context binds every term and the cbv:, gs1: and cbvmda:
	 * prefixes stored compact; libtrace's own prefix is the one addition.
	 */
	trace__sbuf_puts(&b, "{\"@context\":[\"" TRACE__EPCIS_CONTEXT "\",{\"libtrace\":\"" TRACE__EV_NS "\"}],"
	                     "\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":");
	trace__ev_json_str(&b, when);
	trace__sbuf_puts(&b, ",\"epcisBody\":{\"eventList\":[");
	for (size_t i = 0; i < n; i++) {
		trace_buf one = TRACE_BUF_INIT;
		int rc = events[i] == NULL ? trace__fail(TRACE_EINVAL, "EPCIS document: event %zu is NULL", i)
		                           : trace_event_to_json(&one, events[i]);
		if (rc) {
			if (rc != TRACE_ENOMEM && events[i] != NULL)
				trace__error_prefix("EPCIS document: event %zu", i);
			trace__sbuf_free(&b);
			return rc;
		}
		if (i)
			trace__sbuf_putc(&b, ',');
		trace__sbuf_put(&b, one.ptr, one.size);
		trace_buf_dispose(&one);
	}
	trace__sbuf_puts(&b, "]}}");
	if (b.oom) {
		trace__sbuf_free(&b);
		return trace__oom();
	}
	return trace__sbuf_finish(&b, out);
}
