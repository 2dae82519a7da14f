"""EPCIS 2.0 accepted and returned without loss (issue 9, items 4 and 5).

Every document of tests/event/corpus/ (GS1's own examples and ours, one per
extension position) and every third-party document of
../shared/vectors/epcis-event-hash/ that GS1's EPCIS 2.0 JSON schema accepts
goes through `trace event add`, then each event comes back with
`trace event show --document`.  The output must validate against the same
schema, and every event field of the input must appear in it with the same
meaning.  "Same meaning" is decided here, in Python, the way JSON-LD would
read both documents: keys and vocabulary values expanded against each
document's own @context (plus the prefixes GS1's EPCIS context binds),
standard CBV and GS1 vocabulary values in every spelling mapped to their one
IRI, times compared as instants (milliseconds, as the CBV event hash rounds
them), numbers as numbers.  Identifiers are compared in the code module's
canonical form (`trace code parse`, tested against GS1's own vectors
elsewhere): an EPC URN and its Digital Link are one identifier.
"""
import datetime
import decimal
import json
import os
import pathlib
import re
import subprocess

import jsonschema
import pytest

TRACE = os.environ["TRACE_TOOL"]
HERE = pathlib.Path(__file__).parent
CORPUS = HERE / "corpus"
VECTORS = pathlib.Path(os.environ.get("TRACE_VECTORS", "")) / "epcis-event-hash"
SCHEMA_FILE = pathlib.Path(os.environ.get("TRACE_VECTORS", "")) / "epcis-schema" / "EPCIS-JSON-Schema.json"

# Documents the corpus keeps although libtrace refuses them, and why (FORMAT.md §3.10.7).
REFUSED = {
    "epcisDocWithAllGS1Keys.jsonld": "is listed twice",
    # Two events with one eventID (the hash vectors' point); a ledger's eventIDs are unique (issue 9 item 6).
    "epcisDocHavingEventWithIgnoreFields.jsonld": "is already event 0",
    "epcisQueryDocHavingEventWithIgnoreFields.jsonld": "is already event 0",
    "epclist_normalisation.jsonld": "no GS1 primary key path",
}

# JSON-LD the schema does not allow in an input (it wants every extension key to be an IRI) but
# libtrace reads; what it writes for them must still validate.
OUTSIDE_SCHEMA = {
    "context-terms.jsonld": "plain keys that the @context defines as terms",
    "context-vocab.jsonld": "plain keys relative to the @context's @vocab",
}

# The prefixes GS1's EPCIS 2.0 context binds (epcis-context.jsonld), and libtrace's.
STANDARD_PREFIXES = {
    "epcis": "https://ref.gs1.org/epcis/", "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:", "gs1": "https://gs1.org/voc/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "dcterms": "http://purl.org/dc/terms/",
    "libtrace": "https://libtrace.org/ns/epcis/",
}

CBV = "https://ref.gs1.org/cbv/"
VOCABS = {  # field -> (CBV 2.0 IRI prefix, EPCIS 1.x URN prefix)
    "bizStep": ("BizStep-", "urn:epcglobal:cbv:bizstep:"),
    "disposition": ("Disp-", "urn:epcglobal:cbv:disp:"),
    "bizTransactionType": ("BTT-", "urn:epcglobal:cbv:btt:"),
    "sdt": ("SDT-", "urn:epcglobal:cbv:sdt:"),
    "reason": ("ER-", "urn:epcglobal:cbv:er:"),
    "component": ("Comp-", None),
}

EVENT_FIELDS = {
    "type", "eventTime", "eventTimeZoneOffset", "recordTime", "eventID", "certificationInfo",
    "errorDeclaration", "action", "epcList", "childEPCs", "inputEPCList", "outputEPCList",
    "parentID", "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList",
    "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint",
    "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd",
}
ID_LISTS = {"epcList", "childEPCs", "inputEPCList", "outputEPCList"}
QTY_LISTS = {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}
SENSOR_TIMES = {"time", "startTime", "endTime"}
SENSOR_IDS = {"deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules",
              "microorganism", "chemicalSubstance", "coordinateReferenceSystem", "uriValue"}
