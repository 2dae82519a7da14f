#!/usr/bin/python3
"""Exported symbols = version-script names = TRACE_API declarations = docs table.

Usage: check_symbols.py SOURCE_ROOT LIBTRACE_SO NM
"""
import pathlib
import re
import subprocess
import sys


def declared(root):
    names = set()
    for header in (root / "include").rglob("*.h"):
        text = header.read_text()
        # Join declarations so multi-line prototypes are seen whole.
        for decl in re.findall(r"TRACE_API\b([^;{]*?)\(", text, re.S):
            m = re.search(r"(trace_\w+)\s*$", decl)
            if m:
                names.add(m.group(1))
    return names


def in_map(root):
    text = (root / "libtrace" / "libtrace.map").read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\b(trace_\w+)\s*;", text))


def exported(lib, nm):
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "TtDdBbRrVvWw" and not parts[2].startswith("TRACE_"):
            names.add(parts[2].split("@")[0])
    return names


def documented(root):
    names = set()
    for line in (root / "docs" / "symbols-in-versions").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            names.add(line.split()[0])
    return names


def main():
    root, lib, nm = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    sets = {
        "TRACE_API declarations": declared(root),
        "libtrace.map": in_map(root),
        "exported by the library": exported(lib, nm),
        "docs/symbols-in-versions": documented(root),
    }
    union = set().union(*sets.values())
    ok = True
    for name, names in sets.items():
        missing = sorted(union - names)
        if missing:
            ok = False
            print(f"missing from {name}: {', '.join(missing)}")
    print(f"{len(union)} symbols checked")
    sys.exit(0 if ok and union else 1)


main()
