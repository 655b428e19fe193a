//! Probe rsigma-eval 0.21.0's matching semantics on small cases where implementations of
//! the Sigma specification are known to differ. Prints one line per case:
//! `match`/`no match`/`ERROR`, the detection and the event.
//!
//! ```text
//! cargo run --release --bin rsigma-semantics
//! ```

use rsigma_eval::event::JsonEvent;
use rsigma_eval::Engine;
use serde_json::Value;

/// (label, detection YAML body indented by 4, event JSON)
const CASES: &[(&str, &str, &str)] = &[
    // --- case folding
    (
        "eq ascii case",
        "sel:\n        f: 'CMD.exe'",
        r#"{"f":"cmd.EXE"}"#,
    ),
    (
        "eq unicode case (Ä/ä)",
        "sel:\n        f: 'ÄRZTE'",
        r#"{"f":"ärzte"}"#,
    ),
    (
        "contains unicode case (Σ/σ)",
        "sel:\n        f|contains: 'ΣΙΓΜΑ'",
        r#"{"f":"x σιγμα y"}"#,
    ),
    (
        "endswith unicode case (É/é)",
        "sel:\n        f|endswith: 'ÉCOLE'",
        r#"{"f":"\\école"}"#,
    ),
    (
        "wildcard unicode case (Ü/ü)",
        "sel:\n        f: '*ÜBER*'",
        r#"{"f":"xx über yy"}"#,
    ),
    (
        "Kelvin sign K vs k",
        "sel:\n        f: 'k'",
        "{\"f\":\"\u{212A}\"}",
    ),
    (
        "eq cased modifier",
        "sel:\n        f|cased: 'Cmd'",
        r#"{"f":"cmd"}"#,
    ),
    // --- numbers vs strings
    (
        "rule int 1, event number 1",
        "sel:\n        EventID: 1",
        r#"{"EventID":1}"#,
    ),
    (
        "rule int 1, event string '1'",
        "sel:\n        EventID: 1",
        r#"{"EventID":"1"}"#,
    ),
    (
        "rule int 1, event string '01'",
        "sel:\n        EventID: 1",
        r#"{"EventID":"01"}"#,
    ),
    (
        "rule int 1, event string '1.0'",
        "sel:\n        EventID: 1",
        r#"{"EventID":"1.0"}"#,
    ),
    (
        "rule int 1, event number 1.0",
        "sel:\n        EventID: 1",
        r#"{"EventID":1.0}"#,
    ),
    (
        "rule str '1', event number 1",
        "sel:\n        EventID: '1'",
        r#"{"EventID":1}"#,
    ),
    (
        "rule str '01', event number 1",
        "sel:\n        EventID: '01'",
        r#"{"EventID":1}"#,
    ),
    (
        "rule str '1', event number 1.0",
        "sel:\n        EventID: '1'",
        r#"{"EventID":1.0}"#,
    ),
    (
        "rule str 'true', event bool true",
        "sel:\n        f: 'true'",
        r#"{"f":true}"#,
    ),
    (
        "rule bool true, event string 'yes'",
        "sel:\n        f: true",
        r#"{"f":"yes"}"#,
    ),
    (
        "rule int|contains 12, event number 3124",
        "sel:\n        f|contains: 12",
        r#"{"f":3124}"#,
    ),
    (
        "rule str wildcard '4*', event number 4688",
        "sel:\n        EventID: '4*'",
        r#"{"EventID":4688}"#,
    ),
    (
        "rule int|gt 10, event string '11'",
        "sel:\n        f|gt: 10",
        r#"{"f":"11"}"#,
    ),
    // --- null / absent / empty
    ("null vs absent", "sel:\n        f: null", r#"{"g":"x"}"#),
    (
        "null vs json null",
        "sel:\n        f: null",
        r#"{"f":null}"#,
    ),
    (
        "null vs empty string",
        "sel:\n        f: null",
        r#"{"f":""}"#,
    ),
    ("'' vs absent", "sel:\n        f: ''", r#"{"g":"x"}"#),
    ("'' vs json null", "sel:\n        f: ''", r#"{"f":null}"#),
    (
        "[null, ''] vs absent",
        "sel:\n        f:\n            - null\n            - ''",
        r#"{"g":"x"}"#,
    ),
    (
        "[null, 'x'] vs absent",
        "sel:\n        f:\n            - null\n            - 'x'",
        r#"{"g":"x"}"#,
    ),
    ("f: 'x' vs absent", "sel:\n        f: 'x'", r#"{"g":"x"}"#),
    (
        "|exists true vs json null",
        "sel:\n        f|exists: true",
        r#"{"f":null}"#,
    ),
    (
        "|exists false vs absent",
        "sel:\n        f|exists: false",
        r#"{"g":"x"}"#,
    ),
    (
        "|neq 'x' vs absent",
        "sel:\n        f|neq: 'x'",
        r#"{"g":"y"}"#,
    ),
    (
        "|neq 'x' vs json null",
        "sel:\n        f|neq: 'x'",
        r#"{"f":null}"#,
    ),
    (
        "contains vs array member",
        "sel:\n        f|contains: 'b'",
        r#"{"f":["a","xbx"]}"#,
    ),
    (
        "dotted field vs nested object",
        "sel:\n        a.b: 'x'",
        r#"{"a":{"b":"x"}}"#,
    ),
    // --- keywords
    (
        "keyword plain (substring, any field)",
        "keywords:\n        - 'MIMIKATZ'",
        r#"{"CommandLine":"x mimikatz.exe y"}"#,
    ),
    (
        "keyword vs number value",
        "keywords:\n        - '4688'",
        r#"{"EventID":4688}"#,
    ),
    (
        "keyword int vs number value",
        "keywords:\n        - 4688",
        r#"{"EventID":4688}"#,
    ),
    (
        "keyword vs field NAME",
        "keywords:\n        - 'CommandLine'",
        r#"{"CommandLine":"x"}"#,
    ),
    (
        "keyword wildcard 'a*b' inside value",
        "keywords:\n        - 'a*b'",
        r#"{"f":"xx a 1 b yy"}"#,
    ),
    (
        "keyword wildcard '*a*b*' inside value",
        "keywords:\n        - '*a*b*'",
        r#"{"f":"xx a 1 b yy"}"#,
    ),
    (
        "keyword in nested object",
        "keywords:\n        - 'deep'",
        r#"{"a":{"b":["x","deep"]}}"#,
    ),
    // --- wildcards and newlines
    (
        "wildcard * across newline",
        "sel:\n        f: '*foo*bar*'",
        r#"{"f":"foo\nbar"}"#,
    ),
    (
        "contains across newline",
        "sel:\n        f|contains|all:\n            - 'foo'\n            - 'bar'",
        r#"{"f":"foo\nbar"}"#,
    ),
    (
        "escaped wildcard \\*",
        "sel:\n        f: 'a\\*b'",
        r#"{"f":"a*b"}"#,
    ),
    (
        "escaped wildcard \\* vs axb",
        "sel:\n        f: 'a\\*b'",
        r#"{"f":"axb"}"#,
    ),
    // --- cidr
    (
        "cidr v4",
        "sel:\n        ip|cidr: '10.0.0.0/8'",
        r#"{"ip":"10.1.2.3"}"#,
    ),
    (
        "cidr v4 vs v4-mapped v6",
        "sel:\n        ip|cidr: '10.0.0.0/8'",
        r#"{"ip":"::ffff:10.1.2.3"}"#,
    ),
    (
        "cidr v6",
        "sel:\n        ip|cidr: 'fe80::/10'",
        r#"{"ip":"fe80::1"}"#,
    ),
    (
        "cidr vs ip:port",
        "sel:\n        ip|cidr: '10.0.0.0/8'",
        r#"{"ip":"10.1.2.3:445"}"#,
    ),
    (
        "cidr host bits set 10.1.2.3/8",
        "sel:\n        ip|cidr: '10.1.2.3/8'",
        r#"{"ip":"10.200.0.1"}"#,
    ),
    // --- regex
    (
        "re default case-sensitive",
        "sel:\n        f|re: 'abc'",
        r#"{"f":"ABC"}"#,
    ),
    ("re |i", "sel:\n        f|re|i: 'abc'", r#"{"f":"ABC"}"#),
    ("re unanchored", "sel:\n        f|re: 'b'", r#"{"f":"abc"}"#),
    (
        "re . vs newline",
        "sel:\n        f|re: 'a.c'",
        "{\"f\":\"a\\nc\"}",
    ),
    (
        "re |s . vs newline",
        "sel:\n        f|re|s: 'a.c'",
        "{\"f\":\"a\\nc\"}",
    ),
    (
        "re |m ^ per line",
        "sel:\n        f|re|m: '^c'",
        "{\"f\":\"ab\\nc\"}",
    ),
    (
        "re lookahead (PCRE only)",
        "sel:\n        f|re: 'a(?=b)'",
        r#"{"f":"ab"}"#,
    ),
    (
        "re backreference (PCRE only)",
        "sel:\n        f|re: '(a)\\1'",
        r#"{"f":"aa"}"#,
    ),
    // --- windash
    (
        "windash - vs /",
        "sel:\n        c|windash|contains: ' -enc '",
        r#"{"c":"powershell /enc AAA"}"#,
    ),
    (
        "windash - vs en dash",
        "sel:\n        c|windash|contains: ' -enc '",
        "{\"c\":\"powershell \u{2013}enc AAA\"}",
    ),
    (
        "windash / in rule vs - in event",
        "sel:\n        c|windash|contains: ' /enc '",
        r#"{"c":"powershell -enc AAA"}"#,
    ),
    // --- expand
    (
        "expand %f2% = event field f2",
        "sel:\n        f|expand: 'C:\\Users\\%f2%\\x'",
        r#"{"f":"C:\\Users\\bob\\x","f2":"bob"}"#,
    ),
    (
        "expand unknown placeholder (no pipeline)",
        "sel:\n        f|expand: '%ProgramFiles%\\x'",
        r#"{"f":"C:\\Program Files\\x"}"#,
    ),
    (
        "expand unknown placeholder, value literal",
        "sel:\n        f|expand: '%ProgramFiles%\\x'",
        r#"{"f":"\\x"}"#,
    ),
    // --- fieldref
    (
        "fieldref equal (case-insensitive)",
        "sel:\n        a|fieldref: b",
        r#"{"a":"X","b":"x"}"#,
    ),
    (
        "fieldref number vs string",
        "sel:\n        a|fieldref: b",
        r#"{"a":1,"b":"1"}"#,
    ),
    (
        "fieldref missing ref",
        "sel:\n        a|fieldref: b",
        r#"{"a":"x"}"#,
    ),
    (
        "fieldref|contains",
        "sel:\n        a|fieldref|contains: b",
        r#"{"a":"xyz","b":"y"}"#,
    ),
    (
        "fieldref|startswith",
        "sel:\n        a|fieldref|startswith: b",
        r#"{"a":"xyz","b":"x"}"#,
    ),
    // --- base64offset, all
    (
        "base64offset|contains",
        "sel:\n        c|base64offset|contains: 'IEX'",
        r#"{"c":"powershell -e SUVYIChOZXc="}"#,
    ),
    (
        "contains|all list",
        "sel:\n        c|contains|all:\n            - 'a'\n            - 'z'",
        r#"{"c":"abc"}"#,
    ),
];

fn main() {
    for (label, det, ev) in CASES {
        let cond = if det.starts_with("keywords") {
            "keywords"
        } else {
            "sel"
        };
        let yaml = format!(
            "title: probe\nid: 00000000-0000-0000-0000-000000000000\nlogsource:\n    product: windows\ndetection:\n    {det}\n    condition: {cond}\n"
        );
        let verdict = match rsigma_parser::parse_sigma_yaml(&yaml) {
            Err(e) => format!("ERROR parse: {e}"),
            Ok(c) if c.rules.is_empty() => format!("ERROR parse: {:?}", c.errors),
            Ok(c) => {
                let mut engine = Engine::new();
                match engine.add_rule(&c.rules[0]) {
                    Err(e) => format!("ERROR compile: {e}"),
                    Ok(()) => {
                        let v: Value = serde_json::from_str(ev).expect("event json");
                        let hit = !engine.evaluate(&JsonEvent::borrow(&v)).is_empty();
                        if hit {
                            "match".into()
                        } else {
                            "no match".into()
                        }
                    }
                }
            }
        };
        println!(
            "{verdict:<10} | {label:<45} | {} | {ev}",
            det.replace('\n', " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