SENSOR_NUMBERS = {"value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"}
REPORT_FIELDS = SENSOR_TIMES | SENSOR_IDS | SENSOR_NUMBERS | {
    "type", "exception", "component", "stringValue", "booleanValue", "hexBinaryValue", "uom"}
METADATA_FIELDS = SENSOR_TIMES | {"deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules"}


def trace(*args, input=None, expect=0):
    r = subprocess.run([TRACE, *map(str, args)], input=input, capture_output=True)
    assert r.returncode == expect, f"trace {args} exited {r.returncode}: {r.stderr.decode()}"
    return r


# ---- JSON-LD reading, independent of libtrace ----

class Context:
    """The active context: prefixes and terms to IRIs, innermost last."""

    def __init__(self, parent=None, local=None):
        self.map = dict(parent.map) if parent else dict(STANDARD_PREFIXES)
        for c in local if isinstance(local, list) else [local] if local else []:
            if isinstance(c, dict):
                for k, v in c.items():
                    if isinstance(v, dict):
                        v = v.get("@id")
                    if isinstance(v, str) and not v.startswith("@"):
                        self.map[k] = v
                    elif v is None:
                        self.map.pop(k, None)

    def key(self, k):
        """A key: a term, a compact IRI, or (with @vocab) relative to the vocabulary."""
        e = self.iri(k, True)
        return self.map["@vocab"] + e if ":" not in e and "@vocab" in self.map else e

    def iri(self, s, terms):
        """JSON-LD IRI expansion: a term (when @terms), else a compact IRI."""
        for _ in range(4):
            if terms and s in self.map:
                n = self.map[s]
            elif ":" in s and not s.split(":", 1)[1].startswith("//") and s.split(":", 1)[0] in self.map:
                p, rest = s.split(":", 1)
                n = self.map[p] + rest
            else:
                return s
            if n == s:
                return s
            s, terms = n, False
        return s


def instant(s):
    """An RFC 3339 time as UTC milliseconds, a fourth digit rounding half up."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d))?", s)
    assert m, f"not a time: {s}"
    y, mo, d, h, mi, sec, frac, off = m.groups()
    t = datetime.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0),
                          tzinfo=datetime.timezone.utc)
    ms = int(t.timestamp()) * 1000
    if frac:
        ms += int(decimal.Decimal(frac).scaleb(3).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP))
    if off and off not in "Zz":
        sign = 1 if off[0] == "+" else -1
        ms -= sign * (int(off[1:3]) * 60 + int(off[4:6])) * 60000
    return ("instant", ms)


def offset(s):
    return ("offset", (1 if s[0] == "+" else -1) * (int(s[1:3]) * 60 + int(s[4:6])))


def number(v):
    assert isinstance(v, (int, float)) and not isinstance(v, bool), f"not a number: {v!r}"
    return ("number", float(v))


_canonical = {}


def identifier(s, ctx):
    """An identifier: the code module's canonical form, or the expanded IRI."""
    s = ctx.iri(s, False)
    if s not in _canonical:
        r = subprocess.run([TRACE, "code", "parse", s], capture_output=True)
        _canonical[s] = json.loads(r.stdout)["canonical"] if r.returncode == 0 else s
    return ("id", _canonical[s])


def vocab(field, s, ctx):
    """A vocabulary value as its one IRI: CBV short names, URNs and CURIEs alike."""
    web, urn = VOCABS[field]
    if urn and s.startswith(urn):
        return ("iri", CBV + web + s[len(urn):])
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", s) and s not in ctx.map:
        return ("iri", CBV + web + s)
    return ("iri", ctx.iri(s, True))


def measurement(s, ctx):
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", s) and s not in ctx.map:
        return ("iri", STANDARD_PREFIXES["gs1"] + s)
    return ("iri", ctx.iri(s, True))


def alert(s, ctx):
    if re.fullmatch(r"[A-Za-z_]+", s) and s not in ctx.map:
        return ("iri", STANDARD_PREFIXES["gs1"] + "SensorAlertType-" + s)
    return ("iri", ctx.iri(s, True))


