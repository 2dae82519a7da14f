/*
 * fuzz_event_decode: the strict decoder of the canonical event encoding.
 * Whatever it accepts must re-encode to exactly the input (one event, one
 * encoding), write JSON that reads back to the same bytes, and decode the
 * same way when the ledger's trusted fast path is used.
 */
#include <string.h>

#include <trace/error.h>
#include <trace/event.h>

#include "fuzz_data.h"
#include "event/event_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	trace_event *ev = NULL, *fast = NULL, *back = NULL;
	trace_buf enc = TRACE_BUF_INIT, js = TRACE_BUF_INIT, enc2 = TRACE_BUF_INIT;

	int rc = fuzz_rc(trace_event_decode(&ev, data, size));
	int rc_fast = fuzz_rc(trace__event_decode(&fast, data, size, TRACE__EV_DECODE_TRUST_IDS));
	/* The fast path skips identifier checks only: it accepts a superset. */
	FUZZ_CHECK(rc != TRACE_OK || rc_fast == TRACE_OK);
	trace_event_free(fast);
	if (rc != TRACE_OK) {
		FUZZ_CHECK(ev == NULL);
		return 0;
	}
	FUZZ_CHECK(fuzz_rc(trace_event_validate(ev)) == TRACE_OK);
	FUZZ_CHECK(fuzz_rc(trace_event_encode(&enc, ev)) == TRACE_OK);
	FUZZ_CHECK(enc.size == size && memcmp(enc.ptr, data, size) == 0);
	/* Accessors are total on a decoded event. */
	for (int role = 0; role <= 5; role++) {
		for (size_t i = 0; i <= trace_event_code_count(ev, role); i++)
			(void)trace_event_code(ev, role, i);
		for (size_t i = 0; i <= trace_event_quantity_count(ev, role); i++)
			if (trace_event_quantity(ev, role, i, NULL, NULL, NULL) == TRACE_OK)
				FUZZ_CHECK(i < trace_event_quantity_count(ev, role));
	}
	for (size_t i = 0; i <= trace_event_sensor_count(ev); i++)
		if (trace_event_sensor(ev, i, NULL, NULL, NULL, NULL, NULL, NULL) == TRACE_OK)
			FUZZ_CHECK(i < trace_event_sensor_count(ev));
	/* The JSON form carries the same event. */
	if (fuzz_rc(trace_event_to_json(&js, ev)) == TRACE_OK &&
	    fuzz_rc(trace_event_from_json(&back, (const char *)js.ptr, js.size)) == TRACE_OK) {
		FUZZ_CHECK(fuzz_rc(trace_event_encode(&enc2, back)) == TRACE_OK);
		FUZZ_CHECK(enc2.size == size && memcmp(enc2.ptr, data, size) == 0);
	}
	trace_buf_dispose(&enc);
	trace_buf_dispose(&enc2);
	trace_buf_dispose(&js);
	trace_event_free(back);
	trace_event_free(ev);
	return 0;
}
