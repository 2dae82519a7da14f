/*
 * qr/datamatrix: square DataMatrix ECC 200 symbols built by libdmtx (the
 * one file that includes dmtx.h).  libdmtx draws the symbol into an image;
 * at one pixel per module and no margin that image is the module matrix,
 * which we copy into our own object so every renderer works on it.
 *
 * GS1 DataMatrix: libdmtx writes the FNC1 codeword (232) for each input
 * byte equal to the character set with DmtxPropFnc1.  We use GS for it
 * and put one GS first, which gives FNC1 in first position and FNC1 as the
 * separator after variable-length elements.  The ASCII scheme is used for
 * GS1 data: it packs digit pairs into one codeword and handles FNC1.
 * Layer: qr module over libdmtx.
 */
#include <string.h>

#include <dmtx.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

#define GS 0x1d

/* Digits pack two per codeword; the largest symbol holds 1558 data codewords. */
#define DM_MAX_TEXT 3116

static int build(trace_qr **out, unsigned char *data, size_t len, int gs1)
{
	DmtxEncode *enc = dmtxEncodeCreate();
	if (enc == NULL)
		return trace__oom();
	int rc = TRACE_OK;
	dmtxEncodeSetProp(enc, DmtxPropModuleSize, 1);
	dmtxEncodeSetProp(enc, DmtxPropMarginSize, 0);
	dmtxEncodeSetProp(enc, DmtxPropSizeRequest, DmtxSymbolSquareAuto);
	if (gs1) {
		dmtxEncodeSetProp(enc, DmtxPropFnc1, GS);
		dmtxEncodeSetProp(enc, DmtxPropScheme, DmtxSchemeAscii);
	}
	if (dmtxEncodeDataMatrix(enc, (int)len, data) != DmtxPass) {
		rc = trace__fail(TRACE_ELIMIT, "%zu bytes do not fit in a square DataMatrix (largest 144x144)", len);
		goto done;
	}
	int w = dmtxImageGetProp(enc->image, DmtxPropWidth);
	int h = dmtxImageGetProp(enc->image, DmtxPropHeight);
	if (w != h || w < 10) {
		rc = trace__fail(TRACE_EUNSUPPORTED, "libdmtx returned a %dx%d image for a square symbol", w, h);
		goto done;
	}
	trace_qr *qr;
	if ((rc = trace__qr_alloc(&qr, TRACE_QR_SYMBOL_DATAMATRIX, w, 0, 2)) != TRACE_OK)
		goto done;
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++) {
			int v = 255;
			/* libdmtx images have their origin at the bottom-left. */
			dmtxImageGetPixelValue(enc->image, x, w - 1 - y, 0, &v);
			qr->mod[(size_t)y * (size_t)w + (size_t)x] = v < 128;
		}
	*out = qr;
done:
	dmtxEncodeDestroy(&enc);
	return rc;
}

int trace_qr_new_datamatrix(trace_qr **out, const char *text, const trace_qr_opts *opts)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_new_datamatrix: out is NULL");
	*out = NULL;
	const struct trace_qr_opts *o = opts ? opts : &trace__qr_default_opts;
	if (o->mode == TRACE_QR_MODE_ALNUM)
		return trace__fail(TRACE_EINVAL, "DataMatrix has no alphanumeric mode; use automatic or GS1");
	size_t len;
	int rc = trace__qr_check_text(text, DM_MAX_TEXT, &len);
	if (rc != TRACE_OK)
		return rc;
	if (o->mode != TRACE_QR_MODE_GS1) {
		unsigned char *copy = trace__memdup(text, len);
		if (copy == NULL)
			return trace__oom();
		rc = build(out, copy, len, 0);
		trace__free(copy);
		return rc;
	}
	char *fnc1;
	if ((rc = trace__gs1_fnc1_form(&fnc1, &len, text)) != TRACE_OK)
		return rc;
	unsigned char *data = trace__malloc(len + 1);
	if (data == NULL) {
		trace__free(fnc1);
		return trace__oom();
	}
	data[0] = GS; /* FNC1 in first position */
	memcpy(data + 1, fnc1, len);
	rc = build(out, data, len + 1, 1);
	trace__free(data);
	trace__free(fnc1);
	return rc;
}
