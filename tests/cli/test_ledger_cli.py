"""The event ledger on the command line (issue 4): `trace ledger init`,
`code issue --ledger`, `event add|show`, `history`, `trace back|forward`,
`where`, `status`, `contents`, `recall`, `reindex`, and the log commands on a ledger.
Identities are recomputed with hashlib and entries read with cbor2, not with
libtrace."""
import hashlib
import json
import os
import subprocess

import pytest

TRACE = os.environ["TRACE_TOOL"]
GTIN = "09506000134352"
LOT = f"https://id.gs1.org/01/{GTIN}/10/Y1"
RAW = "https://id.gs1.org/01/09506000134369/10/RAW-1"
CASE = "https://id.gs1.org/00/095060001000000012"


def trace(*args, input=None, expect=0):
    r = subprocess.run([TRACE, *map(str, args)], input=input, capture_output=True)
    assert r.returncode == expect, f"trace {args} exited {r.returncode}: {r.stderr.decode()}"
    return r


def canonical(code):
    return json.loads(trace("code", "parse", code).stdout)["canonical"]


def status(d, code):
    return json.loads(trace("status", d, code, "--json").stdout)


def size(d):
    out = trace("log", "verify", d).stdout.decode()
    return int(out.split("ok: ")[1].split(" entries")[0])


def add(d, events):
    """Appends events (JSON text) and returns [(index, identity)]."""
    r = trace("event", "add", d, "-", input=json.dumps(events).encode())
    return [(int(i), h) for i, h in (line.split() for line in r.stdout.decode().splitlines())]


def obj(code, step, when, **kw):
    e = {"type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00",
         "action": kw.pop("action", "OBSERVE"), "bizStep": step, "epcList": [code]}
    e.update(kw)
    return e


@pytest.fixture
def dairy(tmp_path):
    d = tmp_path / "dairy"
    trace("key", "generate", "--name", "dairy.example/ledger", "--out", tmp_path / "k")
    trace("ledger", "init", d, "--origin", "dairy.example/ledger", "--key", tmp_path / "k")
    out = trace("code", "issue", "--gtin", GTIN, "--lot", "Y1", "--count", "4", "--ledger", d,
                "--time", "2026-11-23T06:00:00+08:00").stdout.decode().split()
    return tmp_path, str(d), [canonical(c) for c in out]


def story(d, items):
    add(d, {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-23T08:00:00Z",
            "epcisBody": {"eventList": [
                {"type": "TransformationEvent", "eventTime": "2026-11-23T07:00:00+08:00",
                 "eventTimeZoneOffset": "+08:00", "bizStep": "commissioning",
                 "inputQuantityList": [{"epcClass": RAW, "quantity": 600, "uom": "KGM"}],
                 "outputQuantityList": [{"epcClass": LOT, "quantity": 4}]},
                obj(None, "commissioning", "2026-11-23T08:00:00+08:00", action="ADD",
                    epcList=items, disposition="active", ilmd={"cbvmda:lotNumber": "Y1"}),
                {"type": "AggregationEvent", "eventTime": "2026-11-23T09:00:00+08:00",
                 "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "packing",
                 "parentID": CASE, "childEPCs": items},
                obj(CASE, "shipping", "2026-11-23T10:00:00+08:00", disposition="in_transit")]}})
    add(d, [obj(CASE, "receiving", "2026-11-23T14:00:00+08:00"),
            obj(items[0], "retail_selling", "2026-11-23T16:00:00+08:00")])
    add(d, obj(items[0], "retail_selling", "2026-11-23T16:30:00+08:00"))  # a copied label


