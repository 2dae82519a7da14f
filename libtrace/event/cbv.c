/*
 * event/cbv: the CBV 2.0 standard vocabularies (business steps, dispositions,
 * business transaction types, source/destination types, error reasons) and
 * their one stored form: the short value for a standard value, whatever way
 * it was written (short, URN, https://ref.gs1.org/cbv/ URI or cbv: CURIE),
 * and any other absolute URI as given.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

static const char *const bizsteps[] = {
	"accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
	"creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
	"disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
	"installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
	"repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
	"staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading",
	"unpacking", "void_shipping", "sensor_reporting", "sampling", NULL
};

static const char *const dispositions[] = {
	"active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded",
	"expired", "in_progress", "in_transit", "inactive", "no_pedigree_match", "non_sellable_other",
	"partially_dispensed", "recalled", "reserved", "retail_sold", "returned",
	"sellable_accessible", "sellable_not_accessible", "stolen", "unknown", "available",
	"completeness_verified", "completeness_inferred", "conformant", "container_open",
	"mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement",
	"non_conformant", "unavailable", NULL
};

static const char *const btts[] = {
	"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
	"testprd", "testres", "upevt", NULL
};

static const char *const sdts[] = { "owning_party", "possessing_party", "location", NULL };

static const char *const ers[] = { "did_not_occur", "incorrect_data", NULL };

static const struct {
	const char *const *values;
	const char *urn;     /* EPCIS 1.x URN prefix */
	const char *web;     /* after "https://ref.gs1.org/cbv/" or "cbv:" */
	const char *noun;
} vocabs[TRACE__CBV_COUNT] = {
	{ bizsteps, "urn:epcglobal:cbv:bizstep:", "BizStep-", "business step" },
	{ dispositions, "urn:epcglobal:cbv:disp:", "Disp-", "disposition" },
	{ btts, "urn:epcglobal:cbv:btt:", "BTT-", "business transaction type" },
	{ sdts, "urn:epcglobal:cbv:sdt:", "SDT-", "source/destination type" },
	{ ers, "urn:epcglobal:cbv:er:", "ER-", "error reason" },
};

static int is_standard(int vocab, const char *s)
{
	for (const char *const *v = vocabs[vocab].values; *v; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	return 0;
}

/* The rest of @s after a CBV namespace, or NULL when @s is not in one. */
static const char *cbv_rest(const char *s)
{
	static const char *const ns[] = {
		"https://ref.gs1.org/cbv/", "http://ref.gs1.org/cbv/", "cbv:", "urn:epcglobal:cbv:",
		"https://ns.gs1.org/cbv/", "http://ns.gs1.org/cbv/", NULL
	};
	for (int i = 0; ns[i]; i++) {
		size_t n = strlen(ns[i]);
		if (strncasecmp(s, ns[i], n) == 0)
			return s + n;
	}
	return NULL;
}

int trace__cbv_normalize(char **out, int vocab, const char *value, const char *what)
{
	*out = NULL;
	const char *name = NULL;
	size_t ul = strlen(vocabs[vocab].urn), wl = strlen(vocabs[vocab].web);
	if (strncmp(value, vocabs[vocab].urn, ul) == 0)
		name = value + ul;
	else {
		const char *rest = cbv_rest(value);
		if (rest != NULL && strncmp(rest, vocabs[vocab].web, wl) == 0)
			name = rest + wl;
		else if (rest != NULL)
			return trace__fail(TRACE_EINVAL, "%s: \"%.100s\" is in the CBV namespace but not a CBV 2.0 %s",
			                   what, value, vocabs[vocab].noun);
	}
	if (name == NULL && is_standard(vocab, value))
		name = value;
	if (name != NULL) {
		if (!is_standard(vocab, name))
			return trace__fail(TRACE_EINVAL, "%s: \"%.100s\" is not a CBV 2.0 %s", what, value,
			                   vocabs[vocab].noun);
		*out = trace__strdup(name);
		return *out ? TRACE_OK : trace__oom();
	}
	if (!trace__ev_is_uri(value))
		return trace__fail(TRACE_EINVAL, "%s: \"%.100s\" is neither a CBV 2.0 %s nor an absolute URI",
		                   what, value, vocabs[vocab].noun);
	*out = trace__strdup(value);
	return *out ? TRACE_OK : trace__oom();
}

int trace__cbv_is_normal(int vocab, const char *s)
{
	if (is_standard(vocab, s))
		return 1;
	if (strncmp(s, "urn:epcglobal:cbv:", 18) == 0 || cbv_rest(s) != NULL)
		return 0;
	return trace__ev_is_uri(s);
}

static int short_name_ok(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static const char *gs1_voc_rest(const char *s)
{
	static const char *const ns[] = {
		"gs1:", "https://gs1.org/voc/", "http://gs1.org/voc/", "https://ref.gs1.org/voc/",
		"https://www.gs1.org/voc/", NULL
	};
	for (int i = 0; ns[i]; i++) {
		size_t n = strlen(ns[i]);
		if (strncmp(s, ns[i], n) == 0)
			return s + n;
	}
	return NULL;
}

int trace__ev_sensor_type(char **out, const char *value, const char *what)
{
	*out = NULL;
	const char *rest = gs1_voc_rest(value);
	const char *v = rest ? rest : value;
	if (!short_name_ok(v) && (rest != NULL || !trace__ev_is_uri(v)))
		return trace__fail(TRACE_EINVAL, "%s: \"%.100s\" is neither a GS1 measurement type nor an absolute URI",
		                   what, value);
	*out = trace__strdup(v);
	return *out ? TRACE_OK : trace__oom();
}

int trace__ev_sensor_type_ok(const char *s)
{
	return short_name_ok(s) || (gs1_voc_rest(s) == NULL && trace__ev_is_uri(s));
}

const char *trace__cbv_short(int vocab, const char *value)
{
	if (value == NULL || vocab < 0 || vocab >= TRACE__CBV_COUNT)
		return NULL;
	size_t ul = strlen(vocabs[vocab].urn), wl = strlen(vocabs[vocab].web);
	static const char web[] = "https://ref.gs1.org/cbv/";
	const char *name = value;
	if (strncmp(value, vocabs[vocab].urn, ul) == 0)
		name = value + ul;
	else if (strncmp(value, web, sizeof web - 1) == 0 &&
	         strncmp(value + sizeof web - 1, vocabs[vocab].web, wl) == 0)
		name = value + sizeof web - 1 + wl;
	/* The table's own pointer: a match is a standard value, nothing else. */
	for (const char *const *v = vocabs[vocab].values; *v; v++)
		if (strcmp(*v, name) == 0)
			return *v;
	return NULL;
}
