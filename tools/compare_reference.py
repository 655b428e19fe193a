"""Compares sigma-kql's microsoft_xdr output with the reference converter's (pySigma 1.5.1 +
pySigma-backend-kusto 1.0.1, ../shared/reference/pysigma-kusto-microsoft_xdr.jsonl) and puts
every rule whose result differs into a named category, each explained in
docs/reference-comparison.md. Exits 1 if a differing rule fits no category.

    sigma-kql convert -f json ../shared/sigma/rules > ours.json   (exit status 1 is expected)
    python3 tools/compare_reference.py ours.json ../shared/reference/pysigma-kusto-microsoft_xdr.jsonl

How queries are compared: both are cut into predicates (column, operator, value): string
literals decoded, `in~ (…)` lists expanded, quoted numbers unquoted, ActionType filters and
the joined-path aliases noted. Two queries over the same table with the same predicates
differ only in form (quoting, grouping, parentheses, line breaks). Otherwise the predicates
that differ name the category.
"""
import collections
import json
import re
import sys

TOKEN = re.compile(
    r'''\s+|@"(?:[^"]|"")*"|@'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|'''
    r"""\[('(?:[^'\\]|\\.)*')\]|!?in~|!in\b|!(?:contains|startswith|endswith)(?:_cs)?\b|"""
    r"""[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|=~|!~|==|!=|>=|<=|[()\[\],<>*|=]"""
)
STRING_OPS = {
    "=~", "==", "!~", "!=", "contains", "contains_cs", "startswith", "startswith_cs",
    "endswith", "endswith_cs", "has", "has_all", "has_any", "in~", "in", "!in~", "!in",
    ">", "<", ">=", "<=",
    "!contains", "!contains_cs", "!startswith", "!startswith_cs", "!endswith", "!endswith_cs",
}

# Predicates are compared without their polarity (`not(…)` is not part of an atom), so a
# negated operator counts as its positive form: `X !~ "v"` is the atom of `not(X =~ "v")`.
POSITIVE = {"!~": "=~", "!=": "==", "!in~": "in~", "!in": "in"}
POSITIVE.update({f"!{w}{cs}": f"{w}{cs}" for w in ("contains", "startswith", "endswith") for cs in ("", "_cs")})


def decode(tok):
    if tok.startswith('@"'):
        return tok[2:-1].replace('""', '"')
    if tok.startswith("@'"):
        return tok[2:-1].replace("''", "'")
    if tok[0] in "\"'":
        body = tok[1:-1]
        return re.sub(r"\\u([0-9a-fA-F]{4})|\\(.)", lambda m: chr(int(m.group(1), 16)) if m.group(1) else {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(2), m.group(2)), body)
    return tok


def tokens(text):
    out = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            out.append(text[pos])
            pos += 1
            continue
        tok = m.group(0)
        pos = m.end()
        if not tok.strip():
            continue
        out.append(tok)
    return out


def is_str(tok):
    return tok[:1] in "\"'" or tok.startswith("@\"") or tok.startswith("@'")


