/*
 * libtrace - 2D codes for labels: QR codes and (GS1) DataMatrix.
 *
 * A trace_qr is a built symbol: a square matrix of dark and light modules.
 * QR symbols are built by libqrencode, DataMatrix symbols by libdmtx; the
 * renderers (PNG, SVG, terminal text) and the label sheets (SVG, PDF) are
 * libtrace's own and work on either.  No type of either library appears here.
 *
 * Threads: a trace_qr is immutable once built and may be read from any
 * number of threads at once.  Options and renderers are used by one thread
 * at a time.
 */
#ifndef TRACE_QR_H
#define TRACE_QR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Error correction level of a QR code (share of codewords that may be lost). @since 1.0 */
enum trace_qr_ecc {
	TRACE_QR_ECC_L = 0, /**< about 7%; @since 1.0 */
	TRACE_QR_ECC_M = 1, /**< about 15% (the default); @since 1.0 */
	TRACE_QR_ECC_Q = 2, /**< about 25%; @since 1.0 */
	TRACE_QR_ECC_H = 3  /**< about 30%; @since 1.0 */
};

/** @brief How the text is put into the symbol. @since 1.0 */
enum trace_qr_mode {
	/** QR: numeric, alphanumeric and byte segments chosen for the smallest
	 *  symbol; DataMatrix: plain data.  Text is carried as its UTF-8 bytes
	 *  (Chinese text included), without an ECI header. @since 1.0 */
	TRACE_QR_MODE_AUTO = 0,
	/** QR: the whole text in one byte segment; DataMatrix: as AUTO. @since 1.0 */
	TRACE_QR_MODE_BYTE = 1,
	/** QR only: the whole text in one alphanumeric segment; the text may use
	 *  only 0-9, A-Z, space and $%*+-./: . @since 1.0 */
	TRACE_QR_MODE_ALNUM = 2,
	/**
	 * A GS1 element string: GS1 QR or GS1 DataMatrix, with FNC1 in first
	 * position.  The text is either bracketed, "(01)09506000134352(10)ABC",
	 * or already in FNC1 form, AI data with GS (0x1D) after each
	 * variable-length element that is not the last.  A scanner reports the
	 * symbol as "]Q3" / "]d2" followed by the FNC1 form.
	 * @since 1.0
	 */
	TRACE_QR_MODE_GS1 = 3
};

/** @brief Kind of symbol a trace_qr holds. @since 1.0 */
enum trace_qr_symbology {
	TRACE_QR_SYMBOL_QR = 1,        /**< ISO/IEC 18004 QR code; @since 1.0 */
	TRACE_QR_SYMBOL_DATAMATRIX = 2 /**< ISO/IEC 16022 DataMatrix ECC 200, square; @since 1.0 */
};

/** @brief Longest text accepted, in bytes (a QR code holds at most 7089 digits). @since 1.0 */
#define TRACE_QR_MAX_TEXT 7089

/** @brief Largest module size accepted by the raster and vector renderers, in pixels. @since 1.0 */
#define TRACE_QR_MAX_MODULE 64

/** @brief A built symbol (opaque, immutable). @since 1.0 */
typedef struct trace_qr trace_qr;

/** @brief Options for building symbols (opaque builder). @since 1.0 */
typedef struct trace_qr_opts trace_qr_opts;

/**
 * @brief New options: ECC M, automatic version, TRACE_QR_MODE_AUTO.
 * @param[out] out the options; caller owns them, release with trace_qr_opts_free().
 * @return TRACE_OK or TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_opts_new(trace_qr_opts **out);

/** @brief Releases options; NULL is a no-op. @since 1.0 */
TRACE_API void trace_qr_opts_free(trace_qr_opts *opts);

