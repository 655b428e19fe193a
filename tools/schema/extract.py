"""Writes src/pipeline/data/tables.json: the table schemas the project validates KQL against.

Input: the Microsoft-documented schemas in ../shared/schema/kusto-tables.json (Defender XDR
advanced hunting and Azure Monitor / Sentinel tables). Output: for each flavour, the tables
the pipelines can target, as {table: {column: type}} in documented column order.

    python3 tools/schema/extract.py [../shared/schema/kusto-tables.json]
"""
import json
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/schema/kusto-tables.json")
OUT = Path(__file__).resolve().parents[2] / "src/pipeline/data/tables.json"

# Defender: every advanced hunting table. Sentinel: the Device* copies (same data, Log
# Analytics names) plus the tables the Sentinel outputs may name.
SENTINEL = [
    "DeviceProcessEvents", "DeviceFileEvents", "DeviceRegistryEvents", "DeviceNetworkEvents",
    "DeviceImageLoadEvents", "DeviceEvents", "DeviceLogonEvents", "DeviceInfo",
    "DeviceNetworkInfo", "DeviceFileCertificateInfo", "SecurityEvent", "Event", "Syslog",
]


def table(cols):
    return {c["name"]: c["type"] for c in cols}


def main():
    src = json.loads(SOURCE.read_text(encoding="utf-8"))
    out = {
        "source": "Derived from Microsoft's documented table schemas (Defender XDR advanced "
        "hunting schema reference; Azure Monitor Logs table reference) by tools/schema/extract.py.",
        "defender": {name: table(cols) for name, cols in sorted(src["defender"].items())},
        "sentinel": {name: table(src["sentinel"][name]) for name in SENTINEL if name in src["sentinel"]},
    }
    OUT.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(out['defender'])} Defender tables, {len(out['sentinel'])} Sentinel tables")


if __name__ == "__main__":
    main()
