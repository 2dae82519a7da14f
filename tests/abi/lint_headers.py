#!/usr/bin/python3
"""The public headers' conventions, as far as a script can check them
(docs/api-stability.md, "Conventions"):

 1. every TRACE_API function has a doxygen comment with @since;
 2. every function returning a status (its @return names TRACE_OK) says
    @return and is TRACE_WARN_UNUSED: ignoring the result must warn;
 3. a function's main result (a parameter named out or *_out) comes first;
    accessors take the object first and optional results after it;
 4. every opaque handle has exactly one destructor, named _free for values
    and _close for handles on storage (log, ledger, issuer, ...), taking the
    handle alone;
 5. a function that checks something (_verify, _check) takes what it checks
    as const: checking never changes the input;
 6. the experimental header's functions, and only they, are in the
    TRACE_EXPERIMENTAL node of the version script, and the stable headers'
    in TRACE_1.0.

Usage: lint_headers.py SOURCE_ROOT
"""
import pathlib
import re
import sys

STORAGE_HANDLES = {"trace_log", "trace_ledger", "trace_issuer", "trace_witness", "trace_server"}
EXPERIMENTAL_HEADER = "experimental.h"


def declarations(text):
    """(comment, declaration) for each TRACE_API declaration, in order."""
    out = []
    for m in re.finditer(r"TRACE_API\b[^;{]*?\([^;{]*?\)\s*;", text, re.S):
        decl = m.group(0)
        before = text[:m.start()].rstrip()
        comment = ""
        if before.endswith("*/"):
            start = before.rfind("/**")
            if start >= 0:
                comment = before[start:]
        out.append((comment, " ".join(decl.split())))
    return out


def name_of(decl):
    return re.search(r"(trace_\w+)\s*\(", decl).group(1)


def params_of(decl):
    inner = decl[decl.index("(") + 1:decl.rindex(")")]
    if inner.strip() in ("", "void"):
        return []
    return [p.strip() for p in inner.split(",")]


def pname(param):
    m = re.search(r"(\w+)\s*(\[\s*\w*\s*\])?$", param)
    return m.group(1) if m else ""


def version_nodes(root):
    text = re.sub(r"/\*.*?\*/", "", (root / "libtrace" / "libtrace.map").read_text(), flags=re.S)
    nodes = {}
    for m in re.finditer(r"(\w+)\s*\{(.*?)\}", text, re.S):
        nodes[m.group(1)] = set(re.findall(r"\b(trace_\w+)\s*;", m.group(2)))
    return nodes


def main():
    root = pathlib.Path(sys.argv[1])
    problems = []
    names = {}
    handles = set()
    for header in sorted((root / "include" / "trace").rglob("*.h")):
        rel = header.relative_to(root / "include")
        text = header.read_text()
        handles |= set(re.findall(r"typedef struct (trace_\w+) \1;", text))
        for comment, decl in declarations(text):
            name = name_of(decl)
            names[name] = (rel, decl)
            where = f"{rel}: {name}"
            if "@since" not in comment:
                problems.append(f"{where}: no doxygen comment with @since")
            ret = comment.split("@return", 1)[1] if "@return" in comment else ""
            returns_status = re.search(r"TRACE_(OK|E[A-Z]+)\b", ret) is not None
            head = decl[:decl.index(name)]
            if re.search(r"\bint\s*$", head.replace("TRACE_WARN_UNUSED", "").replace("TRACE_API", "").strip() + " ") \
                    and "@return" not in comment:
                problems.append(f"{where}: returns int but says nothing with @return")
            if returns_status and "TRACE_WARN_UNUSED" not in head:
                problems.append(f"{where}: returns a status (its @return names TRACE_OK) but is not TRACE_WARN_UNUSED")
            params = params_of(decl)
            seen_input = False
            for p in params:
                n = pname(p)
                # The stated rule (docs/api-stability.md): a function's main result,
                # named out or *_out, comes first; accessors of an existing object
                # take the object first and their optional results after it.
                is_out = n == "out" or n.endswith("_out")
                if is_out and seen_input:
                    problems.append(f"{where}: output parameter {n} after an input (outputs come first)")
                if not is_out:
                    seen_input = True
            if re.search(r"_(verify|check)(_\w+)?$", name):
                for p in params[1:] if params and pname(params[0]) in ("out",) else params:
                    if re.match(r"trace_(note|checkpoint|event|tlog_proof|bundle)\s*\*", p) and "const" not in p:
                        problems.append(f"{where}: checks {p} but takes it non-const (checking must not change it)")
    for h in sorted(handles):
        dtors = [n for n in names if n in (h + "_free", h + "_close", h + "_unref")]
        want = h + ("_close" if h in STORAGE_HANDLES else "_free")
        if h + "_unref" in dtors:
            continue
        if dtors != [want]:
            problems.append(f"{h}: destructor should be {want} alone, found {dtors or 'none'}")
        elif names[want][1].count(",") or not re.search(r"\bvoid\s+" + want, names[want][1]):
            problems.append(f"{want}: a destructor returns void and takes the handle alone")
    nodes = version_nodes(root)
    experimental = {n for n, (rel, _) in names.items() if rel.name == EXPERIMENTAL_HEADER}
    exp_node = set().union(*(v for k, v in nodes.items() if "EXPERIMENTAL" in k)) if nodes else set()
    stable_node = set().union(*(v for k, v in nodes.items() if "EXPERIMENTAL" not in k)) if nodes else set()
    for n in sorted(experimental - exp_node):
        problems.append(f"{n}: declared in {EXPERIMENTAL_HEADER} but not in a TRACE_EXPERIMENTAL node")
    for n in sorted(exp_node - experimental):
        problems.append(f"{n}: in a TRACE_EXPERIMENTAL node but not declared in {EXPERIMENTAL_HEADER}")
    for n in sorted((set(names) - experimental) & exp_node):
        problems.append(f"{n}: a stable function in the experimental node")
    for p in problems:
        print(p)
    print(f"{len(names)} functions, {len(handles)} handles checked; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
