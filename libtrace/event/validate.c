/*
 * event/validate: the model's rules (EPCIS 2.0 / CBV 2.0, plus libtrace's
 * own).  Every message names the field, by its EPCIS JSON name, and the rule.
 * Run by trace_event_encode() and, with identifier checks, by the decoder.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

static const char *const type_names[] = {
	NULL, "ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent",
	"AssociationEvent"
};

static int bad(const char *field, const char *rule)
{
	return trace__fail(TRACE_EINVAL, "%s: %s", field, rule);
}

static int time_ok(int64_t t, const char *field)
{
	if (t < TRACE__EV_TIME_MIN || t > TRACE__EV_TIME_MAX)
		return bad(field, "time outside the years 0000 to 9999");
	return TRACE_OK;
}

static int strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first string of @v[0..n) that occurs twice (sorting a copy: n log n), or NULL. */
static int find_dup(const char **dup, char *const *v, size_t n, size_t stride)
{
	*dup = NULL;
	if (n < 2)
		return TRACE_OK;
	const char **c = trace__malloc(n * sizeof *c);
	if (c == NULL)
		return trace__oom();
	for (size_t i = 0; i < n; i++)
		c[i] = *(char *const *)((const char *)v + i * stride);
	qsort(c, n, sizeof *c, strcmp_p);
	for (size_t i = 1; i < n && *dup == NULL; i++)
		if (strcmp(c[i - 1], c[i]) == 0)
			*dup = c[i];
	trace__free(c);
	return TRACE_OK;
}

/* Identifier list: canonical (when @full) and without duplicates. */
static int check_ids(const trace__strv *s, const char *field, int full)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i][0] == '\0')
			return bad(field, "empty identifier");
		int rc = full ? trace__ev_id_is_canonical(s->v[i], field) : TRACE_OK;
		if (rc)
			return rc;
	}
	const char *dup;
	int rc = find_dup(&dup, s->v, s->n, sizeof *s->v);
	if (rc)
		return rc;
	if (dup != NULL)
		return trace__fail(TRACE_EINVAL, "%s: \"%.100s\" is listed twice", field, dup);
	return TRACE_OK;
}

static int check_uris(const trace__strv *s, const char *field)
{
	for (size_t i = 0; i < s->n; i++)
		if (!trace__ev_is_uri(s->v[i]))
			return trace__fail(TRACE_EINVAL, "%s[%zu]: \"%.100s\" is not an absolute URI", field, i, s->v[i]);
	return TRACE_OK;
}

static int check_qty(const trace__qtyv *q, const char *field, int full)
{
	for (size_t i = 0; i < q->n; i++) {
		const trace__qty *x = &q->v[i];
		int rc = full ? trace__ev_id_is_canonical(x->cls, field) : TRACE_OK;
		if (rc)
			return rc;
		if (!isnan(x->qty) && (!isfinite(x->qty) || x->qty < 0))
			return trace__fail(TRACE_EINVAL, "%s[%zu].quantity: must be a finite number >= 0", field, i);
		if (x->uom && !trace__ev_uom_ok(x->uom))
			return trace__fail(TRACE_EINVAL, "%s[%zu].uom: not a UN/CEFACT code (2-3 of A-Z 0-9)", field, i);
	}
	return TRACE_OK;
}

/* Reserved keys of an extension map, per place. */
static const char *const report_fields[] = {
	"type", "uom", "time", "minValue", "maxValue", "meanValue", "value", "sDev", "percRank",
	"percValue", NULL
};

int trace__ev_reserved_key(const char *k)
{
	static const char *const names[] = { "prev", "attachments", "private", "commitments", NULL };
	const char *rest = strncmp(k, "libtrace:", 9) == 0 ? k + 9
	                 : strncmp(k, TRACE__EV_NS, strlen(TRACE__EV_NS)) == 0 ? k + strlen(TRACE__EV_NS) : NULL;
	for (int i = 0; rest && names[i]; i++)
		if (strcmp(rest, names[i]) == 0)
			return 1;
	return 0;
}

