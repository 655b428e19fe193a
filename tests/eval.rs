//! The evaluator: every row of the README's semantics table on the backend (the KQL it
//! renders) and on the evaluator in both modes; input shapes; Windows event shapes and log
//! sources; labels; exclusions; malformed input; the round trip Sysmon event ↔ Defender row;
//! the seed scenarios end to end (snapshots in the three report formats).

use serde_json::{Value, json};
use sigma_kql::convert::{Conversion, convert_files};
use sigma_kql::eval::input::InputFormat;
use sigma_kql::eval::result::{Label, Report, Status, Verdict};
use sigma_kql::eval::{Events, Mode, Options, evaluate};
use sigma_kql::exclusion::{self, Scenario};
use sigma_kql::pipeline::Pipeline;
use sigma_kql::report::{Format, render};
use sigma_kql::rule::load_source;

use crate::support::root;

fn pipeline() -> Pipeline {
    Pipeline::builtin("microsoft_xdr").expect("built-in pipeline")
}

fn convert(rule: &str, scenarios: &[Scenario]) -> Vec<Conversion> {
    convert_files(&[load_source("case.yml", rule)], &pipeline(), scenarios)
}

fn report(rule: &str, events: &[Value], mode: Mode, scenarios: &[Scenario]) -> Report {
    let lines: Vec<String> = events.iter().map(Value::to_string).collect();
    let events = Events::parse(
        "events.jsonl",
        &(lines.join("\n") + "\n"),
        InputFormat::Lines,
    );
    assert!(
        events.summary.errors.is_empty(),
        "{:?}",
        events.summary.errors
    );
    let conv = convert(rule, scenarios);
    let opts = Options {
        mode: Some(mode),
        ..Options::default()
    };
    evaluate(&conv, &pipeline(), scenarios, &events, &opts)
}

/// The indexes of the events the first rule condition returns (alerts after exclusions).
fn hits(r: &Report) -> Vec<usize> {
    let rule = &r.rules[0];
    assert_eq!(rule.status, Status::Evaluated, "{:?}", rule.note);
    rule.remaining.iter().map(|e| e.index).collect()
}

fn process_rule(detection: &str) -> String {
    format!(
        "title: case\nid: 5a6f0e8e-1111-4c3a-9b1e-000000000001\nlogsource: {{product: windows, category: process_creation}}\ndetection:\n{detection}\n"
    )
}

/// One row of the semantics table: the rule's detection, a piece of the KQL the backend must
/// render, and events with the verdict each mode must give.
struct Case {
    name: &'static str,
    detection: &'static str,
    kql: &'static str,
    target: Vec<(Value, bool)>,
    raw: Vec<(Value, bool)>,
}

fn check(case: Case) {
    let rule = process_rule(case.detection);
    let conv = convert(&rule, &[]);
    assert_eq!(conv[0].status, "ok", "{}: {:?}", case.name, conv[0].errors);
    let query = conv[0].queries.join("\n");
    assert!(
        query.contains(case.kql),
        "{}: the KQL\n{query}\nlacks\n{}",
        case.name,
        case.kql
    );
    for (mode, events) in [(Mode::Target, &case.target), (Mode::Raw, &case.raw)] {
        let values: Vec<Value> = events.iter().map(|(e, _)| e.clone()).collect();
        let got = hits(&report(&rule, &values, mode, &[]));
        let want: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, (_, m))| *m)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(got, want, "{} in {} mode", case.name, mode.name());
    }
}

#[test]
fn string_equality_folds_case_ascii_in_target_and_fully_in_raw() {
    check(Case {
        name: "F: v",
        detection: "  s: {CommandLine: 'whoami /all'}\n  condition: s",
        kql: r#"ProcessCommandLine =~ "whoami /all""#,
        target: vec![
            (json!({"ProcessCommandLine": "WHOAMI /ALL"}), true),
            (json!({"ProcessCommandLine": "whoami /all "}), false),
            (json!({}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "Whoami /All"}), true),
            (json!({"CommandLine": ["x", "whoami /all"]}), true),
            (json!({"Other": "whoami /all"}), false),
        ],
    });
    check(Case {
        name: "non-ASCII case",
        detection: "  s: {CommandLine: 'É'}\n  condition: s",
        kql: r#"ProcessCommandLine =~ "É""#,
        target: vec![
            (json!({"ProcessCommandLine": "É"}), true),
            (json!({"ProcessCommandLine": "é"}), false),
        ],
        raw: vec![(json!({"CommandLine": "é"}), true)],
    });
}

#[test]
fn substring_prefix_suffix() {
    check(Case {
        name: "contains / startswith / endswith",
        detection: "  s:\n    CommandLine|contains: ' -enc '\n    Image|endswith: '\\powershell.exe'\n    ParentImage|startswith: 'C:\\Windows\\'\n  condition: s",
        kql: r#"and FolderPath endswith @"\powershell.exe""#,
        target: vec![
            (
                json!({"ProcessCommandLine": "x -ENC y", "FolderPath": "C:\\W\\PowerShell.exe",
                       "InitiatingProcessFolderPath": "c:\\windows\\explorer.exe"}),
                true,
            ),
            (
                json!({"ProcessCommandLine": "x -enc y", "FolderPath": "C:\\W\\powershell.exe.bak",
                       "InitiatingProcessFolderPath": "C:\\Windows\\x"}),
                false,
            ),
        ],
        raw: vec![
            (
                json!({"CommandLine": "x -enc y", "Image": "C:\\powershell.exe",
                       "ParentImage": "C:\\WINDOWS\\x.exe"}),
                true,
            ),
            (
                json!({"CommandLine": "x -enc y", "Image": "C:\\powershell.exe"}),
                false,
            ),
        ],
    });
}

