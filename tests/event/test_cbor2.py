#!/usr/bin/python3
"""Independent reader check: Debian's python3-cbor2 reads libtrace's canonical
event encodings (tests/event/golden/*.cbor.hex) and every field is compared
with the EPCIS JSON the event was made from (NAME.json), using the key table
of docs/FORMAT.md and none of libtrace's code.  This proves that any CBOR tool
can read our entries; it does not prove determinism (our strict decoder's
must-reject vectors do that).  As extra evidence, cbor2's canonical mode
re-encodes each of these events to the same bytes, and the RFC 6962 leaf hash
SHA-256(0x00 || entry) matches NAME.leaf."""
import datetime
import glob
import hashlib
import json
import os
import sys

import cbor2

TYPES = {"ObjectEvent": 1, "AggregationEvent": 2, "TransformationEvent": 3,
         "TransactionEvent": 4, "AssociationEvent": 5}
ACTIONS = {"ADD": 1, "OBSERVE": 2, "DELETE": 3}
CBV_PREFIXES = ("https://ref.gs1.org/cbv/BizStep-", "https://ref.gs1.org/cbv/Disp-",
                "https://ref.gs1.org/cbv/BTT-", "https://ref.gs1.org/cbv/SDT-",
                "urn:epcglobal:cbv:bizstep:", "urn:epcglobal:cbv:disp:",
                "urn:epcglobal:cbv:btt:", "urn:epcglobal:cbv:sdt:")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def ms(text):
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:  # a date: midnight UTC
        t = t.replace(tzinfo=datetime.timezone.utc)
    return int(round(t.timestamp() * 1000))


def date_ms(text):
    if len(text) == 10:
        d = datetime.date.fromisoformat(text)
        return int(datetime.datetime(d.year, d.month, d.day,
                                     tzinfo=datetime.timezone.utc).timestamp() * 1000)
    return ms(text)


def short(v):
    for p in CBV_PREFIXES:
        if v.startswith(p):
            return v[len(p):]
    return v


def offset(text):
    sign = -1 if text[0] == "-" else 1
    return sign * (int(text[1:3]) * 60 + int(text[4:6]))


