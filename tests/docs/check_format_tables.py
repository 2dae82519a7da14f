#!/usr/bin/python3
"""FORMAT.md names exactly the LMDB databases a demo run leaves behind.

Usage: check_format_tables.py FORMAT.md FOOD_STORY_SH TRACE_TOOL LIBTRACE_SO

Reads the expected names from FORMAT.md itself (every table of §2 whose
first column is "database"; those of a section about `DIR/index/` belong to
the leaf-index environment, and those of a section marked "Planned" must not
exist yet), runs examples/food_story.sh, and lists the named databases of
every LMDB environment it wrote with `mdb_dump -l`.  No command of the tool
looks an entry up by its leaf hash, so the check does one through the
library (ctypes) to make the leaf index exist.  A name in one list and
not in the other fails, so neither the document nor the code can gain or
lose a database without the other.
"""
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile


def doc_tables(path):
    """{'main': set, 'index': set, 'planned': set} from section 2 of FORMAT.md."""
    out = {"main": set(), "index": set(), "planned": set()}
    section, planned, in_db_table = "", False, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            section, planned, in_db_table = line.strip(), False, False
            continue
        if not re.match(r"#+ 2\.", section):
            continue
        if "**Planned" in line:
            planned = True
        if line.startswith("| database |"):
            in_db_table = True
            continue
        if in_db_table and not line.startswith("|"):
            in_db_table = False
        if in_db_table:
            m = re.match(r"\|\s*`([^`]+)`\s*\|", line)
            if m:
                kind = "planned" if planned else "index" if "DIR/index/" in section else "main"
                out[kind].add(m.group(1))
    return out


def env_tables(env):
    r = subprocess.run(["mdb_dump", "-l", env], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("mdb_dump -l %s failed: %s" % (env, r.stderr.strip()))
    return set(r.stdout.split())


def find_first_entry(lib, env):
    """trace_log_find() of entry 0's leaf hash, which builds DIR/index/."""
    log = ctypes.c_void_p()
    if lib.trace_log_open(ctypes.byref(log), env.encode(), 0, None) != 0:	# TRACE_OPEN_READONLY
        sys.exit("FAIL: trace_log_open(%s) failed" % env)
    leaf = ctypes.create_string_buffer(64)
    index = ctypes.c_uint64(99)
    rc = lib.trace_log_leaf_hash(leaf, ctypes.c_size_t(32), log, ctypes.c_uint64(0))
    if rc == 0:
        rc = lib.trace_log_find(ctypes.byref(index), log, leaf, ctypes.c_size_t(32))
    lib.trace_log_close(log)
    if rc != 0 or index.value != 0:
        sys.exit("FAIL: trace_log_find of entry 0 in %s: rc %d, index %d" % (env, rc, index.value))


def main():
    fmt, story, tool, so = sys.argv[1:5]
    lib = ctypes.CDLL(so)
    lib.trace_log_open.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_uint,
                                   ctypes.c_void_p]
    lib.trace_log_leaf_hash.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_uint64]
    lib.trace_log_find.argtypes = [ctypes.POINTER(ctypes.c_uint64), ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.trace_log_close.argtypes = [ctypes.c_void_p]
    doc = doc_tables(fmt)
    if not doc["main"] or not doc["index"]:
        sys.exit("FAIL: found no database tables in %s (main %s, index %s)" % (fmt, doc["main"], doc["index"]))
    tmp = tempfile.mkdtemp(prefix="libtrace-format-")
    try:
        r = subprocess.run(["sh", story, tool], cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.exit("FAIL: %s exited %d:\n%s" % (story, r.returncode, r.stdout[-3000:]))
        envs = sorted(d for d, _, files in os.walk(tmp) if "data.mdb" in files)
        for env in envs:
            find_first_entry(lib, env)
        envs = sorted(d for d, _, files in os.walk(tmp) if "data.mdb" in files)
        if not any(e.endswith("/index") for e in envs) or not any(not e.endswith("/index") for e in envs):
            sys.exit("FAIL: the demo left no ledger with a leaf index: %s" % envs)
        bad = []
        for env in envs:
            kind = "index" if env.endswith("/index") else "main"
            have, want = env_tables(env), doc[kind]
            where = os.path.relpath(env, tmp)
            for name in sorted(want - have):
                bad.append("%s: FORMAT.md names database `%s`, which the store does not have" % (where, name))
            for name in sorted(have - want):
                planned = " (FORMAT.md still calls it planned)" if name in doc["planned"] else ""
                bad.append("%s: the store has database `%s`, which FORMAT.md does not name%s" % (where, name, planned))
        if bad:
            sys.exit("FAIL:\n" + "\n".join(bad))
        print("%d environments match FORMAT.md: main %s; index %s" % (
            len(envs), " ".join(sorted(doc["main"])), " ".join(sorted(doc["index"]))))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