#[test]
fn wildcards_inside_are_one_anchored_match_spanning_newlines() {
    check(Case {
        name: "F: 'a*b?c'",
        detection: "  s: {CommandLine: 'cmd*/c?x'}\n  condition: s",
        kql: r#"ProcessCommandLine matches regex "(?is)^cmd.*/c.x$""#,
        target: vec![
            (json!({"ProcessCommandLine": "CMD.exe\n /c x"}), true),
            (json!({"ProcessCommandLine": "cmd /cx"}), false),
            (json!({"ProcessCommandLine": "a cmd /c x"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "cmd\n/c!x"}), true),
            (json!({"CommandLine": "cmd /c xx"}), false),
        ],
    });
    check(Case {
        name: "F: '*'",
        detection: "  s: {CommandLine: '*'}\n  f: {Image: 'x'}\n  condition: s and not f",
        kql: r#"where FolderPath !~ "x""#,
        // A string column always has a value in Kusto; Sigma needs the field.
        target: vec![(json!({}), true), (json!({"ProcessCommandLine": ""}), true)],
        raw: vec![
            (json!({}), false),
            (json!({"CommandLine": ""}), true),
            (json!({"CommandLine": null}), false),
        ],
    });
    check(Case {
        name: "escaped wildcard",
        detection: "  s: {CommandLine: 'a\\*b'}\n  condition: s",
        kql: r#"ProcessCommandLine =~ "a*b""#,
        target: vec![
            (json!({"ProcessCommandLine": "A*B"}), true),
            (json!({"ProcessCommandLine": "axb"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "a*b"}), true),
            (json!({"CommandLine": "axxb"}), false),
        ],
    });
}

#[test]
fn cased_lists_all_and_neq() {
    check(Case {
        name: "cased",
        detection: "  s: {CommandLine|cased: 'Run'}\n  condition: s",
        kql: r#"ProcessCommandLine == "Run""#,
        target: vec![
            (json!({"ProcessCommandLine": "Run"}), true),
            (json!({"ProcessCommandLine": "run"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "Run"}), true),
            (json!({"CommandLine": "RUN"}), false),
        ],
    });
    check(Case {
        name: "list = or",
        detection: "  s: {CommandLine: [a, b]}\n  condition: s",
        kql: r#"ProcessCommandLine in~ ("a", "b")"#,
        target: vec![
            (json!({"ProcessCommandLine": "B"}), true),
            (json!({"ProcessCommandLine": "c"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "A"}), true),
            (json!({"CommandLine": "ab"}), false),
        ],
    });
    check(Case {
        name: "all = and",
        detection: "  s: {CommandLine|contains|all: [a, b]}\n  condition: s",
        kql: r#"ProcessCommandLine contains "a" and ProcessCommandLine contains "b""#,
        target: vec![
            (json!({"ProcessCommandLine": "xBxA"}), true),
            (json!({"ProcessCommandLine": "a"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "ab"}), true),
            (json!({"CommandLine": "b"}), false),
        ],
    });
    check(Case {
        name: "neq",
        detection: "  s:\n    Image|endswith: '.exe'\n    CommandLine|neq: [a, b]\n  condition: s",
        kql: r#"not(ProcessCommandLine in~ ("a", "b"))"#,
        target: vec![
            (
                json!({"FolderPath": "x.exe", "ProcessCommandLine": "c"}),
                true,
            ),
            (
                json!({"FolderPath": "x.exe", "ProcessCommandLine": "A"}),
                false,
            ),
            (json!({"FolderPath": "x.exe"}), true),
        ],
        raw: vec![
            (json!({"Image": "x.exe", "CommandLine": "c"}), true),
            (json!({"Image": "x.exe", "CommandLine": "b"}), false),
            (json!({"Image": "x.exe"}), true),
        ],
    });
}

#[test]
fn maps_lists_of_maps_not_and_one_of() {
    check(Case {
        name: "map = and, list of maps = or, not, 1 of",
        detection: "  sel_a: [{Image|endswith: '\\a.exe'}, {Image|endswith: '\\b.exe'}]\n  sel_c:\n    CommandLine|contains: x\n    ParentImage|endswith: '\\p.exe'\n  filter: {CommandLine|contains: skip}\n  condition: 1 of sel_* and not filter",
        kql: r#"and ProcessCommandLine !contains "skip""#,
        target: vec![
            (json!({"FolderPath": "C:\\a.exe"}), true),
            (
                json!({"FolderPath": "C:\\a.exe", "ProcessCommandLine": "skip"}),
                false,
            ),
            (
                json!({"ProcessCommandLine": "x", "InitiatingProcessFolderPath": "C:\\p.exe"}),
                true,
            ),
            (json!({"ProcessCommandLine": "x"}), false),
        ],
        raw: vec![
            (json!({"Image": "C:\\b.exe"}), true),
            (json!({"Image": "C:\\b.exe", "CommandLine": "SKIP"}), false),
            (
                json!({"CommandLine": "x", "ParentImage": "C:\\p.exe"}),
                true,
            ),
            (json!({"ParentImage": "C:\\p.exe"}), false),
        ],
    });
}

#[test]
fn keywords_search_every_value() {
    check(Case {
        name: "keywords",
        detection: "  k: [mimikatz]\n  condition: k",
        kql: r#"* contains "mimikatz""#,
        target: vec![
            (json!({"ProcessCommandLine": "run MIMIKATZ.exe"}), true),
            (json!({"FolderPath": "C:\\mimikatz\\x"}), true),
            (json!({"ProcessCommandLine": "mimi katz"}), false),
        ],
        raw: vec![
            (json!({"Deep": {"Nested": ["x", "Mimikatz"]}}), true),
            (json!({"CommandLine": "nothing"}), false),
        ],
    });
}

#[test]
fn null_empty_and_exists_differ_by_mode() {
    check(Case {
        name: "F: null",
        detection: "  s: {Image|endswith: '.exe', CommandLine: null}\n  condition: s",
        kql: "isempty(ProcessCommandLine)",
        target: vec![
            (json!({"FolderPath": "a.exe"}), true),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": ""}),
                true,
            ),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": null}),
                true,
            ),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": "x"}),
                false,
            ),
        ],
        raw: vec![
            (json!({"Image": "a.exe"}), true),
            (json!({"Image": "a.exe", "CommandLine": ""}), false),
            (json!({"Image": "a.exe", "CommandLine": null}), true),
            (json!({"Image": "a.exe", "CommandLine": "x"}), false),
        ],
    });
    check(Case {
        name: "F: ''",
        detection: "  s: {Image|endswith: '.exe', CommandLine: ''}\n  condition: s",
        kql: "isempty(ProcessCommandLine)",
        target: vec![
            (json!({"FolderPath": "a.exe"}), true),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": ""}),
                true,
            ),
        ],
        raw: vec![
            (json!({"Image": "a.exe"}), false),
            (json!({"Image": "a.exe", "CommandLine": ""}), true),
            (json!({"Image": "a.exe", "CommandLine": null}), false),
        ],
    });
    check(Case {
        name: "exists",
        detection: "  s: {Image|endswith: '.exe', CommandLine|exists: true}\n  condition: s",
        kql: "isnotempty(ProcessCommandLine)",
        target: vec![
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": "x"}),
                true,
            ),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": ""}),
                false,
            ),
        ],
        raw: vec![
            (json!({"Image": "a.exe", "CommandLine": ""}), true),
            (json!({"Image": "a.exe"}), false),
        ],
    });
    check(Case {
        name: "null on a number column",
        detection: "  s: {Image|endswith: '.exe', ProcessId: null}\n  condition: s",
        kql: "isnull(ProcessId)",
        target: vec![
            (json!({"FolderPath": "a.exe"}), true),
            (
                json!({"FolderPath": "a.exe", "ProcessId": "not a number"}),
                true,
            ),
            (json!({"FolderPath": "a.exe", "ProcessId": 4}), false),
        ],
        raw: vec![
            (json!({"Image": "a.exe"}), true),
            (json!({"Image": "a.exe", "ProcessId": 4}), false),
        ],
    });
}

