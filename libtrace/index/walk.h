/*
 * Internal: depth-first walks over the index graph (transformation links,
 * lot membership, containment) that keep only one small frame per level,
 * never the whole result.
 */
#ifndef TRACE_INDEX_WALK_H
#define TRACE_INDEX_WALK_H

#include "index_internal.h"

enum { WALK_FORWARD, WALK_BACK, WALK_CONTENTS };
#define WALK_MAX_DEPTH 64

typedef struct trace__walk trace__walk;

/* The edge tables must not change in @t while the walk is in use (its
 * cursors remember what lies between keys). */
int trace__walk_new(trace__walk **out, trace__txn *t, int direction, uint64_t start);
/* The next code reached (the start first, at depth 0); TRACE_ENOTFOUND at the end. */
int trace__walk_next(trace__walk *w, uint64_t *id, unsigned *depth);
void trace__walk_free(trace__walk *w);

#endif
