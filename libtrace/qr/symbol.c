/*
 * qr/symbol: the trace_qr object, its options and getters.
 * Layer: qr module, no external dependency (the encoders fill the matrix).
 */
#include <string.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"
#include "util/text.h"

const struct trace_qr_opts trace__qr_default_opts = { TRACE_QR_ECC_M, 0, TRACE_QR_MODE_AUTO };

int trace_qr_opts_new(trace_qr_opts **out)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_opts_new: out is NULL");
	*out = trace__malloc(sizeof **out);
	if (*out == NULL)
		return trace__oom();
	**out = trace__qr_default_opts;
	return TRACE_OK;
}

void trace_qr_opts_free(trace_qr_opts *opts)
{
	trace__free(opts);
}

int trace_qr_opts_set_ecc(trace_qr_opts *opts, int ecc)
{
	if (opts == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_opts_set_ecc: opts is NULL");
	if (ecc < TRACE_QR_ECC_L || ecc > TRACE_QR_ECC_H)
		return trace__fail(TRACE_EINVAL, "QR error correction level %d: expected 0 (L) to 3 (H)", ecc);
	opts->ecc = ecc;
	return TRACE_OK;
}

int trace_qr_opts_set_version(trace_qr_opts *opts, int version)
{
	if (opts == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_opts_set_version: opts is NULL");
	if (version < 0 || version > 40)
		return trace__fail(TRACE_EINVAL, "QR version %d: expected 0 (automatic) or 1 to 40", version);
	opts->version = version;
	return TRACE_OK;
}

int trace_qr_opts_set_mode(trace_qr_opts *opts, int mode)
{
	if (opts == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_opts_set_mode: opts is NULL");
	if (mode < TRACE_QR_MODE_AUTO || mode > TRACE_QR_MODE_GS1)
		return trace__fail(TRACE_EINVAL, "QR mode %d: expected a trace_qr_mode value", mode);
	opts->mode = mode;
	return TRACE_OK;
}

int trace__qr_wrap(trace_qr **out, int symbology, int width, int version, int quiet, uint8_t *mod,
                   void (*release)(void *owner), void *owner)
{
	trace_qr *qr = trace__malloc(sizeof *qr);
	if (qr == NULL)
		return trace__oom();
	qr->symbology = symbology;
	qr->width = width;
	qr->version = version;
	qr->quiet = quiet;
	qr->mod = mod;
	qr->release = release;
	qr->owner = owner;
	*out = qr;
	return TRACE_OK;
}

int trace__qr_alloc(trace_qr **out, int symbology, int width, int version, int quiet)
{
	uint8_t *mod = trace__calloc((size_t)width, (size_t)width);
	if (mod == NULL)
		return trace__oom();
	int rc = trace__qr_wrap(out, symbology, width, version, quiet, mod, NULL, NULL);
	if (rc != TRACE_OK)
		trace__free(mod);
	return rc;
}

int trace__qr_check_text(const char *text, size_t max, size_t *len_out)
{
	if (text == NULL)
		return trace__fail(TRACE_EINVAL, "code text is NULL");
	size_t len = strlen(text);
	if (len == 0)
		return trace__fail(TRACE_EINVAL, "code text is empty");
	if (len > max)
		return trace__fail(TRACE_ELIMIT, "code text is %zu bytes; at most %zu fit", len, max);
	size_t bad = trace__utf8_invalid_at((const uint8_t *)text, len);
	if (bad != (size_t)-1)
		return trace__fail(TRACE_EINVAL, "code text is not valid UTF-8 at byte %zu", bad);
	*len_out = len;
	return TRACE_OK;
}

int trace__qr_check_module(const trace_qr *qr, int module_px, const char *fn)
{
	if (qr == NULL)
		return trace__fail(TRACE_EINVAL, "%s: symbol is NULL", fn);
	if (module_px < 1 || module_px > TRACE_QR_MAX_MODULE)
		return trace__fail(TRACE_EINVAL, "%s: module size %d pixels: expected 1 to %d",
		                   fn, module_px, TRACE_QR_MAX_MODULE);
	return TRACE_OK;
}

void trace_qr_free(trace_qr *qr)
{
	if (qr == NULL)
		return;
	if (qr->release != NULL)
		qr->release(qr->owner);
	else
		trace__free(qr->mod);
	trace__free(qr);
}

int trace_qr_symbology(const trace_qr *qr)
{
	return qr ? qr->symbology : 0;
}

int trace_qr_width(const trace_qr *qr)
{
	return qr ? qr->width : 0;
}

int trace_qr_version(const trace_qr *qr)
{
	return qr ? qr->version : 0;
}

int trace_qr_quiet_zone(const trace_qr *qr)
{
	return qr ? qr->quiet : 0;
}

int trace_qr_module(const trace_qr *qr, int x, int y)
{
	if (qr == NULL || x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->mod[(size_t)y * (size_t)qr->width + (size_t)x];
}
