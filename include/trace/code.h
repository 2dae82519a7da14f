/*
 * libtrace - product codes: GS1 keys and Application Identifiers, element
 * strings (bracketed, FNC1/GS-separated, scan data), GS1 Digital Link 1.x
 * URIs, EPC pure-identity URNs, China NMPA 20-digit drug traceability codes,
 * MA (IDcode) codes, libtrace native codes, and bulk issuance of serials.
 *
 * Every parsed code has one canonical string, the key a ledger files it under:
 *  - GS1: the Digital Link URI on https://id.gs1.org of the primary key and
 *    the qualifiers that identify the object (for a GTIN or ITIP: the serial
 *    (21) or TPX (235) if present, else the lot (10), else the key alone);
 *    a GS1 element string without a primary key keeps its bracketed form;
 *  - NMPA: the 20 digits;
 *  - MA: "MA." and the DI segments, then ".S<serial>" if present, else
 *    ".L<lot>" if present;
 *  - native: "PREFIX-SERIAL" in upper case, confusable letters mapped.
 */
#ifndef TRACE_CODE_H
#define TRACE_CODE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The family a code belongs to.
 * @since 1.0
 */
enum trace_code_scheme {
	TRACE_CODE_GS1 = 1,    /**< GS1 keys and Application Identifiers; @since 1.0 */
	TRACE_CODE_NMPA = 2,   /**< China NMPA 20-digit drug traceability code; @since 1.0 */
	TRACE_CODE_MA = 3,     /**< MA (IDcode, ISO/IEC 15459 issuing agency "MA"); @since 1.0 */
	TRACE_CODE_NATIVE = 4  /**< libtrace native code "PREFIX-SERIAL"; @since 1.0 */
};

/**
 * @brief How a code was written; also selects a parser in trace_code_parse().
 * @since 1.0
 */
enum trace_code_form {
	TRACE_CODE_FORM_AUTO = 0,           /**< detect (parse only); @since 1.0 */
	TRACE_CODE_FORM_DIGITAL_LINK = 1,   /**< GS1 Digital Link URI; @since 1.0 */
	TRACE_CODE_FORM_BRACKETED = 2,      /**< "(01)...(10)..." element string; @since 1.0 */
	TRACE_CODE_FORM_ELEMENT_STRING = 3, /**< AI data separated by GS (0x1D) or '^', optionally led by FNC1; @since 1.0 */
	TRACE_CODE_FORM_SCAN_DATA = 4,      /**< scanner output led by a symbology identifier ("]d2", "]Q1", ...); @since 1.0 */
	TRACE_CODE_FORM_EPC_URN = 5,        /**< EPC pure-identity URN ("urn:epc:id:sgtin:..."); @since 1.0 */
	TRACE_CODE_FORM_NMPA = 6,           /**< 20 digits starting with 8; @since 1.0 */
	TRACE_CODE_FORM_MA = 7,             /**< "MA.156.M0.100204.13351764.S123..."; @since 1.0 */
	TRACE_CODE_FORM_NATIVE = 8          /**< "ACME-0X4K..."; @since 1.0 */
};

/**
 * @brief Flags of trace_code_parse() and trace_gs1_ai_validate().
 * @since 1.0
 */
enum trace_code_flags {
	/** Digital Link: accept GTIN-8/12/13 after /01/ and pad them to 14 digits. @since 1.0 */
	TRACE_CODE_PERMIT_ZERO_SUPPRESSED_GTIN = 1u << 0,
	/** Skip the AI association rules (which AIs require or exclude others). @since 1.0 */
	TRACE_CODE_NO_ASSOCIATIONS = 1u << 1,
	/** China profile (GB/T 33993): no % & / < > ? in batch (10) and serial (21). @since 1.0 */
	TRACE_CODE_CN_STRICT = 1u << 2
};

/**
 * @brief Output styles of trace_code_element_string().
 * @since 1.0
 */