def test_issuance_is_recorded(dairy):
    _, d, items = dairy
    assert size(d) == 1
    for c in items:
        s = status(d, c)
        assert s["status"] == "issued" and s["last_event"] == 0 and s["flags"] == []
    ev = json.loads(trace("event", "show", d, "0").stdout)
    assert ev["type"] == "ObjectEvent" and ev["bizStep"] == "encoding"
    assert ev["disposition"] == "encoded" and ev["epcList"] == items
    assert ev["eventTime"] == "2026-11-23T06:00:00.000+08:00"
    # A plain directory keeps issuer state only; --commission needs a ledger.
    trace("code", "issue", "--native", "ACME", "--count", "1", "--commission", expect=2)


def test_large_issuance_is_split_and_every_code_provable(dairy):
    tmp, d, _ = dairy
    out = tmp / "codes.txt"
    r = trace("code", "issue", "--gtin", GTIN, "--lot", "BIG", "--count", "5000", "--ledger", d,
              "--out", out, "--commission")
    assert b"commissioning events" in r.stderr
    n = size(d) - 1
    assert n >= 2  # 5,000 codes do not fit in one 65,535-byte entry
    seen = []
    for i in range(1, n + 1):
        cbor = trace("event", "show", d, i, "--cbor").stdout
        assert len(cbor) <= 65535
        ev = json.loads(trace("event", "show", d, i).stdout)
        assert ev["bizStep"] == "commissioning"
        seen += ev["epcList"]
    codes = out.read_text().split()
    assert len(seen) == len(set(seen)) == len(codes) == 5000
    assert seen[:2] + seen[-1:] == [canonical(c) for c in codes[:2] + codes[-1:]]
    assert status(d, codes[4999])["status"] == "commissioned"


def test_issuance_is_recorded_chunk_by_chunk(dairy):
    tmp, d, _ = dairy
    out = tmp / "many.csv"
    trace("code", "issue", "--native", "ACME", "--count", "45000", "--ledger", d, "--out", out)
    rows = out.read_text().splitlines()
    assert rows[0] == "seq,serial,code" and len(rows) == 45001
    codes = []
    for i in range(1, size(d)):
        ev = json.loads(trace("event", "show", d, i).stdout)
        assert ev["bizStep"] == "encoding"
        codes += ev["epcList"]
    # Every code written out is recorded, in order, in transactions of 20,000.
    assert codes == [r.split(",")[2] for r in rows[1:]]
    assert status(d, codes[-1])["status"] == "issued"


def test_issuance_beside_a_raw_log(tmp_path):
    trace("key", "generate", "--name", "example.com/raw", "--out", tmp_path / "k")
    trace("log", "init", tmp_path / "raw", "--origin", "example.com/raw", "--key", tmp_path / "k", "--raw")
    r = trace("code", "issue", "--native", "ACME", "--count", "3", "--ledger", tmp_path / "raw")
    assert len(r.stdout.split()) == 3 and b"not recorded as events" in r.stderr
    r = trace("code", "issue", "--native", "ACME", "--count", "3", "--ledger", tmp_path / "raw", "--commission",
              expect=2)
    assert b"no event ledger" in r.stderr


def test_identity_is_the_leaf_hash(dairy):
    _, d, items = dairy
    got = add(d, obj(items[1], "receiving", "2026-11-23T15:00:00+08:00"))
    (i, ident), = got
    cbor = trace("event", "show", d, i, "--cbor").stdout
    assert hashlib.sha256(b"\x00" + cbor).hexdigest() == ident
    cbor2 = pytest.importorskip("cbor2")
    decoded = cbor2.loads(cbor)
    assert isinstance(decoded, dict) and decoded[0] == 1  # the encoding version


