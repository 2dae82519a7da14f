/*
 * event/builder: the setters of include/trace/event.h.  Every value is
 * checked and brought to its one canonical form here (codes through the code
 * module, CBV values to their short form), so the encoder writes what it holds.
 */
#include <math.h>
#include <string.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define NEED_EV(ev) do { \
	if ((ev) == NULL) \
		return trace__fail(TRACE_EINVAL, "event: NULL event"); \
} while (0)

static int text_arg(const char *s, const char *what, int required)
{
	if (s == NULL)
		return required ? trace__fail(TRACE_EINVAL, "%s: missing", what) : TRACE_OK;
	if (!trace__ev_text_ok(s, strlen(s)))
		return trace__fail(TRACE_EINVAL, "%s: not valid UTF-8", what);
	if (required && *s == '\0')
		return trace__fail(TRACE_EINVAL, "%s: empty", what);
	return TRACE_OK;
}

static int time_ok(int64_t t, const char *what)
{
	if (t < TRACE__EV_TIME_MIN || t > TRACE__EV_TIME_MAX)
		return trace__fail(TRACE_EINVAL, "%s: %lld ms is outside the years 0000 to 9999", what,
		                   (long long)t);
	return TRACE_OK;
}

int trace_event_set_time(trace_event *ev, int64_t time_ms, int tz_offset_minutes)
{
	NEED_EV(ev);
	if (tz_offset_minutes < -840 || tz_offset_minutes > 840)
		return trace__fail(TRACE_EINVAL, "eventTimeZoneOffset: %d minutes is outside -14:00..+14:00",
		                   tz_offset_minutes);
	if (time_ok(time_ms, "eventTime"))
		return TRACE_EINVAL;
	ev->time = time_ms;
	ev->tz = tz_offset_minutes;
	ev->time_set = 1;
	return TRACE_OK;
}

int trace_event_set_record_time(trace_event *ev, int64_t time_ms)
{
	NEED_EV(ev);
	if (time_ms != TRACE__EV_NO_TIME && time_ok(time_ms, "recordTime"))
		return TRACE_EINVAL;
	ev->record_time = time_ms;
	return TRACE_OK;
}

int trace_event_set_action(trace_event *ev, int action)
{
	NEED_EV(ev);
	if (action < TRACE_ACTION_NONE || action > TRACE_ACTION_DELETE)
		return trace__fail(TRACE_EINVAL, "action: unknown action %d", action);
	ev->action = action;
	return TRACE_OK;
}

static const char *role_name(const trace_event *ev, int role)
{
	switch (role) {
	case TRACE_ROLE_ITEM:
		return ev->type == TRACE_EVENT_AGGREGATION || ev->type == TRACE_EVENT_ASSOCIATION
		       ? "childEPCs" : "epcList";
	case TRACE_ROLE_PARENT: return "parentID";
	case TRACE_ROLE_INPUT: return "inputEPCList";
	case TRACE_ROLE_OUTPUT: return "outputEPCList";
	}
	return "code";
}

int trace_event_add_code(trace_event *ev, int role, const char *code)
{
	NEED_EV(ev);
	if (role < TRACE_ROLE_ITEM || role > TRACE_ROLE_OUTPUT)
		return trace__fail(TRACE_EINVAL, "code role: unknown role %d", role);
	const char *what = role_name(ev, role);
	if (text_arg(code, what, 1))
		return TRACE_EINVAL;
	if (role == TRACE_ROLE_PARENT && ev->codes[role].n > 0)
		return trace__fail(TRACE_EINVAL, "parentID: an event has at most one parent");
	char *canon = NULL;
	int rc = trace__ev_canonical_id(&canon, code, what);
	if (rc)
		return rc;
	trace__strv *s = &ev->codes[role];
	if (trace__grow((void **)&s->v, &s->cap, s->n, sizeof *s->v)) {
		trace__free(canon);
		return TRACE_ENOMEM;
	}
	s->v[s->n++] = canon;
	return TRACE_OK;
}