static int is_ilmd_modelled(const char *k)
{
	static const char *const ns[] = { "cbvmda:", "urn:epcglobal:cbv:mda:", "urn:epcglobal:cbv:mda#",
	                                  "libtrace:", TRACE__EV_NS, NULL };
	static const char *const names[] = { "lotNumber", "itemExpirationDate", "productionDate", NULL };
	for (int i = 0; ns[i]; i++) {
		size_t n = strlen(ns[i]);
		if (strncmp(k, ns[i], n) != 0)
			continue;
		for (int j = 0; names[j]; j++)
			if (strcmp(k + n, names[j]) == 0)
				return 1;
	}
	return 0;
}

enum { EXT_EVENT, EXT_NAMESPACED, EXT_SENSOR_META, EXT_SENSOR_REPORT, EXT_ILMD, EXT_ERROR };

static int check_ext(const trace__extv *e, const char *field, int kind, int full)
{
	for (size_t i = 0; i < e->n; i++) {
		const char *k = e->v[i].key;
		if (k[0] == '\0')
			return bad(field, "empty extension key");
		if (kind != EXT_SENSOR_META && kind != EXT_SENSOR_REPORT && !trace__ev_is_uri(k))
			return trace__fail(TRACE_EINVAL, "%s: key \"%.100s\" is not a namespaced name (prefix:name) or URI",
			                   field, k);
		if (kind == EXT_EVENT && trace__ev_reserved_key(k))
			return trace__fail(TRACE_EINVAL, "%s: key \"%.100s\" is a modelled libtrace field", field, k);
		if (kind == EXT_ERROR && (strcmp(k, "libtrace:corrects") == 0 ||
		                          (strncmp(k, TRACE__EV_NS, strlen(TRACE__EV_NS)) == 0 &&
		                           strcmp(k + strlen(TRACE__EV_NS), "corrects") == 0)))
			return trace__fail(TRACE_EINVAL, "%s: key \"%.100s\" is the modelled corrected-event hash", field, k);
		if (kind == EXT_ILMD && is_ilmd_modelled(k))
			return trace__fail(TRACE_EINVAL, "%s: key \"%.100s\" duplicates a modelled lot field", field, k);
		if (kind == EXT_SENSOR_REPORT)
			for (int j = 0; report_fields[j]; j++)
				if (strcmp(k, report_fields[j]) == 0)
					return trace__fail(TRACE_EINVAL, "%s: \"%s\" is a modelled field, not an extension", field, k);
		if (kind == EXT_SENSOR_META && strcmp(k, "sensorReport") == 0)
			return bad(field, "\"sensorReport\" is not metadata");
		int json_ok = e->v[i].is_json && full ? trace__ev_json_text_ok(e->v[i].value, strlen(e->v[i].value)) : 1;
		if (json_ok < 0)
			return json_ok;
		if (json_ok == 0)
			return trace__fail(TRACE_EINVAL, "%s: value of \"%.100s\" is not canonical JSON", field, k);
	}
	const char *dup = NULL;
	int rc = e->n >= 2 ? find_dup(&dup, &e->v[0].key, e->n, sizeof *e->v) : TRACE_OK;
	if (rc)
		return rc;
	if (dup != NULL)
		return trace__fail(TRACE_EINVAL, "%s: key \"%.100s\" appears twice", field, dup);
	return TRACE_OK;
}

static int check_pairs(const trace__pairv *p, const char *field, int vocab, int full)
{
	for (size_t i = 0; i < p->n; i++) {
		const trace__pair *x = &p->v[i];
		if (vocab == TRACE__CBV_SDT && x->type == NULL)
			return trace__fail(TRACE_EINVAL, "%s[%zu].type: required", field, i);
		if (x->type && !trace__cbv_is_normal(vocab, x->type))
			return trace__fail(TRACE_EINVAL, "%s[%zu].type: \"%.100s\" is neither a CBV 2.0 value (short form) nor an absolute URI",
			                   field, i, x->type);
		if (vocab == TRACE__CBV_BTT) {
			if (!trace__ev_is_uri(x->id))
				return trace__fail(TRACE_EINVAL, "%s[%zu].bizTransaction: not an absolute URI", field, i);
		} else if (full) {
			int rc = trace__ev_id_is_canonical(x->id, field);
			if (rc)
				return rc;
		}
	}
	return TRACE_OK;
}