enum trace_code_es_style {
	/** "(01)09506000134352(10)ABC"; a '(' inside a value is written "\(". @since 1.0 */
	TRACE_CODE_ES_BRACKETED = 0,
	/** AI data as carried after FNC1-in-first in GS1 QR / DataMatrix / GS1-128:
	 *  GS (0x1D) after each AI that is not of pre-defined length, except the last.
	 *  Prefix "]d2" or "]Q3" yourself to obtain scan data. @since 1.0 */
	TRACE_CODE_ES_GS = 1
};

/** @brief A parsed, validated code (opaque, immutable, shareable between threads). @since 1.0 */
typedef struct trace_code trace_code;

/**
 * @brief Parses and validates a code.
 *
 * With TRACE_CODE_FORM_AUTO the form is detected: "]" scan data, "http(s)://"
 * Digital Link, "urn:epc:" EPC URN, "(" bracketed element string, "MA." MA code,
 * 20 digits starting with 8 an NMPA code, a leading digit, '^' or GS an
 * element string, and "LETTERS-..." a native code.  Every GS1 value is checked
 * against its AI: character set (82, 39 or 64), length, check digit or check
 * pair, dates (YYMMDD, with DD=00 where GS1 allows it) and other value rules;
 * then the associations between AIs unless TRACE_CODE_NO_ASSOCIATIONS.
 *
 * @param[out] out caller owns it; release with trace_code_free().
 * @param[in] text the code, NUL-terminated (scan data may contain GS bytes).
 * @param[in] form a trace_code_form.
 * @param[in] flags trace_code_flags, or 0.
 * @return TRACE_OK; TRACE_EINVAL if the text is not a valid code of that form
 *         (the detail names the AI or segment and the character position);
 *         TRACE_EUNSUPPORTED for an EPC URN scheme libtrace does not map;
 *         TRACE_ELIMIT if the text exceeds 4096 bytes; TRACE_ENOMEM.
 * @note Positions in messages count bytes from 0 in @p text.  Compressed
 *       Digital Link URIs are not decoded (TRACE_EINVAL, saying so).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_code_parse(trace_code **out, const char *text, int form,
                                                 unsigned flags);

/** @brief Releases a code; NULL is a no-op. @since 1.0 */
TRACE_API void trace_code_free(trace_code *c);

/** @brief The trace_code_scheme of @p c. @return a trace_code_scheme, or 0 for NULL. @since 1.0 */
TRACE_API int trace_code_scheme(const trace_code *c);

/** @brief The trace_code_form @p c was parsed from. @return a trace_code_form, or 0 for NULL. @since 1.0 */
TRACE_API int trace_code_form(const trace_code *c);

/**
 * @brief The canonical string of @p c: the key a ledger files it under.
 * @return owned by @p c, valid until trace_code_free().
 * @since 1.0
 */
TRACE_API const char *trace_code_canonical(const trace_code *c);

/**
 * @brief Number of fields of @p c.
 *
 * GS1: one field per AI, named by the AI ("01", "3103"), in input order
 * (for a Digital Link: path, then query).  NMPA: "drug_id" (7 digits),
 * "production" (13 digits).  MA: "di", "country", "industry", "org",
 * "product", then one field per PI segment named by its letter ("S", "L",
 * "M", "D", "V", "E", "C").  Native: "prefix", "serial", "check".
 * @since 1.0
 */
TRACE_API size_t trace_code_field_count(const trace_code *c);

/**
 * @brief Field @p i of @p c.
 * @param[out] name_out the field name; owned by @p c.
 * @param[out] value_out the value (decoded, no escapes); owned by @p c.
 * @return TRACE_OK, or TRACE_ERANGE if @p i is out of range.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_code_field(const char **name_out, const char **value_out, const trace_code *c,
                               size_t i);

/**
 * @brief The value of the field named @p name (e.g. an AI "21"), or NULL.
 * @return owned by @p c.
 * @since 1.0
 */
TRACE_API const char *trace_code_find(const trace_code *c, const char *name);

/**
 * @brief Number of Digital Link query parameters that are not AIs
 *        (e.g. "linkType"); they are ignored for identity but kept here.
 * @since 1.0
 */
TRACE_API size_t trace_code_extra_count(const trace_code *c);

