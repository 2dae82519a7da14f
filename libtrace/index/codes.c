/*
 * index/codes: canonical code text <-> dense ids assigned in first-seen
 * (issuance) order, so the index keys that follow stay near-sequential.
 */
#include <stdio.h>
#include <string.h>

#include "trace/code.h"
#include "trace/error.h"
#include "index_internal.h"
#include "../code/code_internal.h"
#include "../event/event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

int trace__code_canonical(char **out, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return trace__fail(TRACE_EINVAL, "empty code");
	/* The same canonical form the event module stores. */
	return trace__ev_canonical_id(out, text, "code");
}

/* "lot:<scheme>:<product>:<lot, percent-encoded>", for lots no code scheme can write. */
static int lot_uri(char **out, const char *scheme, const char *product, size_t plen, const char *lot)
{
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_printf(&b, "lot:%s:%.*s:", scheme, (int)plen, product);
	trace__pct_encode(&b, lot, strlen(lot));
	trace__sbuf_putc(&b, 0);
	if (b.oom) {
		trace__sbuf_free(&b);
		return trace__oom();
	}
	*out = (char *)b.p;
	return TRACE_OK;
}

/* The canonical code of @text if it parses, else NULL with no error left behind. */
static int try_canonical(char **out, const char *text)
{
	trace_code *c = NULL;
	int rc = trace_code_parse(&c, text, TRACE_CODE_FORM_AUTO, 0);
	*out = NULL;
	if (rc == TRACE_ENOMEM)
		return rc;
	if (rc) {
		trace_error_clear();
		return TRACE_OK;
	}
	*out = trace__strdup(trace_code_canonical(c));
	trace_code_free(c);
	return *out ? TRACE_OK : trace__oom();
}

/*
 * A batch number is unique only within its product, so a lot's identity
 * always names the product (docs/FORMAT.md §2.9.2): the GTIN for GS1, the
 * 7-digit drug identifier for NMPA, the DI for MA, the prefix for native
 * codes.  An item with no product to name cannot carry a lot.
 */
int trace__lot_code(char **out, const char *item, const char *lot)
{
	trace_code *c = NULL;
	*out = NULL;
	int rc = trace_code_parse(&c, item, TRACE_CODE_FORM_AUTO, 0);
	if (rc == TRACE_ENOMEM)
		return rc;
	const char *v;
	if (rc == TRACE_OK && trace_code_scheme(c) == TRACE_CODE_GS1 &&
	    ((v = trace_code_find(c, "01")) != NULL || (v = trace_code_find(c, "8006")) != NULL)) {
		char gtin[15];
		memcpy(gtin, v, 14);
		gtin[14] = 0;
		/* Through a Digital Link, so no character of the lot can start another AI. */
		char dl[64 + 3 * 20];
		size_t n = (size_t)snprintf(dl, sizeof dl, "https://id.gs1.org/01/%s/10/", gtin);
		rc = TRACE_OK;
		if (strlen(lot) <= 20) {
			trace__sbuf b = TRACE__SBUF_INIT;
			trace__pct_encode(&b, lot, strlen(lot));
			trace__sbuf_putc(&b, 0);
			if (b.oom)
				rc = trace__oom();
			else
				snprintf(dl + n, sizeof dl - n, "%s", (const char *)b.p);
			trace__sbuf_free(&b);
			if (rc == TRACE_OK)
				rc = try_canonical(out, dl);
		}
		if (rc == TRACE_OK && *out == NULL)
			rc = lot_uri(out, "gtin", gtin, 14, lot);
	} else if (rc == TRACE_OK && trace_code_scheme(c) == TRACE_CODE_NMPA) {
		v = trace_code_find(c, "drug_id");
		rc = lot_uri(out, "nmpa", v, strlen(v), lot);
	} else if (rc == TRACE_OK && trace_code_scheme(c) == TRACE_CODE_MA) {
		/* The MA code of the lot itself when the batch fits an L segment. */
		char buf[256];
		v = trace_code_find(c, "di");
		size_t dl = strlen(v), ll = strlen(lot);
		rc = TRACE_OK;
		if (dl + ll + 3 <= sizeof buf && strchr(lot, '.') == NULL) {
			memcpy(buf, v, dl);
			memcpy(buf + dl, ".L", 2);
			memcpy(buf + dl + 2, lot, ll + 1);
			rc = try_canonical(out, buf);
		}
		if (rc == TRACE_OK && *out == NULL)
			rc = lot_uri(out, "ma", v, strlen(v), lot);
	} else if (rc == TRACE_OK && trace_code_scheme(c) == TRACE_CODE_NATIVE) {
		v = trace_code_find(c, "prefix");
		rc = lot_uri(out, "native", v, strlen(v), lot);
	} else {
		trace_error_clear();
		rc = trace__fail(TRACE_EINVAL, "lot \"%.40s\" of item \"%.100s\": the item names no product (a GTIN, "
		                 "NMPA drug identifier, MA product or native prefix), and a batch number alone "
		                 "does not identify a lot", lot, item);
	}
	trace_code_free(c);
	return rc;
}