static int check_sensors(const trace_event *ev, int full)
{
	for (size_t i = 0; i < ev->n_sensors; i++) {
		const trace__sensor *s = &ev->sensors[i];
		if (s->n == 0)
			return trace__fail(TRACE_EINVAL, "sensorElementList[%zu].sensorReport: at least one report is required", i);
		int rc = check_ext(&s->meta, "sensorElementList.sensorMetadata", EXT_SENSOR_META, full);
		if (rc == TRACE_OK)
			rc = check_ext(&s->ext, "sensorElementList", EXT_NAMESPACED, full);
		if (rc)
			return rc;
		for (size_t j = 0; j < s->n; j++) {
			const trace__report *r = &s->r[j];
			int any = r->type || r->uom || r->time != TRACE__EV_NO_TIME || r->ext.n;
			for (int k = 0; k < TRACE__EV_SR_NUM; k++) {
				if (!isnan(r->num[k]) && !isfinite(r->num[k]))
					return trace__fail(TRACE_EINVAL, "sensorElementList[%zu].sensorReport[%zu].%s: not finite",
					                   i, j, trace__ev_sr_json[k]);
				any |= !isnan(r->num[k]);
			}
			if (!any)
				return trace__fail(TRACE_EINVAL, "sensorElementList[%zu].sensorReport[%zu]: empty report", i, j);
			if (r->type && !trace__ev_sensor_type_ok(r->type))
				return trace__fail(TRACE_EINVAL, "sensorElementList[%zu].sensorReport[%zu].type: \"%.100s\" is neither a GS1 measurement type (short form) nor an absolute URI",
				                   i, j, r->type);
			if (r->uom && !trace__ev_uom_ok(r->uom))
				return trace__fail(TRACE_EINVAL, "sensorElementList[%zu].sensorReport[%zu].uom: not a UN/CEFACT code", i, j);
			if (r->time != TRACE__EV_NO_TIME && time_ok(r->time, "sensorElementList.sensorReport.time"))
				return TRACE_EINVAL;
			if ((rc = check_ext(&r->ext, "sensorElementList.sensorReport", EXT_SENSOR_REPORT, full)))
				return rc;
		}
	}
	return TRACE_OK;
}

static int check_hashrefs(const trace__hashrefv *v, const char *field, int attachments)
{
	for (size_t i = 0; i < v->n; i++) {
		const trace__hashref *r = &v->v[i];
		if (r->len != TRACE__EV_HASH)
			return trace__fail(TRACE_EINVAL, "%s[%zu]: hash is %zu bytes, expected %d", field, i, r->len, TRACE__EV_HASH);
		if (attachments) {
			if (r->a && !trace__ev_is_uri(r->a))
				return trace__fail(TRACE_EINVAL, "%s[%zu].uri: not an absolute URI", field, i);
			if (r->b && !trace__ev_media_type_ok(r->b))
				return trace__fail(TRACE_EINVAL, "%s[%zu].mediaType: not type/subtype", field, i);
		} else if (r->a && r->a[0] == '\0') {
			return trace__fail(TRACE_EINVAL, "%s[%zu].origin: empty", field, i);
		}
	}
	return TRACE_OK;
}