def test_queries(dairy):
    _, d, items = dairy
    story(d, items)
    s = status(d, items[0])
    assert s["status"] == "sold" and "double_sale" in s["flags"]
    assert status(d, items[1])["status"] == "received"

    hist = [json.loads(line.rstrip(",")) for line in
            trace("history", d, items[1], "--json").stdout.decode().strip().strip("[]").split("\n")]
    steps = [e["bizStep"] for e in hist]
    assert steps == ["encoding", "commissioning", "packing", "shipping", "receiving"]
    assert all(e["type"] in ("ObjectEvent", "AggregationEvent") for e in hist)
    assert hist[3]["epcList"] == [CASE]  # the case's event, while the item was inside
    # The --json history is the events themselves: equal to `event show`.
    assert hist[2] == json.loads(trace("event", "show", d, 3).stdout)

    back = json.loads(trace("trace", "back", d, items[2], "--json").stdout)
    assert {b["code"] for b in back} >= {items[2], LOT, RAW, CASE}
    fwd = json.loads(trace("trace", "forward", d, RAW, "--json").stdout)
    assert {f["code"] for f in fwd} >= {RAW, LOT, *items}
    inside = json.loads(trace("contents", d, CASE, "--json").stdout)
    assert {c["code"] for c in inside if c["depth"] == 1} == set(items)

    r = trace("recall", d, LOT, "--reason", "cold-chain excursion")
    assert b"5 codes marked" in r.stdout  # the lot and its four items
    assert status(d, items[1])["status"] == "recalled"
    s = status(d, items[0])
    assert s["status"] == "sold" and "recalled" in s["flags"]
    assert b"every index matches" in trace("reindex", d).stdout


def test_where_stays_and_via(dairy):
    _, d, items = dairy
    story(d, items)  # 0 issued .. 3 packed into CASE .. 7
    pallet = "https://id.gs1.org/00/095060001000000029"
    us, wholesaler = "urn:epc:id:pgln:9506000.10001", "urn:epc:id:pgln:9506000.10009"
    agg = {"type": "AggregationEvent", "eventTimeZoneOffset": "+08:00", "parentID": pallet}
    got = add(d, [dict(agg, eventTime="2026-11-24T08:00:00+08:00", action="ADD", bizStep="packing",
                       childEPCs=[CASE]),
                  obj(pallet, "shipping", "2026-11-24T09:00:00+08:00",
                      sourceList=[{"type": "owning_party", "source": us}],
                      destinationList=[{"type": "owning_party", "destination": wholesaler}]),
                  dict(agg, eventTime="2026-11-25T08:00:00+08:00", action="DELETE", bizStep="unpacking")])
    assert [i for i, _ in got] == [8, 9, 10]

    # Trace back still lists the unpacked pallet, with the events the item was on it.
    back = json.loads(trace("trace", "back", d, items[1], "--json").stdout)
    on = [b for b in back if b["code"] == pallet]
    assert [(b["depth"], b["from"], b["to"]) for b in on] == [(2, 8, 10)]
    assert [(b["from"], b["to"]) for b in back if b["code"] == CASE] == [(3, None)]
    text = trace("trace", "back", d, items[1]).stdout.decode()
    assert f"{pallet}  (inside over events 8-10)" in text and f"{CASE}  (inside since event 3)" in text

    # History names the pallet, two levels out, for the event that names only it.
    lines = trace("history", d, items[1]).stdout.decode().splitlines()
    shipped = [ln for ln in lines if ln.split()[0] == "9"]
    assert len(shipped) == 1 and shipped[0].endswith(f"via {pallet} (depth 2)")
    assert not any("via" in ln for ln in lines if ln.split()[0] in ("0", "2"))  # its own events
    # ...and so does --json, beside the event's own members.
    hist = json.loads(trace("history", d, items[1], "--json").stdout)
    shipped = [(h.get("libtrace:via"), h.get("libtrace:depth")) for h in hist if h.get("bizStep") == "shipping"]
    assert (pallet, 2) in shipped and all(v in (CASE, pallet) for v, _ in shipped)
    assert all("libtrace:via" not in h for h in hist if items[1] in h.get("epcList", []))

    # Where did the lot go, and where from: the pallet shipment, four items.
    us, wholesaler = canonical(us), canonical(wholesaler)  # parties are stored as Digital Links
    to = json.loads(trace("where", d, LOT, "--to", "--json").stdout)
    assert [(w["event"], w["type"], w["party"], w["count"], w["bizStep"]) for w in to] == \
        [(9, "owning_party", wholesaler, 4, "shipping")]
    frm = json.loads(trace("where", d, LOT, "--from", "--json").stdout)
    assert [(w["event"], w["party"], w["count"]) for w in frm] == [(9, us, 4)]
    assert f"{wholesaler}  4" in trace("where", d, LOT, "--to").stdout.decode()
    r = trace("where", d, LOT, expect=2)
    assert b"--to | --from" in r.stderr
    r = trace("where", d, "https://id.gs1.org/01/09506000134352/10/NONE", "--to", expect=2)
    assert b"not in this ledger" in r.stderr


