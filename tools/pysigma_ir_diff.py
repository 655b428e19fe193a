"""Differential check of the Sigma front end against pySigma, the reference implementation.

For every rule under PATH..., `sigma-kql check --format json --show-ir` gives our IR; pySigma
(1.5.1) parses the same file and its condition tree is walked. Both trees are brought to one
normal form (n-ary and/or flattened, single-operand groups removed, string values as
wildcard patterns with their case, value expansions as ORs) and compared exactly, order
included. Prints every rule whose trees differ and exits 1 if any does.

    python tools/pysigma_ir_diff.py ./target/release/sigma-kql PATH...

Deliberate differences are normalised, not hidden: keywords are substring searches in
sigma-kql, so a pySigma keyword `v` is compared as `*v*`; pySigma's field references carry no
case sensitivity (it drops `cased`), so references are compared without it.
"""
import ipaddress
import json
import subprocess
import sys
from pathlib import Path

from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SigmaTimestampPart,
    SpecialChars,
)


def group(op, items):
    flat = []
    for item in items:
        if isinstance(item, tuple) and item[0] == op:
            flat.extend(item[1])
        else:
            flat.append(item)
    return flat[0] if len(flat) == 1 else (op, tuple(flat))


def norm_parts(parts):
    out = []
    for p in parts:
        if p[0] == "lit" and not p[1]:
            continue
        if out and p[0] == "lit" and out[-1][0] == "lit":
            out[-1] = ("lit", out[-1][1] + p[1])
        elif out and p == ("any",) and out[-1] == ("any",):
            continue
        else:
            out.append(p)
    return tuple(out)


def surround(parts):
    parts = list(parts)
    if not parts or parts[0] != ("any",):
        parts.insert(0, ("any",))
    if parts[-1] != ("any",):
        parts.append(("any",))
    return norm_parts(parts)


# ---- our IR (JSON) ----

def ours_str(m):
    if "text" in m:
        t = m["text"]
        lit = ("lit", t["value"])
        parts = {
            "eq": [lit],
            "contains": [("any",), lit, ("any",)],
            "startswith": [lit, ("any",)],
            "endswith": [("any",), lit],
        }[t["how"]]
        return ("str", t["case"][0], norm_parts(parts))
    if "pattern" in m:
        parts = []
        for p in m["pattern"]["pattern"]:
            if p == "any":
                parts.append(("any",))
            elif p == "one":
                parts.append(("one",))
            elif "lit" in p:
                parts.append(("lit", p["lit"]))
            else:
                parts.append(("ph", p["placeholder"]))
        return ("str", m["pattern"]["case"][0], norm_parts(parts))
    r = m["regex"]
    flags = "".join(sorted(k[0] for k, v in r["flags"].items() if v)).replace("d", "s")
    return ("re", r["pattern"], "".join(sorted(flags)))


def ours_op(op):
    if isinstance(op, str):
        return ("null",)
    (kind, v), = op.items()
    if kind == "str":
        return ours_str(v)
    if kind == "num":
        cmp, n = v
        return ("num", float(n)) if cmp == "eq" else ("cmp", cmp, float(n))
    if kind == "bool":
        return ("bool", v)
    if kind == "exists":
        return ("exists", v)
    if kind == "cidr":
        return ("cidr", str(ipaddress.ip_network(f"{v['addr']}/{v['prefix']}")))
    if kind == "field_ref":
        # pySigma's field reference has no case (it drops `cased`): compared without it.
        return ("ref", v["field"], v["how"])
    if kind == "time_part":
        return ("time", v[0], v[1])
    raise ValueError(op)


def ours(e):
    (kind, v), = e.items()
    if kind in ("and", "or"):
        return group(kind, [ours(x) for x in v])
    if kind == "not":
        return ("not", ours(v))
    if kind == "field":
        return ("field", v["field"], ours_op(v["op"]))
    if kind == "keyword":
        s = ours_str(v)
        return ("kw", s)
    raise ValueError(e)


# ---- pySigma ----

