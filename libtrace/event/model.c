/*
 * event/model: the event object's storage — creation, release and the small
 * growable containers the builder, the decoder and the JSON reader fill.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../crypto.h"
#include "../util/alloc.h"

const char *const trace__ev_sr_json[TRACE__EV_SR_NUM] = {
	"minValue", "maxValue", "meanValue", "value", "sDev", "percRank", "percValue"
};

int trace__strv_push(trace__strv *s, const char *str)
{
	if (trace__grow((void **)&s->v, &s->cap, s->n, sizeof *s->v))
		return TRACE_ENOMEM;
	char *d = trace__strdup(str);
	if (d == NULL)
		return trace__oom();
	s->v[s->n++] = d;
	return TRACE_OK;
}

void trace__strv_free(trace__strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		trace__free(s->v[i]);
	trace__free(s->v);
	memset(s, 0, sizeof *s);
}

int trace__extv_push(trace__extv *e, const char *key, const char *value, int is_json)
{
	if (trace__grow((void **)&e->v, &e->cap, e->n, sizeof *e->v))
		return TRACE_ENOMEM;
	trace__ext *x = &e->v[e->n];
	x->key = trace__strdup(key);
	x->value = trace__strdup(value);
	x->is_json = is_json;
	if (x->key == NULL || x->value == NULL) {
		trace__free(x->key);
		trace__free(x->value);
		return trace__oom();
	}
	e->n++;
	return TRACE_OK;
}

void trace__extv_free(trace__extv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		trace__free(e->v[i].key);
		trace__free(e->v[i].value);
	}
	trace__free(e->v);
	memset(e, 0, sizeof *e);
}

trace__sensor *trace__ev_new_sensor(trace_event *ev)
{
	if (trace__grow((void **)&ev->sensors, &ev->cap_sensors, ev->n_sensors,
	                   sizeof *ev->sensors))
		return NULL;
	trace__sensor *s = &ev->sensors[ev->n_sensors++];
	memset(s, 0, sizeof *s);
	return s;
}

trace__report *trace__ev_new_report(trace_event *ev, trace__sensor *into)
{
	(void)ev;
	if (trace__grow((void **)&into->r, &into->cap, into->n, sizeof *into->r))
		return NULL;
	trace__report *r = &into->r[into->n++];
	memset(r, 0, sizeof *r);
	for (int i = 0; i < TRACE__EV_SR_NUM; i++)
		r->num[i] = NAN;
	r->time = TRACE__EV_NO_TIME;
	return r;
}

int trace__ev_set_str(char **slot, const char *s)
{
	char *d = NULL;
	if (s != NULL && (d = trace__strdup(s)) == NULL)
		return trace__oom();
	trace__free(*slot);
	*slot = d;
	return TRACE_OK;
}

int trace_event_new(trace_event **out, int type)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "event: no output pointer");
	*out = NULL;
	if (type < TRACE_EVENT_OBJECT || type > TRACE_EVENT_ASSOCIATION)
		return trace__fail(TRACE_EINVAL, "type: unknown event type %d", type);
	trace_event *ev = trace__calloc(1, sizeof *ev);
	if (ev == NULL)
		return trace__oom();
	ev->type = type;
	ev->record_time = TRACE__EV_NO_TIME;
	ev->production = TRACE__EV_NO_TIME;
	ev->expiry = TRACE__EV_NO_TIME;
	ev->err_time = TRACE__EV_NO_TIME;
	*out = ev;
	return TRACE_OK;
}

static void pairv_free(trace__pairv *p)
{
	for (size_t i = 0; i < p->n; i++) {
		trace__free(p->v[i].type);
		trace__free(p->v[i].id);
	}
	trace__free(p->v);
}

static void hashrefv_free(trace__hashrefv *h)
{
	for (size_t i = 0; i < h->n; i++) {
		trace__free(h->v[i].a);
		trace__free(h->v[i].b);
	}
	trace__free(h->v);
}

void trace_event_free(trace_event *ev)
{
	if (ev == NULL)
		return;
	trace__free(ev->event_id);
	trace__strv_free(&ev->certification);
	for (int r = 0; r < 5; r++) {
		trace__strv_free(&ev->codes[r]);
		for (size_t i = 0; i < ev->qty[r].n; i++) {
			trace__free(ev->qty[r].v[i].cls);
			trace__free(ev->qty[r].v[i].uom);
		}
		trace__free(ev->qty[r].v);
	}
	trace__free(ev->biz_step);
	trace__free(ev->disposition);
	trace__strv_free(&ev->pd_set);
	trace__strv_free(&ev->pd_unset);
	trace__free(ev->read_point);
	trace__free(ev->biz_location);
	trace__extv_free(&ev->read_point_ext);
	trace__extv_free(&ev->biz_location_ext);
	trace__free(ev->transformation_id);
	for (int k = 0; k < 3; k++)
		pairv_free(&ev->parties[k]);
	pairv_free(&ev->biz_tx);
	for (size_t i = 0; i < ev->n_sensors; i++) {
		trace__sensor *s = &ev->sensors[i];
		trace__extv_free(&s->meta);
		trace__extv_free(&s->ext);
		for (size_t j = 0; j < s->n; j++) {
			trace__free(s->r[j].type);
			trace__free(s->r[j].uom);
			trace__extv_free(&s->r[j].ext);
		}
		trace__free(s->r);
	}
	trace__free(ev->sensors);
	trace__free(ev->lot);
	trace__extv_free(&ev->ilmd_ext);
	hashrefv_free(&ev->attachments);
	trace__extv_free(&ev->ext);
	hashrefv_free(&ev->prev);
	trace__free(ev->err_reason);
	trace__strv_free(&ev->err_corrective);
	trace__extv_free(&ev->err_ext);
	for (size_t i = 0; i < ev->n_priv; i++) {
		trace__priv *p = &ev->priv[i];
		trace__free(p->name);
		if (p->value) {
			trace__memzero(p->value, strlen(p->value));
			trace__free(p->value);
		}
	}
	if (ev->priv)
		trace__memzero(ev->priv, ev->cap_priv * sizeof *ev->priv);
	trace__free(ev->priv);
	trace__free(ev);
}