/**
 * @brief Sets the QR error correction level (ignored for DataMatrix).
 * @param[in] ecc a trace_qr_ecc value.
 * @return TRACE_OK or TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_opts_set_ecc(trace_qr_opts *opts, int ecc);

/**
 * @brief Sets the QR version (ignored for DataMatrix).
 * @param[in] version 0 picks the smallest version the text fits in;
 *            1 to 40 asks for exactly that version.
 * @return TRACE_OK or TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_opts_set_version(trace_qr_opts *opts, int version);

/**
 * @brief Sets how the text is encoded.
 * @param[in] mode a trace_qr_mode value.
 * @return TRACE_OK or TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_opts_set_mode(trace_qr_opts *opts, int mode);

/**
 * @brief Builds a QR code for @p text.
 * @param[out] out the symbol; caller owns it, release with trace_qr_free().
 * @param[in] text NUL-terminated UTF-8, 1 to TRACE_QR_MAX_TEXT bytes.
 * @param[in] opts may be NULL for the defaults.
 * @return TRACE_OK;
 *         TRACE_EINVAL (empty text, invalid UTF-8, a character the mode
 *         cannot carry, a malformed element string — the message names it);
 *         TRACE_ELIMIT (too long for a QR code at that level, or for the
 *         requested version);
 *         TRACE_ENOMEM.
 * @note GS1 mode: libqrencode up to 4.1.1 cannot write FNC1 in first
 *       position, so libtrace then encodes the symbol itself (same
 *       standard, checked against libqrencode module for module on plain
 *       data); a libqrencode that can is used instead.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_new(trace_qr **out, const char *text,
                                             const trace_qr_opts *opts);

/**
 * @brief Builds a square DataMatrix ECC 200 symbol for @p text.
 *
 * Only the mode of @p opts applies: TRACE_QR_MODE_GS1 makes a GS1
 * DataMatrix (FNC1 codeword first, FNC1 for each GS separator);
 * TRACE_QR_MODE_ALNUM is not available for DataMatrix.
 * @param[out] out the symbol; caller owns it, release with trace_qr_free().
 * @param[in] text NUL-terminated UTF-8, 1 to 1556 bytes.
 * @param[in] opts may be NULL for the defaults.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ELIMIT (too long for 144x144),
 *         TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_new_datamatrix(trace_qr **out, const char *text,
                                                        const trace_qr_opts *opts);

/** @brief Releases a symbol; NULL is a no-op. @since 1.0 */
TRACE_API void trace_qr_free(trace_qr *qr);

/** @brief The symbology (a trace_qr_symbology value). @return a trace_qr_symbology value, or 0 for NULL. @since 1.0 */
TRACE_API int trace_qr_symbology(const trace_qr *qr);

/** @brief Modules per side, without the quiet zone. @return the width in modules, or 0 for NULL. @since 1.0 */
TRACE_API int trace_qr_width(const trace_qr *qr);

/** @brief QR version (1 to 40), or 0 for a DataMatrix symbol. @return the version, 0 for DataMatrix or NULL. @since 1.0 */
TRACE_API int trace_qr_version(const trace_qr *qr);

/**
 * @brief Quiet zone the renderers draw around the symbol, in modules
 *        (4 for QR, 2 for DataMatrix: at least what each standard asks).
 * @return the quiet zone in modules, or 0 for NULL.
 * @since 1.0
 */
TRACE_API int trace_qr_quiet_zone(const trace_qr *qr);

/**
 * @brief Whether the module at column @p x, row @p y is dark.
 * @return 1 dark, 0 light; coordinates outside the symbol (the quiet zone)
 *         are light.
 * @since 1.0
 */
TRACE_API int trace_qr_module(const trace_qr *qr, int x, int y);

/**
 * @brief Renders a symbol as a PNG image (1-bit grayscale, quiet zone included).
 * @param[out] out the PNG file bytes; release with trace_buf_dispose().
 * @param[in] module_px pixels per module, 1 to TRACE_QR_MAX_MODULE.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ENOMEM.
 * @note Uses a fresh compressor: for many symbols use a trace_qr_renderer.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_render_png(trace_buf *out, const trace_qr *qr, int module_px);

/**
 * @brief Renders a symbol as an SVG document: one path, crisp edges.
 * @param[out] out NUL-terminated SVG text; release with trace_buf_dispose().
 * @param[in] module_px user units (pixels) per module, 1 to TRACE_QR_MAX_MODULE.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_render_svg(trace_buf *out, const trace_qr *qr, int module_px);

/** @brief trace_qr_render_text() flag: draw the dark modules instead of the light ones. @since 1.0 */
#define TRACE_QR_TEXT_INVERT 1u

/**
 * @brief Renders a symbol as UTF-8 text for terminals, two module rows per
 *        line with half-block characters (U+2580, U+2584, U+2588).
 *
 * By default the light modules and the quiet zone are drawn, so that on a
 * terminal with a dark background the code shows dark on light, as scanners
 * expect.  With TRACE_QR_TEXT_INVERT the dark modules are drawn instead
 * (light backgrounds, text files for printing).
 * @param[out] out NUL-terminated text, one line per two module rows, each
 *             ending in '\n'; release with trace_buf_dispose().
 * @param[in] flags 0 or TRACE_QR_TEXT_INVERT.
 * @return TRACE_OK, TRACE_EINVAL (unknown flag), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_render_text(trace_buf *out, const trace_qr *qr, unsigned flags);

/** @brief A PNG renderer that keeps its compressor between images (opaque). @since 1.0 */
typedef struct trace_qr_renderer trace_qr_renderer;

/**
 * @brief New PNG renderer.
 * @param[out] out caller owns it; release with trace_qr_renderer_free().
 * @return TRACE_OK or TRACE_ENOMEM.
 * @note One thread at a time; give each thread its own renderer.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_renderer_new(trace_qr_renderer **out);

/** @brief Releases a renderer; NULL is a no-op. @since 1.0 */
TRACE_API void trace_qr_renderer_free(trace_qr_renderer *r);