def test_containment_cycle_is_refused(dairy):
    _, d, items = dairy
    story(d, items)
    before = size(d)
    r = trace("event", "add", d, "-", input=json.dumps(
        {"type": "AggregationEvent", "eventTime": "2026-11-24T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
         "action": "ADD", "bizStep": "packing", "parentID": items[2], "childEPCs": [CASE]}).encode(), expect=2)
    assert b"cycle" in r.stderr and CASE.encode() in r.stderr and items[2].encode() in r.stderr
    assert size(d) == before


def test_error_declaration_and_associations(dairy):
    """A declared-erroneous shipment is marked in history and no longer moves
    the item; an eventID cannot be reused; contents shows an associated sensor."""
    _, d, items = dairy
    ship = obj(items[0], "shipping", "2026-11-23T10:00:00+08:00", eventID="urn:uuid:9f1d2c3b-0000-4000-8000-000000000001")
    (shipped, _), = add(d, ship)
    assert status(d, items[0])["status"] == "in_transit"
    before = size(d)
    r = trace("event", "add", d, "-", input=json.dumps(ship).encode(), expect=2)
    assert b"urn:uuid:9f1d2c3b-0000-4000-8000-000000000001" in r.stderr
    assert size(d) == before
    declared = dict(ship, errorDeclaration={"declarationTime": "2026-11-24T08:00:00Z", "reason": "incorrect_data"})
    (decl, _), = add(d, declared)
    s = status(d, items[0])
    assert s["status"] == "issued" and s["flags"] == ["corrected"]
    text = trace("history", d, items[0]).stdout.decode().splitlines()
    assert any(line.startswith(f"{shipped:8d}") and f"[erroneous: declared by event {decl}]" in line for line in text)
    assert any(line.startswith(f"{decl:8d}") and "[error declaration: incorrect_data]" in line for line in text)
    hist = json.loads(trace("history", d, items[0], "--json").stdout)
    assert [e.get("libtrace:declaredErroneousBy") for e in hist] == [None, decl, None]

    sensor = "https://id.gs1.org/8004/9506000134352SENSOR7"
    add(d, {"type": "AssociationEvent", "eventTime": "2026-11-23T11:00:00+08:00",
            "eventTimeZoneOffset": "+08:00", "action": "ADD", "parentID": CASE, "childEPCs": [sensor]})
    inside = json.loads(trace("contents", d, CASE, "--json").stdout)
    assert [c for c in inside if c.get("link") == "associated"] == [
        {"code": sensor, "depth": 1, "status": "active", "link": "associated"}]
    assert b"every index matches" in trace("reindex", d).stdout


def test_bad_events_leave_the_ledger_as_it_was(dairy):
    _, d, items = dairy
    before = size(d)
    bad = [obj(items[0], "receiving", "2026-11-23T15:00:00+08:00"),
           obj(items[1], "receiving", "2026-13-23T15:00:00+08:00")]
    r = trace("event", "add", d, "-", input=json.dumps(bad).encode(), expect=2)
    assert b"eventTime" in r.stderr and b"[1]" in r.stderr
    bad = [obj("https://id.gs1.org/01/09506000134353/21/X", "receiving", "2026-11-23T15:00:00+08:00")]
    r = trace("event", "add", d, "-", input=json.dumps(bad).encode(), expect=2)
    assert b"check digit" in r.stderr
    trace("event", "add", d, "-", input=b"{not json", expect=2)
    assert size(d) == before
    r = trace("status", d, "https://id.gs1.org/01/09506000134352/21/NEVER", expect=2)
    assert b"not in this ledger" in r.stderr