#[test]
fn numbers_booleans_and_comparisons() {
    check(Case {
        name: "number on a number column",
        detection: "  s: {ProcessId: 4688}\n  condition: s",
        kql: "ProcessId == 4688",
        target: vec![
            (json!({"ProcessId": 4688}), true),
            (json!({"ProcessId": "4688"}), true),
            (json!({"ProcessId": 4689}), false),
        ],
        raw: vec![
            (json!({"ProcessId": 4688}), true),
            (json!({"ProcessId": " 4688"}), true),
            (json!({"ProcessId": "0x1250"}), false),
        ],
    });
    check(Case {
        name: "number on a string column is its text",
        detection: "  s: {CommandLine: 5}\n  condition: s",
        kql: r#"ProcessCommandLine == "5""#,
        target: vec![
            (json!({"ProcessCommandLine": "5"}), true),
            (json!({"ProcessCommandLine": "5.0"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "5"}), true),
            (json!({"CommandLine": 5}), true),
        ],
    });
    check(Case {
        name: "boolean on a string column",
        detection: "  s: {CommandLine: true}\n  condition: s",
        kql: r#"ProcessCommandLine =~ "true""#,
        target: vec![
            (json!({"ProcessCommandLine": "True"}), true),
            (json!({"ProcessCommandLine": "1"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": true}), true),
            (json!({"CommandLine": "TRUE"}), true),
            (json!({"CommandLine": false}), false),
        ],
    });
    check(Case {
        name: "gt / lte",
        detection: "  s: {ProcessId|gt: 10, InitiatingProcessId|lte: 3}\n  condition: s",
        kql: "ProcessId > 10 and InitiatingProcessId <= 3",
        target: vec![
            (json!({"ProcessId": 11, "InitiatingProcessId": 3}), true),
            (json!({"ProcessId": 10, "InitiatingProcessId": 3}), false),
            (json!({"ProcessId": 11}), false),
        ],
        raw: vec![
            (json!({"ProcessId": 10.5, "InitiatingProcessId": -1}), true),
            (json!({"ProcessId": 11, "InitiatingProcessId": 4}), false),
        ],
    });
    check(Case {
        name: "not over a number is two-valued",
        detection: "  s: {Image|endswith: '.exe'}\n  f: {ProcessId: 5}\n  condition: s and not f",
        kql: "not(isnotnull(ProcessId) and ProcessId == 5)",
        target: vec![
            (json!({"FolderPath": "a.exe"}), true),
            (json!({"FolderPath": "a.exe", "ProcessId": 5}), false),
            (json!({"FolderPath": "a.exe", "ProcessId": 6}), true),
        ],
        raw: vec![
            (json!({"Image": "a.exe"}), true),
            (json!({"Image": "a.exe", "ProcessId": 5}), false),
        ],
    });
}

#[test]
fn regexes_with_flags_and_re2_classes() {
    check(Case {
        name: "re with i",
        detection: "  s: {CommandLine|re|i: 'pass\\d{2}$'}\n  condition: s",
        kql: r#"ProcessCommandLine matches regex @"(?i)pass\d{2}$""#,
        target: vec![
            (json!({"ProcessCommandLine": "x PASS42"}), true),
            // RE2's \d is ASCII: Arabic-Indic digits are not digits to Kusto.
            (json!({"ProcessCommandLine": "pass٤٢"}), false),
            (json!({"ProcessCommandLine": "pass4"}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "Pass42"}), true),
            (json!({"CommandLine": "pass٤٢"}), true),
        ],
    });
    check(Case {
        name: "re is case-sensitive without i",
        detection: "  s: {CommandLine|re: '^Run'}\n  condition: s",
        kql: r#"ProcessCommandLine matches regex "^Run""#,
        target: vec![
            (json!({"ProcessCommandLine": "Run x"}), true),
            (json!({"ProcessCommandLine": "run x"}), false),
        ],
        raw: vec![(json!({"CommandLine": "run x"}), false)],
    });
}

#[test]
fn cidr_on_network_events() {
    let rule = "title: c\nlogsource: {product: windows, category: network_connection}\ndetection:\n  s: {DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10']}\n  condition: s\n";
    let conv = convert(rule, &[]);
    let q = &conv[0].queries[0];
    assert!(
        q.contains(r#"ipv4_is_in_any_range(RemoteIP, "10.0.0.0/8")"#),
        "{q}"
    );
    assert!(
        q.contains(r#"ipv6_is_in_any_range(RemoteIP, "fe80::/10")"#),
        "{q}"
    );
    let filter = sigma_kql::pipeline::Pipeline::builtin("microsoft_xdr")
        .ok()
        .and(conv[0].mapped[0].filter.clone());
    // The route's own filter (the connection's ActionType) must hold on the rows too.
    let action = filter.map(|f| f.to_string()).unwrap_or_default();
    let action = action
        .split('"')
        .nth(1)
        .unwrap_or("ConnectionSuccess")
        .to_string();
    let rows = [
        json!({"_table": "DeviceNetworkEvents", "ActionType": action, "RemoteIP": "10.1.2.3"}),
        json!({"_table": "DeviceNetworkEvents", "ActionType": action, "RemoteIP": "::ffff:10.1.2.3"}),
        json!({"_table": "DeviceNetworkEvents", "ActionType": action, "RemoteIP": "fe80::1"}),
        json!({"_table": "DeviceNetworkEvents", "ActionType": action, "RemoteIP": "11.0.0.1"}),
        json!({"_table": "DeviceNetworkEvents", "ActionType": action, "RemoteIP": "not an ip"}),
    ];
    assert_eq!(hits(&report(rule, &rows, Mode::Target, &[])), [0, 1, 2]);
    let raw = [
        json!({"DestinationIp": "10.255.0.1"}),
        json!({"DestinationIp": "febf::1"}),
        json!({"DestinationIp": "192.168.0.1"}),
    ];
    assert_eq!(hits(&report(rule, &raw, Mode::Raw, &[])), [0, 1]);
}

#[test]
fn field_references_and_time_parts() {
    check(Case {
        name: "fieldref",
        detection: "  s: {CommandLine|fieldref|endswith: Image}\n  condition: s",
        kql: "ProcessCommandLine endswith FolderPath",
        target: vec![
            (
                json!({"ProcessCommandLine": "run C:\\X.exe", "FolderPath": "c:\\x.exe"}),
                true,
            ),
            (
                json!({"ProcessCommandLine": "run", "FolderPath": "c:\\x.exe"}),
                false,
            ),
        ],
        raw: vec![
            (
                json!({"CommandLine": "run C:\\X.exe", "Image": "c:\\x.exe"}),
                true,
            ),
            (json!({"CommandLine": "run C:\\X.exe"}), false),
        ],
    });
    check(Case {
        name: "hour",
        detection: "  s: {Timestamp|hour: 3}\n  condition: s",
        kql: r#"datetime_part("hour", Timestamp) == 3"#,
        target: vec![
            (json!({"Timestamp": "2026-11-20T03:59:00Z"}), true),
            (json!({"Timestamp": "2026-11-20T05:30:00+02:00"}), true),
            (json!({"Timestamp": "2026-11-20T04:00:00Z"}), false),
            (json!({"Timestamp": "yesterday"}), false),
        ],
        raw: vec![
            (json!({"Timestamp": "2026-11-20 03:00:00.123"}), true),
            (json!({"Timestamp": "2026-11-20T13:00:00Z"}), false),
        ],
    });
}

#[test]
fn value_modifiers_windash_base64_and_placeholders() {
    check(Case {
        name: "windash",
        detection: "  s: {CommandLine|windash|contains: ' -enc '}\n  condition: s",
        kql: r#"ProcessCommandLine contains " /enc ""#,
        target: vec![
            (json!({"ProcessCommandLine": "powershell /ENC abc"}), true),
            (
                json!({"ProcessCommandLine": "powershell \u{2013}enc abc"}),
                true,
            ),
            (json!({"ProcessCommandLine": "powershell enc abc"}), false),
        ],
        raw: vec![(json!({"CommandLine": "p \u{2014}enc x"}), true)],
    });
    check(Case {
        name: "base64offset",
        detection: "  s: {CommandLine|base64offset|contains: 'http://'}\n  condition: s",
        kql: "ProcessCommandLine contains",
        target: vec![
            (json!({"ProcessCommandLine": "-e aHR0cDovL3"}), true),
            (json!({"ProcessCommandLine": "-e http://"}), false),
        ],
        raw: vec![(json!({"CommandLine": "x aHR0cDovL3"}), true)],
    });
    check(Case {
        name: "base64",
        detection: "  s: {CommandLine|base64: 'iex'}\n  condition: s",
        kql: r#"ProcessCommandLine =~ "aWV4""#,
        target: vec![
            (json!({"ProcessCommandLine": "AWV4"}), true),
            (json!({"ProcessCommandLine": "iex"}), false),
        ],
        raw: vec![(json!({"CommandLine": "aWV4"}), true)],
    });
    check(Case {
        name: "wide base64offset",
        detection: "  s: {CommandLine|wide|base64offset|contains: 'ping'}\n  condition: s",
        kql: "ProcessCommandLine contains",
        // "ping" as UTF-16LE, Base64 at offset 0: cABpAG4AZwA
        target: vec![
            (json!({"ProcessCommandLine": "-enc cABpAG4AZwA="}), true),
            (json!({"ProcessCommandLine": "-enc cGluZw=="}), false),
        ],
        raw: vec![(json!({"CommandLine": "cABpAG4AZwA="}), true)],
    });
    check(Case {
        name: "list of numbers",
        detection: "  s: {ProcessId: [4, 8]}\n  condition: s",
        kql: "ProcessId in (4, 8)",
        target: vec![
            (json!({"ProcessId": 8}), true),
            (json!({"ProcessId": 5}), false),
        ],
        raw: vec![
            (json!({"ProcessId": "4"}), true),
            (json!({"ProcessId": 5}), false),
        ],
    });
    check(Case {
        name: "percent is literal without expand",
        detection: "  s: {CommandLine: '%x%'}\n  condition: s",
        kql: r#"ProcessCommandLine =~ "%x%""#,
        target: vec![
            (json!({"ProcessCommandLine": "%X%"}), true),
            (json!({"ProcessCommandLine": "abc"}), false),
        ],
        raw: vec![(json!({"CommandLine": "%x%"}), true)],
    });
    // A placeholder without a value is refused by both consumers, with the reason.
    let rule = process_rule("  s: {CommandLine|expand: '%AdminTools%'}\n  condition: s");
    let r = report(&rule, &[json!({"CommandLine": "x"})], Mode::Raw, &[]);
    assert_eq!(r.rules[0].status, Status::Failed);
    assert!(
        r.rules[0]
            .note
            .as_deref()
            .unwrap_or("")
            .contains("%AdminTools%")
    );
    let r = report(
        &rule,
        &[json!({"ProcessCommandLine": "x"})],
        Mode::Target,
        &[],
    );
    assert_eq!(r.rules[0].status, Status::Failed);
}

#[test]
fn derived_fields_read_as_the_query_computes_them() {
    // User → AccountDomain\AccountName; a JSON key inside AdditionalFields; a file path.
    check(Case {
        name: "joined account",
        detection: "  s: {User|startswith: 'CORP\\adm'}\n  condition: s",
        kql: "extend AccountDomain_AccountName",
        target: vec![
            (
                json!({"AccountDomain": "corp", "AccountName": "Admin1"}),
                true,
            ),
            (json!({"AccountName": "admin"}), false),
        ],
        raw: vec![(json!({"User": "CORP\\adm"}), true)],
    });
    let rule = "title: pipe\nlogsource: {product: windows, category: pipe_created}\ndetection:\n  s: {PipeName|endswith: '\\srvsvc'}\n  condition: s\n";
    let conv = convert(rule, &[]);
    let mapped = &conv[0].mapped[0];
    let action = mapped
        .filter
        .as_ref()
        .map(|f| f.to_string())
        .unwrap_or_default();
    let action = action.split('"').nth(1).unwrap_or_default().to_string();
    let rows = [
        json!({"_table": "DeviceEvents", "ActionType": action,
               "AdditionalFields": "{\"PipeName\":\"\\\\Device\\\\NamedPipe\\\\SRVSVC\"}"}),
        json!({"_table": "DeviceEvents", "ActionType": action,
               "AdditionalFields": {"PipeName": "\\Device\\NamedPipe\\lsarpc"}}),
        json!({"_table": "DeviceEvents", "ActionType": action, "AdditionalFields": "not json"}),
    ];
    assert_eq!(hits(&report(rule, &rows, Mode::Target, &[])), [0]);
}

#[test]
fn a_condition_list_gives_one_entry_per_condition() {
    let rule = process_rule(
        "  a: {Image|endswith: '\\a.exe'}\n  b: {Image|endswith: '\\b.exe'}\n  condition:\n    - a\n    - b",
    );
    let events = [json!({"FolderPath": "C:\\b.exe"})];
    let r = report(&rule, &events, Mode::Target, &[]);
    let got: Vec<(usize, usize)> = r
        .rules
        .iter()
        .map(|x| (x.condition, x.alerts.len()))
        .collect();
    assert_eq!(got, [(1, 0), (2, 1)]);
    let raw = [json!({"Image": "C:\\a.exe"})];
    let r = report(&rule, &raw, Mode::Raw, &[]);
    let got: Vec<(usize, usize)> = r
        .rules
        .iter()
        .map(|x| (x.condition, x.alerts.len()))
        .collect();
    assert_eq!(got, [(1, 1), (2, 0)]);
}

// ---------------------------------------------------------------------------------------------
// Inputs, shapes, log sources.

const WHOAMI: &str = "title: whoami\nid: 5a6f0e8e-1111-4c3a-9b1e-000000000002\nlogsource: {product: windows, category: process_creation}\ndetection:\n  s: {Image|endswith: '\\whoami.exe'}\n  condition: s\n";

fn raw_hits(events_text: &str) -> (Vec<usize>, Report) {
    let events = Events::parse("e.json", events_text, InputFormat::Auto);
    let conv = convert(WHOAMI, &[]);
    let r = evaluate(&conv, &pipeline(), &[], &events, &Options::default());
    (hits(&r), r)
}

#[test]
fn every_input_shape_reads_the_same_events() {
    let a = json!({"Image": "C:\\Windows\\whoami.exe", "EventID": 1});
    let b = json!({"Image": "C:\\x.exe", "EventID": 1});
    let shapes = [
        format!("[{a}, {b}]"),
        format!("{a}\n{b}\n"),
        format!(
            "{}\n{}\n",
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap()
        ),
    ];
    for s in &shapes {
        let (h, r) = raw_hits(s);
        assert_eq!(h, [0], "{s}");
        assert_eq!(r.mode, Mode::Raw, "detected from Sigma names");
    }
    let (h, _) = raw_hits(&a.to_string());
    assert_eq!(h, [0], "a single object");
}

#[test]
fn windows_event_shapes_and_log_sources() {
    let sysmon = json!({"Event": {"System": {"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Computer": "pc1", "EventRecordID": 7},
        "EventData": {"Image": "C:\\Windows\\System32\\whoami.exe", "CommandLine": "whoami"}}});
    let security = json!({"Event": {"System": {"EventID": {"#attributes": {"Qualifiers": ""}, "#text": 4688},
        "Channel": "Security", "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}}},
        "EventData": {"NewProcessName": "C:\\Windows\\System32\\whoami.exe"}}});
    let network = json!({"Event": {"System": {"EventID": 3, "Channel": "Microsoft-Windows-Sysmon/Operational"},
        "EventData": {"Image": "C:\\Windows\\System32\\whoami.exe"}}});
    let winlogbeat = json!({"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": 1,
        "event_data": {"Image": "C:\\Windows\\whoami.exe"}}});
    let text = [&sysmon, &security, &network, &winlogbeat]
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let (h, r) = raw_hits(&text);
    // Sysmon 1 and Security 4688 (Image read as NewProcessName) alert; Sysmon 3 is another
    // log source and is not even considered.
    assert_eq!(h, [0, 1, 3]);
    assert_eq!(r.rules[0].considered, 3);
    assert_eq!(r.rules[0].alerts[0].fields["Computer"], "pc1");
    assert_eq!(r.rules[0].alerts[0].fields["EventRecordID"], 7);

    // A rule whose log source no event has is skipped with a note naming what it needs.
    let only_network = network.to_string();
    let events = Events::parse("e.json", &only_network, InputFormat::Auto);
    let r = evaluate(
        &convert(WHOAMI, &[]),
        &pipeline(),
        &[],
        &events,
        &Options::default(),
    );
    assert_eq!(r.rules[0].status, Status::Skipped);
    assert_eq!(
        r.rules[0].note.as_deref(),
        Some("no event is of its log source (Sysmon EventID 1 or Security EventID 4688)")
    );
}

#[test]
fn target_rows_name_their_table_or_fit_by_columns() {
    let rows = [
        json!({"FolderPath": "C:\\whoami.exe"}),
        json!({"_table": "DeviceFileEvents", "FolderPath": "C:\\whoami.exe"}),
        json!({"FolderPath": "C:\\whoami.exe", "NotAColumn": 1}),
        json!({"Type": "DeviceProcessEvents", "FolderPath": "C:\\whoami.exe", "TenantId": "t"}),
    ];
    let r = report(WHOAMI, &rows, Mode::Target, &[]);
    assert_eq!(hits(&r), [0, 3]);
    assert_eq!(r.rules[0].considered, 2);
}

#[test]
fn ecs_keyed_fixtures_go_through_the_taxonomy() {
    let rows = [
        json!({"process": {"executable": "C:\\Windows\\whoami.exe", "name": "whoami.exe"}, "host": {"name": "pc1"}}),
        json!({"process.executable": "C:\\Windows\\cmd.exe"}),
    ];
    let r = report(WHOAMI, &rows, Mode::Target, &[]);
    assert_eq!(hits(&r), [0]);
    assert_eq!(r.rules[0].alerts[0].fields["DeviceName"], "pc1");
    let events = Events::parse(
        "e.jsonl",
        &rows
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        InputFormat::Auto,
    );
    let (mode, why) = sigma_kql::eval::detect_mode(&events.events, &pipeline());
    assert_eq!(mode, Mode::Target, "{why}");
}

#[test]
fn malformed_input_is_reported_and_the_rest_is_read() {
    let text = "{\"Image\": \"C:\\\\whoami.exe\"}\n{\"Image\": \n[1]\n{\"Image\": \"C:\\\\x\\\\whoami.exe\", \"_expect\": \"maybe\"}\n";
    let (h, r) = raw_hits(text);
    assert_eq!(h, [0, 1]);
    let errors: Vec<String> = r.events.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("e.json:2:"), "{}", errors[0]);
    assert!(
        errors[1].starts_with("e.json:3:") && errors[1].contains("not an object"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].starts_with("e.json:4:") && errors[2].contains("\"maybe\""),
        "{}",
        errors[2]
    );
}

// ---------------------------------------------------------------------------------------------
// Labels and exclusions.

fn scenarios(text: &str) -> Vec<Scenario> {
    let f = exclusion::load_source("x.exclusions.yml", text);
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    f.scenarios
}

#[test]
fn labels_give_true_positives_lost_and_false_positives_removed() {
    let xs = scenarios(
        "- name: admin tools\n  filter: process.parent.name == \"mmc.exe\"\n- name: everything\n  filter: process.name != \"nothing\"\n- name: nothing\n  filter: process.name == \"never.exe\"\n- name: no such column data\n  filter: host.name == \"x\" and process.name == \"nope.exe\"\n",
    );
    let rows = [
        json!({"FolderPath": "C:\\whoami.exe", "FileName": "whoami.exe", "InitiatingProcessFileName": "mmc.exe", "_expect": "benign"}),
        json!({"FolderPath": "C:\\whoami.exe", "FileName": "whoami.exe", "InitiatingProcessFileName": "cmd.exe",
               "_expect": {"5a6f0e8e-1111-4c3a-9b1e-000000000002": "alert"}}),
        json!({"FolderPath": "C:\\a.exe", "FileName": "a.exe", "_expect": {"whoami": "alert"}}),
        json!({"FolderPath": "C:\\b.exe", "FileName": "b.exe", "InitiatingProcessFileName": "mmc.exe"}),
    ];
    let r = report(WHOAMI, &rows, Mode::Target, &xs);
    let rule = &r.rules[0];
    assert_eq!(rule.alerts.len(), 2);
    let kinds =
        |i: usize| -> Vec<&str> { rule.exclusions[i].warnings.iter().map(|w| w.kind).collect() };
    // 1: removes the one false positive.
    assert_eq!(rule.exclusions[0].verdict, Some(Verdict::Safe));
    assert_eq!(rule.exclusions[0].matched, 2);
    assert_eq!(
        rule.exclusions[0]
            .false_positives_removed
            .as_ref()
            .map(Vec::len),
        Some(1)
    );
    // 2: suppresses every alert, the true positive included.
    assert_eq!(
        rule.exclusions[1].verdict,
        Some(Verdict::HidesTruePositives)
    );
    assert!(kinds(1).contains(&"suppresses-all"));
    // 3: suppresses nothing.
    assert_eq!(rule.exclusions[2].verdict, Some(Verdict::NoEffect));
    assert!(kinds(2).contains(&"suppresses-none"));
    // 4: refers to a column no row has.
    assert!(kinds(3).contains(&"field-absent"));
    let labels = rule.labels.as_ref().expect("labelled");
    assert_eq!(labels.labelled, 3);
    assert_eq!((labels.true_positives, labels.false_positives), (1, 1));
    assert_eq!(
        labels.missed.iter().map(|e| e.index).collect::<Vec<_>>(),
        [2]
    );
    assert_eq!(labels.true_positives_lost.len(), 1);
    assert_eq!(labels.false_positives_remaining.len(), 0);
    assert_eq!(rule.alerts[1].expect, Some(Label::Alert));
    assert!(rule.remaining.is_empty());
    // The exclusion that matches only events the rule never alerts on.
    let xs = scenarios("- name: other processes\n  filter: process.name == \"b.exe\"\n");
    let r = report(WHOAMI, &rows, Mode::Target, &xs);
    let kinds: Vec<&str> = r.rules[0].exclusions[0]
        .warnings
        .iter()
        .map(|w| w.kind)
        .collect();
    assert_eq!(kinds, ["matches-only-non-alerts"]);
}

// ---------------------------------------------------------------------------------------------
// The same verdict for a Sysmon event and its Defender row, for every mapped field.

#[test]
fn sysmon_events_and_their_defender_rows_agree_for_every_mapped_field() {
    use sigma_kql::pipeline::Target;
    let p = pipeline();
    let probe = convert(WHOAMI, &[]);
    let rule = probe[0].rule.as_ref().expect("rule");
    let route = p.route_for(rule, &rule.conditions[0].expr).expect("route");
    let mut checked = 0;
    for (field, mapping) in &route.fields {
        if field.contains('.')
            || matches!(mapping.target, Target::Values { .. } | Target::Hashes(_))
        {
            continue;
        }
        let ty = match &mapping.target {
            Target::Column(c) => route.table.column(c),
            _ => None,
        };
        let numeric = ty.is_some_and(|t| t.numeric());
        let (value, tests): (Value, Vec<String>) = if numeric && mapping.transform.is_some() {
            // Sysmon writes it in hexadecimal, and so do the rules.
            (
                json!("0x3e7"),
                vec![format!("{field}: '0x3e7'"), format!("{field}: '0x3e8'")],
            )
        } else if numeric {
            (
                json!(999),
                vec![
                    format!("{field}: 999"),
                    format!("{field}: 998"),
                    format!("{field}|gt: 5"),
                ],
            )
        } else {
            (
                json!("CORP\\Folder\\Sub\\Tool.EXE"),
                vec![
                    format!("{field}|endswith: '\\tool.exe'"),
                    format!("{field}|endswith: '\\other.exe'"),
                    format!("{field}|contains: 'Sub\\T'"),
                    format!("{field}: 'corp\\folder\\sub\\tool.exe'"),
                    format!("{field}|startswith: 'CORP\\Fold'"),
                    format!("{field}|re: 'Tool\\.EXE$'"),
                ],
            )
        };
        let event = json!({ field.as_str(): value });
        let (row, skipped) =
            sigma_kql::eval::row::translate(&event, route, |n| n == field).expect("translated");
        assert!(skipped.is_empty(), "{field}: {skipped:?}");
        for t in tests {
            let rule = process_rule(&format!("  s: {{{t}}}\n  condition: s"));
            let conv = convert(&rule, &[]);
            if conv[0].status != "ok" {
                // The pipeline refuses what the column cannot express exactly (a contains on a
                // file-name column …): nothing to compare.
                continue;
            }
            let raw = hits(&report(&rule, std::slice::from_ref(&event), Mode::Raw, &[]));
            let target = hits(&report(
                &rule,
                std::slice::from_ref(&row),
                Mode::Target,
                &[],
            ));
            assert_eq!(raw, target, "{t}: raw {event} vs target {row}");
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} field tests compared");
}

// ---------------------------------------------------------------------------------------------
// The seed scenarios end to end.

fn rustdesk_report() -> Report {
    let rule_path = root().join("rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml");
    let file = crate::support::load(&rule_path);
    let x = exclusion::load_file(
        &root().join("rules/rustdesk/proc_creation_win_rmm_rustdesk_product.exclusions.yml"),
    );
    assert!(!x.has_errors());
    let mut xs = x.scenarios;
    for s in &mut xs {
        s.origin.file =
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.exclusions.yml".into();
    }
    let conv = convert_files(&[file], &pipeline(), &xs);
    let text = std::fs::read_to_string(root().join("rules/rustdesk/rustdesk.events.jsonl"))
        .expect("fixture");
    let events = Events::parse(
        "rules/rustdesk/rustdesk.events.jsonl",
        &text,
        InputFormat::Auto,
    );
    evaluate(&conv, &pipeline(), &xs, &events, &Options::default())
}

#[test]
fn rustdesk_seed_scenarios_end_to_end() {
    let r = rustdesk_report();
    assert_eq!(r.mode, Mode::Target);
    let rule = &r.rules[0];
    let intruder: Vec<usize> = rule
        .alerts
        .iter()
        .filter(|a| a.expect == Some(Label::Alert))
        .map(|a| a.index)
        .collect();
    assert!(intruder.len() >= 2, "the fixtures hold the intruder's runs");
    // Scenario 1 suppresses every alert, the intruder's included.
    let first = &rule.exclusions[0];
    assert_eq!(first.suppressed.len(), rule.alerts.len());
    assert_eq!(first.verdict, Some(Verdict::HidesTruePositives));
    // Scenarios 2-5 can never match real Defender data in their parent-name half.
    for x in &rule.exclusions[1..] {
        assert!(
            x.warnings.iter().any(|w| w.kind == "impossible-value"),
            "{}",
            x.name
        );
        assert_eq!(x.verdict, Some(Verdict::HidesTruePositives), "{}", x.name);
    }
    for (format, name) in [
        (Format::Text, "eval@rustdesk_product.txt"),
        (Format::Json, "eval@rustdesk_product.json"),
        (Format::Markdown, "eval@rustdesk_product.md"),
    ] {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name, render(&r, format, false));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions from the review of the evaluator.

#[test]
fn conversions_under_not_are_guarded_and_read_as_tolong_reads() {
    // A string column read as a number: text that is not a number is null in Kusto, so the
    // negation needs its guard; `tolong` takes spaces and hexadecimal, not fractions.
    check(Case {
        name: "not over tolong of text",
        detection: "  s: {Image|endswith: '.exe'}\n  f: {CommandLine|gt: 15}\n  condition: s and not f",
        kql: "not(isnotnull(tolong(ProcessCommandLine)) and tolong(ProcessCommandLine) > 15)",
        target: vec![
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": "abc"}),
                true,
            ),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": " 16"}),
                false,
            ),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": "0x10"}),
                false,
            ),
            (
                json!({"FolderPath": "a.exe", "ProcessCommandLine": "16.7"}),
                true,
            ),
        ],
        raw: vec![
            (json!({"Image": "a.exe", "CommandLine": "abc"}), true),
            (json!({"Image": "a.exe", "CommandLine": "16"}), false),
        ],
    });
}

#[test]
fn paths_and_timestamps_refuse_comparisons_they_cannot_hold() {
    for (detection, what) in [
        (
            "  s: {TargetObject|gt: 5}\n  condition: s",
            "compared with `>` a number",
        ),
        (
            "  s: {TargetObject: true}\n  condition: s",
            "not a boolean or a time",
        ),
    ] {
        let rule = format!(
            "title: r\nlogsource: {{product: windows, category: registry_set}}\ndetection:\n{detection}\n"
        );
        let conv = convert(&rule, &[]);
        assert_eq!(conv[0].status, "error", "{detection}");
        assert!(
            conv[0].errors[0].message.contains(what),
            "{:?}",
            conv[0].errors
        );
    }
    let conv = convert(
        &process_rule("  s: {Timestamp|startswith: '2024'}\n  condition: s"),
        &[],
    );
    assert!(
        conv[0].errors[0]
            .message
            .contains("timestamp compared as text"),
        "{:?}",
        conv[0].errors
    );
}

#[test]
fn keywords_search_columns_in_target_mode_and_skip_metadata_in_raw_mode() {
    let rule = process_rule("  k: [mimikatz]\n  condition: k");
    let rows = [
        json!({"_table": "DeviceProcessEvents", "FileName": "notepad.exe", "NotAColumn": "mimikatz"}),
        json!({"_table": "DeviceProcessEvents", "FileName": "mimikatz.exe"}),
    ];
    assert_eq!(hits(&report(&rule, &rows, Mode::Target, &[])), [1]);
    let events = [
        json!({"EventID": 1, "Image": "notepad.exe", "_name": "not mimikatz"}),
        json!({"EventID": 1, "Image": "mimikatz.exe"}),
    ];
    assert_eq!(hits(&report(&rule, &events, Mode::Raw, &[])), [1]);
}

#[test]
fn security_4688_exclusions_are_renamed_too() {
    let xs = scenarios("- name: mmc children\n  filter: ParentImage endswith \"\\\\mmc.exe\"\n");
    let events = [
        json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1,
               "Image": "C:\\x\\whoami.exe", "ParentImage": "C:\\Windows\\System32\\mmc.exe"}),
        json!({"Channel": "Security", "EventID": 4688,
               "NewProcessName": "C:\\x\\whoami.exe", "ParentProcessName": "C:\\Windows\\System32\\mmc.exe"}),
        json!({"Channel": "Security", "EventID": 4688,
               "NewProcessName": "C:\\x\\whoami.exe", "ParentProcessName": "C:\\Windows\\explorer.exe"}),
    ];
    let r = report(WHOAMI, &events, Mode::Raw, &xs);
    assert_eq!(r.rules[0].alerts.len(), 3);
    assert_eq!(hits(&r), [2]);
}

