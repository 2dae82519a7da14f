"""Identity on the command line (issue 9): one object has one identity in the
ledger whichever GS1 form names it; a lot is named within its product; an
identifier cannot hide behind control characters; issuance into a ledger
fits every part in a log entry."""
import json
import os
import subprocess

import pytest

TRACE = os.environ["TRACE_TOOL"]
WHEN = "2026-11-23T08:00:00+08:00"

# Every GS1 key with an EPC URN (TDS 2.x §6.3) and a Digital Link path.
KEYS = [
    ("SGTIN", "urn:epc:id:sgtin:0614141.107346.2017", "/01/10614141073464/21/2017"),
    ("SSCC", "urn:epc:id:sscc:0614141.1234567890", "/00/106141412345678908"),
    ("SGLN", "urn:epc:id:sgln:0614141.12345.400", "/414/0614141123452/254/400"),
    ("GRAI", "urn:epc:id:grai:0614141.12345.XYZ", "/8003/00614141123452XYZ"),
    ("GIAI", "urn:epc:id:giai:0614141.12345ABC", "/8004/061414112345ABC"),
    ("GSRN", "urn:epc:id:gsrn:0614141.1234567890", "/8018/061414112345678902"),
    ("GSRNP", "urn:epc:id:gsrnp:0614141.1234567890", "/8017/061414112345678902"),
    ("GDTI", "urn:epc:id:gdti:0614141.12345.006847", "/253/0614141123452006847"),
    ("CPI", "urn:epc:id:cpi:0614141.5PQ7%2FZ43.12345", "/8010/06141415PQ7%2FZ43/8011/12345"),
    ("SGCN", "urn:epc:id:sgcn:4012345.67890.04711", "/255/401234567890104711"),
    ("GINC", "urn:epc:id:ginc:0614141.xyz47%2F11", "/401/0614141xyz47%2F11"),
    ("GSIN", "urn:epc:id:gsin:0614141.123456789", "/402/06141411234567890"),
    ("ITIP", "urn:epc:id:itip:4012345.011111.01.02.987", "/8006/040123451111180102/21/987"),
    ("UPUI", "urn:epc:id:upui:4012345.012345.51qIgY)%3C%26Jp3*", "/01/04012345123456/235/51qIgY%29%3C%26Jp3%2A"),
    ("PGLN", "urn:epc:id:pgln:0614141.12345", "/417/0614141123452"),
    # Class level: a lot of a GTIN, and patterns that leave the serial out.
    ("LGTIN", "urn:epc:class:lgtin:4012345.012345.Lot987", "/01/04012345123456/10/Lot987"),
    ("idpat-sgtin", "urn:epc:idpat:sgtin:4012345.012345.*", "/01/04012345123456"),
    ("idpat-itip", "urn:epc:idpat:itip:4012345.011111.01.02.*", "/8006/040123451111180102"),
    ("idpat-grai", "urn:epc:idpat:grai:0614141.12345.*", "/8003/00614141123452"),
    ("idpat-gdti", "urn:epc:idpat:gdti:0614141.12345.*", "/253/0614141123452"),
    ("idpat-sgcn", "urn:epc:idpat:sgcn:4012345.67890.*", "/255/4012345678901"),
    ("idpat-cpi", "urn:epc:idpat:cpi:0614141.5PQ7%2FZ43.*", "/8010/06141415PQ7%2FZ43"),
]


def trace(*args, input=None, expect=0):
    r = subprocess.run([TRACE, *map(str, args)], input=input, capture_output=True)
    assert r.returncode == expect, f"trace {args} exited {r.returncode}: {r.stderr.decode()}"
    return r


def add(d, events):
    r = trace("event", "add", d, "-", input=json.dumps(events).encode())
    return [int(line.split()[0]) for line in r.stdout.decode().splitlines()]


def obj(codes, step, **kw):
    e = {"type": "ObjectEvent", "eventTime": WHEN, "eventTimeZoneOffset": "+08:00",
         "action": kw.pop("action", "OBSERVE"), "bizStep": step, "epcList": codes}
    e.update(kw)
    return e


def history(d, code):
    out = trace("history", d, code, "--json").stdout.decode().strip().strip("[]").strip()
    return [json.loads(line.rstrip(",")) for line in out.split("\n")] if out else []


def status(d, code):
    return json.loads(trace("status", d, code, "--json").stdout)["status"]


def size(d):
    out = trace("log", "verify", d).stdout.decode()
    return int(out.split("ok: ")[1].split(" entries")[0])


@pytest.fixture
def ledger(tmp_path):
    d = tmp_path / "l"
    trace("key", "generate", "--name", "id.example/ledger", "--out", tmp_path / "k")
    trace("ledger", "init", d, "--origin", "id.example/ledger", "--key", tmp_path / "k")
    return str(d)


