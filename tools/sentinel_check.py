#!/usr/bin/env python3
"""Checks `sigma-kql convert -f sentinel-rule` output against the rules of Sentinel's template
validation (the Azure-Sentinel content repository's detection schema tests), independently of
the Rust code that wrote it, and prints each query as a JSON line for tools/kqlcheck/check.js
(flavour `sentinel`).

    sigma-kql convert RULES -f sentinel-rule | python3 tools/sentinel_check.py > cases.jsonl

Exit status: 0 when every template is valid, 1 when one is not (each problem on stderr),
2 when the input is not YAML. Needs PyYAML.
"""
import json
import re
import sys

import yaml

TACTICS = {
    "Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
    "PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement",
    "Collection", "Exfiltration", "CommandAndControl", "Impact", "ImpairProcessControl",
    "InhibitResponseFunction",
}
SEVERITIES = {"Informational", "Low", "Medium", "High"}
OPERATORS = {"gt", "lt", "eq", "ne"}
# Entity types and their identifiers, each with the identifiers one of which must be mapped.
ENTITIES = {
    "Account": ({"Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId",
                 "AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid"},
                [{"FullName"}, {"Sid"}, {"Name"}, {"AadUserId"}, {"PUID"}, {"ObjectGuid"}]),
    "Host": ({"DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID",
              "OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined"},
             [{"FullName"}, {"HostName"}, {"NetBiosName"}, {"AzureID"}, {"OMSAgentID"}]),
    "Process": ({"ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"},
                [{"CommandLine"}, {"ProcessId"}]),
    "File": ({"Directory", "Name"}, [{"Name"}]),
    "RegistryKey": ({"Hive", "Key"}, [{"Key"}, {"Hive"}]),
    "RegistryValue": ({"Name", "Value", "ValueType"}, [{"Name"}]),
    "IP": ({"Address"}, [{"Address"}]),
    "URL": ({"Url"}, [{"Url"}]),
    "DNS": ({"DomainName"}, [{"DomainName"}]),
}
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TECHNIQUE = re.compile(r"^T\d{4}(\.\d{3})?$")
DURATION = re.compile(r"^(\d+)([mhd])$")


def minutes(text):
    m = DURATION.match(str(text))
    if not m:
        return None
    return int(m.group(1)) * {"m": 1, "h": 60, "d": 1440}[m.group(2)]


def problems(rule):
    out = []
    need = ["id", "name", "description", "severity", "requiredDataConnectors", "queryFrequency",
            "queryPeriod", "triggerOperator", "triggerThreshold", "tactics", "relevantTechniques",
            "query", "entityMappings", "version", "kind"]
    for key in need:
        if key not in rule:
            out.append(f"missing {key}")
    if out:
        return out
    if not GUID.match(str(rule["id"])):
        out.append(f"id {rule['id']!r} is not a lower-case GUID")
    if not 1 <= len(rule["name"]) <= 256:
        out.append("name is not 1..256 characters")
    if not 1 <= len(rule["description"]) <= 5000:
        out.append("description is not 1..5000 characters")
    if rule["severity"] not in SEVERITIES:
        out.append(f"severity {rule['severity']!r}")
    for c in rule["requiredDataConnectors"]:
        if not c.get("connectorId") or not c.get("dataTypes"):
            out.append(f"data connector {c!r}")
    f, p = minutes(rule["queryFrequency"]), minutes(rule["queryPeriod"])
    if f is None or p is None or not (5 <= f <= 20160 and 5 <= p <= 20160) or p < f:
        out.append(f"schedule {rule['queryFrequency']}/{rule['queryPeriod']}")
    elif p >= 2880 and f < 60:
        out.append(f"a period of 2 days or more with a frequency under 1h: {rule['queryFrequency']}/{rule['queryPeriod']}")
    if rule["triggerOperator"] not in OPERATORS:
        out.append(f"trigger operator {rule['triggerOperator']!r}")
    if not 0 <= int(rule["triggerThreshold"]) <= 10000:
        out.append("trigger threshold")
    for t in rule["tactics"]:
        if t not in TACTICS:
            out.append(f"tactic {t!r}")
    for t in rule["relevantTechniques"]:
        if not TECHNIQUE.match(t):
            out.append(f"technique {t!r}")
    if rule["relevantTechniques"] and not rule["tactics"]:
        out.append("techniques without any tactic")
    if not 1 <= len(rule["query"]) <= 10000:
        out.append(f"query of {len(rule['query'])} characters")
    entities = rule["entityMappings"]
    if not 1 <= len(entities) <= 5:
        out.append(f"{len(entities)} entity mappings")
    for e in entities:
        kind = e.get("entityType")
        if kind not in ENTITIES:
            out.append(f"entity type {kind!r}")
            continue
        allowed, required = ENTITIES[kind]
        ids = [m.get("identifier") for m in e.get("fieldMappings", [])]
        if not 1 <= len(ids) <= 3:
            out.append(f"{kind}: {len(ids)} field mappings")
        if any(i not in allowed for i in ids):
            out.append(f"{kind}: identifiers {ids}")
        if not any(r <= set(ids) for r in required):
            out.append(f"{kind}: none of the required identifiers in {ids}")
        for m in e.get("fieldMappings", []):
            if not re.match(r"^[A-Za-z_]\w*$", str(m.get("columnName", ""))):
                out.append(f"{kind}: column {m.get('columnName')!r}")
    if rule["kind"] != "Scheduled":
        out.append(f"kind {rule['kind']!r}")
    return out


def main():
    try:
        docs = [d for d in yaml.safe_load_all(sys.stdin) if d is not None]
    except yaml.YAMLError as e:
        print(f"sentinel_check: the input is not YAML: {e}", file=sys.stderr)
        return 2
    bad = 0
    ids = set()
    for d in docs:
        found = problems(d)
        if d.get("id") in ids:
            found.append(f"id {d.get('id')} used twice")
        ids.add(d.get("id"))
        if found:
            bad += 1
            print(f"{d.get('name')}: " + "; ".join(found), file=sys.stderr)
        if "query" in d:
            print(json.dumps({"id": d.get("name"), "kql": d["query"], "flavor": "sentinel"}))
    print(f"{len(docs)} Sentinel rules checked, {bad} invalid", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
