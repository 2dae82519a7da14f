/*
 * event/access: the read-only accessors of include/trace/event.h.  Strings
 * and hashes returned are owned by the event.
 */
#include <math.h>

#include "event_internal.h"
#include "../error_internal.h"

/* Every positional accessor answers a position past the end the same way. */
static int out_of_range(const char *what, size_t i, size_t n)
{
	return trace__fail(TRACE_ERANGE, "%s %zu requested, the event has %zu", what, i, n);
}

static int role_ok(int role)
{
	return role >= TRACE_ROLE_ITEM && role <= TRACE_ROLE_OUTPUT;
}

int trace_event_type(const trace_event *ev) { return ev ? ev->type : 0; }
int trace_event_action(const trace_event *ev) { return ev ? ev->action : 0; }
int64_t trace_event_time(const trace_event *ev) { return ev ? ev->time : 0; }
int trace_event_tz_offset(const trace_event *ev) { return ev ? ev->tz : 0; }

int64_t trace_event_record_time(const trace_event *ev)
{
	return ev ? ev->record_time : TRACE__EV_NO_TIME;
}

size_t trace_event_code_count(const trace_event *ev, int role)
{
	return ev && role_ok(role) ? ev->codes[role].n : 0;
}

const char *trace_event_code(const trace_event *ev, int role, size_t i)
{
	if (ev == NULL || !role_ok(role) || i >= ev->codes[role].n)
		return NULL;
	return ev->codes[role].v[i];
}

size_t trace_event_quantity_count(const trace_event *ev, int role)
{
	return ev && role_ok(role) ? ev->qty[role].n : 0;
}

int trace_event_quantity(const trace_event *ev, int role, size_t i, const char **class_code,
                         double *quantity, const char **uom)
{
	if (ev == NULL || !role_ok(role))
		return trace__fail(TRACE_EINVAL, "trace_event_quantity: NULL event or unknown role %d", role);
	if (i >= ev->qty[role].n)
		return out_of_range("quantity", i, ev->qty[role].n);
	const trace__qty *q = &ev->qty[role].v[i];
	if (class_code)
		*class_code = q->cls;
	if (quantity)
		*quantity = q->qty;
	if (uom)
		*uom = q->uom;
	return TRACE_OK;
}

const char *trace_event_biz_step(const trace_event *ev) { return ev ? ev->biz_step : NULL; }
const char *trace_event_disposition(const trace_event *ev) { return ev ? ev->disposition : NULL; }
const char *trace_event_read_point(const trace_event *ev) { return ev ? ev->read_point : NULL; }
const char *trace_event_biz_location(const trace_event *ev) { return ev ? ev->biz_location : NULL; }
const char *trace_event_lot(const trace_event *ev) { return ev ? ev->lot : NULL; }

size_t trace_event_party_count(const trace_event *ev, int kind)
{
	if (ev == NULL || (kind != TRACE_PARTY_SOURCE && kind != TRACE_PARTY_DESTINATION))
		return 0;
	return ev->parties[kind].n;
}

int trace_event_party(const trace_event *ev, int kind, size_t i, const char **type, const char **id)
{
	if (ev == NULL || (kind != TRACE_PARTY_SOURCE && kind != TRACE_PARTY_DESTINATION))
		return trace__fail(TRACE_EINVAL, "trace_event_party: NULL event or unknown party kind %d", kind);
	if (i >= ev->parties[kind].n)
		return out_of_range("party", i, ev->parties[kind].n);
	if (type)
		*type = ev->parties[kind].v[i].type;
	if (id)
		*id = ev->parties[kind].v[i].id;
	return TRACE_OK;
}

size_t trace_event_sensor_count(const trace_event *ev)
{
	size_t n = 0;
	for (size_t i = 0; ev && i < ev->n_sensors; i++)
		n += ev->sensors[i].n;
	return n;
}

int trace_event_sensor(const trace_event *ev, size_t i, const char **type, double *min, double *max,
                       double *mean, const char **uom, int64_t *time_ms)
{
	if (ev == NULL)
		return trace__fail(TRACE_EINVAL, "trace_event_sensor: NULL event");
	const size_t asked = i;
	for (size_t s = 0; ev && s < ev->n_sensors; s++) {
		if (i >= ev->sensors[s].n) {
			i -= ev->sensors[s].n;
			continue;
		}
		const trace__report *r = &ev->sensors[s].r[i];
		if (type)
			*type = r->type;
		if (min)
			*min = r->num[TRACE__EV_SR_MIN];
		if (max)
			*max = r->num[TRACE__EV_SR_MAX];
		if (mean)
			*mean = r->num[TRACE__EV_SR_MEAN];
		if (uom)
			*uom = r->uom;
		if (time_ms)
			*time_ms = r->time;
		return TRACE_OK;
	}
	return out_of_range("sensor reading", asked, trace_event_sensor_count(ev));
}

size_t trace_event_prev_count(const trace_event *ev) { return ev ? ev->prev.n : 0; }

int trace_event_prev(const trace_event *ev, size_t i, const uint8_t **hash, size_t *len,
                     const char **origin)
{
	if (ev == NULL)
		return trace__fail(TRACE_EINVAL, "trace_event_prev: NULL event");
	if (i >= ev->prev.n)
		return out_of_range("prev link", i, ev->prev.n);
	if (hash)
		*hash = ev->prev.v[i].hash;
	if (len)
		*len = ev->prev.v[i].len;
	if (origin)
		*origin = ev->prev.v[i].a;
	return TRACE_OK;
}

const uint8_t *trace_event_corrects(const trace_event *ev, size_t *len)
{
	if (ev == NULL || !ev->has_error || ev->err_hash_len == 0) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = ev->err_hash_len;
	return ev->err_hash;
}

size_t trace_event_private_count(const trace_event *ev) { return ev ? ev->n_priv : 0; }

int trace_event_private(const trace_event *ev, size_t i, const char **name, const char **value,
                        const uint8_t **salt, size_t *salt_len)
{
	if (ev == NULL)
		return trace__fail(TRACE_EINVAL, "trace_event_private: NULL event");
	if (i >= ev->n_priv)
		return out_of_range("private field", i, ev->n_priv);
	const trace__priv *p = &ev->priv[i];
	if (name)
		*name = p->name;
	if (value)
		*value = p->has_clear ? p->value : NULL;
	if (salt)
		*salt = p->has_clear ? p->salt : NULL;
	if (salt_len)
		*salt_len = p->has_clear ? TRACE__EV_SALT : 0;
	return TRACE_OK;
}

void trace_event_lot_dates(const trace_event *ev, int64_t *production_ms, int64_t *expiry_ms)
{
	if (production_ms)
		*production_ms = ev ? ev->production : TRACE__EV_NO_TIME;
	if (expiry_ms)
		*expiry_ms = ev ? ev->expiry : TRACE__EV_NO_TIME;
}

/* ---- eventID and the error declaration's reason and corrective events ---- */

const char *trace_event_id(const trace_event *ev) { return ev ? ev->event_id : NULL; }

int trace_event_is_declaration(const trace_event *ev) { return ev != NULL && ev->has_error; }

const char *trace_event_error_reason(const trace_event *ev)
{
	return ev && ev->has_error ? ev->err_reason : NULL;
}

size_t trace_event_corrective_count(const trace_event *ev)
{
	return ev && ev->has_error ? ev->err_corrective.n : 0;
}

const char *trace_event_corrective(const trace_event *ev, size_t i)
{
	return ev && ev->has_error && i < ev->err_corrective.n ? ev->err_corrective.v[i] : NULL;
}
