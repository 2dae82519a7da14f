"""Damaged storage is reported, never a crash (issue 11 item 1).

A ledger's files are flipped, overwritten and truncated, and every command a
regulator or operator would run on it must end with an exit status and a
message: 0 when the damage missed everything read, 1 ("corrupt: ...") or 2
otherwise, and never a signal.  The number of random cases comes from
TRACE_DAMAGE_CASES (dozens in the quick suite, hundreds in `slow`); the seed
from TRACE_TEST_SEED, printed so a failure can be replayed."""
import json
import os
import random
import shutil
import subprocess

import pytest

TRACE = os.environ["TRACE_TOOL"]
CASES = int(os.environ.get("TRACE_DAMAGE_CASES", "24"))
SEED = int(os.environ.get("TRACE_TEST_SEED", str(random.SystemRandom().randrange(1 << 30))))
PAGE = 4096
# Under AddressSanitizer a fault must stay a signal for the tool to report it.
ENV = dict(os.environ, TRACE_BUSY_TIMEOUT_MS="0",
           ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":handle_segv=0:handle_sigbus=0")
ITEM = "https://id.gs1.org/01/09506000134352/21/D{}"
CASE = "https://id.gs1.org/00/095060001000000012"


def run(*args, timeout=60):
    return subprocess.run([TRACE, *map(str, args)], capture_output=True, env=ENV, timeout=timeout)


def ok(*args):
    r = run(*args)
    assert r.returncode == 0, f"trace {args}: {r.stderr.decode()}"
    return r


def events():
    ev = []
    for i in range(40):
        ev.append({"type": "ObjectEvent", "eventTime": f"2026-11-20T08:{i:02d}:00Z",
                   "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
                   "epcList": [ITEM.format(i)]})
    ev.append({"type": "AggregationEvent", "eventTime": "2026-11-20T09:00:00Z",
               "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "packing",
               "parentID": CASE, "childEPCs": [ITEM.format(i) for i in range(10)]})
    return ev


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    base = tmp_path_factory.mktemp("damage")
    d = base / "ledger"
    ok("key", "generate", "--name", "plant.example/ledger", "--out", base / "k")
    ok("ledger", "init", d, "--origin", "plant.example/ledger", "--key", base / "k")
    r = subprocess.run([TRACE, "event", "add", str(d), "-"], input=json.dumps(events()).encode(),
                       capture_output=True, env=ENV)
    assert r.returncode == 0, r.stderr.decode()
    ok("log", "checkpoint", d, "--key", base / "k")
    return base, d


def commands(d):
    return [("log", "verify", d), ("history", d, ITEM.format(3)), ("status", d, ITEM.format(3), "--json"),
            ("trace", "back", d, ITEM.format(3)), ("contents", d, CASE), ("event", "show", d, "7"),
            ("log", "prove", d, "--index", "5"), ("reindex", d)]


def check_all(d, what):
    for cmd in commands(d):
        r = run(*cmd)
        err = r.stderr.decode(errors="replace")
        assert r.returncode >= 0, f"{what}: trace {' '.join(map(str, cmd))} died of signal {-r.returncode}: {err}"
        assert r.returncode in (0, 1, 2), f"{what}: trace {cmd} exited {r.returncode}: {err}"
        assert "Sanitizer" not in err, f"{what}: trace {cmd}: {err}"
        if r.returncode:	# a finding (reindex prints its own on stdout) or an error on stderr
            said = err.startswith("trace: ") or r.stdout.decode(errors="replace").startswith(cmd[0])
            assert said, f"{what}: {cmd}: exit {r.returncode}, no message: {err!r} {r.stdout[:300]!r}"


def copy(ledger, name):
    base, d = ledger
    dst = base / name
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(d, dst)
    return dst


def test_truncated_at_every_page_boundary(ledger):
    size = os.path.getsize(ledger[1] / "data.mdb")
    assert size >= 4 * PAGE
    for k in range(size // PAGE):
        d = copy(ledger, "trunc")
        os.truncate(d / "data.mdb", k * PAGE)
        r = run("log", "verify", d)
        err = r.stderr.decode()
        assert r.returncode == 1, f"truncated to {k * PAGE}: exit {r.returncode}: {err}"
        assert "corrupt" in err and "data.mdb" in err, err
        check_all(d, f"data.mdb truncated to {k * PAGE} bytes")


def test_random_damage(ledger):
    print(f"TRACE_TEST_SEED={SEED}")
    rng = random.Random(SEED)
    files = ["data.mdb"]
    for case in range(CASES):
        d = copy(ledger, "flip")
        name = files[case % len(files)]
        path = d / name
        data = bytearray(path.read_bytes())
        kind = rng.choice(["flip", "overwrite", "page"])
        if kind == "flip":
            for _ in range(rng.randint(1, 8)):
                pos = rng.randrange(len(data))
                data[pos] ^= 1 << rng.randrange(8)
        elif kind == "overwrite":
            pos = rng.randrange(len(data))
            n = rng.randint(1, 64)
            data[pos:pos + n] = bytes(rng.randrange(256) for _ in range(n))[:len(data) - pos]
        else:
            page = rng.randrange(len(data) // PAGE)
            data[page * PAGE:(page + 1) * PAGE] = bytes(rng.randrange(256) for _ in range(PAGE))
        path.write_bytes(bytes(data))
        check_all(d, f"case {case} ({kind} in {name}, seed {SEED})")
