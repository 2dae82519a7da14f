/*
 * fuzz_event_json: the EPCIS JSON event reader (one event, an array, or an
 * EPCISDocument).  Every event it accepts must encode, decode back to the
 * same canonical bytes, and survive event -> JSON -> event unchanged.
 */
#include <string.h>

#include <trace/error.h>
#include <trace/event.h>

#include "fuzz_data.h"

static int check_event(trace_event *ev, void *payload)
{
	trace_buf enc = TRACE_BUF_INIT, enc2 = TRACE_BUF_INIT, js = TRACE_BUF_INIT;
	trace_event *dec = NULL, *back = NULL;
	(void)payload;
	int rc = fuzz_rc(trace_event_encode(&enc, ev));
	/* A valid event may still exceed the log's entry size. */
	FUZZ_CHECK(rc == TRACE_OK || rc == TRACE_ELIMIT);
	if (rc == TRACE_OK) {
		FUZZ_CHECK(fuzz_rc(trace_event_decode(&dec, enc.ptr, enc.size)) == TRACE_OK);
		FUZZ_CHECK(fuzz_rc(trace_event_to_json(&js, ev)) == TRACE_OK);
		FUZZ_CHECK(fuzz_rc(trace_event_from_json(&back, (const char *)js.ptr, js.size)) == TRACE_OK);
		FUZZ_CHECK(fuzz_rc(trace_event_encode(&enc2, back)) == TRACE_OK);
		FUZZ_CHECK(enc.size == enc2.size && memcmp(enc.ptr, enc2.ptr, enc.size) == 0);
	}
	trace_buf_dispose(&enc);
	trace_buf_dispose(&enc2);
	trace_buf_dispose(&js);
	trace_event_free(dec);
	trace_event_free(back);
	trace_event_free(ev);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	trace_event *ev = NULL;
	(void)fuzz_rc(trace_event_read_json_events((const char *)data, size, check_event, NULL));
	if (fuzz_rc(trace_event_from_json(&ev, (const char *)data, size)) == TRACE_OK)
		check_event(ev, NULL);
	else
		FUZZ_CHECK(ev == NULL);
	return 0;
}
