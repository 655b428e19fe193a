#!/usr/bin/env python3
"""Differential check: the local evaluator and the generated KQL mean the same thing.

For every rule the evaluator reports as ``evaluated``, this runs the rule's KQL (the text the
evaluator reports, exclusions included) with an independent executor, PyPI ``duckdb-kql`` (KQL
translated to DuckDB SQL), on the same rows the evaluator saw, and compares the rows the query
returns (by ``ReportId``) with the row indexes the evaluator says remain. Agreement on every rule
is evidence that the evaluator's local semantics and the KQL's Kusto semantics coincide on those
rows; each disagreement is printed with the rows only one side returned and the columns the query
names.

CI creates the environment and calls it like this (``../shared`` beside the clone)::

    python3 -m venv /tmp/kqlvenv && /tmp/kqlvenv/bin/pip install -q 'duckdb-kql[all]'
    /tmp/kqlvenv/bin/python tools/kql_differential.py \\
        --schema ../shared/schema/kusto-tables.json --flavor defender \\
        --rows rows.jsonl --eval eval.json [--max-report 20]

Inputs:

* ``--rows``: JSON Lines, one object per row; the 0-based line number is the row index. ``_table``
  names the table; other keys starting with ``_`` are ignored; every other key is a column. Each
  row has a unique integer ``ReportId``. Blank lines are not allowed (they would shift indexes).
* ``--schema``/``--flavor``: ``{"defender"|"sentinel": {Table: [{"name", "type"}]}}``. Every table
  is loaded with ALL its schema columns, typed (string/guid -> VARCHAR, long/int -> BIGINT,
  real/double -> DOUBLE, bool -> BOOLEAN, datetime -> TIMESTAMP (UTC), dynamic -> JSON,
  timespan -> INTERVAL). A missing or null *string* column is "" (Kusto strings are never null);
  other missing or null columns are NULL. A JSON object or array in a string column is written
  as its compact JSON text (Defender's ``AdditionalFields`` is a string of JSON). A value whose
  JSON type does not fit its column is NULL and counted as *coerced*; a number or boolean in a
  string column keeps its JSON text and is counted as coerced too. The coercions are listed.
* ``--eval``: the evaluator's report, ``{"mode": "target", "rules": [{"path", "title",
  "condition", "status", "table", "query", "remaining": [{"index": n}, ...]}, ...]}``. Only rules
  with status ``evaluated`` and a ``query`` are checked; ``remaining`` is compared with the KQL's
  rows after restricting both to the rows of the rule's table.

Output (stdout, deterministic): the coercions, each disagreement (path, condition, title, the
query, the rows only in KQL and only in the evaluator, and the query's columns for up to 3 of
those rows), each query duckdb-kql cannot run (parse error, unsupported construct, binder
error) with its error, and last the summary line::

    differential: R rules, N rows, Q queries run, D disagreements, U not runnable by duckdb-kql

R counts every rule in the report, N the rows loaded, Q the queries handed to duckdb-kql
(Q = agreements + D + U). A row the KQL returns twice, or a ReportId that no row of the rule's
table has, is a disagreement too. Timing goes to stderr, so stdout stays the same from run to run.
``--known-gap TEXT`` (repeatable) names a construct duckdb-kql cannot run (the error text contains
TEXT): such queries are listed as known gaps and do not fail the check. CI passes
``StringStarOperatorExpression``: KQL's whole-row search ``* contains "x"`` (Sigma keywords),
whose evaluator semantics the Rust tests cover instead.

``--max-report`` bounds how many disagreements and how many unrunnable queries are detailed
(the counts are always complete).

Exit status: 0 when D == 0 and U == 0, 1 otherwise, 2 for bad inputs (unreadable or malformed
files, a report whose mode is not "target", a row without a table or an integer ReportId, a
duplicate ReportId, a row index out of range, a row of a table the schema does not have) or a
missing duckdb-kql. A rule whose table is not in the schema is reported as not runnable.

Speed: duckdb_kql.kql() re-reads the connection's schema on every call; this instead builds
the tables once on one connection, translates each distinct query once with
duckdb_kql.to_sql() (in ``--jobs`` worker processes, default CPUs - 1, while the main process
runs the SQL), and fetches only the ReportId column. Timing is printed on stderr.

Workarounds (see ``register_ip_translations``): duckdb-kql 1.1.2 has no mapping for
``ipv4_is_in_any_range`` and ``ipv6_is_in_any_range``. When its function registry lacks them,
this adds one row each to that registry (``duckdb_kql.translate.functions.SCALAR_FUNCTIONS``,
the package's data table of KQL-to-SQL function mappings, which it exports) rendering a call to a DuckDB Python UDF that
implements Kusto's documented semantics with the standard ``ipaddress`` module. The query text
is never rewritten. ``* contains "x"`` (whole-row search) is not supported by duckdb-kql and has
no clean extension point: such queries are reported as not runnable.

Uses only the standard library and duckdb-kql with its dependencies (duckdb, pyarrow).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import ipaddress
import json
import math
import os
import re
import sys
import time
from collections import Counter

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2
ROWS_SHOWN = 3

#: Kusto type (as the schema file spells it) -> DuckDB column type.
DUCK_TYPES = {
    "string": "VARCHAR",
    "guid": "VARCHAR",
    "long": "BIGINT",
    "int": "BIGINT",
    "real": "DOUBLE",
    "double": "DOUBLE",
    "decimal": "DOUBLE",
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
    "datetime": "TIMESTAMP",
    "date": "TIMESTAMP",
    "dynamic": "JSON",
    "timespan": "INTERVAL",
}
INT64 = (-(2**63), 2**63 - 1)


class BadInput(Exception):
    """An input file that cannot be checked; exit status 2."""


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise BadInput(f"{what} {path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise BadInput(f"{what} {path}: not JSON: {e}") from None


def load_schema(path, flavor):
    data = read_json(path, "schema")
    if not isinstance(data, dict) or not isinstance(data.get(flavor), dict):
        raise BadInput(f"schema {path}: no {flavor!r} object of tables")
    tables = {}
    for table, columns in data[flavor].items():
        if not isinstance(columns, list):
            raise BadInput(f"schema {path}: {flavor}.{table} is not a list of columns")
        cols = []
        for c in columns:
            if not isinstance(c, dict) or not isinstance(c.get("name"), str):
                raise BadInput(f"schema {path}: {flavor}.{table}: column without a name")
            kind = str(c.get("type", "")).lower()
            if kind not in DUCK_TYPES:
                raise BadInput(f"schema {path}: {flavor}.{table}.{c['name']}: unknown type {kind!r}")
            cols.append((c["name"], kind))
        tables[table] = cols
    return tables


def read_rows(path):
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    raise BadInput(f"rows {path}:{number}: blank line (row indexes are line numbers)")
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise BadInput(f"rows {path}:{number}: not JSON: {e}") from None
                if not isinstance(row, dict):
                    raise BadInput(f"rows {path}:{number}: not a JSON object")
                rows.append(row)
    except OSError as e:
        raise BadInput(f"rows {path}: {e.strerror}") from None
    return rows


def read_eval(path):
    data = read_json(path, "eval")
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise BadInput(f"eval {path}: no \"rules\" list")
    mode = data.get("mode", "target")
    if mode != "target":
        raise BadInput(
            f"eval {path}: mode {mode!r}: the KQL means the target's semantics, "
            "so only a report made with mode \"target\" can be compared with it"
        )
    for number, rule in enumerate(data["rules"]):
        if not isinstance(rule, dict):
            raise BadInput(f"eval {path}: rules[{number}] is not an object")
    return data["rules"]


# ---------------------------------------------------------------------------
# Typing the rows (one converter per Kusto type)
# ---------------------------------------------------------------------------

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_TIMESPAN = re.compile(r"(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?")


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_datetime(text):
    m = _ISO.fullmatch(text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        value = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    except ValueError:
        return None
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        try:
            value -= sign * offset
        except OverflowError:
            return None
    return value


def parse_timespan(text):
    m = _TIMESPAN.fullmatch(text.strip())
    if not m:
        return None
    neg, days, h, mi, s, frac = m.groups()
    value = dt.timedelta(
        days=int(days or 0), hours=int(h), minutes=int(mi), seconds=int(s or 0),
        microseconds=int((frac or "0")[:6].ljust(6, "0")),
    )
    return -value if neg else value


INTEGER_TEXT = re.compile(r"[+-]?[0-9]+\Z")


def convert(kind, value):
    """(loaded value, coercion label or None) for a JSON *value* in a column of *kind*.

    *value* is never None here; a missing or null value is handled by the caller.
    """
    if kind == "string":
        if isinstance(value, str):
            return value, None
        if isinstance(value, (dict, list)):
            return compact(value), None
        return compact(value), f"{json_type(value)} as text"
    if kind == "guid":
        return (value, None) if isinstance(value, str) else (None, f"{json_type(value)} -> NULL")
    if kind in ("long", "int"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and INTEGER_TEXT.match(value.strip()):
            # Kusto's ingestion reads a JSON string holding a number into a long column.
            parsed = int(value.strip())
            if INT64[0] <= parsed <= INT64[1]:
                return parsed, "string as number"
        if isinstance(value, int) and not isinstance(value, bool) and INT64[0] <= value <= INT64[1]:
            return value, None
        return None, f"{json_type(value)} -> NULL"
    if kind in ("real", "double", "decimal"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), None
        if isinstance(value, str):
            try:
                parsed = float(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and math.isfinite(parsed):
                return parsed, "string as number"
        return None, f"{json_type(value)} -> NULL"
    if kind in ("bool", "boolean"):
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true", "string as bool"
        if isinstance(value, int):
            return value != 0, "number as bool"
        return None, f"{json_type(value)} -> NULL"
    if kind in ("datetime", "date"):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        return (parsed, None) if parsed is not None else (None, f"{json_type(value)} -> NULL")
    if kind == "timespan":
        parsed = parse_timespan(value) if isinstance(value, str) else None
        return (parsed, None) if parsed is not None else (None, f"{json_type(value)} -> NULL")
    if kind == "dynamic":
        return compact(value), None
    raise AssertionError(kind)


def json_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


class Tables:
    """The rows, typed per schema table, with their index <-> ReportId maps."""

    def __init__(self, schema, rows):
        self.schema = schema
        self.rows = rows
        self.by_table = {}  # table -> [row index]
        self.typed = {}  # row index -> {column: loaded value}
        self.report_id = {}  # table -> {ReportId: row index}
        self.table_of = {}  # row index -> table
        self.coerced = Counter()  # (table, column, label) -> count
        self.unknown = Counter()  # (table, column) -> count
        seen = {}
        for index, row in enumerate(rows):
            table = row.get("_table")
            if not isinstance(table, str):
                raise BadInput(f"rows line {index + 1}: no \"_table\"")
            if table not in schema:
                raise BadInput(f"rows line {index + 1}: table {table!r} is not in the schema")
            columns = dict(schema[table])
            if "ReportId" not in columns:
                raise BadInput(f"rows line {index + 1}: table {table} has no ReportId column")
            rid = row.get("ReportId")
            if isinstance(rid, float) and rid.is_integer():
                rid = int(rid)
            if not isinstance(rid, int) or isinstance(rid, bool):
                raise BadInput(f"rows line {index + 1}: ReportId {rid!r} is not an integer")
            if rid in seen:
                raise BadInput(
                    f"rows line {index + 1}: ReportId {rid} already used on line {seen[rid] + 1}"
                )
            seen[rid] = index
            typed = {}
            for name, kind in schema[table]:
                value = row.get(name)
                if value is None:
                    typed[name] = "" if kind == "string" else None
                    continue
                typed[name], label = convert(kind, value)
                if label:
                    self.coerced[(table, name, f"{label} ({kind} column)")] += 1
            for key in row:
                if not key.startswith("_") and key not in columns:
                    self.unknown[(table, key)] += 1
            self.typed[index] = typed
            self.table_of[index] = table
            self.by_table.setdefault(table, []).append(index)
            self.report_id.setdefault(table, {})[rid] = index

    def load(self, con, tables):
        """CREATE each of *tables* with all its schema columns, typed, and insert its rows."""
        import pyarrow as pa

        arrow_types = {
            "VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
            "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"), "JSON": pa.string(),
            "INTERVAL": pa.duration("us"),
        }
        for table in sorted(tables):
            columns = self.schema[table]
            indexes = self.by_table.get(table, [])
            arrays, names = [], []
            for i, (name, kind) in enumerate(columns):
                duck = DUCK_TYPES[kind]
                values = [self.typed[r][name] for r in indexes]
                arrays.append(pa.array(values, type=arrow_types[duck]))
                names.append(f"c{i}")
            staged = pa.Table.from_arrays(arrays, names=names)
            select = ", ".join(
                f"CAST(c{i} AS {DUCK_TYPES[kind]}) AS {quote_ident(name)}"
                for i, (name, kind) in enumerate(columns)
            )
            con.register("_kqldiff_stage", staged)
            try:
                con.execute(f"CREATE TABLE {quote_ident(table)} AS SELECT {select} FROM _kqldiff_stage")
            except Exception as e:  # noqa: BLE001 - e.g. two columns differing only in case
                raise BadInput(f"table {table}: DuckDB cannot hold its schema: {describe(e)}") from None
            finally:
                con.unregister("_kqldiff_stage")


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------
# Workaround: ipv4_is_in_any_range / ipv6_is_in_any_range
# ---------------------------------------------------------------------------
#
# Kusto (learn.microsoft.com/kusto/query/ipv4-is-in-any-range-function, ipv6-is-in-any-range-
# function): true if the address is in any of the ranges given in IP-prefix (CIDR) notation,
# false otherwise, null if an address or range string does not convert. A range's base address
# is masked by its prefix ('192.168.1.1/24' is 192.168.1.0/24); a range without a prefix is one
# address. The IPv6 functions accept IPv4 strings too and compare them as IPv4-mapped IPv6
# addresses (ipv6_compare's page: ipv6_compare('::ffff:7f00:1', '127.0.0.1') == 0).


def _ipv4(text):
    try:
        return ipaddress.IPv4Address(text.strip())
    except (ipaddress.AddressValueError, ValueError, AttributeError):
        return None


def _ipv6(text):
    if not isinstance(text, str):
        return None
    text = text.strip()
    v4 = _ipv4(text)
    if v4 is not None:
        return ipaddress.IPv6Address("::ffff:" + str(v4))
    try:
        return ipaddress.IPv6Address(text)
    except (ipaddress.AddressValueError, ValueError):
        return None


@functools.lru_cache(maxsize=4096)
def _network(text, version):
    if not isinstance(text, str):
        return None
    base, slash, prefix = text.strip().partition("/")
    address = _ipv4(base) if version == 4 else _ipv6(base)
    if address is None:
        return None
    bits = 32 if version == 4 else 128
    if slash:
        if not prefix.isdigit() or int(prefix) > bits:
            return None
        length = int(prefix)
    else:
        length = bits
    cls = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
    return cls((int(address), length), strict=False)


def _in_any_range(version, args):
    if args is None or len(args) < 2:
        return None
    address = _ipv4(args[0]) if version == 4 else _ipv6(args[0])
    if address is None:
        return None
    networks = [_network(r, version) for r in args[1:]]
    if any(n is None for n in networks):
        return None
    return any(address in n for n in networks)


def ipv4_is_in_any_range_udf(args):
    return _in_any_range(4, args)


def ipv6_is_in_any_range_udf(args):
    return _in_any_range(6, args)


IP_FUNCTIONS = {
    "ipv4_is_in_any_range": ("kqldiff_ipv4_is_in_any_range", ipv4_is_in_any_range_udf),
    "ipv6_is_in_any_range": ("kqldiff_ipv6_is_in_any_range", ipv6_is_in_any_range_udf),
}


def register_ip_translations():
    """Add registry rows for the IP range functions duckdb-kql lacks; returns their names.

    Translation only: each row renders a call to a SQL function that
    :func:`register_ip_udfs` then creates on the connection. A function duckdb-kql already
    maps is left alone, so a later duckdb-kql that supports it is used as it is.
    """
    from duckdb_kql.translate import functions as registry

    added = []
    for kql_name, (sql_name, _) in IP_FUNCTIONS.items():
        if registry.lookup(kql_name) is not None:
            continue
        # A variadic row: '{}' receives all the arguments, address first, as one SQL list.
        registry.SCALAR_FUNCTIONS[kql_name] = registry.FunctionSpec(
            kql_name, "template", f"{sql_name}([{{}}])", (), (),
            "tools/kql_differential.py: Python UDF over the ipaddress module",
        )
        added.append(kql_name)
    return added


def register_ip_udfs(con, names):
    for kql_name in names:
        sql_name, fn = IP_FUNCTIONS[kql_name]
        con.create_function(
            sql_name, fn, ["VARCHAR[]"], "BOOLEAN", null_handling="special", side_effects=False,
        )


# ---------------------------------------------------------------------------
# Running the queries
# ---------------------------------------------------------------------------
#
# duckdb-kql's own entry point, duckdb_kql.kql(con, query), reads the connection's whole
# information_schema and sets the time zone on every call, then translates. Here the
# connection is set up once (duckdb_kql.connect() sets TimeZone=UTC), the schema is handed to
# duckdb_kql.to_sql() directly, each distinct query is translated once, and translation (pure
# Python, about as slow as DuckDB's planning plus execution) runs in worker processes while
# the main process executes the SQL.

_WORKER_SCHEMA = None


def _worker_init(schema_names):
    global _WORKER_SCHEMA
    _WORKER_SCHEMA = schema_names
    register_ip_translations()


def translate(query, schema_names=None):
    """(sql, parameters, None) or (None, None, error text)."""
    import duckdb_kql

    try:
        sql = duckdb_kql.to_sql(
            query, schema=schema_names if schema_names is not None else _WORKER_SCHEMA,
            allow_write=False,
        )
    except Exception as e:  # noqa: BLE001 - every failure is reported
        return None, None, describe(e)
    return str(sql), dict(sql.parameters or {}), None


def translations(queries, schema_names, jobs):
    """Yield (query, translation) for each of *queries*, in order, with *jobs* workers."""
    if jobs > 0:
        import concurrent.futures as cf
        import multiprocessing

        try:
            pool = cf.ProcessPoolExecutor(
                jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init, initargs=(schema_names,),
            )
        except (OSError, ValueError) as e:
            print(f"kql_differential: no worker processes ({e}); translating here", file=sys.stderr)
        else:
            with pool:
                yield from zip(queries, pool.map(translate, queries, chunksize=4))
            return
    for query in queries:
        yield query, translate(query, schema_names)


def execute(con, translation):
    """(list of ReportId, None) or (None, error text)."""
    sql, params, error = translation
    if error is not None:
        return None, error
    params = params or None
    wrapped = f'SELECT "ReportId" FROM (\n{sql}\n) AS _kqldiff_result'
    try:
        return [r[0] for r in con.execute(wrapped, params).fetchall()], None
    except Exception:  # noqa: BLE001 - rerun unwrapped for the real error
        pass
    try:
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        cursor.fetchall()
    except Exception as e:  # noqa: BLE001
        return None, describe(e)
    return None, f"the result has no ReportId column (columns: {', '.join(columns)})"


def describe(error):
    text = str(error).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    head = lines[0] if lines else ""
    for extra in lines[1:3]:
        if extra.startswith(("LINE", "HINT")):
            continue
        head += " " + extra.strip()
    if len(head) > 400:
        head = head[:400] + "…"
    return f"{type(error).__name__}: {head}"


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

_LITERAL_OR_COMMENT = re.compile(
    r'@"(?:[^"]|"")*"|@\'(?:[^\']|\'\')*\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*'
)
_IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_WHOLE_ROW = re.compile(r"(?:^|[\s(])\*\s*!?(?:contains|has|startswith|endswith|matches)")


def query_columns(query, columns):
    """Schema columns the query names, in schema order (for showing rows, never for running)."""
    code = _LITERAL_OR_COMMENT.sub(" ", query)
    if _WHOLE_ROW.search(code):
        return None  # whole-row search: every column is relevant
    named = set(_IDENT.findall(code))
    return [c for c, _ in columns if c in named]


def show(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds") + "Z"
    if isinstance(value, dt.timedelta):
        return str(value)
    return compact(value) if value is not None else "null"


def describe_row(tables, index, relevant):
    table = tables.table_of[index]
    original = tables.rows[index]
    typed = tables.typed[index]
    columns = tables.schema[table]
    if relevant is None:  # whole-row search: every column with a value
        names = [c for c, k in columns if typed[c] not in (None, "")]
    else:
        names = relevant
    names = ["ReportId"] + [c for c in names if c != "ReportId"]
    lines = []
    for name in names:
        shown = show(typed[name])
        if name not in original:
            shown += " (absent from the row)"
        elif original[name] is None:
            shown += " (null in the row)"
        elif typed[name] is None or (isinstance(original[name], (int, float, bool)) and isinstance(typed[name], str)):
            shown += f" (the row has {compact(original[name])})"
        lines.append(f"      {name} = {shown}")
    return lines


def indented(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def rule_label(rule):
    condition = rule.get("condition")
    cond = f" [condition {condition}]" if condition is not None else ""
    return f"{rule.get('path', '?')}{cond} {json.dumps(rule.get('title', ''), ensure_ascii=False)}"


def remaining_indexes(rule, n_rows, number):
    out = []
    remaining = rule.get("remaining", [])
    if not isinstance(remaining, list):
        raise BadInput(f"eval rules[{number}]: \"remaining\" is not a list")
    count = rule.get("remaining_count", len(remaining))
    if isinstance(count, int) and count > len(remaining):
        raise BadInput(
            f"eval rules[{number}] ({rule.get('path')}): lists {len(remaining)} of {count} "
            "remaining alerts; run sigma-kql eval with --list-limit 0"
        )
    for item in remaining:
        index = item.get("index") if isinstance(item, dict) else item
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < n_rows:
            raise BadInput(f"eval rules[{number}] ({rule.get('path')}): row index {index!r} out of range")
        out.append(index)
    return out


_LEADING_TABLE = re.compile(r"\s*(?://[^\n]*\n\s*)*([A-Za-z_][A-Za-z0-9_]*)")


def rule_table(rule):
    table = rule.get("table")
    if isinstance(table, str) and table:
        return table
    m = _LEADING_TABLE.match(rule.get("query", ""))
    return m.group(1) if m else None


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the evaluator's KQL with duckdb-kql on the same rows and compare.",
    )
    parser.add_argument("--schema", required=True, help="kusto-tables.json")
    parser.add_argument("--flavor", required=True, choices=["defender", "sentinel"])
    parser.add_argument("--rows", required=True, help="rows.jsonl (line number = row index)")
    parser.add_argument("--eval", required=True, dest="eval_path", help="evaluator report (JSON)")
    parser.add_argument("--known-gap", action="append", default=[], metavar="TEXT",
                        help="an unrunnable query whose error contains TEXT is a known gap of duckdb-kql: "
                             "listed and counted, but not a failure (repeatable)")
    parser.add_argument("--max-report", type=int, default=20, metavar="N",
                        help="details for at most N disagreements and N unrunnable queries")
    parser.add_argument("--jobs", type=int, default=max(0, min(8, (os.cpu_count() or 1) - 1)),
                        metavar="N", help="worker processes translating KQL while the main one "
                        "runs SQL (0: translate in the main process); default: CPUs - 1")
    args = parser.parse_args(argv)
    args.max_report = max(0, args.max_report)
    args.jobs = max(0, args.jobs)
    started = time.perf_counter()
    try:
        return check(args, started)
    except BadInput as e:
        print(f"kql_differential: bad input: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


def check(args, started):
    try:
        import duckdb  # noqa: F401 - both must be importable before any work starts
        import duckdb_kql
    except ImportError as e:
        raise BadInput(f"{e}: install it with pip install 'duckdb-kql[all]'") from None

    schema = load_schema(args.schema, args.flavor)
    rows = read_rows(args.rows)
    rules = read_eval(args.eval_path)
    tables = Tables(schema, rows)

    checked = []
    for number, rule in enumerate(rules):
        if rule.get("status") != "evaluated" or not isinstance(rule.get("query"), str):
            continue
        checked.append((rule, rule_table(rule), remaining_indexes(rule, len(rows), number)))

    con = duckdb_kql.connect()
    try:
        return compare(args, started, con, schema, rows, rules, tables, checked)
    finally:
        # Closing drops the Python UDFs' references to the connection; without it
        # nanobind prints leak warnings at interpreter exit.
        con.close()


def compare(args, started, con, schema, rows, rules, tables, checked):
    import duckdb
    import duckdb_kql

    to_load = set(tables.by_table) | {t for _, t, _ in checked if t in schema}
    tables.load(con, to_load)
    workarounds = register_ip_translations()
    register_ip_udfs(con, workarounds)
    loaded = time.perf_counter()

    schema_names = {t: [c for c, _ in schema[t]] for t in sorted(to_load)}
    distinct = list(dict.fromkeys(rule["query"] for rule, _, _ in checked))
    workers = args.jobs if len(distinct) > 4 * args.jobs else 0  # a pool costs ~1 s to start
    outcome = {q: execute(con, t) for q, t in translations(distinct, schema_names, workers)}
    disagreements, unrunnable, gaps = [], [], []
    for rule, table, remaining in checked:
        returned, error = outcome[rule["query"]]
        if table not in schema:
            error = f"the rule's table {table!r} is not in the {args.flavor} schema" + (
                f" ({error})" if error else ""
            )
        if error is not None:
            if any(gap in error for gap in args.known_gap):
                gaps.append((rule, error))
            else:
                unrunnable.append((rule, error))
            continue
        ids = tables.report_id.get(table, {})
        counts = Counter(returned)
        kql_rows = {ids[r] for r in counts if r in ids}
        strays = sorted(r for r in counts if r not in ids)
        repeated = sorted(ids[r] for r, n in counts.items() if n > 1 and r in ids)
        evaluator = {i for i in remaining if tables.table_of[i] == table}
        only_kql = sorted(kql_rows - evaluator)
        only_eval = sorted(evaluator - kql_rows)
        if only_kql or only_eval or strays or repeated:
            disagreements.append((rule, table, only_kql, only_eval, strays, repeated))
    ran = time.perf_counter()

    out = []
    if tables.coerced:
        total = sum(tables.coerced.values())
        out.append(f"coerced values: {total}")
        for (table, column, label), n in sorted(tables.coerced.items()):
            out.append(f"  {table}.{column}: {label} x{n}")
    if tables.unknown:
        out.append("row keys that are not columns of their table (ignored):")
        for (table, column), n in sorted(tables.unknown.items()):
            out.append(f"  {table}.{column} x{n}")
    used = [name for name in workarounds if any(name in rule["query"] for rule, _, _ in checked)]
    if used:
        out.append(
            "workaround: duckdb-kql has no " + " / ".join(used)
            + "; registered Python UDFs implementing Kusto's documented semantics"
        )

    for rule, table, only_kql, only_eval, strays, repeated in disagreements[: args.max_report]:
        relevant = query_columns(rule["query"], schema[table])
        out.append("")
        out.append(f"DISAGREEMENT {rule_label(rule)} on {table}")
        out.append("  query:")
        out.append(indented(rule["query"]))
        out.append(f"  rows only in KQL ({len(only_kql)}): {', '.join(map(str, only_kql)) or '-'}")
        out.append(f"  rows only in the evaluator ({len(only_eval)}): {', '.join(map(str, only_eval)) or '-'}")
        if strays:
            out.append(f"  ReportIds returned by KQL that no {table} row has: {', '.join(map(str, strays))}")
        if repeated:
            out.append(f"  rows KQL returned more than once: {', '.join(map(str, repeated))}")
        for side, indexes in (("only in KQL", only_kql), ("only in the evaluator", only_eval)):
            for index in indexes[:ROWS_SHOWN]:
                out.append(f"    row {index} ({side}):")
                out.extend(describe_row(tables, index, relevant))
    if len(disagreements) > args.max_report:
        out.append(f"... {len(disagreements) - args.max_report} more disagreements not shown (--max-report)")

    for rule, error in unrunnable[: args.max_report]:
        out.append("")
        out.append(f"NOT RUNNABLE by duckdb-kql: {rule_label(rule)}")
        out.append(f"  error: {error}")
        out.append("  query:")
        out.append(indented(rule["query"]))
    if len(unrunnable) > args.max_report:
        out.append(f"... {len(unrunnable) - args.max_report} more unrunnable queries not shown (--max-report)")
    if unrunnable:
        out.append("")
        out.append("not runnable, by error:")
        kinds = Counter(error.split(" at ")[0].split(" near ")[0][:160] for _, error in unrunnable)
        for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  {n} x {kind}")

    for rule, error in gaps:
        out.append(f"known gap of duckdb-kql (not compared): {rule_label(rule)}: {error.split(' at ')[0]}")
    out.append(
        f"differential: {len(rules)} rules, {len(rows)} rows, {len(checked)} queries run, "
        f"{len(disagreements)} disagreements, {len(unrunnable)} not runnable by duckdb-kql"
        + (f", {len(gaps)} known gaps" if gaps else "")
    )
    print("\n".join(out).lstrip("\n"))
    n_queries = len(checked)
    rate = n_queries / (ran - loaded) if ran > loaded and n_queries else 0.0
    print(
        f"kql_differential: duckdb-kql {duckdb_kql.__version__}, duckdb {duckdb.__version__}; "
        f"load {loaded - started:.2f} s, {n_queries} queries ({len(distinct)} distinct, {workers} translating processes) "
        f"in {ran - loaded:.2f} s ({rate:.0f} queries/s), total {time.perf_counter() - started:.2f} s",
        file=sys.stderr,
    )
    return EXIT_OK if not disagreements and not unrunnable else EXIT_DIFFERENT


if __name__ == "__main__":
    sys.exit(main())