/**
 * @brief Sets the renderer's deflate level for the PNGs it writes next.
 *
 * 1 (the default) is fast run-length compression, about 480 bytes for a
 * Digital Link label at 4 pixels per module.  0 stores the pixels
 * uncompressed: about half of level 1's encoding time and seven times the
 * size (for printers fed over a local link).  2 to 9 compress harder and
 * more slowly.
 * @param[in] level 0 to 9.
 * @return TRACE_OK or TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_renderer_set_level(trace_qr_renderer *r, int level);

/**
 * @brief As trace_qr_render_png(), reusing the renderer's compressor and scratch memory.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_renderer_png(trace_buf *out, trace_qr_renderer *r,
                                                      const trace_qr *qr, int module_px);

/**
 * @brief Builds many QR codes, spread over threads.
 * @param[out] outs array of @p count pointers, filled on success; the caller
 *             owns each symbol.  On failure every entry is NULL.
 * @param[in] texts @p count NUL-terminated UTF-8 texts.
 * @param[in] opts may be NULL for the defaults; applies to every text.
 * @param[in] threads number of threads; 0 uses one per online CPU, 1 works
 *            on the calling thread only.
 * @return TRACE_OK, or the error of the first text (lowest index) that
 *         failed, its message prefixed with "text N: "; TRACE_EINVAL for
 *         bad arguments; TRACE_ENOMEM.
 * @note The calling thread works too: if a thread cannot be started the
 *       batch still completes, on fewer threads.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_batch_new(trace_qr **outs, const char *const *texts,
                                                   size_t count, const trace_qr_opts *opts,
                                                   unsigned threads);

/**
 * @brief Builds QR codes and renders each as PNG, spread over threads.
 * @param[out] outs array of @p count buffers, filled on success (release each
 *             with trace_buf_dispose()); on failure every entry is empty.
 * @param[in] texts @p count NUL-terminated UTF-8 texts.
 * @param[in] opts may be NULL for the defaults.
 * @param[in] module_px pixels per module, 1 to TRACE_QR_MAX_MODULE.
 * @param[in] threads as for trace_qr_batch_new().
 * @return as trace_qr_batch_new().
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_batch_png(trace_buf *outs, const char *const *texts,
                                                   size_t count, const trace_qr_opts *opts,
                                                   int module_px, unsigned threads);

/** @brief Layout options for label sheets (opaque builder). @since 1.0 */
typedef struct trace_qr_labels_opts trace_qr_labels_opts;

/**
 * @brief New label-sheet options: A4 portrait, 10 mm margins, 4 labels per row.
 * @param[out] out caller owns them; release with trace_qr_labels_opts_free().
 * @return TRACE_OK or TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_labels_opts_new(trace_qr_labels_opts **out);

/** @brief Releases label-sheet options; NULL is a no-op. @since 1.0 */
TRACE_API void trace_qr_labels_opts_free(trace_qr_labels_opts *opts);

/**
 * @brief Sets the number of labels per row (the code's size follows from it).
 * @param[in] per_row 1 to 12.
 * @return TRACE_OK or TRACE_EINVAL.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_labels_opts_set_per_row(trace_qr_labels_opts *opts, int per_row);

/**
 * @brief Lays out labels on A4 pages as one SVG document.
 *
 * Each label is a symbol with its text under it, wrapped to the label's
 * width.  Pages are stacked vertically in one document 210 mm wide and
 * 297 mm tall per page; each page is outlined by a thin grey frame.
 * @param[out] out NUL-terminated SVG text; release with trace_buf_dispose().
 * @param[in] codes @p count symbols (QR or DataMatrix).
 * @param[in] texts @p count NUL-terminated UTF-8 label texts (any script;
 *            the viewer's fonts draw them).
 * @param[in] opts may be NULL for the defaults.
 * @return TRACE_OK, TRACE_EINVAL (NULL entries, invalid UTF-8 — the
 *         message names the label), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_labels_svg(trace_buf *out, const trace_qr *const *codes,
                                                    const char *const *texts, size_t count,
                                                    const trace_qr_labels_opts *opts);

/**
 * @brief Lays out labels on A4 pages as a PDF document.
 *
 * Each symbol is drawn as a 1-bit image (so it stays crisp at any
 * resolution); ASCII text uses the standard Courier font.  Other
 * characters use the standard Chinese font STSong-Light (Adobe-GB1,
 * UniGB-UTF16-H), not embedded: viewers substitute an installed CJK font,
 * and characters outside GB 18030's repertoire print as blanks.
 * @param[out] out the PDF file bytes; release with trace_buf_dispose().
 * @param[in] codes @p count symbols (QR or DataMatrix).
 * @param[in] texts @p count NUL-terminated UTF-8 label texts.
 * @param[in] opts may be NULL for the defaults.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_qr_labels_pdf(trace_buf *out, const trace_qr *const *codes,
                                                    const char *const *texts, size_t count,
                                                    const trace_qr_labels_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
