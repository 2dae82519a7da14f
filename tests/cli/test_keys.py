"""Key files (issue 11 item 15): created 0600, refused when others can read
them, and the private key never appears in any output or message, on success
or on failure."""
import json
import os
import stat
import subprocess

TRACE = os.environ["TRACE_TOOL"]
ENV = dict(os.environ, TRACE_BUSY_TIMEOUT_MS="0")


def run(*args, input=None):
    return subprocess.run([TRACE, *map(str, args)], input=input, capture_output=True, env=ENV)


def secret_of(keyfile):
    """The base64 key material of a C2SP private key (PRIVATE+KEY+name+hash+b64)."""
    text = keyfile.read_text().strip()
    assert text.startswith("PRIVATE+KEY+"), text[:20]
    name, keyhash, material = text[len("PRIVATE+KEY+"):].split("+", 2)
    assert len(material) >= 40, material
    return material


def test_created_private_and_refused_when_shared(tmp_path):
    k = tmp_path / "k"
    assert run("key", "generate", "--name", "plant.example/l", "--out", k).returncode == 0
    assert stat.S_IMODE(os.stat(k).st_mode) == 0o600
    assert run("key", "public", k).returncode == 0
    os.chmod(k, 0o644)
    r = run("key", "public", k)
    assert r.returncode == 2 and b"accessible by others (mode 0644)" in r.stderr
    r = run("ledger", "init", tmp_path / "l", "--origin", "plant.example/l", "--key", k)
    assert r.returncode == 2 and b"chmod 600" in r.stderr
    assert not (tmp_path / "l" / "data.mdb").exists()


def test_no_secret_in_any_output(tmp_path):
    k, w = tmp_path / "k", tmp_path / "w"
    outputs = []

    def out(*args, input=None):
        r = run(*args, input=input)
        outputs.append((args, r.stdout + r.stderr))
        return r

    out("key", "generate", "--name", "plant.example/l", "--out", k)
    out("key", "generate", "--name", "regulator.example/w", "--out", w, "--witness")
    secrets = [secret_of(k), secret_of(w)]
    d = tmp_path / "l"
    out("ledger", "init", d, "--origin", "plant.example/l", "--key", k)
    ev = {"type": "ObjectEvent", "eventTime": "2026-11-20T08:00:00Z", "eventTimeZoneOffset": "+08:00",
          "action": "ADD", "bizStep": "commissioning", "epcList": ["https://id.gs1.org/01/09506000134352/21/K1"]}
    out("event", "add", d, "-", input=json.dumps(ev).encode())
    out("log", "checkpoint", d, "--key", k)
    out("log", "checkpoint", d, "--key", w)		# the wrong key: refused
    out("recall", d, "--list", "--key", w)		# the wrong key: refused
    out("note", "sign", "--key", k, input=b"hello\n")
    out("note", "cosign", "--key", w, input=b"not a checkpoint\n")
    out("key", "public", k)
    out("key", "public", w)
    # A damaged key file: the message names the file, not its contents.
    bad = tmp_path / "bad"
    bad.write_text(k.read_text().replace("PRIVATE+KEY+", "PRIVATE+KEY+X"))
    os.chmod(bad, 0o600)
    out("log", "checkpoint", d, "--key", bad)
    out("note", "sign", "--key", bad, input=b"hello\n")
    assert len(outputs) >= 12
    for args, text in outputs:
        for s in secrets:
            assert s.encode() not in text, f"trace {args} printed a private key"
            assert s[:24].encode() not in text, f"trace {args} printed part of a private key"


def test_reindex_follows_no_planted_symlink(tmp_path):
    """Issue 11 item 6: a symlink planted where reindex keeps its scratch store
    must not lead it to delete another ledger's files."""
    k = tmp_path / "k"
    assert run("key", "generate", "--name", "plant.example/l", "--out", k).returncode == 0
    victim, d = tmp_path / "victim", tmp_path / "l"
    for x in (victim, d):
        assert run("ledger", "init", x, "--origin", "plant.example/l", "--key", k).returncode == 0
    ev = {"type": "ObjectEvent", "eventTime": "2026-11-20T08:00:00Z", "eventTimeZoneOffset": "+08:00",
          "action": "ADD", "bizStep": "commissioning", "epcList": ["https://id.gs1.org/01/09506000134352/21/S1"]}
    assert run("event", "add", victim, "-", input=json.dumps(ev).encode()).returncode == 0
    before = (victim / "data.mdb").read_bytes()
    os.symlink(victim, d / "reindex")
    os.symlink(victim, d / "reindex.abc123")
    r = run("reindex", d)
    assert r.returncode == 0, r.stderr
    assert (victim / "data.mdb").read_bytes() == before and (victim / "lock.mdb").exists()
    assert run("log", "verify", victim).returncode == 0
    assert os.path.islink(d / "reindex")	# left alone, not followed