int trace_event_add_quantity(trace_event *ev, int role, const char *class_code, double quantity,
                             const char *uom)
{
	NEED_EV(ev);
	if (role != TRACE_ROLE_ITEM && role != TRACE_ROLE_INPUT && role != TRACE_ROLE_OUTPUT)
		return trace__fail(TRACE_EINVAL, "quantity role: %d has no quantity list", role);
	const char *what = role == TRACE_ROLE_INPUT ? "inputQuantityList"
	                 : role == TRACE_ROLE_OUTPUT ? "outputQuantityList"
	                 : (ev->type == TRACE_EVENT_AGGREGATION || ev->type == TRACE_EVENT_ASSOCIATION)
	                   ? "childQuantityList" : "quantityList";
	if (text_arg(class_code, what, 1))
		return TRACE_EINVAL;
	if (!isnan(quantity) && (!isfinite(quantity) || quantity < 0))
		return trace__fail(TRACE_EINVAL, "%s: quantity must be a finite number >= 0", what);
	if (uom != NULL && !trace__ev_uom_ok(uom))
		return trace__fail(TRACE_EINVAL, "%s: uom \"%.40s\" is not a UN/CEFACT code (2-3 of A-Z 0-9)",
		                   what, uom);
	char *cls = NULL, *u = NULL;
	int rc = trace__ev_canonical_id(&cls, class_code, what);
	if (rc)
		return rc;
	trace__qtyv *q = &ev->qty[role];
	if ((uom && (u = trace__strdup(uom)) == NULL) ||
	    trace__grow((void **)&q->v, &q->cap, q->n, sizeof *q->v)) {
		trace__free(cls);
		trace__free(u);
		return trace__oom();
	}
	q->v[q->n].cls = cls;
	q->v[q->n].qty = isnan(quantity) ? NAN : trace__ev_num_normalize(quantity);
	q->v[q->n].uom = u;
	q->n++;
	return TRACE_OK;
}

static int set_cbv(char **slot, int vocab, const char *value, const char *what)
{
	if (value == NULL) {
		trace__free(*slot);
		*slot = NULL;
		return TRACE_OK;
	}
	if (text_arg(value, what, 1))
		return TRACE_EINVAL;
	char *n = NULL;
	int rc = trace__cbv_normalize(&n, vocab, value, what);
	if (rc)
		return rc;
	trace__free(*slot);
	*slot = n;
	return TRACE_OK;
}

int trace_event_set_biz_step(trace_event *ev, const char *step)
{
	NEED_EV(ev);
	return set_cbv(&ev->biz_step, TRACE__CBV_BIZSTEP, step, "bizStep");
}

int trace_event_set_disposition(trace_event *ev, const char *disposition)
{
	NEED_EV(ev);
	return set_cbv(&ev->disposition, TRACE__CBV_DISP, disposition, "disposition");
}

static int set_id(char **slot, const char *value, const char *what)
{
	if (value == NULL) {
		trace__free(*slot);
		*slot = NULL;
		return TRACE_OK;
	}
	if (text_arg(value, what, 1))
		return TRACE_EINVAL;
	char *c = NULL;
	int rc = trace__ev_canonical_id(&c, value, what);
	if (rc)
		return rc;
	trace__free(*slot);
	*slot = c;
	return TRACE_OK;
}

int trace_event_set_read_point(trace_event *ev, const char *location)
{
	NEED_EV(ev);
	return set_id(&ev->read_point, location, "readPoint.id");
}

int trace_event_set_biz_location(trace_event *ev, const char *location)
{
	NEED_EV(ev);
	return set_id(&ev->biz_location, location, "bizLocation.id");
}

static int push_pair(trace__pairv *p, char *type, char *id)
{
	if (trace__grow((void **)&p->v, &p->cap, p->n, sizeof *p->v)) {
		trace__free(type);
		trace__free(id);
		return TRACE_ENOMEM;
	}
	p->v[p->n].type = type;
	p->v[p->n].id = id;
	p->n++;
	return TRACE_OK;
}

int trace_event_add_party(trace_event *ev, int kind, const char *type, const char *id)
{
	NEED_EV(ev);
	if (kind != TRACE_PARTY_SOURCE && kind != TRACE_PARTY_DESTINATION)
		return trace__fail(TRACE_EINVAL, "party kind: unknown kind %d", kind);
	const char *what = kind == TRACE_PARTY_SOURCE ? "sourceList" : "destinationList";
	if (text_arg(type, what, 1) || text_arg(id, what, 1))
		return TRACE_EINVAL;
	char *t = NULL, *i = NULL;
	int rc = trace__cbv_normalize(&t, TRACE__CBV_SDT, type, what);
	if (rc)
		return rc;
	if ((rc = trace__ev_canonical_id(&i, id, what))) {
		trace__free(t);
		return rc;
	}
	return push_pair(&ev->parties[kind], t, i);
}