def test_flags_clock_skew_and_undo_window(dairy):
    _, d, items = dairy
    # Record times are given, so the test does not depend on the machine's clock.
    add(d, obj(items[0], "receiving", "2026-12-01T00:10:00+00:00", recordTime="2026-12-01T00:00:00Z"))
    assert "clock_skew" in status(d, items[0])["flags"]
    # Decommissioned and recommissioned within the EU FMD's 10 days: allowed.
    add(d, [obj(items[1], "decommissioning", "2026-11-23T08:00:00+08:00", recordTime="2026-12-01T00:00:00Z"),
            obj(items[1], "commissioning", "2026-11-25T08:00:00+08:00", action="ADD",
                recordTime="2026-12-01T00:00:00Z")])
    s = status(d, items[1])
    assert s["status"] == "commissioned" and s["flags"] == []
    # After 20 days the undo is recorded but flagged.
    add(d, [obj(items[2], "decommissioning", "2026-11-01T08:00:00+08:00"),
            obj(items[2], "commissioning", "2026-11-21T08:00:00+08:00", action="ADD")])
    assert "late_undo" in status(d, items[2])["flags"]


def test_events_by_time_and_field(dairy):
    _, d, items = dairy
    story(d, items)

    def indexes(*args):
        out = trace("events", d, *args).stdout.decode().splitlines()
        return [int(line.split()[0]) for line in out]

    assert indexes("--step", "shipping") == [4]
    assert indexes("--step", "retail_selling") == [6, 7]
    assert indexes("--disposition", "in_transit") == [4]
    # [from, to): 08:00 and 09:00 (+08:00) are in, 10:00 is not.
    assert indexes("--from", "2026-11-23T00:00:00Z", "--to", "2026-11-23T02:00:00Z") == [2, 3]
    got = json.loads(trace("events", d, "--step", "packing", "--json").stdout)
    assert got == [json.loads(trace("event", "show", d, 3).stdout)]
    assert indexes("--step", "destroying") == []
    trace("events", d, "--step", "no_such_step", expect=2)
    trace("events", d, "--step", "shipping", "--from", "2026-11-23T00:00:00Z", expect=2)
    r = trace("events", d, "--from", "yesterday", "--to", "2026-11-23T00:00:00Z", expect=2)
    assert b"yesterday" in r.stderr