def ext_key(k, ctx):
    return k if k.startswith("@") else ctx.key(k)


def ext_value(v, ctx):
    """An extension value: nested keys expanded, leaves compared as JSON values."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            e = ext_key(k, ctx)
            assert e not in out, f"nested key {e} twice"
            out[e] = ext_value(x, ctx)
        return out
    if isinstance(v, list):
        return [ext_value(x, ctx) for x in v]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return number(v)
    return v


def open_members(obj, known, ctx, where):
    """Members of an object that are not modelled: keys and values expanded."""
    out = {}
    for k, v in obj.items():
        if k in known:
            continue
        e = ext_key(k, ctx)
        assert e not in out, f"{where}: {e} twice"
        out[e] = ext_value(v, ctx)
    return out


def sensor_member(k, v, ctx):
    if k in SENSOR_TIMES:
        return instant(v)
    if k in SENSOR_IDS:
        return ("iri", ctx.iri(v, False))
    if k in SENSOR_NUMBERS:
        return number(v)
    if k == "type":
        return measurement(v, ctx)
    if k == "component":
        return vocab("component", v, ctx)
    if k == "exception":
        return alert(v, ctx)
    return v


def quantity(q, ctx):
    out = {"epcClass": identifier(q["epcClass"], ctx)}
    if "quantity" in q:
        out["quantity"] = number(q["quantity"])
    if "uom" in q:
        out["uom"] = q["uom"]
    assert set(q) <= {"epcClass", "quantity", "uom"}, q
    return out


def meaning(ev, doc_ctx):
    """What an EPCIS event says, in a form where equal means the same."""
    ctx = Context(doc_ctx, ev.get("@context"))
    out = {}
    for k, v in ev.items():
        if k == "@context" or v == []:
            continue  # an empty list states nothing
        if k in ("eventTime", "recordTime"):
            out[k] = instant(v)
        elif k == "eventTimeZoneOffset":
            out[k] = offset(v)
        elif k in ("type", "action", "eventID", "transformationID"):
            out[k] = v
        elif k == "certificationInfo":
            out[k] = [v] if isinstance(v, str) else list(v)
        elif k in ID_LISTS:
            out[k] = [identifier(x, ctx) for x in v]
        elif k == "parentID":
            out[k] = identifier(v, ctx)
        elif k in QTY_LISTS:
            out[k] = [quantity(q, ctx) for q in v]
        elif k in ("bizStep", "disposition"):
            out[k] = vocab(k, v, ctx)
        elif k == "persistentDisposition":
            out[k] = {s: [vocab("disposition", x, ctx) for x in v[s]] for s in v}
        elif k in ("readPoint", "bizLocation"):
            out[k] = {"id": identifier(v["id"], ctx), **open_members(v, {"id"}, ctx, k)}
        elif k == "bizTransactionList":
            out[k] = [{**({"type": vocab("bizTransactionType", b["type"], ctx)} if "type" in b else {}),
                       "bizTransaction": ctx.iri(b["bizTransaction"], False)} for b in v]
        elif k in ("sourceList", "destinationList"):
            f = k[:-4]
            out[k] = [{"type": vocab("sdt", p["type"], ctx), f: identifier(p[f], ctx)} for p in v]
        elif k == "sensorElementList":
            out[k] = []
            for el in v:
                m = {}
                if "sensorMetadata" in el:
                    md = el["sensorMetadata"]
                    m["sensorMetadata"] = {**{f: sensor_member(f, x, ctx) for f, x in md.items() if f in METADATA_FIELDS},
                                           **open_members(md, METADATA_FIELDS, ctx, "sensorMetadata")}
                m["sensorReport"] = [{**{f: sensor_member(f, x, ctx) for f, x in r.items() if f in REPORT_FIELDS},
                                      **open_members(r, REPORT_FIELDS, ctx, "sensorReport")}
                                     for r in el["sensorReport"]]
                m.update(open_members(el, {"sensorMetadata", "sensorReport"}, ctx, "sensorElement"))
                out[k].append(m)
        elif k == "ilmd":
            il = {}
            for f, x in v.items():
                e = ext_key(f, ctx)
                if e in (STANDARD_PREFIXES["cbvmda"] + "itemExpirationDate",
                         STANDARD_PREFIXES["libtrace"] + "productionDate"):
                    il[e] = instant(x)
                else:
                    il[e] = ext_value(x, ctx)
            out[k] = il
        elif k == "errorDeclaration":
            known = {"declarationTime", "reason", "correctiveEventIDs"}
            d = {"declarationTime": instant(v["declarationTime"])}
            if "reason" in v:
                d["reason"] = vocab("reason", v["reason"], ctx)
            if "correctiveEventIDs" in v:
                d["correctiveEventIDs"] = list(v["correctiveEventIDs"])
            d.update(open_members(v, known, ctx, k))
            out[k] = d
        else:
            e = ext_key(k, ctx)
            assert e not in EVENT_FIELDS and e not in out, f"{k}: expands to {e} twice"
            out[e] = ext_value(v, ctx)
    return out


def input_meaning(ev, doc_ctx):
    """As meaning(), with what EPCIS lets a capturing repository fill in."""
    m = meaning(ev, doc_ctx)
    if "eventTimeZoneOffset" not in m:
        m["eventTimeZoneOffset"] = offset(ev["eventTime"][-6:] if ev["eventTime"][-1] not in "Zz" else "+00:00")
    return m


# ---- the corpus ----

def events_of(doc):
    if doc.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        return [doc]  # one event object
    if doc.get("type") == "EPCISQueryDocument":
        return doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return doc["epcisBody"]["eventList"]


def corpus():
    files = sorted(CORPUS.rglob("*.jsonld"))
    if VECTORS.is_dir():
        files += sorted(VECTORS.glob("*.jsonld"))
    return files


@pytest.fixture(scope="module")
def schema():
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"GS1's EPCIS schema is not at {SCHEMA_FILE}")
    checker = jsonschema.FormatChecker()
    # Without Debian's python3-rfc3987, "format": "uri" would check nothing.
    assert not checker.conforms("not a URI", "uri"), "install python3-rfc3987 (scripts/install-deps)"
    return jsonschema.Draft7Validator(json.loads(SCHEMA_FILE.read_text()), format_checker=checker)


def valid(schema, doc):
    errors = sorted(schema.iter_errors(doc), key=str)
    return "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:3])


@pytest.fixture
def ledger(tmp_path):
    d = tmp_path / "l"
    trace("key", "generate", "--name", "corpus.example/l", "--out", tmp_path / "k")
    trace("ledger", "init", d, "--origin", "corpus.example/l", "--key", tmp_path / "k")
    return d


def test_corpus_is_complete():
    """The corpus covers every event type and every extension position."""
    types, positions = set(), set()
    for f in sorted(CORPUS.rglob("*.jsonld")):
        for ev in events_of(json.loads(f.read_text())):
            types.add(ev["type"])
            positions |= {p for p in ("ilmd", "errorDeclaration", "readPoint", "bizLocation") if
                          any(":" in k for k in ev.get(p, {}) if k != "cbvmda:lotNumber")}
            positions |= {"event"} if any(":" in k for k in ev) else set()
            for el in ev.get("sensorElementList", []):
                positions |= {"sensorElement"} if any(":" in k for k in el) else set()
                positions |= {"sensorMetadata"} if any(":" in k for k in el.get("sensorMetadata", {})) else set()
                positions |= {"sensorReport"} if any(":" in k for r in el["sensorReport"] for k in r) else set()
    assert types == {"ObjectEvent", "AggregationEvent", "TransformationEvent", "TransactionEvent", "AssociationEvent"}
    assert positions == {"event", "ilmd", "errorDeclaration", "readPoint", "bizLocation", "sensorElement",
                         "sensorMetadata", "sensorReport"}


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_round_trip(path, ledger, schema):
    doc = json.loads(path.read_text())
    problems = valid(schema, doc)
    if path.name in OUTSIDE_SCHEMA:
        assert problems, f"{path.name} was meant to use {OUTSIDE_SCHEMA[path.name]}"
    else:
        assert not problems, f"{path.name} is not valid EPCIS 2.0: {problems}"
    if path.name in REFUSED:
        r = trace("event", "add", ledger, "--json", path, expect=2)
        assert REFUSED[path.name] in r.stderr.decode()
        return
    added = trace("event", "add", ledger, "--json", path).stdout.decode().split("\n")
    indexes = [int(line.split()[0]) for line in added if line]
    inputs = events_of(doc)
    assert len(indexes) == len(inputs)
    doc_ctx = Context(None, doc.get("@context") if "epcisBody" in doc else None)
    for i, ev in zip(indexes, inputs):
        out = json.loads(trace("event", "show", ledger, i, "--document").stdout)
        problems = valid(schema, out)
        assert not problems, f"{path.name} event {i}: output is not valid EPCIS 2.0: {problems}"
        [back] = out["epcisBody"]["eventList"]
        want = input_meaning(ev, doc_ctx)
        got = meaning(back, Context(None, out["@context"]))
        if "recordTime" not in want:
            got.pop("recordTime", None)  # the ledger's capture time
        assert got == want, f"{path.name} event {i}"


def test_output_reads_back_to_the_same_bytes(ledger, tmp_path):
    """What --document writes is read back into the very same canonical event."""
    for path in sorted((CORPUS / "own").glob("*.jsonld")):
        for line in trace("event", "add", ledger, "--json", path).stdout.decode().split("\n"):
            if not line:
                continue
            i = line.split()[0]
            out = trace("event", "show", ledger, i, "--document").stdout
            (tmp_path / "again.jsonld").write_bytes(out)
            j = trace("event", "add", ledger, "--json", tmp_path / "again.jsonld").stdout.decode().split()[0]
            assert trace("event", "show", ledger, j, "--cbor").stdout == \
                trace("event", "show", ledger, i, "--cbor").stdout, f"{path.name} event {i}"


def test_refusals_name_the_reason(ledger):
    """Refused on purpose: duplicate JSON keys and event types outside EPCIS 2.0's five."""
    dup = b'{"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00Z", "action": "OBSERVE", ' \
          b'"epcList": [], "eventID": "urn:uuid:1", "eventID": "urn:uuid:2"}'
    assert b"duplicate object key" in trace("event", "add", ledger, "-", input=dup, expect=2).stderr
    custom = {"@context": [{"ex": "https://ns.example.com/"}], "type": "ex:CustomEvent",
              "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00"}
    r = trace("event", "add", ledger, "-", input=json.dumps(custom).encode(), expect=2)
    assert b"is not an EPCIS event type" in r.stderr


