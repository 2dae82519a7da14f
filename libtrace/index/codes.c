/*
 * index/codes: canonical code text <-> dense ids assigned in first-seen
 * (issuance) order, so the index keys that follow stay near-sequential.
 */
#include <stdio.h>
#include <string.h>

#include "trace/code.h"
#include "trace/error.h"
#include "index_internal.h"
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

int trace__lot_code(char **out, const char *item, const char *lot)
{
	trace_code *c = NULL;
	char buf[512];
	const char *gtin = NULL;
	if (trace_code_parse(&c, item, TRACE_CODE_FORM_AUTO, 0) == TRACE_OK)
		gtin = trace_code_find(c, "01");
	if (gtin) {
		/* The lot of a GS1 item is its GTIN with AI (10). */
		snprintf(buf, sizeof buf, "(01)%s(10)%s", gtin, lot);
		trace_code_free(c);
		if (trace__code_canonical(out, buf) == TRACE_OK)
			return TRACE_OK;
	} else {
		trace_code_free(c);
	}
	trace_error_clear();
	snprintf(buf, sizeof buf, "lot:%s", lot);
	*out = trace__strdup(buf);
	return *out ? TRACE_OK : trace__oom();
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