def py_string(s, case="i"):
    parts = []
    for p in s.s:
        if isinstance(p, str):
            parts.append(("lit", p))
        elif p == SpecialChars.WILDCARD_MULTI:
            parts.append(("any",))
        elif p == SpecialChars.WILDCARD_SINGLE:
            parts.append(("one",))
        elif isinstance(p, Placeholder):
            parts.append(("ph", p.name))
    return ("str", case, norm_parts(parts))


def py_value(v):
    if isinstance(v, SigmaTimestampPart):
        return ("time", v.timestamp_part.name.lower(), int(v.number))
    if isinstance(v, SigmaCasedString):
        return py_string(v, "s")
    if isinstance(v, SigmaString):
        return py_string(v)
    if isinstance(v, SigmaRegularExpression):
        letters = {"IGNORECASE": "i", "MULTILINE": "m", "DOTALL": "s"}
        flags = "".join(sorted(letters[f.name] for f in v.flags))
        return ("re", str(v.regexp), flags)
    if isinstance(v, SigmaBool):
        return ("bool", v.boolean)
    if isinstance(v, SigmaNumber):
        return ("num", float(v.number))
    if isinstance(v, SigmaNull):
        return ("null",)
    if isinstance(v, SigmaExists):
        return ("exists", v.exists)
    if isinstance(v, SigmaCIDRExpression):
        return ("cidr", str(v.network))
    if isinstance(v, SigmaCompareExpression):
        return ("cmp", v.op.name.lower(), float(v.number.number))
    if isinstance(v, SigmaFieldReference):
        how = {(False, False): "eq", (True, False): "startswith", (False, True): "endswith", (True, True): "contains"}
        return ("ref", v.field, how[(v.starts_with, v.ends_with)])
    raise ValueError(repr(v))


def py(n):
    if isinstance(n, ConditionAND):
        return group("and", [py(a) for a in n.args])
    if isinstance(n, ConditionOR):
        return group("or", [py(a) for a in n.args])
    if isinstance(n, ConditionNOT):
        return ("not", py(n.args[0]))
    if isinstance(n, (ConditionFieldEqualsValueExpression, ConditionValueExpression)):
        values = n.value.values if isinstance(n.value, SigmaExpansion) else [n.value]
        leaves = []
        for v in values:
            if isinstance(n, ConditionFieldEqualsValueExpression):
                leaves.append(("field", n.field, py_value(v)))
            else:
                if isinstance(v, SigmaNumber):  # a number keyword is searched as its text
                    v = SigmaString(str(v.number))
                kind, case, parts = py_value(v)
                leaves.append(("kw", (kind, case, surround(parts))))
        return group("or", leaves)
    raise ValueError(repr(n))


def main(binary, paths):
    out = subprocess.run(
        [binary, "check", "--format", "json", "--show-ir", *paths], capture_output=True, text=True
    )
    report = json.loads(out.stdout)
    compared = differ = skipped = 0
    by_file = {}
    for d in report["documents"]:
        by_file.setdefault(d["file"], []).append(d)
    for file, docs in sorted(by_file.items()):
        try:
            rules = SigmaCollection.from_yaml(Path(file).read_text(encoding="utf-8")).rules
        except Exception as e:  # pySigma cannot read it: nothing to compare
            print(f"SKIPPED {file}: pySigma: {e}")
            skipped += 1
            continue
        for doc, rule in zip(docs, rules):
            if doc["kind"] != "rule" or not doc["ok"]:
                skipped += 1
                continue
            try:
                theirs = [py(c.parsed) for c in rule.detection.parsed_condition]
            except Exception as e:
                print(f"SKIPPED {file}: pySigma: {e}")
                skipped += 1
                continue
            mine = [ours(c["expr"]) for c in doc["conditions"]]
            compared += 1
            if mine != theirs:
                differ += 1
                print(f"DIFFERENT {file}\n  sigma-kql: {mine}\n  pySigma:   {theirs}\n")
    print(f"{compared} rules compared with pySigma: {differ} different, {skipped} skipped")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