#[test]
fn an_empty_list_is_present_but_not_null() {
    check(Case {
        name: "exists on []",
        detection: "  s: {Image|endswith: '.exe', OriginalFileName|exists: true}\n  condition: s",
        kql: "isnotempty(ProcessVersionInfoOriginalFileName)",
        target: vec![(
            json!({"FolderPath": "a.exe", "ProcessVersionInfoOriginalFileName": "a"}),
            true,
        )],
        raw: vec![
            (json!({"Image": "a.exe", "OriginalFileName": []}), true),
            (json!({"Image": "a.exe"}), false),
        ],
    });
}

#[test]
fn ecs_rows_belong_to_the_table_their_category_or_field_sets_say() {
    let registry = "title: reg\nlogsource: {product: windows, category: registry_set}\ndetection:\n  s: {Image|endswith: '\\x.exe'}\n  condition: s\n";
    let rows = [
        json!({"process": {"name": "x.exe", "executable": "C:\\x.exe"}, "host": {"name": "pc1"}, "_expect": "alert"}),
    ];
    let r = report(registry, &rows, Mode::Target, &[]);
    assert_eq!(
        r.rules[0].status,
        Status::Skipped,
        "a process event is not a registry row"
    );
    let rows =
        [json!({"event": {"category": ["registry"]}, "process": {"executable": "C:\\x.exe"}})];
    let r = report(registry, &rows, Mode::Target, &[]);
    assert_eq!(r.rules[0].considered, 1);
}