def atoms(query):
    """The predicates of a query: (column, op, value) triples, plus function tests."""
    lines = query.split("\n")
    table = lines[0].strip()
    out = collections.Counter()
    aliases = {}
    body = []
    for line in lines[1:]:
        line = line.strip()
        if line.startswith("| extend "):
            name = line[len("| extend "):].split("=", 1)[0].strip()
            aliases[name] = "joined:" + name
            continue
        if line.startswith("| project-away"):
            continue
        body.append(line[len("| where "):] if line.startswith("| where ") else line)
    toks = tokens(" ".join(body))
    i = 0
    while i < len(toks):
        t = toks[i]
        col = aliases.get(t, t)
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        nxt2 = toks[i + 2] if i + 2 < len(toks) else ""
        if nxt == "matches" and nxt2 == "regex":
            out[(col, "matches regex", decode(toks[i + 3]))] += 1
            i += 4
            continue
        if nxt in STRING_OPS and t not in ("(", ")", ","):
            nxt = POSITIVE.get(nxt, nxt)
            if nxt in ("in~", "in") and nxt2 == "(":
                j = i + 3
                op = {"in~": "=~", "in": "=="}[nxt]
                while j < len(toks) and toks[j] != ")":
                    if toks[j] != ",":
                        out[(col, op, decode(toks[j]))] += 1
                    j += 1
                i = j + 1
                continue
            out[(col, nxt, decode(nxt2) if is_str(nxt2) else nxt2)] += 1
            i += 3
            continue
        if re.match(r"^(isempty|isnotempty|isnull|isnotnull|ipv4_is_in_range|ipv4_is_in_any_range|ipv6_is_in_any_range|datetime_part|tostring|tolong)$", t) and nxt == "(":
            args = []
            j = i + 2
            depth = 1
            while j < len(toks) and depth:
                if toks[j] == "(":
                    depth += 1
                elif toks[j] == ")":
                    depth -= 1
                if depth and toks[j] != ",":
                    args.append(decode(toks[j]) if is_str(toks[j]) else aliases.get(toks[j], toks[j]))
                j += 1
            out[(t,) + tuple(args)] += 1
            i = j
            continue
        if is_str(t) and (i == 0 or toks[i - 1] in ("(", "or", "and", "not")):
            out[("keyword", decode(t))] += 1
        i += 1
    return table, out


def norm_ref(atom_counter):
    """The reference quotes numbers in in~ lists; KQL compares them as numbers there."""
    out = collections.Counter()
    for a, n in atom_counter.items():
        if len(a) == 3 and a[1] == "=~" and isinstance(a[2], str) and re.fullmatch(r"-?\d+", a[2]):
            a = (a[0], "==", a[2])
        out[a] += n
    return out


def classify_both_ok(ours_q, ref_q):
    ours_t, ours_a = atoms(ours_q)
    ref_t, ref_a = atoms(ref_q)
    ref_a = norm_ref(ref_a)
    if ours_t != ref_t:
        return "different-table"
    if ours_a == ref_a:
        return "same-predicates"
    only_ours = ours_a - ref_a
    only_ref = ref_a - ours_a
    ours_cols = {a[0] for a in only_ours}
    ref_cols = {a[0] for a in only_ref}
    cats = []
    if any(a[0] == "ActionType" for a in only_ours):
        cats.append("event-type-filter")
    if any(str(a[0]).startswith("joined:RegistryKey") or str(a[0]).startswith("joined:PreviousRegistryKey") for a in only_ours):
        cats.append("registry-value-name")
    if any(a[0] == "RegistryValueType" for a in only_ours):
        cats.append("registry-dword")
    if any(len(a) == 3 and a[1] == "matches regex" for a in only_ref) or any(
        len(a) == 3 and a[1] == "matches regex" and str(a[2]).startswith("(?is)^") for a in only_ours
    ):
        cats.append("wildcard-anchored")
    if any(str(a[0]).startswith("joined:InitiatingProcessFolderPath") for a in only_ours):
        cats.append("acting-process-path")
    if any(str(a[0]).startswith("joined:AccountDomain") or str(a[0]).startswith("joined:InitiatingProcessAccountDomain") for a in only_ours):
        cats.append("user-domain")
    if any(a[0] in ("ipv4_is_in_range",) for a in only_ref):
        cats.append("cidr")
    if any(a[0] == "isnull" for a in only_ref) or any(a[0] in ("isempty",) for a in only_ours):
        cats.append("null-is-empty")
    if any(a[0] == "keyword" for a in only_ref):
        cats.append("keyword-search")
    if any(a[0] in ("MD5", "SHA1", "SHA256") for a in only_ours | only_ref):
        cats.append("hashes")
    if any(a[0] == "InitiatingProcessParentFileName" for a in only_ours | only_ref):
        cats.append("parent-file-name")
    if any(a[0] == "tostring" for a in only_ours):
        cats.append("json-path")
    if any(len(a) == 3 and a[1] in ("==", "=~") and re.fullmatch(r"-?\d+", str(a[2])) for a in only_ours | only_ref):
        cats.append("numbers")
    if any("HKEY_" in str(a[-1]) or "ControlSet" in str(a[-1]) for a in only_ours | only_ref):
        cats.append("registry-hive")
    if not cats and all(len(a) == 3 and a[1].endswith("_cs") for a in only_ours):
        cats.append("cased")
    if not cats and only_ours and only_ref and len(only_ours) == len(only_ref) and all(
        len(a) == 3 and a[1] in ("contains", "startswith", "endswith") for a in only_ours | only_ref
    ):
        # The reference turns a wildcard inside a value into several contains.
        cats.append("wildcard-anchored")
    return "+".join(cats) if cats else None