/**
 * @brief Non-AI query parameter @p i (percent-decoded; a parameter without
 *        '=' has an empty value).
 * @return TRACE_OK, or TRACE_ERANGE if @p i is out of range.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_code_extra(const char **key_out, const char **value_out, const trace_code *c,
                               size_t i);

/**
 * @brief Formats a GS1 code as an element string, AIs in input order.
 * @param[out] out release with trace_buf_dispose().
 * @param[in] style a trace_code_es_style.
 * @return TRACE_OK, TRACE_EINVAL (not a GS1 code, or unknown style), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_code_element_string(trace_buf *out, const trace_code *c, int style);

/**
 * @brief Formats a GS1 code as a canonical GS1 Digital Link URI.
 *
 * The first primary key in input order goes in the path with the key
 * qualifiers present, in the standard's order; every other AI becomes a query
 * attribute in input order.  Values are percent-encoded except A-Z a-z 0-9 - . _ ~.
 * @param[out] out release with trace_buf_dispose().
 * @param[in] stem scheme, host and optional path prefix, without a trailing
 *            '/' (one is removed); NULL for "https://id.gs1.org".
 * @return TRACE_OK; TRACE_EINVAL if @p c is not GS1, has no primary key, holds an
 *         AI that may not appear in a Digital Link (named in the detail), or the
 *         stem is not an http(s) URI; TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_code_digital_link(trace_buf *out, const trace_code *c, const char *stem);

/**
 * @brief Formats a GS1 code as an EPC pure-identity URN.
 *
 * The URN names the code's first primary key in input order (the one its
 * canonical string names), by scheme:
 * SGTIN (01+21), UPUI (01+235), LGTIN class (01+10), SGTIN pattern (01
 * alone), SSCC (00), SGLN (414, extension 254 or "0"; a (254) of "0" has no
 * URN, since "0" stands for no extension), PGLN (417), GRAI (8003 with serial),
 * GIAI (8004), ITIP (8006+21), GSRN (8018), GSRNP (8017), GDTI (253 with
 * serial), SGCN (255 with serial), GINC (401), GSIN (402), CPI (8010+8011);
 * and the class-level patterns ("idpat", serial "*") of a GRAI, GDTI or SGCN
 * without serial, an ITIP without serial or lot, and a CPID without 8011.
 * @param[in] gcp_length length of the GS1 Company Prefix inside the key, 6 to 12.
 * @return TRACE_OK; TRACE_EINVAL (not GS1, bad prefix length, no EPC scheme
 *         for these AIs, or a value an EPC URN cannot carry); TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_code_epc_urn(trace_buf *out, const trace_code *c, int gcp_length);

/**
 * @brief The GS1 mod-10 check digit of a key without its check digit.
 * @param[out] out the check digit, 0 to 9.
 * @param[in] digits ASCII digits (e.g. the first 13 of a GTIN-14).
 * @return TRACE_OK, or TRACE_EINVAL (empty, or a non-digit whose position is named).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_gs1_check_digit(int *out, const char *digits, size_t len);

/**
 * @brief Validates one AI value (character set, length, check digit, dates...).
 * @param[in] ai the AI digits, e.g. "17".
 * @param[in] value the value, NUL-terminated.
 * @param[in] flags trace_code_flags (TRACE_CODE_CN_STRICT applies).
 * @return TRACE_OK, or TRACE_EINVAL naming the AI and the offending position.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_gs1_ai_validate(const char *ai, const char *value,
                                                      unsigned flags);

/**
 * @brief Issues serials that are unique by construction and not guessable.
 *
 * A serial is the issuer's site ID followed by 13 characters of the Crockford
 * base-32 alphabet (0-9 A-Z without I L O U, a subset of GS1 character set 82
 * that needs no escaping) encoding a secret-keyed permutation (a 10-round
 * Feistel network with AES-128 rounds over 65 bits) of a persistent counter:
 * different counters give different serials, and without the key the next
 * serial cannot be predicted (any guess is right with probability about
 * issued/2^65).  Native codes are "PREFIX-" + serial + one check character.
 *
 * The counter and the key live in DIR/codes/ (files "issuer", mode 0600, and
 * "journal", one line per reserved range).  Each range is appended to the
 * journal and fsync'ed before its codes are handed out, so a restart never
 * reissues one.  Give every site that issues for the same GTINs its own site
 * ID; never copy DIR/codes/ to another site.
 * @since 1.0
 */