@pytest.mark.parametrize("name,urn,path", KEYS, ids=[k[0] for k in KEYS])
def test_one_object_one_identity(ledger, name, urn, path):
    # Recorded by its URN, found by every form; recorded by a Digital Link on
    # another host, found by the URN.
    add(ledger, obj([urn], "inspecting"))
    add(ledger, obj([f"https://example.com/any/stem{path}"], "shipping"))
    forms = [urn, f"https://id.gs1.org{path}", f"https://example.com{path}", f"http://shop.example.cn{path}"]
    seen = [[e["bizStep"] for e in history(ledger, f)] for f in forms]
    assert seen == [["inspecting", "shipping"]] * len(forms), name


def test_digital_links_on_any_host_are_checked(ledger):
    # A wrong check digit is refused on any host, not kept as an opaque URI.
    for bad in ["https://example.com/01/09506000134353/21/X", "https://example.com/stem/00/106141412345678909",
                "https://brand.example.cn/414/0614141123453"]:
        r = trace("event", "add", ledger, "-", input=json.dumps(obj([bad], "shipping")).encode(), expect=2)
        assert b"check digit" in r.stderr, bad
    assert size(ledger) == 0
    # A company's own URL that is not a Digital Link path stays byte for byte.
    own = ["https://example.com/item/1", "https://example.com/01/2024-catalogue", "urn:epc:id:bic:CSQU3054383"]
    add(ledger, obj(own, "shipping"))
    ev = json.loads(trace("event", "show", ledger, "0").stdout)
    assert ev["epcList"] == own


def test_identifiers_cannot_hide_behind_control_characters(ledger):
    for bad in ["urn:example:item:abc\u202edcba", "https://example.com/\u2066x", "urn:example:\u0085item",
                "urn:example:\u200fitem"]:
        r = trace("event", "add", ledger, "-", input=json.dumps(obj([bad], "shipping")).encode(), expect=2)
        assert b"U+" in r.stderr and (b"bidirectional" in r.stderr or b"C1 control" in r.stderr), bad
        r = trace("event", "add", ledger, "-",
                  input=json.dumps(obj(["urn:example:ok"], "shipping", readPoint={"id": bad})).encode(), expect=2)
    assert size(ledger) == 0
    add(ledger, obj(["urn:example:\u4e2d\u6587"], "shipping"))  # other non-ASCII stays allowed


def test_recall_of_one_drug_leaves_another_with_the_same_batch(ledger):
    # Two drugs (different 药品标识码) share batch number 20261101.
    drug_a = [f"8123456{i:013d}" for i in range(3)]
    drug_b = [f"8654321{i:013d}" for i in range(3)]
    for packs in (drug_a, drug_b):
        add(ledger, obj(packs, "commissioning", action="ADD", disposition="active",
                        ilmd={"cbvmda:lotNumber": "20261101"}))
    r = trace("recall", ledger, "lot:nmpa:8123456:20261101", "--reason", "impurity")
    assert b"4 codes marked" in r.stdout  # the lot and its three packs
    assert [status(ledger, c) for c in drug_a] == ["recalled"] * 3
    assert [status(ledger, c) for c in drug_b] == ["commissioned"] * 3
    # The batch text alone names no lot.
    trace("recall", ledger, "lot:20261101", "--reason", "x", expect=2)


def test_lot_identity_of_each_scheme(ledger):
    add(ledger, obj(["MA.156.M0.100001.P1.S0001"], "commissioning", action="ADD",
                    ilmd={"cbvmda:lotNumber": "B7"}))
    add(ledger, obj(["https://id.gs1.org/01/09506000134352/21/S1"], "commissioning", action="ADD",
                    ilmd={"cbvmda:lotNumber": "B7"}))
    assert [e["bizStep"] for e in history(ledger, "MA.156.M0.100001.P1.LB7")] == ["commissioning"]
    assert [e["bizStep"] for e in history(ledger, "https://id.gs1.org/01/09506000134352/10/B7")] == ["commissioning"]
    # An item with no product cannot carry a lot; nothing is written.
    before = size(ledger)
    for item in ["urn:example:item:1", "https://id.gs1.org/00/106141412345678908"]:
        r = trace("event", "add", ledger, "-", input=json.dumps(
            obj([item], "commissioning", action="ADD", ilmd={"cbvmda:lotNumber": "B7"})).encode(), expect=2)
        assert b"names no product" in r.stderr
    assert size(ledger) == before


@pytest.mark.parametrize("args", [
    ("--native", "X1", "--count", "3447"),
    ("--gtin", "09506000134352", "--lot", "L" * 20, "--count", "20000"),
    ("--gtin", "09506000134352", "--lot", "L" * 15, "--count", "20000"),
], ids=["native-3447", "gs1-lot20-20000", "gs1-lot15-20000"])
def test_issuance_into_a_ledger_at_the_limits(ledger, tmp_path, args):
    trace("code", "issue", *args, "--ledger", ledger, "--out", tmp_path / "codes").stdout
    n = int(args[-1])
    assert len((tmp_path / "codes").read_text().split()) == n
    assert size(ledger) >= 1