int trace__code_lookup(trace__txn *t, const char *canonical, uint64_t *id)
{
	trace__val v;
	size_t len = strlen(canonical);
	if (len == 0 || len > 480)
		return trace__fail(TRACE_EINVAL, "code of %zu bytes cannot be indexed (1 to 480)", len);
	int rc = trace__txn_get(t, DB_CODES, canonical, len, &v);
	if (rc == TRACE_OK) {
		if (v.size != 8)
			return trace__fail(TRACE_ECORRUPT, "code index entry for %s is damaged", canonical);
		*id = trace__be64_get(v.data);
	}
	return rc;
}

int trace__code_name(trace__txn *t, uint64_t id, const char **name, size_t *len)
{
	uint8_t k[8];
	trace__val v;
	trace__be64_put(k, id);
	int rc = trace__txn_get(t, DB_CODE_NAMES, k, 8, &v);
	if (rc == TRACE_ENOTFOUND)
		return trace__fail(TRACE_ECORRUPT, "code id %llu has no name", (unsigned long long)id);
	if (rc == TRACE_OK) {
		*name = v.data;
		*len = v.size;
	}
	return rc;
}

void trace__indexer_init(trace__indexer *ix, trace__txn *txn, const trace__ledger_params *p)
{
	memset(ix, 0, sizeof *ix);
	ix->txn = txn;
	ix->entries = txn;
	ix->params = p;
}

int trace__indexer_code_id(trace__indexer *ix, const char *canonical, uint64_t *id)
{
	int rc = trace__code_lookup(ix->txn, canonical, id);
	if (rc != TRACE_ENOTFOUND)
		return rc;
	if (!ix->next_id_loaded) {
		trace__val v;
		rc = trace__txn_get(ix->txn, DB_META, "next_code_id", 12, &v);
		if (rc == TRACE_OK && v.size == 8)
			ix->next_id = trace__be64_get(v.data);
		else if (rc == TRACE_ENOTFOUND)
			ix->next_id = 0;
		else
			return rc ? rc : trace__fail(TRACE_ECORRUPT, "next_code_id is damaged");
		ix->next_id_loaded = 1;
	}
	uint8_t k[8];
	*id = ix->next_id++;
	trace__be64_put(k, *id);
	/* Ids grow: the reverse map is an append. */
	if ((rc = trace__txn_put(ix->txn, DB_CODES, canonical, strlen(canonical), k, 8, 0)) ||
	    (rc = trace__txn_put(ix->txn, DB_CODE_NAMES, k, 8, canonical, strlen(canonical), TRACE__PUT_APPEND)))
		return rc;
	return TRACE_OK;
}

int trace__indexer_finish(trace__indexer *ix)
{
	uint8_t v[8];
	if (!ix->next_id_loaded)
		return TRACE_OK;
	trace__be64_put(v, ix->next_id);
	return trace__txn_put(ix->txn, DB_META, "next_code_id", 12, v, 8, 0);
}