def main(ours_path, ref_path):
    ours = {x["path"].split("shared/sigma/", 1)[-1]: x for x in json.load(open(ours_path, encoding="utf-8"))}
    ref = {}
    for line in open(ref_path, encoding="utf-8"):
        r = json.loads(line)
        ref[r["path"]] = r
    counts = collections.Counter()
    examples = {}
    unclassified = []
    for path, o in sorted(ours.items()):
        r = ref.get(path)
        if r is None:
            unclassified.append((path, "not in the reference"))
            continue
        o_ok, r_ok = o["status"] == "ok", r["status"] == "ok"
        if not o_ok and not r_ok:
            cat = "both-refuse: " + o["errors"][0]["reason"]
        elif o_ok and not r_ok:
            err = r.get("error") or ""
            if r["status"] == "empty":
                cat = "reference-empty-query"
            elif "Unable to determine table" in err:
                cat = "new-route"
            elif "No valid hash algo" in err:
                cat = "imphash-left-out"
            elif "Invalid SigmaDetectionItem field name" in err:
                cat = "field-mapped"
            else:
                cat = None
        elif not o_ok and r_ok:
            reason = o["errors"][0]["reason"]
            message = o["errors"][0]["message"]
            if reason == "unmapped-field":
                cat = "refused: no column of the same meaning"
            elif reason == "unsupported-value" and "holds only the file name" in message:
                cat = "refused: full path against a file-name column"
            elif reason == "unsupported-value" and "holds a number" in message:
                cat = "refused: part of a number's hexadecimal text"
            elif reason == "unsupported-value":
                cat = "refused: value the column writes differently"
            elif reason == "unsupported-construct":
                cat = "refused: keyword with a wildcard"
            elif reason == "unsupported-logsource":
                cat = "refused: log source the table does not record"
            else:
                cat = None
        else:
            if len(o["queries"]) != len(r["queries"]):
                cat = "query-count"
            else:
                cats = {classify_both_ok(oq, rq) for oq, rq in zip(o["queries"], r["queries"])}
                cat = None if None in cats else "+".join(sorted(cats))
        if cat is None:
            unclassified.append((path, o["status"], r["status"]))
            continue
        counts[cat] += 1
        examples.setdefault(cat, path)
    # Categories of rules converted by both: split into their named parts for the table.
    parts = collections.Counter()
    for cat, n in counts.items():
        for p in cat.split("+"):
            parts[p] += n
    print(f"{sum(counts.values())} rules classified, {len(unclassified)} unclassified\n")
    print("| category | rules | example |")
    print("|---|---|---|")
    for cat, n in sorted(parts.items(), key=lambda x: (-x[1], x[0])):
        ex = next(p for c, p in examples.items() if cat in c.split("+"))
        print(f"| {cat} | {n} | `{ex}` |")
    for u in unclassified[:30]:
        print("UNCLASSIFIED", u, file=sys.stderr)
    return 1 if unclassified else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