typedef struct trace_issuer trace_issuer;

/**
 * @brief Receives one issued code.
 * @param[in] code GS1: the Digital Link URI on https://id.gs1.org with lot and
 *            serial; native: the whole code.  Valid during the call only.
 * @param[in] serial GS1: the serial (AI 21); native: the part after '-'.
 * @param[in] seq the counter value (dense, increasing).
 * @param[in] payload as passed to the issue call.
 * @return 0 to go on, anything else to stop (the call returns TRACE_EUSER).
 * @since 1.0
 */
typedef int (*trace_issue_fn)(const char *code, const char *serial, uint64_t seq, void *payload);

/**
 * @brief Opens (creating if needed) the issuance state of a ledger directory.
 * @param[out] out caller owns it; release with trace_issuer_close().
 * @param[in] dir the ledger directory; state goes in @p dir/codes/.  NULL keeps
 *            the state in memory (fresh key, counter from 0): unique only
 *            within this object's life.
 * @param[in] site the site ID, 1 to 4 characters of the serial alphabet
 *            (case-insensitive); NULL keeps the stored one ("0" for new state).
 * @return TRACE_OK; TRACE_EINVAL (bad site, or not the site the state was
 *         created with); TRACE_EBUSY (another issuer holds the state);
 *         TRACE_ECORRUPT (unreadable state or journal); TRACE_EIO; TRACE_ENOMEM.
 * @note One issuer per directory at a time, used by one thread at a time.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_issuer_open(trace_issuer **out, const char *dir,
                                                  const char *site);

/** @brief Releases an issuer (wiping its key); NULL is a no-op. @since 1.0 */
TRACE_API void trace_issuer_close(trace_issuer *is);

/** @brief The site ID, owned by @p is. @since 1.0 */
TRACE_API const char *trace_issuer_site(const trace_issuer *is);

/** @brief Counter values used so far (issued or reserved). @since 1.0 */
TRACE_API uint64_t trace_issuer_count(const trace_issuer *is);

/**
 * @brief Issues @p count serials for a GTIN and lot.
 * @param[in] gtin GTIN-8, -12, -13 or -14 with a valid check digit (padded to 14).
 * @param[in] lot the batch/lot (AI 10 rules).
 * @param[in] count 1 to 100,000,000 per call.
 * @return TRACE_OK; TRACE_EINVAL (bad GTIN, lot or count, named); TRACE_EUSER
 *         (@p fn stopped it; the rest of the range is never issued);
 *         TRACE_ELIMIT (counter exhausted); TRACE_EIO (reservation not durable:
 *         nothing was handed out); TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_issuer_issue_gs1(trace_issuer *is, const char *gtin,
                                                       const char *lot, uint64_t count,
                                                       trace_issue_fn fn, void *payload);

/**
 * @brief Issues @p count native codes "PREFIX-SERIAL".
 * @param[in] prefix 1 to 16 characters A-Z 0-9 starting with a letter (case-insensitive).
 * @return as trace_issuer_issue_gs1().
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_issuer_issue_native(trace_issuer *is, const char *prefix,
                                                          uint64_t count, trace_issue_fn fn,
                                                          void *payload);

/**
 * @brief Whether @p serial was issued (or reserved) by @p is.
 * @param[out] seq_out its counter value when found; may be NULL.
 * @param[in] serial a GS1 serial from this issuer, or a whole native code.
 * @return TRACE_OK if it was; TRACE_ENOTFOUND if it was not (another site or
 *         key, or beyond the counter); TRACE_EINVAL if it is malformed
 *         (bad character or check character, named).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_issuer_lookup(uint64_t *seq_out, const trace_issuer *is,
                                                    const char *serial);

#ifdef __cplusplus
}
#endif
#endif
