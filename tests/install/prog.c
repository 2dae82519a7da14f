/*
 * A program a user would write against an installed libtrace: only the
 * installed headers and what pkg-config says.  It touches every dependency
 * (LMDB and OpenSSL through a signed log, jansson through an event,
 * libqrencode, zlib and libdmtx through symbols), so a static link fails
 * when the .pc file forgets one.  Prints where trace_version_string() came
 * from, so the test can tell the installed library from the build tree's.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <trace/trace.h>

#define CHECK(call) do { \
	int rc_ = (call); \
	if (rc_ != TRACE_OK) { \
		fprintf(stderr, "%s: %s (%s)\n", #call, trace_strerror(rc_), trace_error_last()->message); \
		return 1; \
	} \
} while (0)

static const char event_json[] =
	"{\"type\": \"ObjectEvent\", \"eventTime\": \"2025-03-01T08:30:00Z\","
	" \"eventTimeZoneOffset\": \"+00:00\","
	" \"epcList\": [\"https://id.gs1.org/01/09506000134352/21/A1\"], \"action\": \"ADD\","
	" \"bizStep\": \"https://ref.gs1.org/cbv/BizStep-commissioning\"}";

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if (trace_version_number() != TRACE_VERSION_NUMBER) {
		fprintf(stderr, "header version %d, library %u\n", TRACE_VERSION_NUMBER, trace_version_number());
		return 1;
	}

	trace_buf skey = TRACE_BUF_INIT, vkey = TRACE_BUF_INIT, cp = TRACE_BUF_INIT, cbor = TRACE_BUF_INIT;
	trace_buf png = TRACE_BUF_INIT;
	trace_signer *signer = NULL;
	trace_log *log = NULL;
	trace_event *ev = NULL;
	trace_code *code = NULL;
	trace_qr *qr = NULL, *dm = NULL;

	CHECK(trace_key_generate(&skey, &vkey, "example.com/install", TRACE_KEY_ED25519));
	CHECK(trace_signer_from_skey(&signer, (const char *)skey.ptr));
	CHECK(trace_log_create(&log, argv[1], "example.com/install", (const char *)vkey.ptr, NULL));
	CHECK(trace_event_from_json(&ev, event_json, strlen(event_json)));
	CHECK(trace_event_encode(&cbor, ev));
	const uint8_t *entries[] = { cbor.ptr };
	const size_t lens[] = { cbor.size };
	CHECK(trace_log_append(NULL, log, entries, lens, 1));
	CHECK(trace_log_checkpoint_sign(&cp, log, signer));
	CHECK(trace_log_audit(log));
	CHECK(trace_code_parse(&code, "(01)09506000134352(21)A1", TRACE_CODE_FORM_AUTO, 0));
	CHECK(trace_qr_new(&qr, "https://id.gs1.org/01/09506000134352/21/A1", NULL));
	CHECK(trace_qr_render_png(&png, qr, 4));
	CHECK(trace_qr_new_datamatrix(&dm, "(01)09506000134352(21)A1", NULL));

	Dl_info where;
	if (dladdr((const void *)trace_version_string, &where) == 0 || where.dli_fname == NULL) {
		fprintf(stderr, "dladdr found no object for trace_version_string\n");
		return 1;
	}
	printf("libtrace %s from %s\n", trace_version_string(), where.dli_fname);
	printf("%s", (const char *)cp.ptr);

	trace_qr_free(dm);
	trace_qr_free(qr);
	trace_code_free(code);
	trace_event_free(ev);
	trace_log_close(log);
	trace_signer_free(signer);
	trace_buf_dispose(&png);
	trace_buf_dispose(&cbor);
	trace_buf_dispose(&cp);
	trace_buf_dispose(&vkey);
	trace_buf_dispose(&skey);
	return 0;
}