int trace_event_add_biz_transaction(trace_event *ev, const char *type, const char *id)
{
	NEED_EV(ev);
	const char *what = "bizTransactionList";
	if (text_arg(type, what, 0) || text_arg(id, what, 1))
		return TRACE_EINVAL;
	if (!trace__ev_is_uri(id))
		return trace__fail(TRACE_EINVAL, "bizTransactionList: bizTransaction \"%.80s\" is not an absolute URI", id);
	char *t = NULL, *i = NULL;
	int rc;
	if (type != NULL && (rc = trace__cbv_normalize(&t, TRACE__CBV_BTT, type, what)))
		return rc;
	if ((i = trace__strdup(id)) == NULL) {
		trace__free(t);
		return trace__oom();
	}
	return push_pair(&ev->biz_tx, t, i);
}

int trace_event_add_sensor(trace_event *ev, const char *type, double min, double max, double mean,
                           const char *uom, int64_t time_ms)
{
	NEED_EV(ev);
	const char *what = "sensorElementList";
	double v[3] = { min, max, mean };
	for (int i = 0; i < 3; i++)
		if (!isnan(v[i]) && !isfinite(v[i]))
			return trace__fail(TRACE_EINVAL, "%s: sensorReport.%s is not finite", what,
			                   trace__ev_sr_json[i]);
	if (text_arg(type, what, 0) || text_arg(uom, what, 0))
		return TRACE_EINVAL;
	if (uom != NULL && !trace__ev_uom_ok(uom))
		return trace__fail(TRACE_EINVAL, "%s: sensorReport.uom \"%.40s\" is not a UN/CEFACT code", what, uom);
	if (time_ms != TRACE__EV_NO_TIME && time_ok(time_ms, "sensorReport.time"))
		return TRACE_EINVAL;
	char *t = NULL, *u = NULL;
	int rc;
	if (type != NULL && (rc = trace__ev_sensor_type(&t, type, "sensorElementList: sensorReport.type")))
		return rc;
	if (uom != NULL && (u = trace__strdup(uom)) == NULL) {
		trace__free(t);
		return trace__oom();
	}
	trace__sensor *s = trace__ev_new_sensor(ev);
	trace__report *r = s ? trace__ev_new_report(ev, s) : NULL;
	if (r == NULL) {
		if (s)
			ev->n_sensors--;
		trace__free(t);
		trace__free(u);
		return trace__oom();
	}
	r->type = t;
	r->uom = u;
	for (int i = 0; i < 3; i++)
		r->num[i] = isnan(v[i]) ? NAN : trace__ev_num_normalize(v[i]);
	r->time = time_ms;
	return TRACE_OK;
}

static int hash_arg(const uint8_t *h, size_t len, const char *what)
{
	if (h == NULL)
		return trace__fail(TRACE_EINVAL, "%s: missing hash", what);
	if (len != TRACE__EV_HASH)
		return trace__fail(TRACE_EINVAL, "%s: hash is %zu bytes, expected %d", what, len, TRACE__EV_HASH);
	return TRACE_OK;
}

static int push_hashref(trace__hashrefv *v, const uint8_t *hash, const char *a, const char *b)
{
	char *da = NULL, *db = NULL;
	if ((a && (da = trace__strdup(a)) == NULL) || (b && (db = trace__strdup(b)) == NULL) ||
	    trace__grow((void **)&v->v, &v->cap, v->n, sizeof *v->v)) {
		trace__free(da);
		trace__free(db);
		return trace__oom();
	}
	trace__hashref *r = &v->v[v->n++];
	memcpy(r->hash, hash, TRACE__EV_HASH);
	r->len = TRACE__EV_HASH;
	r->a = da;
	r->b = db;
	return TRACE_OK;
}