#[test]
fn a_condition_list_misses_a_labelled_alert_only_when_every_condition_does() {
    let rule = process_rule(
        "  a: {Image|endswith: '\\\\whoami.exe'}\n  b: {Image|endswith: '\\\\net.exe'}\n  condition:\n    - a\n    - b",
    );
    let rows = [json!({"FolderPath": "C:\\whoami.exe", "_expect": "alert"})];
    let r = report(&rule, &rows, Mode::Target, &[]);
    let missed: usize = r
        .rules
        .iter()
        .filter_map(|x| x.labels.as_ref())
        .map(|l| l.missed.len())
        .sum();
    assert_eq!(missed, 0);
    assert_eq!(r.summary.missed, 0);
}

#[test]
fn csv_exports_are_read_and_typed_by_the_schema() {
    let path = root().join("tests/fixtures/events/defender_export.csv");
    let events = Events::read(&[&path], InputFormat::Auto);
    assert_eq!(events.summary.files[0].format, "csv");
    assert_eq!(events.events.len(), 3);
    // Quoted cells keep commas, doubled quotes and line breaks; lines are where rows start.
    assert_eq!(
        events.events[0].json()["ProcessCommandLine"],
        "whoami /all, /fo \"csv\""
    );
    assert_eq!(
        events.events[1].json()["ProcessCommandLine"],
        "cmd.exe /c \"echo\ntwo lines\""
    );
    assert_eq!(
        events.events.iter().map(|e| e.line).collect::<Vec<_>>(),
        [2, 3, 5]
    );
    let errors: Vec<String> = events
        .summary
        .errors
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(":6:1: 11 cells where the header names 10"),
        "{errors:?}"
    );
    // Text cells are typed by the table: ProcessId compares as a number; an empty cell of a
    // number column is null.
    let rule =
        process_rule("  s: {Image|endswith: '\\\\whoami.exe', ProcessId|gt: 4000}\n  condition: s");
    let conv = convert(&rule, &[]);
    let r = evaluate(&conv, &pipeline(), &[], &events, &Options::default());
    assert_eq!(r.mode, Mode::Target);
    assert_eq!(hits(&r), [0]);
}