def check_event(name, j, e):
    check(isinstance(e, dict), name + ": top level is a map")
    check(all(isinstance(k, int) for k in e), name + ": top-level keys are integers")
    check(list(e) == sorted(e), name + ": keys in ascending order")
    check(e.get(0) == 1, name + ": version 1")
    check(e.get(1) == TYPES[j["type"]], name + ": type")
    check(e.get(2) == ms(j["eventTime"]), name + ": eventTime")
    check(e.get(3) == offset(j["eventTimeZoneOffset"]), name + ": tz offset")
    if "recordTime" in j:
        check(e.get(4) == ms(j["recordTime"]), name + ": recordTime")
    check(e.get(5) == ACTIONS.get(j.get("action")), name + ": action")
    agg = j["type"] in ("AggregationEvent", "AssociationEvent")
    items = j.get("childEPCs" if agg else "epcList", [])
    check(len(e.get(9, [])) == len(items), name + ": item count")
    check(all(isinstance(c, str) for c in e.get(9, [])), name + ": codes are text")
    check(("parentID" in j) == (8 in e), name + ": parentID")
    for key, field in ((12, "childQuantityList" if agg else "quantityList"),
                       (13, "inputQuantityList"), (14, "outputQuantityList")):
        want = j.get(field, [])
        got = e.get(key, [])
        check(len(want) == len(got), name + ": " + field)
        for w, g in zip(want, got):
            check(g.get(2) == w.get("quantity") and g.get(3) == w.get("uom"),
                  name + ": " + field + " quantity/uom")
    if "bizStep" in j:
        check(e.get(15) == short(j["bizStep"]), name + ": bizStep")
    if "disposition" in j:
        check(e.get(16) == short(j["disposition"]), name + ": disposition")
    for key, field, idf in ((21, "bizTransactionList", "bizTransaction"),
                            (22, "sourceList", "source"), (23, "destinationList", "destination")):
        want = j.get(field, [])
        got = e.get(key, [])
        check(len(want) == len(got), name + ": " + field)
        for w, g in zip(want, got):
            check(g.get(1) == short(w["type"]), name + ": " + field + " type")
            if key == 21:
                check(g.get(2) == w[idf], name + ": bizTransaction id")
    for i, sel in enumerate(j.get("sensorElementList", [])):
        g = e[24][i]
        for k, v in sel.get("sensorMetadata", {}).items():
            check(g[1][k] == v, name + ": sensorMetadata." + k)
        for r, rep in enumerate(sel["sensorReport"]):
            gr = g[2][r]
            for n, field in enumerate(("minValue", "maxValue", "meanValue", "value")):
                if field in rep:
                    check(gr.get(2 + n) == rep[field], name + ": sensorReport." + field)
            check(gr.get(9) == rep.get("uom"), name + ": sensorReport.uom")
            if "time" in rep:
                check(gr.get(10) == ms(rep["time"]), name + ": sensorReport.time")
        own = {k: v for k, v in sel.items() if k not in ("sensorMetadata", "sensorReport")}
        check(set(g.get(3, {})) == set(own), name + ": sensorElement extension keys")
        for k, v in own.items():
            got = g[3][k]
            got = json.loads(got.value) if isinstance(got, cbor2.CBORTag) and got.tag == 262 else got
            check(got == v, name + ": sensorElement." + k)
    if "ilmd" in j:
        il = j["ilmd"]
        check(e[25].get(1) == il.get("cbvmda:lotNumber"), name + ": lot")
        if "cbvmda:itemExpirationDate" in il:
            check(e[25].get(3) == date_ms(il["cbvmda:itemExpirationDate"]), name + ": expiry")
        if "libtrace:productionDate" in il:
            check(e[25].get(2) == date_ms(il["libtrace:productionDate"]), name + ": production")
    ctx = {}
    for c in j.get("@context", []):
        if isinstance(c, dict):
            ctx.update(c)
    for k, v in j.items():
        if ":" not in k or k.startswith("libtrace:"):
            continue
        p, local = k.split(":", 1)
        full = ctx.get(p, p + ":") + local
        g = e[26].get(full)
        if isinstance(v, str):
            check(g == v, name + ": extension " + k)
        else:
            check(isinstance(g, cbor2.CBORTag) and g.tag == 262 and json.loads(g.value) == v,
                  name + ": extension " + k + " as tag 262")
    if "errorDeclaration" in j:
        ed = j["errorDeclaration"]
        check(e[29].get(1, b"").hex() == ed.get("libtrace:corrects", ""), name + ": corrects")
        check(e[29].get(2) == ed.get("reason"), name + ": reason")
        check(e[29].get(3) == ms(ed["declarationTime"]), name + ": declarationTime")
    for key, field, hk in ((30, "libtrace:prev", "hash"), (31, "libtrace:attachments", "sha256")):
        for w, g in zip(j.get(field, []), e.get(key, [])):
            check(g[1].hex() == w[hk], name + ": " + field + " hash")
    for w, g in zip(j.get("libtrace:commitments", []), e.get(32, [])):
        check(g[1] == w["name"] and g[2].hex() == w["commitment"], name + ": commitment")


def main():
    golden = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "golden")
    files = sorted(glob.glob(os.path.join(golden, "*.cbor.hex")))
    check(len(files) >= 6, "golden vectors present")
    for f in files:
        name = os.path.basename(f)[:-len(".cbor.hex")]
        raw = bytes.fromhex(open(f).read().strip())
        with open(os.path.join(golden, name + ".json"), encoding="utf-8") as jf:
            j = json.load(jf)
        e = cbor2.loads(raw)
        check_event(name, j, e)
        check(cbor2.dumps(e, canonical=True) == raw, name + ": cbor2 canonical re-encoding differs")
        leaf = open(os.path.join(golden, name + ".leaf")).read().strip()
        check(hashlib.sha256(b"\x00" + raw).hexdigest() == leaf, name + ": leaf hash")
    for f in failures:
        print("FAIL:", f)
    print("cbor2: %d vectors, %d failure(s)" % (len(files), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
