/*
 * qr/matrix: QR symbols built by libqrencode (the one file that includes
 * qrencode.h; only its public API is used).
 * Layer: qr module over libqrencode.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <qrencode.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

static const QRecLevel levels[4] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H };
static const char level_names[] = "LMQH";

static int fail_encode(int err, size_t len, int ecc, int version)
{
	if (err == ERANGE) {
		if (version)
			return trace__fail(TRACE_ELIMIT, "%zu bytes of text do not fit in a version %d QR code at ECC %c",
			                   len, version, level_names[ecc]);
		return trace__fail(TRACE_ELIMIT, "%zu bytes of text do not fit in a QR code at ECC %c",
		                   len, level_names[ecc]);
	}
	if (err == ENOMEM)
		return trace__oom();
	return trace__fail_sys(TRACE_EINVAL, err, "libqrencode rejected the text: %s", strerror(err));
}

static void release_qrcode(void *code)
{
	QRcode_free(code);
}

/* Wraps libqrencode's result (bit 0 of each byte = dark) in place, without a copy. */
static int adopt(trace_qr **out, QRcode *code, int version, size_t len, int ecc)
{
	if (version && code->version != version) {
		int v = code->version;
		QRcode_free(code);
		return trace__fail(TRACE_ELIMIT, "%zu bytes of text need QR version %d at ECC %c, not %d",
		                   len, v, level_names[ecc], version);
	}
	size_t n = (size_t)code->width * (size_t)code->width;
	for (size_t i = 0; i < n; i++)
		code->data[i] &= 1;
	int rc = trace__qr_wrap(out, TRACE_QR_SYMBOL_QR, code->width, code->version, 4, code->data,
	                        release_qrcode, code);
	if (rc != TRACE_OK)
		QRcode_free(code);
	return rc;
}

static QRcode *encode_segments(const trace__qr_seg *segs, size_t count, int fnc1, int ecc, int version)
{
	QRinput *in = QRinput_new2(version, levels[ecc]);
	if (in == NULL)
		return NULL;
	static const QRencodeMode modes[5] = { QR_MODE_NUL, QR_MODE_NUM, QR_MODE_AN, QR_MODE_NUL, QR_MODE_8 };
	int ok = !fnc1 || QRinput_setFNC1First(in) == 0;
	for (size_t i = 0; ok && i < count; i++)
		ok = QRinput_append(in, modes[segs[i].mode], (int)segs[i].len,
		                    (const unsigned char *)segs[i].data) == 0;
	QRcode *code = ok ? QRcode_encodeInput(in) : NULL;
	int err = errno;
	QRinput_free(in);
	errno = err;
	return code;
}

/*
 * Whether this libqrencode writes FNC1 in first position: the header adds
 * four bits, so the same digits must give a different symbol with it.
 */
static int fnc1_works;
static pthread_once_t fnc1_once = PTHREAD_ONCE_INIT;

static void probe_fnc1(void)
{
	trace__qr_seg seg = { TRACE__QR_SEG_NUM, "01", 2 };
	QRcode *with = encode_segments(&seg, 1, 1, 0, 1);
	QRcode *without = encode_segments(&seg, 1, 0, 0, 1);
	fnc1_works = with && without && with->width == without->width &&
	             memcmp(with->data, without->data, (size_t)with->width * (size_t)with->width) != 0;
	QRcode_free(with);
	QRcode_free(without);
}

static int encode_gs1(trace_qr **out, const char *text, int ecc, int version)
{
	char *data;
	size_t len;
	int rc = trace__gs1_fnc1_form(&data, &len, text);
	if (rc != TRACE_OK)
		return rc;
	trace__qr_segs segs;
	rc = trace__gs1qr_segments(&segs, data, len);
	if (rc == TRACE_OK) {
		pthread_once(&fnc1_once, probe_fnc1);
		if (fnc1_works) {
			errno = 0;
			QRcode *code = encode_segments(segs.seg, segs.count, 1, ecc, version);
			rc = code ? adopt(out, code, version, len, ecc) : fail_encode(errno, len, ecc, version);
		} else {
			rc = trace__qrenc(out, segs.seg, segs.count, 1, ecc, version, -1);
		}
		trace__gs1qr_segments_free(&segs);
	}
	trace__free(data);
	return rc;
}

static int check_alnum(const char *text, size_t len)
{
	static const char extra[] = " $%*+-./:";
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c && strchr(extra, c))))
			return trace__fail(TRACE_EINVAL, "alphanumeric QR mode cannot carry the character at byte %zu "
			                   "(only 0-9, A-Z, space and $%%*+-./: are allowed)", i);
	}
	return TRACE_OK;
}

int trace_qr_new(trace_qr **out, const char *text, const trace_qr_opts *opts)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_new: out is NULL");
	*out = NULL;
	const struct trace_qr_opts *o = opts ? opts : &trace__qr_default_opts;
	size_t len;
	int rc = trace__qr_check_text(text, TRACE_QR_MAX_TEXT, &len);
	if (rc != TRACE_OK)
		return rc;
	QRcode *code = NULL;
	errno = 0;
	switch (o->mode) {
	case TRACE_QR_MODE_GS1:
		return encode_gs1(out, text, o->ecc, o->version);
	case TRACE_QR_MODE_ALNUM: {
		if ((rc = check_alnum(text, len)) != TRACE_OK)
			return rc;
		trace__qr_seg seg = { TRACE__QR_SEG_ALNUM, text, len };
		code = encode_segments(&seg, 1, 0, o->ecc, o->version);
		break;
	}
	case TRACE_QR_MODE_BYTE:
		code = QRcode_encodeData((int)len, (const unsigned char *)text, o->version, levels[o->ecc]);
		break;
	default:
		/* libqrencode picks numeric, alphanumeric and byte segments itself. */
		code = QRcode_encodeString(text, o->version, levels[o->ecc], QR_MODE_8, 1);
		break;
	}
	if (code == NULL)
		return fail_encode(errno, len, o->ecc, o->version);
	return adopt(out, code, o->version, len, o->ecc);
}
