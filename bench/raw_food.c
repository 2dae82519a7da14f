/*
 * bench/raw_food: hand-written LMDB index rows for the food scenario (see
 * raw_food.h).  Key layouts follow libtrace's (big-endian ids and event
 * indexes, 16-byte pair keys), so the B-trees see the same key patterns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "raw_food.h"

enum {
	X_META, X_CODES, X_NAMES, X_STATUS, X_CODE_EVENTS, X_CONTAINMENT, X_PARENT, X_CHILDREN,
	X_TFWD, X_TBACK, X_LOT_ITEMS, X_ITEM_LOT, X_FIELD, X_TIME, X_NDB
};
static const char *const db_names[X_NDB] = {
	"meta", "codes", "code_names", "status", "code_events", "containment", "parent", "children",
	"tfwd", "tback", "lot_items", "item_lot", "field", "time",
};

#define NO_EVENT UINT64_MAX
#define STATUS_SIZE 48

struct raw_index {
	MDB_env *env;
	MDB_dbi dbi[X_NDB];
	MDB_txn *txn;
	uint64_t next_id;
	uint64_t puts, gets;
};

static int failed(const char *what, int rc)
{
	fprintf(stderr, "raw_food: %s: %s\n", what, mdb_strerror(rc));
	return -1;
}

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int put(raw_index *x, int db, const void *k, size_t klen, const void *v, size_t vlen, unsigned flags)
{
	MDB_val key = { klen, (void *)k }, val = { vlen, (void *)v };
	int rc = mdb_put(x->txn, x->dbi[db], &key, &val, flags);
	if (rc)
		return failed(db_names[db], rc);
	x->puts++;
	return 0;
}

static int get(raw_index *x, int db, const void *k, size_t klen, MDB_val *v)
{
	MDB_val key = { klen, (void *)k };
	x->gets++;
	int rc = mdb_get(x->txn, x->dbi[db], &key, v);
	if (rc == MDB_NOTFOUND)
		return 1;
	return rc ? failed(db_names[db], rc) : 0;
}

static int put_pair(raw_index *x, int db, uint64_t a, uint64_t b, const void *v, size_t vlen)
{
	uint8_t k[16];
	be64(k, a);
	be64(k + 8, b);
	return put(x, db, k, 16, v ? v : "", v ? vlen : 0, 0);
}

int raw_index_open(raw_index **out, const char *dir, uint64_t mapsize)
{
	raw_index *x = calloc(1, sizeof *x);
	MDB_txn *t = NULL;
	int rc;
	if (x == NULL)
		return -1;
	if ((rc = mdb_env_create(&x->env)) || (rc = mdb_env_set_maxdbs(x->env, X_NDB)) ||
	    (rc = mdb_env_set_mapsize(x->env, (size_t)mapsize)) ||
	    (rc = mdb_env_open(x->env, dir, MDB_NOTLS, 0644)) || (rc = mdb_txn_begin(x->env, NULL, 0, &t))) {
		if (x->env)
			mdb_env_close(x->env);
		free(x);
		return failed("open", rc);
	}
	for (int i = 0; i < X_NDB; i++)
		if ((rc = mdb_dbi_open(t, db_names[i], MDB_CREATE, &x->dbi[i]))) {
			mdb_txn_abort(t);
			mdb_env_close(x->env);
			free(x);
			return failed(db_names[i], rc);
		}
	if ((rc = mdb_txn_commit(t))) {
		mdb_env_close(x->env);
		free(x);
		return failed("commit", rc);
	}
	*out = x;
	return 0;
}

void raw_index_close(raw_index *x)
{
	if (x == NULL)
		return;
	if (x->txn)
		mdb_txn_abort(x->txn);
	mdb_env_close(x->env);
	free(x);
}

uint64_t raw_index_puts(const raw_index *x) { return x->puts; }
uint64_t raw_index_gets(const raw_index *x) { return x->gets; }

int raw_index_begin(raw_index *x)
{
	MDB_val v;
	int rc = mdb_txn_begin(x->env, NULL, 0, &x->txn);
	if (rc)
		return failed("begin", rc);
	rc = get(x, X_META, "next_code_id", 12, &v);
	if (rc < 0)
		return -1;
	x->next_id = rc == 0 && v.mv_size == 8 ? get_be64(v.mv_data) : 0;
	return 0;
}

int raw_index_commit(raw_index *x)
{
	uint8_t v[8];
	be64(v, x->next_id);
	if (put(x, X_META, "next_code_id", 12, v, 8, 0))
		return -1;
	int rc = mdb_txn_commit(x->txn);
	x->txn = NULL;
	return rc ? failed("commit", rc) : 0;
}

static int code_id(raw_index *x, const char *code, uint64_t *id)
{
	MDB_val v;
	size_t len = strlen(code);
	int rc = get(x, X_CODES, code, len, &v);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		*id = get_be64(v.mv_data);
		return 0;
	}
	uint8_t k[8];
	*id = x->next_id++;
	be64(k, *id);
	if (put(x, X_CODES, code, len, k, 8, 0) || put(x, X_NAMES, k, 8, code, len, MDB_APPEND))
		return -1;
	return 0;
}

/* The status row: read, change, write back (48 bytes, as libtrace's). */
static int status(raw_index *x, uint64_t id, int state, uint64_t idx)
{
	uint8_t k[8], s[STATUS_SIZE];
	MDB_val v;
	be64(k, id);
	int rc = get(x, X_STATUS, k, 8, &v);
	if (rc < 0)
		return -1;
	if (rc == 0 && v.mv_size == STATUS_SIZE)
		memcpy(s, v.mv_data, STATUS_SIZE);
	else
		memset(s, 0, sizeof s);
	if (state >= 0)
		s[0] = (uint8_t)state;
	be64(s + 8, idx);
	return put(x, X_STATUS, k, 8, s, STATUS_SIZE, 0);
}