#[test]
fn many_substrings_of_one_field_fold_as_kusto_does() {
    // Four or more `contains` on one field share one automaton in target mode: the same
    // meaning, A-Z folded, other letters not.
    check(Case {
        name: "contains list",
        detection: "  s: {CommandLine|contains: [alpha, beta, gamma, 'É']}\n  condition: s",
        kql: r#"    or ProcessCommandLine contains "gamma""#,
        target: vec![
            (json!({"ProcessCommandLine": "x GAMMA y"}), true),
            (json!({"ProcessCommandLine": "xÉy"}), true),
            (json!({"ProcessCommandLine": "é"}), false),
            (json!({"ProcessCommandLine": "alph"}), false),
            (json!({}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "BETA"}), true),
            (json!({"CommandLine": "é"}), true),
        ],
    });
}

#[test]
fn value_lists_run_together_with_the_same_meaning() {
    check(Case {
        name: "endswith list",
        detection: "  s: {Image|endswith: ['\\a.exe', '\\b.exe', '\\c.exe', '\\d.exe']}\n  condition: s",
        kql: r#"FolderPath endswith @"\b.exe""#,
        target: vec![
            (json!({"FolderPath": "C:\\X\\B.EXE"}), true),
            (json!({"FolderPath": "C:\\X\\B.EXE.bak"}), false),
        ],
        raw: vec![
            (json!({"Image": ["x", "C:\\D.exe"]}), true),
            (json!({"Image": "C:\\e.exe"}), false),
        ],
    });
    check(Case {
        name: "equality list",
        detection: "  s: {CommandLine: [alpha, beta, gamma, 'É']}\n  condition: s",
        kql: r#"ProcessCommandLine in~ ("alpha", "beta", "gamma", "É")"#,
        target: vec![
            (json!({"ProcessCommandLine": "BETA"}), true),
            (json!({"ProcessCommandLine": "é"}), false),
            (json!({"ProcessCommandLine": "beta "}), false),
        ],
        raw: vec![
            (json!({"CommandLine": "é"}), true),
            (json!({"CommandLine": "Gamma"}), true),
        ],
    });
}