static int check_shape(const trace_event *ev)
{
	const char *tn = type_names[ev->type];
	size_t items = ev->codes[TRACE_ROLE_ITEM].n + ev->qty[TRACE_ROLE_ITEM].n;
	size_t inputs = ev->codes[TRACE_ROLE_INPUT].n + ev->qty[TRACE_ROLE_INPUT].n;
	size_t outputs = ev->codes[TRACE_ROLE_OUTPUT].n + ev->qty[TRACE_ROLE_OUTPUT].n;
	int has_parent = ev->codes[TRACE_ROLE_PARENT].n > 0;
	int agg = ev->type == TRACE_EVENT_AGGREGATION || ev->type == TRACE_EVENT_ASSOCIATION;

	if (ev->type == TRACE_EVENT_TRANSFORMATION) {
		if (ev->action != TRACE_ACTION_NONE)
			return bad("action", "a TransformationEvent has no action");
		if (items)
			return bad("epcList", "a TransformationEvent lists inputEPCList and outputEPCList instead");
		if (has_parent)
			return bad("parentID", "not allowed in a TransformationEvent");
		if ((inputs == 0 || outputs == 0) && ev->transformation_id == NULL)
			return bad(inputs == 0 ? "inputEPCList" : "outputEPCList",
			           "a TransformationEvent needs inputs and outputs, or a transformationID");
		return TRACE_OK;
	}
	if (ev->action == TRACE_ACTION_NONE)
		return trace__fail(TRACE_EINVAL, "action: required for %s (ADD, OBSERVE or DELETE)", tn);
	if (inputs || outputs)
		return trace__fail(TRACE_EINVAL, "%s: only a TransformationEvent has inputs and outputs",
		                   inputs ? "inputEPCList" : "outputEPCList");
	if (ev->transformation_id)
		return trace__fail(TRACE_EINVAL, "transformationID: not allowed in %s", tn);
	switch (ev->type) {
	case TRACE_EVENT_OBJECT:
		if (has_parent)
			return bad("parentID", "not allowed in an ObjectEvent");
		if (items == 0 && !(ev->n_sensors > 0 && ev->read_point != NULL))
			return bad("epcList", "an ObjectEvent needs epcList or quantityList (or sensorElementList with a readPoint)");
		if (ev->has_ilmd && ev->action != TRACE_ACTION_ADD)
			return bad("ilmd", "lot master data belongs to an ObjectEvent with action ADD");
		break;
	case TRACE_EVENT_AGGREGATION:
	case TRACE_EVENT_ASSOCIATION:
		if (!has_parent && (ev->type == TRACE_EVENT_ASSOCIATION || ev->action != TRACE_ACTION_OBSERVE))
			return trace__fail(TRACE_EINVAL, "parentID: required for %s %s", tn,
			                   ev->action == TRACE_ACTION_ADD ? "ADD"
			                   : ev->action == TRACE_ACTION_DELETE ? "DELETE" : "OBSERVE");
		if (items == 0 && ev->action == TRACE_ACTION_ADD)
			return trace__fail(TRACE_EINVAL, "childEPCs: %s ADD needs children (childEPCs or childQuantityList)", tn);
		if (has_parent) {
			const char *p = ev->codes[TRACE_ROLE_PARENT].v[0];
			for (size_t i = 0; i < ev->codes[TRACE_ROLE_ITEM].n; i++)
				if (strcmp(ev->codes[TRACE_ROLE_ITEM].v[i], p) == 0)
					return trace__fail(TRACE_EINVAL, "childEPCs[%zu]: the parent cannot be its own child", i);
		}
		break;
	case TRACE_EVENT_TRANSACTION:
		if (ev->biz_tx.n == 0)
			return bad("bizTransactionList", "required for TransactionEvent");
		break;
	}
	if (ev->has_ilmd && ev->type != TRACE_EVENT_OBJECT)
		return trace__fail(TRACE_EINVAL, "ilmd: not allowed in %s (only ObjectEvent and TransformationEvent)", tn);
	(void)agg;
	return TRACE_OK;
}

