/*
 * index/status_table: the status machine's transitions as data, the same
 * rows in the same order as the table in docs/FORMAT.md §2.9.5 (the test
 * tests/query/test_semantics.c parses that table and compares).  Rules key
 * on CBV 2.0 short names only: a custom vocabulary changes no state unless
 * a row names its full URI (libtrace's own two steps below).
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "index_internal.h"
#include "../event/event_internal.h"

#define LT_STEP "https://libtrace.dev/voc/bizstep/"
#define ANY NULL
#define NONE ""

static const trace__status_rule rules[] = {
	{ 0, -1, 0, LT_STEP "consumer_scan", ANY, TRACE__NEXT_SCAN },
	{ 0, -1, 0, LT_STEP "filling", ANY, TRACE__NEXT_FILL },
	{ TRACE_EVENT_ASSOCIATION, -1, 0, ANY, ANY, TRACE__NEXT_KEEP },
	{ TRACE_EVENT_TRANSFORMATION, -1, TRACE_ROLE_INPUT, ANY, ANY, TRACE_STATE_CONSUMED },
	{ 0, -1, 0, "encoding", ANY, TRACE_STATE_ISSUED },
	{ 0, -1, 0, ANY, "encoded", TRACE_STATE_ISSUED },
	{ 0, -1, 0, "commissioning", ANY, TRACE_STATE_COMMISSIONED },
	{ TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, 0, NONE, ANY, TRACE_STATE_COMMISSIONED },
	{ TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, TRACE_ROLE_ITEM, ANY, ANY, TRACE_STATE_PACKED },
	{ TRACE_EVENT_AGGREGATION, TRACE_ACTION_OBSERVE, TRACE_ROLE_ITEM, ANY, ANY, TRACE_STATE_PACKED },
	{ TRACE_EVENT_AGGREGATION, TRACE_ACTION_DELETE, TRACE_ROLE_ITEM, ANY, ANY, TRACE_STATE_ACTIVE },
	{ 0, -1, 0, "retail_selling", "partially_dispensed", TRACE_STATE_SPLIT_SOLD },
	{ 0, -1, 0, "retail_selling", ANY, TRACE_STATE_SOLD },
	{ 0, -1, 0, "dispensing", "partially_dispensed", TRACE_STATE_SPLIT_SOLD },
	{ 0, -1, 0, "dispensing", ANY, TRACE_STATE_SOLD },
	{ 0, -1, 0, "decommissioning", ANY, TRACE_STATE_DECOMMISSIONED },
	{ 0, -1, 0, "destroying", ANY, TRACE_STATE_DESTROYED },
	{ 0, -1, 0, ANY, "destroyed", TRACE_STATE_DESTROYED },
	{ 0, -1, 0, ANY, "recalled", TRACE_STATE_RECALLED },
	{ 0, -1, 0, ANY, "expired", TRACE_STATE_EXPIRED },
	{ 0, -1, 0, "returning", ANY, TRACE_STATE_RETURNED },
	{ 0, -1, 0, ANY, "returned", TRACE_STATE_RETURNED },
	{ 0, -1, 0, "shipping", ANY, TRACE_STATE_IN_TRANSIT },
	{ 0, -1, 0, "departing", ANY, TRACE_STATE_IN_TRANSIT },
	{ 0, -1, 0, ANY, "in_transit", TRACE_STATE_IN_TRANSIT },
	{ 0, -1, 0, "receiving", ANY, TRACE_STATE_RECEIVED },
	{ 0, -1, 0, "arriving", ANY, TRACE_STATE_RECEIVED },
	{ 0, -1, 0, "accepting", ANY, TRACE_STATE_RECEIVED },
};

const trace__status_rule *trace__status_rules(size_t *n)
{
	*n = sizeof rules / sizeof rules[0];
	return rules;
}

/* The form a rule's vocabulary column is matched against: the CBV short
 * name, or the value as stored (a custom URI, matched whole). */
static const char *vocab_key(int vocab, const char *v)
{
	const char *s = trace__cbv_short(vocab, v);
	return s ? s : v;
}

static int col_match(const char *rule, const char *key)
{
	if (rule == ANY)
		return 1;
	if (*rule == '\0')
		return key == NULL;
	return key != NULL && strcmp(rule, key) == 0;
}

const trace__status_rule *trace__status_match(const trace_event *ev, int role)
{
	const char *step = trace_event_biz_step(ev), *disp = trace_event_disposition(ev);
	int type = trace_event_type(ev), action = trace_event_action(ev);
	step = step ? vocab_key(TRACE__CBV_BIZSTEP, step) : NULL;
	disp = disp ? vocab_key(TRACE__CBV_DISP, disp) : NULL;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const trace__status_rule *r = &rules[i];
		if ((r->event == 0 || r->event == type) && (r->action < 0 || r->action == action) &&
		    (r->role == 0 || r->role == role) && col_match(r->step, step) && col_match(r->disp, disp))
			return r;
	}
	return NULL;
}

void trace__status_rule_text(char *buf, size_t cap, const trace__status_rule *r)
{
	static const char *const events[] = { "any", "Object", "Aggregation", "Transformation",
	                                      "Transaction", "Association" };
	static const char *const actions[] = { "none", "ADD", "OBSERVE", "DELETE" };
	static const char *const roles[] = { "any", "item", "parent", "input", "output" };
	const char *next = r->next == TRACE__NEXT_SCAN ? "(scan)"
	                 : r->next == TRACE__NEXT_FILL ? "(fill)"
	                 : r->next == TRACE__NEXT_KEEP ? "(keep)" : trace_code_state_name(r->next);
	snprintf(buf, cap, "%s|%s|%s|%s|%s|%s", events[r->event], r->action < 0 ? "any" : actions[r->action],
	         roles[r->role], r->step == ANY ? "any" : *r->step ? r->step : "none",
	         r->disp == ANY ? "any" : *r->disp ? r->disp : "none", next);
}
