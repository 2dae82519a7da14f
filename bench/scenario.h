/*
 * bench/scenario: the food scenario of issues 4 and 5, generated
 * deterministically as a sequence of abstract steps, so that the libtrace
 * benchmark (bench_food.c) and the PostgreSQL baseline (pg/bench_pg.c) load
 * exactly the same data.
 *
 * Full scale: 10 farms deliver 1,000 raw-milk lots; a dairy turns every 10
 * raw lots into one yoghurt production lot (100 lots, by transformation);
 * each production lot is 10,000 serialised cups (1,000,000 items), packed 24
 * to a case and 40 cases to a pallet; every pallet is shipped to one of 500
 * shops and received there.  Small scale is 1/100 of every count but the
 * farms (10 raw lots, 1 production lot of 10,000 items, 5 shops): a
 * production lot and a raw lot's downstream set are the same size at both
 * scales, so query memory can be compared between them.
 *
 * Steps, in emission order (step.seq is the 0-based step number, which is
 * also the event's index in a ledger that holds only the scenario):
 *
 *   every raw lot        SCN_RAW_LOT     ObjectEvent ADD, commissioning
 *   per production lot:  SCN_TRANSFORM   TransformationEvent raw lots -> lot
 *     per case:          SCN_COMMISSION  ObjectEvent ADD, the case's items
 *                        SCN_PACK        AggregationEvent ADD items -> case
 *     per 40 cases (and  SCN_PACK        AggregationEvent ADD cases -> pallet
 *     the lot's last):   SCN_SHIP        ObjectEvent OBSERVE pallet, shipping
 *                        SCN_RECEIVE     ObjectEvent OBSERVE pallet, receiving
 *
 * Codes are GS1 Digital Link URIs with valid check digits: items
 * https://id.gs1.org/01/<GTIN-14>/21/<serial>, cases and pallets
 * https://id.gs1.org/00/<SSCC-18>, lots (class level)
 * https://id.gs1.org/01/<GTIN-14>/10/<lot>, locations /414/<GLN>, parties
 * /417/<GLN>.  A production lot's class code is the same text libtrace
 * derives from its items' GTIN and lot master data, so trace forward
 * crosses from the transformation to the items.
 */
#ifndef TRACE_BENCH_SCENARIO_H
#define TRACE_BENCH_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

typedef struct scn_params {
	const char *name;		/* "full" or "small" */
	unsigned farms;
	unsigned raw_lots;		/* a multiple of prod_lots */
	unsigned prod_lots;
	unsigned items_per_lot;
	unsigned items_per_case;
	unsigned cases_per_pallet;
	unsigned shops;
} scn_params;

extern const scn_params scn_full;	/* 10 farms, 1,000 raw lots, 100 lots, 1,000,000 items */
extern const scn_params scn_small;	/* 1/100: 10 raw lots, 1 lot of 10,000 items, 5 shops */

enum scn_kind {
	SCN_RAW_LOT = 1,	/* a farm commissions a raw-milk lot (class level, litres) */
	SCN_TRANSFORM = 2,	/* raw lots -> one production lot */
	SCN_COMMISSION = 3,	/* a production lot's items for one case, with lot master data */
	SCN_PACK = 4,		/* items -> case, or cases -> pallet */
	SCN_SHIP = 5,		/* a pallet leaves the dairy for a shop */
	SCN_RECEIVE = 6		/* the shop receives it */
};

/* One step; every pointer is valid only during the callback. */
typedef struct scn_step {
	int kind;			/* scn_kind */
	uint64_t seq;			/* 0-based step number */
	int64_t time_ms;		/* event time, UTC ms; time zone offset +60 minutes */
	const char *biz_step;		/* CBV short value */
	const char *disposition;	/* CBV short value, or NULL */
	const char *read_point;		/* SGLN Digital Link, or NULL */
	const char *biz_location;	/* SGLN Digital Link, or NULL */
	const char *source;		/* owning party (PGLN Digital Link), or NULL */
	const char *destination;	/* owning party, or NULL */
	const char *parent;		/* SCN_PACK: the case or pallet */
	const char *const *codes;	/* instance codes: items (COMMISSION), children (PACK), the pallet (SHIP, RECEIVE) */
	size_t ncodes;
	const char *klass;		/* RAW_LOT: the raw lot's class code (a quantity) */
	const char *const *inputs;	/* TRANSFORM: raw lot class codes */
	size_t ninputs;
	const char *output;		/* TRANSFORM: the production lot's class code */
	double qty;			/* RAW_LOT quantity, each TRANSFORM input's quantity */
	double output_qty;		/* TRANSFORM output quantity */
	const char *uom;		/* unit of qty ("LTR") */
	const char *output_uom;		/* unit of output_qty ("KGM") */
	const char *lot;		/* RAW_LOT, COMMISSION: lot master data (ILMD) lot text */
	int64_t production_ms;		/* RAW_LOT, COMMISSION, else INT64_MIN */
	int64_t expiry_ms;		/* COMMISSION, else INT64_MIN */
	unsigned lot_index;		/* raw lot (RAW_LOT) or production lot (others) */
	unsigned shop;			/* SHIP, RECEIVE */
} scn_step;

/* Receives each step; a non-zero return stops the run and is returned. */
typedef int (*scn_cb)(const scn_step *step, void *payload);

/* Emits every step of @p in order.  Returns 0, the callback's non-zero
 * value, or -1 on out of memory / bad parameters. */
int scn_run(const scn_params *p, scn_cb cb, void *payload);

/* Counts, without running. */
uint64_t scn_item_count(const scn_params *p);
uint64_t scn_case_count(const scn_params *p);
uint64_t scn_pallet_count(const scn_params *p);
uint64_t scn_event_count(const scn_params *p);	/* steps scn_run() emits */
uint64_t scn_code_refs(const scn_params *p);	/* codes and classes named by all steps */

/* Codes, written into @buf (at least SCN_CODE_MAX bytes). */
#define SCN_CODE_MAX 96
char *scn_item_code(char *buf, const scn_params *p, uint64_t item);	/* item 0..items-1 */
char *scn_raw_lot_code(char *buf, const scn_params *p, unsigned raw_lot);
char *scn_prod_lot_code(char *buf, const scn_params *p, unsigned prod_lot);
char *scn_case_code(char *buf, const scn_params *p, uint64_t case_no);	/* global case number */
char *scn_pallet_code(char *buf, const scn_params *p, uint64_t pallet_no);

/* The production lot raw lot @raw_lot went into, and the number of items
 * downstream of it (the answer trace forward must give). */
unsigned scn_prod_lot_of_raw(const scn_params *p, unsigned raw_lot);
uint64_t scn_items_downstream_of_raw(const scn_params *p, unsigned raw_lot);
/* Events in the history of every item (commission, case packing, pallet
 * packing, shipping, receiving). */
#define SCN_ITEM_HISTORY 5

/* A deterministic pseudo-random generator (splitmix64) for query samples. */
uint64_t scn_rand(uint64_t *state);
/* The items whose history both sides time: @n item numbers, the same every run. */
void scn_history_sample(uint64_t *out, int n, const scn_params *p);

/* GS1 mod-10 check digit of @digits (the digits before the check digit). */
int scn_gs1_check_digit(const char *digits);

#endif