int trace__ev_validate(const trace_event *ev, int full)
{
	if (ev->type < TRACE_EVENT_OBJECT || ev->type > TRACE_EVENT_ASSOCIATION)
		return bad("type", "unknown event type");
	if (!ev->time_set)
		return bad("eventTime", "required");
	if (time_ok(ev->time, "eventTime"))
		return TRACE_EINVAL;
	if (ev->tz < -840 || ev->tz > 840)
		return bad("eventTimeZoneOffset", "outside -14:00..+14:00");
	if (time_ok(ev->time + (int64_t)ev->tz * 60000, "eventTime (local time at eventTimeZoneOffset)"))
		return TRACE_EINVAL;
	if (ev->record_time != TRACE__EV_NO_TIME && time_ok(ev->record_time, "recordTime"))
		return TRACE_EINVAL;
	if (ev->action < TRACE_ACTION_NONE || ev->action > TRACE_ACTION_DELETE)
		return bad("action", "unknown action");
	int rc;
	if ((rc = check_shape(ev)))
		return rc;
	if (ev->event_id && !trace__ev_is_uri(ev->event_id))
		return bad("eventID", "not an absolute URI");
	if ((rc = check_uris(&ev->certification, "certificationInfo")))
		return rc;
	const int agg = ev->type == TRACE_EVENT_AGGREGATION || ev->type == TRACE_EVENT_ASSOCIATION;
	if ((rc = check_ids(&ev->codes[TRACE_ROLE_ITEM], agg ? "childEPCs" : "epcList", full)) ||
	    (rc = check_ids(&ev->codes[TRACE_ROLE_PARENT], "parentID", full)) ||
	    (rc = check_ids(&ev->codes[TRACE_ROLE_INPUT], "inputEPCList", full)) ||
	    (rc = check_ids(&ev->codes[TRACE_ROLE_OUTPUT], "outputEPCList", full)))
		return rc;
	if (ev->codes[TRACE_ROLE_PARENT].n > 1)
		return bad("parentID", "at most one parent");
	if ((rc = check_qty(&ev->qty[TRACE_ROLE_ITEM], agg ? "childQuantityList" : "quantityList", full)) ||
	    (rc = check_qty(&ev->qty[TRACE_ROLE_INPUT], "inputQuantityList", full)) ||
	    (rc = check_qty(&ev->qty[TRACE_ROLE_OUTPUT], "outputQuantityList", full)))
		return rc;
	if (ev->qty[TRACE_ROLE_PARENT].n || ev->codes[0].n || ev->qty[0].n)
		return bad("quantityList", "no quantities in the parent role");
	if (ev->biz_step && !trace__cbv_is_normal(TRACE__CBV_BIZSTEP, ev->biz_step))
		return bad("bizStep", "neither a CBV 2.0 business step (short form) nor an absolute URI");
	if (ev->disposition && !trace__cbv_is_normal(TRACE__CBV_DISP, ev->disposition))
		return bad("disposition", "neither a CBV 2.0 disposition (short form) nor an absolute URI");
	for (int u = 0; u < 2; u++) {
		const trace__strv *s = u ? &ev->pd_unset : &ev->pd_set;
		for (size_t i = 0; i < s->n; i++)
			if (!trace__cbv_is_normal(TRACE__CBV_DISP, s->v[i]))
				return trace__fail(TRACE_EINVAL, "persistentDisposition.%s[%zu]: neither a CBV 2.0 disposition (short form) nor an absolute URI",
				                   u ? "unset" : "set", i);
		const char *dup;
		if ((rc = find_dup(&dup, s->v, s->n, sizeof *s->v)))
			return rc;
		if (dup != NULL)
			return trace__fail(TRACE_EINVAL, "persistentDisposition.%s: \"%.100s\" is listed twice",
			                   u ? "unset" : "set", dup);
	}
	if (ev->pd_set.n && ev->pd_unset.n) {
		/* set and unset are each free of duplicates: a duplicate of the union is in both */
		trace__strv both = { NULL, 0, 0 };
		const char *dup = NULL;
		both.v = trace__malloc((ev->pd_set.n + ev->pd_unset.n) * sizeof *both.v);
		if (both.v == NULL)
			return trace__oom();
		memcpy(both.v, ev->pd_set.v, ev->pd_set.n * sizeof *both.v);
		memcpy(both.v + ev->pd_set.n, ev->pd_unset.v, ev->pd_unset.n * sizeof *both.v);
		rc = find_dup(&dup, both.v, ev->pd_set.n + ev->pd_unset.n, sizeof *both.v);
		trace__free(both.v);
		if (rc)
			return rc;
		if (dup != NULL)
			return trace__fail(TRACE_EINVAL, "persistentDisposition: \"%.100s\" is both set and unset", dup);
	}
	if (full && ev->read_point && (rc = trace__ev_id_is_canonical(ev->read_point, "readPoint.id")))
		return rc;
	if (full && ev->biz_location && (rc = trace__ev_id_is_canonical(ev->biz_location, "bizLocation.id")))
		return rc;
	if (ev->read_point_ext.n && ev->read_point == NULL)
		return bad("readPoint", "extension fields without an id");
	if (ev->biz_location_ext.n && ev->biz_location == NULL)
		return bad("bizLocation", "extension fields without an id");
	if ((rc = check_ext(&ev->read_point_ext, "readPoint", EXT_NAMESPACED, full)) ||
	    (rc = check_ext(&ev->biz_location_ext, "bizLocation", EXT_NAMESPACED, full)))
		return rc;
	if (ev->transformation_id && !trace__ev_is_uri(ev->transformation_id))
		return bad("transformationID", "not an absolute URI");
	if ((rc = check_pairs(&ev->biz_tx, "bizTransactionList", TRACE__CBV_BTT, full)) ||
	    (rc = check_pairs(&ev->parties[TRACE_PARTY_SOURCE], "sourceList", TRACE__CBV_SDT, full)) ||
	    (rc = check_pairs(&ev->parties[TRACE_PARTY_DESTINATION], "destinationList", TRACE__CBV_SDT, full)))
		return rc;
	if ((rc = check_sensors(ev, full)))
		return rc;
	if (ev->has_ilmd) {
		if (ev->lot == NULL && ev->production == TRACE__EV_NO_TIME && ev->expiry == TRACE__EV_NO_TIME &&
		    ev->ilmd_ext.n == 0)
			return bad("ilmd", "empty");
		if (ev->lot && ev->lot[0] == '\0')
			return bad("ilmd.cbvmda:lotNumber", "empty");
		if ((ev->production != TRACE__EV_NO_TIME && time_ok(ev->production, "ilmd.libtrace:productionDate")) ||
		    (ev->expiry != TRACE__EV_NO_TIME && time_ok(ev->expiry, "ilmd.cbvmda:itemExpirationDate")))
			return TRACE_EINVAL;
		if ((rc = check_ext(&ev->ilmd_ext, "ilmd", EXT_ILMD, full)))
			return rc;
	} else if (ev->lot || ev->ilmd_ext.n || ev->production != TRACE__EV_NO_TIME ||
	           ev->expiry != TRACE__EV_NO_TIME) {
		return bad("ilmd", "inconsistent lot master data");
	}
	if ((rc = check_ext(&ev->ext, "extension", EXT_EVENT, full)))
		return rc;
	if ((rc = check_hashrefs(&ev->prev, "libtrace:prev", 0)) ||
	    (rc = check_hashrefs(&ev->attachments, "libtrace:attachments", 1)))
		return rc;
	if (ev->has_error) {
		if (ev->err_hash_len != 0 && ev->err_hash_len != TRACE__EV_HASH)
			return bad("errorDeclaration.libtrace:corrects", "hash must be 32 bytes");
		if (ev->err_reason && !trace__cbv_is_normal(TRACE__CBV_ER, ev->err_reason))
			return bad("errorDeclaration.reason", "neither a CBV 2.0 error reason (short form) nor an absolute URI");
		if (ev->err_time != TRACE__EV_NO_TIME && time_ok(ev->err_time, "errorDeclaration.declarationTime"))
			return TRACE_EINVAL;
		if ((rc = check_uris(&ev->err_corrective, "errorDeclaration.correctiveEventIDs")) ||
		    (rc = check_ext(&ev->err_ext, "errorDeclaration", EXT_ERROR, full)))
			return rc;
	}
	for (size_t i = 0; i < ev->n_priv; i++)
		if (ev->priv[i].name == NULL || ev->priv[i].name[0] == '\0')
			return trace__fail(TRACE_EINVAL, "libtrace:commitments[%zu].name: empty", i);
	return TRACE_OK;
}

int trace_event_validate(const trace_event *ev)
{
	if (ev == NULL)
		return trace__fail(TRACE_EINVAL, "event: NULL event");
	return trace__ev_validate(ev, 0);
}
