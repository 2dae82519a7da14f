-- bench/pg/schema.sql: the PostgreSQL baseline's ledger, the schema a
-- competent engineer would write for the same questions libtrace answers
-- (issue 5).  bench_pg runs this file on an empty database.
--
-- Design, mirroring libtrace's own split between the log and its indexes:
--  * events holds each event as the EPCIS 2.0 JSON document the loader
--    produced (type json keeps the exact bytes), plus the fields the queries
--    filter on as columns.  hash = sha256(prev_hash || doc bytes) chains every
--    event to the previous one; the loader computes it in C (OpenSSL) inside
--    the inserting transaction, after locking the chain's tail (see
--    bench_pg.c); a query recomputes the whole chain (chain_verify below).
--  * event_codes, lot_items, aggregation, transformation and status are
--    derived rows written in the same transaction: code -> events, lot <->
--    items, containment intervals [packed, unpacked) by event id,
--    transformation inputs <-> outputs, each code's current state.
--  * Ids are assigned by the loader under the chain lock, gapless and in
--    chain order (a sequence would leave gaps on rollback), so id plays the
--    role of libtrace's log index.
--  * No foreign keys: the derived rows are written by the same transaction
--    as their event, as libtrace's index rows are; FK triggers would only
--    re-check what the loader has just written.
-- Codes are kept as text (GS1 Digital Link URIs), as most such systems do.

CREATE TABLE events (
    id           bigint PRIMARY KEY,
    type         smallint NOT NULL,          -- 1 Object 2 Aggregation 3 Transformation
    action       smallint,                   -- 1 ADD 2 OBSERVE 3 DELETE
    event_time   timestamptz NOT NULL,
    record_time  timestamptz NOT NULL,
    biz_step     text,
    disposition  text,
    read_point   text,
    biz_location text,
    source       text,
    destination  text,
    doc          json NOT NULL,              -- the event, exact bytes covered by hash
    prev_hash    bytea,                      -- NULL for the first event
    hash         bytea NOT NULL
);
-- The same query-by-field capabilities as libtrace (time, step, disposition,
-- location, party).
CREATE INDEX events_time ON events (event_time);
CREATE INDEX events_biz_step ON events (biz_step, id);
CREATE INDEX events_disposition ON events (disposition, id);
CREATE INDEX events_read_point ON events (read_point, id);
CREATE INDEX events_biz_location ON events (biz_location, id);
CREATE INDEX events_source ON events (source, id);
CREATE INDEX events_destination ON events (destination, id);

-- Every code (and class/lot code) an event names, by role:
-- 1 item 2 parent 3 input 4 output 5 lot of commissioned items.
CREATE TABLE event_codes (
    code     text     NOT NULL,
    event_id bigint   NOT NULL,
    role     smallint NOT NULL
);
CREATE INDEX event_codes_code ON event_codes (code, event_id);

-- Items commissioned with lot master data belong to their lot.
CREATE TABLE lot_items (
    lot      text   NOT NULL,
    item     text   NOT NULL,
    event_id bigint NOT NULL
);
CREATE INDEX lot_items_lot ON lot_items (lot);
CREATE INDEX lot_items_item ON lot_items (item);

-- Containment: child was in parent during events [packed, unpacked).
CREATE TABLE aggregation (
    parent   text   NOT NULL,
    child    text   NOT NULL,
    packed   bigint NOT NULL,
    unpacked bigint
);
CREATE INDEX aggregation_child ON aggregation (child, packed);
CREATE INDEX aggregation_parent_open ON aggregation (parent) WHERE unpacked IS NULL;

CREATE TABLE transformation (
    input    text   NOT NULL,
    output   text   NOT NULL,
    event_id bigint NOT NULL
);
CREATE INDEX transformation_input ON transformation (input);
CREATE INDEX transformation_output ON transformation (output);

-- Each code's state (libtrace's trace_code_state numbers) and flags
-- (4 = recalled), so a status query is one index lookup.
CREATE TABLE status (
    code       text PRIMARY KEY,
    state      smallint NOT NULL,
    flags      integer  NOT NULL DEFAULT 0,
    last_event bigint   NOT NULL
);

-- Codes a recall marked, with the recall event (the recall list).
CREATE TABLE recalls (
    code     text   NOT NULL,
    event_id bigint NOT NULL
);
CREATE INDEX recalls_code ON recalls (code);
