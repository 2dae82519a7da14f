/*
 * Golden vectors of the canonical event encoding (docs/FORMAT.md, "Canonical
 * event encoding"): each tests/event/golden/NAME.json is read, encoded and
 * compared with NAME.cbor.hex, and its RFC 6962 leaf hash with NAME.leaf.
 * The checked-in bytes are the format: a change here is a format change.
 * The canonical bytes must also decode and re-encode to themselves, and the
 * JSON written back must read to the same bytes.
 *
 * Regenerate (after a deliberate format change only):
 *   TRACE_EVENT_GOLDEN_WRITE=1 build/tests/event/test-event-golden tests/event/golden
 */
#include "event_test.h"

static const char *const names[] = {
	"object-commission", "aggregation-pack", "transformation-yoghurt", "transaction-ship",
	"error-declaration", "association-sensor", "sensor-element-extension", NULL
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		test_failures++;
	}
}

static char *read_line(const char *path)
{
	char *s = ev_slurp(path, NULL);
	if (s != NULL)
		s[strcspn(s, "\r\n")] = 0;
	return s;
}

static void check_one(const char *dir, const char *name, int write)
{
	char path[1024];
	size_t len;
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	char *json = ev_slurp(path, &len);
	CHECK(json != NULL);
	if (json == NULL)
		return;
	trace_event *ev = NULL, *back = NULL, *again = NULL;
	trace_buf enc = TRACE_BUF_INIT, re = TRACE_BUF_INIT, js = TRACE_BUF_INIT, enc2 = TRACE_BUF_INIT;
	CHECK_OK(trace_event_from_json(&ev, json, len));
	if (ev == NULL)
		goto out;
	enc = ev_encode(ev);
	uint8_t leaf[32];
	trace_hasher *h = NULL;
	CHECK_OK(trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519));
	CHECK_OK(trace_merkle_leaf_hash(leaf, sizeof leaf, h, enc.ptr, enc.size));
	trace_hasher_free(h);
	char *hex = ev_hex(enc.ptr, enc.size), *leafhex = ev_hex(leaf, sizeof leaf);
	char hpath[1024], lpath[1024];
	snprintf(hpath, sizeof hpath, "%s/%s.cbor.hex", dir, name);
	snprintf(lpath, sizeof lpath, "%s/%s.leaf", dir, name);
	if (write) {
		write_file(hpath, hex);
		write_file(lpath, leafhex);
	} else {
		char *want = read_line(hpath), *wantleaf = read_line(lpath);
		if (want == NULL || strcmp(want, hex) != 0) {
			fprintf(stderr, "%s: canonical bytes differ from %s\n  got  %s\n", name, hpath, hex);
			test_failures++;
		}
		if (wantleaf == NULL || strcmp(wantleaf, leafhex) != 0) {
			fprintf(stderr, "%s: leaf hash %s differs from %s\n", name, leafhex, lpath);
			test_failures++;
		}
		free(want);
		free(wantleaf);
	}
	free(hex);
	free(leafhex);

	/* decode -> encode is the identity on canonical bytes */
	CHECK_OK(trace_event_decode(&back, enc.ptr, enc.size));
	if (back != NULL) {
		re = ev_encode(back);
		CHECK(ev_same(&enc, &re));
	}
	/* JSON -> event -> JSON -> event: the same canonical bytes */
	CHECK_OK(trace_event_to_json(&js, back ? back : ev));
	if (js.ptr != NULL) {
		CHECK_OK(trace_event_from_json(&again, (const char *)js.ptr, js.size));
		if (again != NULL) {
			enc2 = ev_encode(again);
			CHECK(ev_same(&enc, &enc2));
		}
	}
out:
	trace_event_free(ev);
	trace_event_free(back);
	trace_event_free(again);
	trace_buf_dispose(&enc);
	trace_buf_dispose(&re);
	trace_buf_dispose(&js);
	trace_buf_dispose(&enc2);
	free(json);
}

/* The first golden event, built with the C API: the same bytes as from JSON. */
static void check_builder(const char *dir)
{
	trace_event *ev = NULL;
	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
	/* 2025-03-01T08:30:00.250+08:00 */
	CHECK_OK(trace_event_set_time(ev, 1740789000250LL, 480));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, "(01)09506000134352(21)A1B2C3"));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, "urn:epc:id:sgtin:9506000.013435.A1B2C4"));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_set_biz_step(ev, "urn:epcglobal:cbv:bizstep:commissioning"));
	CHECK_OK(trace_event_set_disposition(ev, "https://ref.gs1.org/cbv/Disp-active"));
	CHECK_OK(trace_event_set_read_point(ev, "https://id.gs1.org/414/9506000000015"));
	CHECK_OK(trace_event_set_lot(ev, "L2025-03", 1740787200000LL, 1756684800000LL));
	trace_buf enc = ev_encode(ev);
	char path[1024];
	snprintf(path, sizeof path, "%s/object-commission.cbor.hex", dir);
	char *want = read_line(path), *got = enc.ptr ? ev_hex(enc.ptr, enc.size) : NULL;
	CHECK(want != NULL && got != NULL && strcmp(want, got) == 0);
	CHECK(strcmp(trace_event_biz_step(ev), "commissioning") == 0);
	CHECK(strcmp(trace_event_code(ev, TRACE_ROLE_ITEM, 0), "https://id.gs1.org/01/09506000134352/21/A1B2C3") == 0);
	free(want);
	free(got);
	trace_buf_dispose(&enc);
	trace_event_free(ev);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/event/golden";
	int write = getenv("TRACE_EVENT_GOLDEN_WRITE") != NULL;
	for (int i = 0; names[i]; i++)
		check_one(dir, names[i], write);
	if (!write)
		check_builder(dir);
	return test_done("event-golden");
}