def test_recall_list_is_a_signed_note(dairy):
    tmp, d, items = dairy
    story(d, items)
    trace("recall", d, LOT, "--reason", "cold-chain excursion")
    note = trace("recall", d, "--list", "--key", tmp / "k").stdout
    text, sig = note.split(b"\n\n", 1)
    lines = text.decode().split("\n")
    assert lines[:3] == ["libtrace recall list v2", "origin dairy.example/ledger", f"size {size(d)}"]
    assert lines[3].startswith("root ") and lines[4].startswith("time ")
    assert set(lines[5:]) == {LOT, *items}
    vkey = trace("key", "public", tmp / "k").stdout.decode().strip()
    trace("note", "verify", "--vkey", vkey, input=note)
    # The ledger's key only, and the note does not survive an edit.
    trace("key", "generate", "--name", "other.example/k", "--out", tmp / "other")
    trace("recall", d, "--list", "--key", tmp / "other", expect=2)
    last = items[0][-1]
    forged = note.replace(items[0].encode(), (items[0][:-1] + ("Z" if last != "Z" else "Y")).encode())
    assert forged != note
    trace("note", "verify", "--vkey", vkey, input=forged, expect=1)
    # The whole offline check: 3 for a recalled code, 0 for one not listed, 1 for a list
    # that is forged, too old, or a checkpoint signed by the same key.
    (tmp / "list").write_bytes(note)
    (tmp / "forged").write_bytes(forged)
    r = trace("recall", "check", tmp / "list", items[0], "--vkey", vkey, expect=3)
    assert b"RECALLED" in r.stdout
    trace("recall", "check", tmp / "list", CASE, "--vkey", vkey, expect=0)
    trace("recall", "check", tmp / "forged", items[1], "--vkey", vkey, expect=1)
    trace("recall", "check", tmp / "list", items[0], "--vkey", vkey, "--min-size", size(d) + 1, expect=1)
    trace("recall", "check", tmp / "list", items[0], "--vkey", vkey, "--not-before", "2099-01-01T00:00:00Z", expect=1)
    cp = trace("log", "checkpoint", d, "--key", tmp / "k").stdout
    (tmp / "cp").write_bytes(cp)
    r = trace("recall", "check", tmp / "cp", items[0], "--vkey", vkey, expect=1)
    assert b"not a recall list" in r.stderr


def test_private_fields_are_erasable(dairy):
    tmp, d, items = dairy
    sale = obj(items[0], "retail_selling", "2026-11-23T16:00:00+08:00")
    sale["libtrace:private"] = {"buyer": "张三", "phone": "+86 138 0000 0000"}
    (i, ident), = add(d, sale)
    shown = json.loads(trace("event", "show", d, i).stdout)
    assert "libtrace:private" not in shown and "张三" not in json.dumps(shown, ensure_ascii=False)
    commitments = {c["name"]: c["commitment"] for c in shown["libtrace:commitments"]}
    assert set(commitments) == {"buyer", "phone"}
    assert json.loads(trace("event", "private", d, i).stdout) == {"buyer": "张三", "phone": "+86 138 0000 0000"}
    cbor = trace("event", "show", d, i, "--cbor").stdout
    assert "张三".encode() not in cbor and b"0000 0000" not in cbor

    trace("log", "checkpoint", d, "--key", tmp / "k")
    (tmp / "p").write_bytes(trace("log", "prove", d, "--index", i).stdout)
    r = trace("event", "erase-private", d, i)
    assert b"erased 2 private fields" in r.stdout
    assert json.loads(trace("event", "private", d, i).stdout) == {"buyer": None, "phone": None}
    # The entry, its identity and the proof made before the erasure all still hold.
    assert trace("event", "show", d, i, "--cbor").stdout == cbor
    assert hashlib.sha256(b"\x00" + cbor).hexdigest() == ident
    (tmp / "e").write_bytes(cbor)
    vkey = trace("key", "public", tmp / "k").stdout.decode().strip()
    trace("proof", "verify", "--vkey", vkey, "--entry", tmp / "e", tmp / "p")
    assert b"every index matches" in trace("reindex", d).stdout
    trace("log", "verify", d)


def test_log_commands_on_a_ledger(dairy):
    tmp, d, items = dairy
    story(d, items)
    vkey = trace("key", "public", tmp / "k").stdout.decode().strip()
    trace("log", "checkpoint", d, "--key", tmp / "k")
    proof = trace("log", "prove", d, "--index", "4").stdout
    (tmp / "p").write_bytes(proof)
    (tmp / "e").write_bytes(trace("event", "show", d, "4", "--cbor").stdout)
    trace("proof", "verify", "--vkey", vkey, "--entry", tmp / "e", tmp / "p")
    # The proof does not hold for another event.
    (tmp / "e").write_bytes(trace("event", "show", d, "3", "--cbor").stdout)
    trace("proof", "verify", "--vkey", vkey, "--entry", tmp / "e", tmp / "p", expect=1)
