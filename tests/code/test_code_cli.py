#!/usr/bin/python3
"""`trace code parse` and `trace code issue`: JSON, exit statuses, files.

Usage: test_code_cli.py PATH/TO/trace
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

TRACE = sys.argv[1]
failures = []


def run(*args, expect=0):
    p = subprocess.run([TRACE, *args], capture_output=True, text=True)
    if p.returncode != expect:
        failures.append(f"{args}: exit {p.returncode}, expected {expect}; stderr: {p.stderr.strip()}")
    return p


def check(cond, what):
    if not cond:
        failures.append(what)


def parse(text, *extra):
    p = run("code", "parse", text, *extra)
    try:
        return json.loads(p.stdout)
    except ValueError:
        failures.append(f"parse {text!r}: stdout is not one JSON object: {p.stdout!r}")
        return {}


GS = "\x1d"
DL = "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225"
ES = "(01)09506000134352(17)201225(10)ABC123(21)XYZ"
AIS = [{"ai": "01", "value": "09506000134352"}, {"ai": "17", "value": "201225"},
       {"ai": "10", "value": "ABC123"}, {"ai": "21", "value": "XYZ"}]
CANON = "https://id.gs1.org/01/09506000134352/21/XYZ"

# Every GS1 input form gives the same code; element_string keeps input order.
for text in (ES, "]d201095060001343521720122510ABC123" + GS + "21XYZ",
             "]Q301095060001343521720122510ABC123" + GS + "21XYZ",
             "^01095060001343521720122510ABC123^21XYZ"):
    j = parse(text)
    check(j.get("scheme") == "gs1", f"{text!r}: scheme {j.get('scheme')}")
    check(j.get("canonical") == CANON, f"{text!r}: canonical {j.get('canonical')}")
    check(j.get("element_string") == ES, f"{text!r}: element_string {j.get('element_string')}")
    check(j.get("digital_link") == DL, f"{text!r}: digital_link {j.get('digital_link')}")
    check(j.get("ais") == AIS, f"{text!r}: ais {j.get('ais')}")

j = parse("https://example.cn/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231&linkType=gs1:pip")
check(j.get("element_string") == "(01)06901234567892(10)LOT-2025/01(21)SN0001(17)271231", f"DL es {j}")
check(j.get("digital_link") == "https://id.gs1.org/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231", f"DL {j}")
check(j.get("ignored_query") == {"linkType": "gs1:pip"}, f"DL extras {j}")
check([a["ai"] for a in j.get("ais", [])] == ["01", "10", "21", "17"], f"DL ais order {j}")

j = parse("urn:epc:id:sgtin:0614141.107346.2017", "--gcp-length", "7")
check(j.get("canonical") == "https://id.gs1.org/01/10614141073464/21/2017", f"EPC {j}")
check(j.get("epc_urn") == "urn:epc:id:sgtin:0614141.107346.2017", f"EPC back {j}")
j = parse("(01)09506000134352(21)1", "--stem", "https://brand.example.cn/p")
check(j.get("digital_link_stem") == "https://brand.example.cn/p/01/09506000134352/21/1", f"stem {j}")

j = parse("83857930000879766660")
check(j.get("scheme") == "nmpa" and j.get("canonical") == "83857930000879766660", f"NMPA {j}")
check(j.get("segments") == {"drug_id": "8385793", "production": "0000879766660"}, f"NMPA segments {j}")
j = parse("MA.156.M0.100761.21234561.Sx00008.M220117.L20220117.C3")
check(j.get("scheme") == "ma" and j.get("canonical") == "MA.156.M0.100761.21234561.Sx00008", f"MA {j}")
check(j.get("segments", {}).get("L") == "20220117", f"MA segments {j}")
j = parse("acme-0abcdefghjkmn9")
check(j.get("scheme") == "native" and j.get("canonical") == "ACME-0ABCDEFGHJKMN9", f"native {j}")

# Invalid input: exit 2 and a message naming the problem (AI and position).
for text, needles in (
        ("(01)09506000134353", ["AI (01)", "position 17", "check digit"]),
        ("(01)09506000134352(17)201232", ["AI (17)", "position 26", "day"]),
        ("https://example.com/01/09520123456788?10=ABC123", ["AI (10)", "position 38"]),
        ("8385793000087976666", ["NMPA", "19 digits"]),
        ("ACME-0ABCDEFGHJKMN8", ["check character"]),
        ("MA.156.M0.100204.13351764.X1", ["position 26", "'X'"]),
        ("hello world", ["unrecognised"])):
    p = run("code", "parse", text, expect=2)
    check(p.stdout == "", f"{text!r}: printed {p.stdout!r} on failure")
    for n in needles:
        check(n in p.stderr, f"{text!r}: message {p.stderr.strip()!r} lacks {n!r}")
run("code", "parse", expect=2)
run("code", "frobnicate", expect=2)

# Issuance: text and CSV, persisted across runs, never a repeat.
with tempfile.TemporaryDirectory() as tmp:
    ledger = os.path.join(tmp, "ledger")
    p = run("code", "issue", "--gtin", "06901234567892", "--lot", "L1", "--count", "100", "--ledger", ledger)
    first = p.stdout.split()
    check(len(first) == 100, f"issue printed {len(first)} lines")
    for line in first[:5]:
        j = parse(line)
        check(j.get("scheme") == "gs1" and j.get("ais", [{}])[0].get("value") == "06901234567892", f"issued {line}")
    out = os.path.join(tmp, "codes.csv")
    run("code", "issue", "--gtin", "06901234567892", "--lot", "L,1", "--count", "50", "--ledger", ledger,
        "--out", out)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 50 and rows[0]["lot"] == "L,1" and rows[0]["gtin"] == "06901234567892", f"csv {rows[:1]}")
    check([int(r["seq"]) for r in rows] == list(range(100, 150)), "csv seq continues after the first run")
    p = run("code", "issue", "--native", "ACME", "--count", "20", "--ledger", ledger, "--format", "csv")
    native = [r["code"] for r in csv.DictReader(p.stdout.splitlines())]
    check(len(native) == 20 and all(c.startswith("ACME-") for c in native), f"native {native[:2]}")
    serials = [line.rsplit("/", 1)[1] for line in first] + [r["serial"] for r in rows] + native
    check(len(set(serials)) == len(serials), "issued serials repeat")
    with open(os.path.join(ledger, "codes", "journal")) as f:
        check(len(f.read().splitlines()) == 3, "journal has one line per run")
    run("code", "issue", "--gtin", "06901234567893", "--lot", "L1", "--count", "1", "--ledger", ledger, expect=2)
    run("code", "issue", "--gtin", "06901234567892", "--count", "1", expect=2)
    run("code", "issue", "--native", "ACME", "--count", "0", expect=2)
    run("code", "issue", "--native", "ACME", "--gtin", "06901234567892", "--lot", "L", "--count", "1", expect=2)
    p = run("code", "issue", "--native", "ACME", "--count", "2")
    check("no --ledger" in p.stderr and len(p.stdout.split()) == 2, "issue without a ledger warns")

if failures:
    print("\n".join(failures), file=sys.stderr)
    print(f"code-cli: {len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("code-cli: all checks passed")