def test_queries_by_step_agree_on_every_spelling(ledger):
    """--step with the short name, the CBV 2.0 IRI or the EPCIS 1.x URN finds the same events,
    whichever spelling the events themselves used."""
    def ev(step, when):
        return {"type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
                "epcList": ["urn:epc:id:sgtin:0614141.107346.2018"], "bizStep": step}
    add = [ev("shipping", "2026-01-01T00:00:00Z"), ev("cbv:BizStep-shipping", "2026-01-02T00:00:00Z"),
           ev("https://ref.gs1.org/cbv/BizStep-shipping", "2026-01-03T00:00:00Z"),
           ev("urn:epcglobal:cbv:bizstep:shipping", "2026-01-04T00:00:00Z"),
           ev("receiving", "2026-01-05T00:00:00Z")]
    trace("event", "add", ledger, "-", input=json.dumps(add).encode())
    found = [trace("events", ledger, "--step", s, "--json").stdout
             for s in ("shipping", "https://ref.gs1.org/cbv/BizStep-shipping", "urn:epcglobal:cbv:bizstep:shipping",
                       "cbv:BizStep-shipping")]
    assert found[0] and all(f == found[0] for f in found)
    events = json.loads(found[0])
    assert [e["eventTime"][:10] for e in events] == ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]
