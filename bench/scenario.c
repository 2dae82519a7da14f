/*
 * bench/scenario: the food scenario generator (see scenario.h).
 * Everything is derived from the step and lot numbers; nothing is random,
 * so two runs (and the two loaders) see byte-identical codes and times.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

const scn_params scn_full = { "full", 10, 1000, 100, 10000, 24, 40, 500 };
const scn_params scn_small = { "small", 10, 10, 1, 10000, 24, 40, 5 };

#define GCP "9506000"			/* GS1's example company prefix (7 digits) */
#define DL "https://id.gs1.org"
#define BASE_MS INT64_C(1740787200000)	/* 2025-03-01T00:00:00Z */
#define STEP_MS 1000			/* one event a second */
#define TRANSIT_MS (6 * 3600 * 1000)	/* shipping to receiving */
#define SHELF_MS (INT64_C(28) * 24 * 3600 * 1000)
#define RAW_LITRES 5000.0
#define CUP_KG 0.5

int scn_gs1_check_digit(const char *digits)
{
	size_t n = strlen(digits);
	int sum = 0;
	/* Weights 3,1,3,... from the rightmost digit before the check digit. */
	for (size_t i = 0; i < n; i++)
		sum += (digits[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
	return (10 - sum % 10) % 10;
}

/* GTIN-14 "0" + GCP + 5-digit item reference + check digit. */
static void gtin(char out[15], unsigned item_ref)
{
	char d[14];
	snprintf(d, sizeof d, "0" GCP "%05u", item_ref % 100000);
	snprintf(out, 15, "%s%d", d, scn_gs1_check_digit(d));
}

/* GLN-13: GCP + 5-digit location reference + check digit. */
static void gln(char out[14], unsigned loc_ref)
{
	char d[13];
	snprintf(d, sizeof d, GCP "%05u", loc_ref % 100000);
	snprintf(out, 14, "%s%d", d, scn_gs1_check_digit(d));
}

/* SSCC-18: extension digit + GCP + 9-digit serial reference + check digit. */
static char *sscc(char *buf, unsigned ext, uint64_t serial_ref)
{
	char d[18];
	snprintf(d, sizeof d, "%u" GCP "%09" PRIu64, ext % 10, serial_ref % 1000000000u);
	snprintf(buf, SCN_CODE_MAX, DL "/00/%s%d", d, scn_gs1_check_digit(d));
	return buf;
}

static unsigned raw_per_prod(const scn_params *p)
{
	return p->raw_lots / p->prod_lots;
}

static uint64_t cases_per_lot(const scn_params *p)
{
	return ((uint64_t)p->items_per_lot + p->items_per_case - 1) / p->items_per_case;
}

static uint64_t pallets_per_lot(const scn_params *p)
{
	return (cases_per_lot(p) + p->cases_per_pallet - 1) / p->cases_per_pallet;
}

uint64_t scn_item_count(const scn_params *p) { return (uint64_t)p->prod_lots * p->items_per_lot; }
uint64_t scn_case_count(const scn_params *p) { return (uint64_t)p->prod_lots * cases_per_lot(p); }
uint64_t scn_pallet_count(const scn_params *p) { return (uint64_t)p->prod_lots * pallets_per_lot(p); }

uint64_t scn_event_count(const scn_params *p)
{
	return p->raw_lots + (uint64_t)p->prod_lots * (1 + 2 * cases_per_lot(p) + 3 * pallets_per_lot(p));
}

uint64_t scn_code_refs(const scn_params *p)
{
	uint64_t items = scn_item_count(p), cases = scn_case_count(p), pallets = scn_pallet_count(p);
	return p->raw_lots + (uint64_t)p->prod_lots * (raw_per_prod(p) + 1) + 2 * items + 2 * cases +
	       3 * pallets;
}

char *scn_item_code(char *buf, const scn_params *p, uint64_t item)
{
	char g[15];
	unsigned lot = (unsigned)(item / p->items_per_lot);
	gtin(g, 20000 + lot % 4);	/* four yoghurt products */
	snprintf(buf, SCN_CODE_MAX, DL "/01/%s/21/%07" PRIu64, g, item);
	return buf;
}

static unsigned raw_farm(const scn_params *p, unsigned raw_lot) { return raw_lot % p->farms; }

static void raw_lot_text(char *buf, size_t cap, const scn_params *p, unsigned raw_lot)
{
	snprintf(buf, cap, "F%02u-%04u", raw_farm(p, raw_lot), raw_lot / p->farms);
}

char *scn_raw_lot_code(char *buf, const scn_params *p, unsigned raw_lot)
{
	char g[15], lot[32];
	gtin(g, 10000 + raw_farm(p, raw_lot));	/* each farm's raw milk */
	raw_lot_text(lot, sizeof lot, p, raw_lot);
	snprintf(buf, SCN_CODE_MAX, DL "/01/%s/10/%s", g, lot);
	return buf;
}

static void prod_lot_text(char *buf, size_t cap, unsigned prod_lot)
{
	snprintf(buf, cap, "Y%04u", prod_lot);
}

char *scn_prod_lot_code(char *buf, const scn_params *p, unsigned prod_lot)
{
	char g[15], lot[32];
	(void)p;
	gtin(g, 20000 + prod_lot % 4);
	prod_lot_text(lot, sizeof lot, prod_lot);
	snprintf(buf, SCN_CODE_MAX, DL "/01/%s/10/%s", g, lot);
	return buf;
}

char *scn_case_code(char *buf, const scn_params *p, uint64_t case_no)
{
	(void)p;
	return sscc(buf, 1, case_no);
}

char *scn_pallet_code(char *buf, const scn_params *p, uint64_t pallet_no)
{
	(void)p;
	return sscc(buf, 2, pallet_no);
}

unsigned scn_prod_lot_of_raw(const scn_params *p, unsigned raw_lot)
{
	return raw_lot / raw_per_prod(p);
}

uint64_t scn_items_downstream_of_raw(const scn_params *p, unsigned raw_lot)
{
	(void)raw_lot;
	return p->items_per_lot;	/* every raw lot feeds exactly one production lot */
}

uint64_t scn_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- the run ------------------------------------------------------------ */

typedef struct run {
	const scn_params *p;
	scn_cb cb;
	void *payload;
	uint64_t seq;
	char *store;		/* slots of SCN_CODE_MAX bytes */
	const char **ptrs;
	char plant_loc[SCN_CODE_MAX], plant_party[SCN_CODE_MAX];
} run;

static char *slot(run *r, size_t i) { return r->store + i * SCN_CODE_MAX; }

static int emit(run *r, scn_step *s)
{
	if (s->time_ms == 0)
		s->time_ms = BASE_MS + (int64_t)r->seq * STEP_MS;
	s->seq = r->seq++;
	return r->cb(s, r->payload);
}

static void blank(scn_step *s, int kind)
{
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->production_ms = INT64_MIN;
	s->expiry_ms = INT64_MIN;
}

static int raw_lots(run *r)
{
	const scn_params *p = r->p;
	for (unsigned i = 0; i < p->raw_lots; i++) {
		scn_step s;
		char code[SCN_CODE_MAX], lot[32], farm[14], loc[SCN_CODE_MAX];
		blank(&s, SCN_RAW_LOT);
		gln(farm, 100 + raw_farm(p, i));
		snprintf(loc, sizeof loc, DL "/414/%s", farm);
		raw_lot_text(lot, sizeof lot, p, i);
		s.biz_step = "commissioning";
		s.disposition = "active";
		s.read_point = loc;
		s.biz_location = loc;
		s.klass = scn_raw_lot_code(code, p, i);
		s.qty = RAW_LITRES;
		s.uom = "LTR";
		s.lot = lot;
		s.time_ms = BASE_MS + (int64_t)r->seq * STEP_MS;
		s.production_ms = s.time_ms;
		s.lot_index = i;
		int rc = emit(r, &s);
		if (rc)
			return rc;
	}
	return 0;
}

static int pallet_steps(run *r, unsigned lot, uint64_t pallet, uint64_t first_case, uint64_t ncases)
{
	const scn_params *p = r->p;
	char pallet_code[SCN_CODE_MAX], shop_gln[14], shop_loc[SCN_CODE_MAX], shop_party[SCN_CODE_MAX];
	const char *one[1] = { pallet_code };
	scn_step s;
	int rc;
	unsigned shop = (unsigned)(pallet % p->shops);

	scn_pallet_code(pallet_code, p, pallet);
	for (uint64_t c = 0; c < ncases; c++) {
		scn_case_code(slot(r, c), p, first_case + c);
		r->ptrs[c] = slot(r, c);
	}
	blank(&s, SCN_PACK);
	s.biz_step = "packing";
	s.disposition = "in_progress";
	s.read_point = r->plant_loc;
	s.biz_location = r->plant_loc;
	s.parent = pallet_code;
	s.codes = r->ptrs;
	s.ncodes = ncases;
	s.lot_index = lot;
	if ((rc = emit(r, &s)))
		return rc;

	gln(shop_gln, 10000 + shop);
	snprintf(shop_loc, sizeof shop_loc, DL "/414/%s", shop_gln);
	snprintf(shop_party, sizeof shop_party, DL "/417/%s", shop_gln);
	blank(&s, SCN_SHIP);
	s.biz_step = "shipping";
	s.disposition = "in_transit";
	s.read_point = r->plant_loc;
	s.source = r->plant_party;
	s.destination = shop_party;
	s.codes = one;
	s.ncodes = 1;
	s.lot_index = lot;
	s.shop = shop;
	if ((rc = emit(r, &s)))
		return rc;
	int64_t shipped = BASE_MS + (int64_t)(r->seq - 1) * STEP_MS;

	blank(&s, SCN_RECEIVE);
	s.biz_step = "receiving";
	s.disposition = "in_progress";
	s.read_point = shop_loc;
	s.biz_location = shop_loc;
	s.source = r->plant_party;
	s.destination = shop_party;
	s.codes = one;
	s.ncodes = 1;
	s.lot_index = lot;
	s.shop = shop;
	s.time_ms = shipped + TRANSIT_MS;
	return emit(r, &s);
}

static int production_lot(run *r, unsigned lot)
{
	const scn_params *p = r->p;
	unsigned k = raw_per_prod(p);
	char out_code[SCN_CODE_MAX], lot_text[32], case_code[SCN_CODE_MAX];
	scn_step s;
	int rc;

	/* The transformation: k raw lots in, one production lot out. */
	for (unsigned i = 0; i < k; i++) {
		scn_raw_lot_code(slot(r, i), p, lot * k + i);
		r->ptrs[i] = slot(r, i);
	}
	blank(&s, SCN_TRANSFORM);
	s.biz_step = "creating_class_instance";
	s.disposition = "active";
	s.read_point = r->plant_loc;
	s.biz_location = r->plant_loc;
	s.inputs = r->ptrs;
	s.ninputs = k;
	s.qty = RAW_LITRES;
	s.uom = "LTR";
	s.output = scn_prod_lot_code(out_code, p, lot);
	s.output_qty = p->items_per_lot * CUP_KG;
	s.output_uom = "KGM";
	s.lot_index = lot;
	if ((rc = emit(r, &s)))
		return rc;
	int64_t produced = BASE_MS + (int64_t)(r->seq - 1) * STEP_MS;
	prod_lot_text(lot_text, sizeof lot_text, lot);

	uint64_t ncases = cases_per_lot(p), first_item = (uint64_t)lot * p->items_per_lot;
	uint64_t first_case = (uint64_t)lot * ncases, first_pallet = (uint64_t)lot * pallets_per_lot(p);
	uint64_t pallet_start = 0;
	for (uint64_t c = 0; c < ncases; c++) {
		uint64_t lo = c * p->items_per_case, hi = lo + p->items_per_case;
		if (hi > p->items_per_lot)
			hi = p->items_per_lot;
		for (uint64_t i = lo; i < hi; i++) {
			scn_item_code(slot(r, i - lo), p, first_item + i);
			r->ptrs[i - lo] = slot(r, i - lo);
		}
		blank(&s, SCN_COMMISSION);
		s.biz_step = "commissioning";
		s.disposition = "active";
		s.read_point = r->plant_loc;
		s.biz_location = r->plant_loc;
		s.codes = r->ptrs;
		s.ncodes = (size_t)(hi - lo);
		s.lot = lot_text;
		s.production_ms = produced;
		s.expiry_ms = produced + SHELF_MS;
		s.lot_index = lot;
		if ((rc = emit(r, &s)))
			return rc;

		blank(&s, SCN_PACK);
		s.biz_step = "packing";
		s.disposition = "in_progress";
		s.read_point = r->plant_loc;
		s.biz_location = r->plant_loc;
		s.parent = scn_case_code(case_code, p, first_case + c);
		s.codes = r->ptrs;	/* the same items, still in the slots */
		s.ncodes = (size_t)(hi - lo);
		s.lot_index = lot;
		if ((rc = emit(r, &s)))
			return rc;

		if (c + 1 - pallet_start == p->cases_per_pallet || c + 1 == ncases) {
			uint64_t pallet = first_pallet + pallet_start / p->cases_per_pallet;
			if ((rc = pallet_steps(r, lot, pallet, first_case + pallet_start, c + 1 - pallet_start)))
				return rc;
			pallet_start = c + 1;
		}
	}
	return 0;
}

int scn_run(const scn_params *p, scn_cb cb, void *payload)
{
	if (p == NULL || cb == NULL || p->prod_lots == 0 || p->raw_lots % p->prod_lots != 0 ||
	    p->farms == 0 || p->items_per_case == 0 || p->cases_per_pallet == 0 || p->shops == 0)
		return -1;
	run r = { p, cb, payload, 0, NULL, NULL, "", "" };
	size_t slots = p->items_per_case;
	if (p->cases_per_pallet > slots)
		slots = p->cases_per_pallet;
	if (raw_per_prod(p) > slots)
		slots = raw_per_prod(p);
	r.store = malloc(slots * SCN_CODE_MAX);
	r.ptrs = malloc(slots * sizeof *r.ptrs);
	if (r.store == NULL || r.ptrs == NULL) {
		free(r.store);
		free(r.ptrs);
		return -1;
	}
	char g[14];
	gln(g, 1);
	snprintf(r.plant_loc, sizeof r.plant_loc, DL "/414/%s", g);
	gln(g, 2);
	snprintf(r.plant_party, sizeof r.plant_party, DL "/417/%s", g);

	int rc = raw_lots(&r);
	for (unsigned lot = 0; rc == 0 && lot < p->prod_lots; lot++)
		rc = production_lot(&r, lot);
	free(r.store);
	free(r.ptrs);
	return rc;
}

void scn_history_sample(uint64_t *out, int n, const scn_params *p)
{
	uint64_t seed = 42;
	for (int i = 0; i < n; i++)
		out[i] = scn_rand(&seed) % scn_item_count(p);
}