int trace_event_add_attachment(trace_event *ev, const uint8_t *hash, size_t len, const char *uri,
                               const char *media_type)
{
	NEED_EV(ev);
	const char *what = "libtrace:attachments";
	if (hash_arg(hash, len, what) || text_arg(uri, what, 0) || text_arg(media_type, what, 0))
		return TRACE_EINVAL;
	if (uri != NULL && !trace__ev_is_uri(uri))
		return trace__fail(TRACE_EINVAL, "%s: uri \"%.80s\" is not an absolute URI", what, uri);
	if (media_type != NULL && !trace__ev_media_type_ok(media_type))
		return trace__fail(TRACE_EINVAL, "%s: mediaType \"%.80s\" is not type/subtype", what, media_type);
	return push_hashref(&ev->attachments, hash, uri, media_type);
}

int trace_event_set_lot(trace_event *ev, const char *lot, int64_t production_ms, int64_t expiry_ms)
{
	NEED_EV(ev);
	if (text_arg(lot, "ilmd.lotNumber", 0))
		return TRACE_EINVAL;
	if (lot != NULL && *lot == '\0')
		return trace__fail(TRACE_EINVAL, "ilmd.lotNumber: empty");
	if (production_ms != TRACE__EV_NO_TIME && time_ok(production_ms, "ilmd.productionDate"))
		return TRACE_EINVAL;
	if (expiry_ms != TRACE__EV_NO_TIME && time_ok(expiry_ms, "ilmd.itemExpirationDate"))
		return TRACE_EINVAL;
	if (trace__ev_set_str(&ev->lot, lot))
		return TRACE_ENOMEM;
	ev->production = production_ms;
	ev->expiry = expiry_ms;
	ev->has_ilmd = lot != NULL || production_ms != TRACE__EV_NO_TIME ||
	               expiry_ms != TRACE__EV_NO_TIME || ev->ilmd_ext.n > 0;
	return TRACE_OK;
}

int trace_event_add_extension(trace_event *ev, const char *key, const char *value)
{
	NEED_EV(ev);
	if (text_arg(key, "extension key", 1) || text_arg(value, "extension value", 0))
		return TRACE_EINVAL;
	if (value == NULL)
		return trace__fail(TRACE_EINVAL, "extension \"%.80s\": missing value", key);
	if (!trace__ev_is_uri(key))
		return trace__fail(TRACE_EINVAL, "extension \"%.80s\": key must be a namespaced name (prefix:name) or an absolute URI", key);
	if (trace__ev_reserved_key(key))
		return trace__fail(TRACE_EINVAL, "extension \"%.80s\": a modelled libtrace field, not an extension", key);
	for (size_t i = 0; i < ev->ext.n; i++)
		if (strcmp(ev->ext.v[i].key, key) == 0)
			return trace__fail(TRACE_EINVAL, "extension \"%.80s\": duplicate key", key);
	return trace__extv_push(&ev->ext, key, value, 0);
}

int trace_event_add_prev(trace_event *ev, const uint8_t *hash, size_t len, const char *origin)
{
	NEED_EV(ev);
	if (hash_arg(hash, len, "libtrace:prev") || text_arg(origin, "libtrace:prev origin", 0))
		return TRACE_EINVAL;
	if (origin != NULL && *origin == '\0')
		return trace__fail(TRACE_EINVAL, "libtrace:prev: empty origin (use NULL for this ledger)");
	return push_hashref(&ev->prev, hash, origin, NULL);
}

int trace_event_set_error_declaration(trace_event *ev, const uint8_t *hash, size_t len,
                                      const char *reason)
{
	NEED_EV(ev);
	if (hash_arg(hash, len, "errorDeclaration.libtrace:corrects") ||
	    text_arg(reason, "errorDeclaration.reason", 0))
		return TRACE_EINVAL;
	char *r = NULL;
	int rc;
	if (reason != NULL &&
	    (rc = trace__cbv_normalize(&r, TRACE__CBV_ER, reason, "errorDeclaration.reason")))
		return rc;
	trace__free(ev->err_reason);
	ev->err_reason = r;
	memcpy(ev->err_hash, hash, TRACE__EV_HASH);
	ev->err_hash_len = TRACE__EV_HASH;
	ev->has_error = 1;
	return TRACE_OK;
}