static int field(raw_index *x, int kind, const char *value, uint64_t idx)
{
	uint8_t k[512];
	size_t n;
	if (value == NULL)
		return 0;
	n = strlen(value);
	if (n > sizeof k - 10)
		n = sizeof k - 10;
	k[0] = (uint8_t)kind;
	memcpy(k + 1, value, n);
	k[1 + n] = 0;
	be64(k + 2 + n, idx);
	return put(x, X_FIELD, k, n + 10, "", 0, 0);
}

/* A code named by the event: id, code -> event, status. */
static int code_event(raw_index *x, const char *code, uint64_t idx, int state, uint64_t *id)
{
	if (code_id(x, code, id) || put_pair(x, X_CODE_EVENTS, *id, idx, NULL, 0))
		return -1;
	return status(x, *id, state, idx);
}

int raw_index_step(raw_index *x, const scn_step *s, uint64_t idx)
{
	uint8_t tk[16];
	uint64_t id, parent = 0;
	be64(tk, (uint64_t)s->time_ms ^ ((uint64_t)1 << 63));
	be64(tk + 8, idx);
	if (put(x, X_TIME, tk, 16, "", 0, 0) || field(x, 2, s->biz_step, idx) || field(x, 3, s->disposition, idx) ||
	    field(x, 4, s->read_point, idx) || field(x, 4, s->biz_location, idx) || field(x, 1, s->source, idx) ||
	    field(x, 1, s->destination, idx))
		return -1;

	switch (s->kind) {
	case SCN_RAW_LOT:
		return code_event(x, s->klass, idx, 2, &id);
	case SCN_TRANSFORM: {
		uint64_t out;
		for (size_t i = 0; i < s->ninputs; i++)
			if (code_event(x, s->inputs[i], idx, -1, &id))
				return -1;
		if (code_event(x, s->output, idx, 3, &out))
			return -1;
		for (size_t i = 0; i < s->ninputs; i++)
			if (code_id(x, s->inputs[i], &id) || put_pair(x, X_TFWD, id, out, NULL, 0) ||
			    put_pair(x, X_TBACK, out, id, NULL, 0))
				return -1;
		return 0;
	}
	case SCN_COMMISSION: {
		/* The items' lot: their GTIN with AI (10). */
		char lot[SCN_CODE_MAX];
		const char *g = strstr(s->codes[0], "/01/");
		uint64_t lot_id;
		if (g == NULL)
			return -1;
		snprintf(lot, sizeof lot, "https://id.gs1.org/01/%.14s/10/%s", g + 4, s->lot);
		for (size_t i = 0; i < s->ncodes; i++)
			if (code_event(x, s->codes[i], idx, 2, &id))
				return -1;
		if (code_id(x, lot, &lot_id) || put_pair(x, X_CODE_EVENTS, lot_id, idx, NULL, 0))
			return -1;
		for (size_t i = 0; i < s->ncodes; i++) {
			uint8_t k[8], v[8];
			if (code_id(x, s->codes[i], &id))
				return -1;
			be64(k, id);
			be64(v, lot_id);
			if (put_pair(x, X_LOT_ITEMS, lot_id, id, NULL, 0) || put(x, X_ITEM_LOT, k, 8, v, 8, 0))
				return -1;
		}
		return 0;
	}
	case SCN_PACK:
		if (code_event(x, s->parent, idx, 3, &parent))
			return -1;
		for (size_t i = 0; i < s->ncodes; i++) {
			uint8_t k[8], v[16];
			MDB_val cur;
			if (code_event(x, s->codes[i], idx, 4, &id))
				return -1;
			/* A child moved from another container leaves it first. */
			be64(k, id);
			int rc = get(x, X_PARENT, k, 8, &cur);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				fprintf(stderr, "raw_food: the scenario never moves a packed child\n");
				return -1;
			}
			be64(v, parent);
			be64(v + 8, idx);
			if (put(x, X_PARENT, k, 8, v, 16, 0) || put_pair(x, X_CHILDREN, parent, id, v + 8, 8))
				return -1;
			be64(v + 8, NO_EVENT);
			if (put_pair(x, X_CONTAINMENT, id, idx, v, 16))
				return -1;
		}
		return 0;
	case SCN_SHIP:
	case SCN_RECEIVE:
		for (size_t i = 0; i < s->ncodes; i++)
			if (code_event(x, s->codes[i], idx, s->kind == SCN_SHIP ? 5 : 6, &id))
				return -1;
		return 0;
	default:
		return -1;
	}
}
