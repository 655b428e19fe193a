//! Streaming evaluation and the binary inputs: EVTX files (the fixture is made by
//! `tools/make_evtx.py`), damaged EVTX files, and files streamed a chunk at a time giving the
//! report that reading them whole gives.

use std::path::{Path, PathBuf};

use sigma_kql::convert::{Conversion, convert_files};
use sigma_kql::eval::input::{Body, InputFormat};
use sigma_kql::eval::result::{Report, Status};
use sigma_kql::eval::stream::EventStream;
use sigma_kql::eval::{CHUNK, Events, Mode, Options, evaluate, evaluate_stream};
use sigma_kql::exclusion::{self, Scenario};
use sigma_kql::pipeline::Pipeline;

use crate::support::{load, root};

fn pipeline() -> Pipeline {
    Pipeline::builtin("microsoft_xdr").expect("built-in pipeline")
}

fn evtx_fixture() -> PathBuf {
    root().join("tests/fixtures/events/small.evtx")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigma-kql-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn rules(paths: &[&str], scenarios: &[Scenario]) -> Vec<Conversion> {
    let files: Vec<_> = paths.iter().map(|p| load(&root().join(p))).collect();
    convert_files(&files, &pipeline(), scenarios)
}

#[test]
fn evtx_records_are_windows_events() {
    let events = Events::read(&[evtx_fixture()], InputFormat::Auto);
    assert!(
        events.summary.errors.is_empty(),
        "{:?}",
        events.summary.errors
    );
    assert_eq!(events.summary.files[0].format, "evtx");
    // An EVTX event's "line" is its record number.
    let lines: Vec<usize> = events.events.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 2, 3, 4]);
    let event = events.events[0].json();
    let first = &event["Event"];
    assert_eq!(
        first["System"]["Channel"],
        "Microsoft-Windows-Sysmon/Operational"
    );
    assert_eq!(
        first["EventData"]["Image"],
        "C:\\Windows\\System32\\whoami.exe"
    );
    // Raw mode: Sysmon 1 and Security 4688 are process creation (4688 with its own names);
    // the Sysmon network event is not.
    let conv = rules(&["tests/fixtures/ruletest/whoami.yml"], &[]);
    let r = evaluate(&conv, &pipeline(), &[], &events, &Options::default());
    assert_eq!(r.mode, Mode::Raw, "{}", r.mode_reason);
    let rule = &r.rules[0];
    assert_eq!(rule.status, Status::Evaluated, "{:?}", rule.note);
    assert_eq!(rule.considered, 3);
    let alerted: Vec<usize> = rule.alerts.iter().map(|a| a.line).collect();
    assert_eq!(alerted, [1, 3]);
}

#[test]
fn damaged_evtx_files_are_reported_not_read_wrong() {
    let good = std::fs::read(evtx_fixture()).expect("fixture");
    let dir = temp_dir("evtx-damage");
    let read = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let events = Events::read(&[&path], InputFormat::Auto);
        let errors: Vec<String> = events
            .summary
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect();
        (events.events.len(), errors.join("\n"))
    };
    // One byte of an event's text changed: the chunk's checksum says so, and no value is read
    // wrong.
    let notepad: Vec<u8> = "NOTEPAD"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let at = good
        .windows(notepad.len())
        .position(|w| w == notepad.as_slice())
        .expect("the fixture holds NOTEPAD.EXE");
    let mut flipped = good.clone();
    flipped[at] = b'M';
    let (n, errors) = read("flipped.evtx", &flipped);
    assert_eq!(n, 0);
    assert!(
        errors.contains("flipped.evtx:1:1: chunk 0 cannot be read"),
        "{errors}"
    );
    assert!(errors.contains("damaged"), "{errors}");
    // Cut short inside the chunk, and inside the header.
    let (n, errors) = read("cut.evtx", &good[..5000]);
    assert_eq!(n, 0);
    assert!(
        errors.contains("the file is cut short: chunk 0 has 904 of 65536 bytes"),
        "{errors}"
    );
    let (_, errors) = read("header.evtx", &good[..100]);
    assert!(
        errors.contains("its header is 100 of 4096 bytes"),
        "{errors}"
    );
    // Not an EVTX file at all, though named like one.
    let (_, errors) = read("text.evtx", b"{\"EventID\": 1}\n");
    assert!(errors.contains("not an EVTX file"), "{errors}");
    // Forced on text read from a pipe-like source: a clear error, not a panic.
    let f = sigma_kql::eval::input::parse_events("x.json", "{}", InputFormat::Evtx, 0);
    assert!(f.errors[0].message.contains("EVTX file is binary"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report of `paths` read whole, and streamed a chunk at a time.
fn whole_and_streamed(
    conv: &[Conversion],
    scenarios: &[Scenario],
    paths: &[&Path],
    opts: &Options,
) -> (String, String) {
    let events = Events::read(paths, InputFormat::Auto);
    let whole = evaluate(conv, &pipeline(), scenarios, &events, opts);
    let stream = EventStream::open(paths, InputFormat::Auto).whole_limit(0);
    let streamed = evaluate_stream(conv, &pipeline(), scenarios, stream, opts, &|_| {});
    let json = |r: &Report| serde_json::to_string_pretty(r).expect("report serialises");
    (json(&whole), json(&streamed))
}

#[test]
fn streamed_files_give_the_report_of_files_read_whole() {
    let dir = temp_dir("streamed");
    // Over two chunks of the RustDesk rows (labelled, with the reviewed exclusions), bad
    // lines among them, `//` comments and blank lines.
    let rows = std::fs::read_to_string(root().join("rules/rustdesk/rustdesk.events.jsonl"))
        .expect("fixture");
    let rows: Vec<&str> = rows.lines().filter(|l| l.starts_with('{')).collect();
    let mut text = String::from("// generated\n");
    let n = 2 * CHUNK + 100;
    for i in 0..n {
        text.push_str(rows[i % rows.len()]);
        text.push('\n');
        if i % 2000 == 1999 {
            text.push_str("{not json\n\n");
        }
    }
    let lines = dir.join("rows.jsonl");
    std::fs::write(&lines, &text).expect("write");
    let x = exclusion::load_file(&root().join("rules/rustdesk/rustdesk_sanctioned.exclusions.yml"));
    assert!(!x.has_errors());
    let conv = rules(
        &[
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml",
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_execution.yml",
        ],
        &x.scenarios,
    );
    for limit in [None, Some(5)] {
        let opts = Options {
            list_limit: limit,
            ..Options::default()
        };
        let (whole, streamed) = whole_and_streamed(&conv, &x.scenarios, &[&lines], &opts);
        assert_eq!(whole, streamed);
        let r: serde_json::Value = serde_json::from_str(&streamed).expect("JSON");
        assert_eq!(r["events"]["count"], n);
        assert_eq!(r["events"]["files"][0]["format"], "lines");
        assert_eq!(
            r["events"]["errors"].as_array().map(Vec::len),
            Some(n / 2000)
        );
        // The first bad line follows 2,000 rows and the comment line.
        assert_eq!(r["events"]["errors"][0]["line"], 2002);
        let rule = &r["rules"][0];
        assert!(rule["alert_count"].as_u64().is_some_and(|a| a > 1000));
        let listed = rule["alerts"].as_array().map_or(0, Vec::len);
        match limit {
            Some(k) => assert_eq!(listed, k),
            None => assert_eq!(Some(listed as u64), rule["alert_count"].as_u64()),
        }
    }
    // Layouts a large file is read whole in are detected as for a small one.
    let pretty: Vec<String> = rows
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(r).expect("row");
            serde_json::to_string_pretty(&v).expect("JSON")
        })
        .collect();
    for (name, text, layout) in [
        ("pretty.json", pretty.join("\n"), "concatenated"),
        ("array.json", format!("[{}]", rows.join(",\n")), "array"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        let opts = Options::default();
        let (whole, streamed) = whole_and_streamed(&conv, &x.scenarios, &[&path], &opts);
        assert_eq!(whole, streamed);
        let r: serde_json::Value = serde_json::from_str(&streamed).expect("JSON");
        assert_eq!(r["events"]["files"][0]["format"], layout);
        assert_eq!(r["events"]["count"], rows.len());
    }
    // A CSV export, the EVTX fixture and a JSON Lines file one after another: indexes run on.
    let csv = root().join("tests/fixtures/events/defender_export.csv");
    let conv = rules(&["tests/fixtures/ruletest/whoami.yml"], &[]);
    let opts = Options {
        mode: Some(Mode::Raw),
        ..Options::default()
    };
    let evtx = evtx_fixture();
    let (whole, streamed) = whole_and_streamed(&conv, &[], &[&csv, &evtx, &lines], &opts);
    assert_eq!(whole, streamed);
    let r: serde_json::Value = serde_json::from_str(&streamed).expect("JSON");
    let formats: Vec<&str> = r["events"]["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["format"].as_str())
        .collect();
    assert_eq!(formats, ["csv", "evtx", "lines"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_prefilter_changes_no_verdict() {
    use sigma_kql::eval::sample::{Rng, raw_events};
    // Raw events made from the fixture and project rules' own values (matches along random
    // branches, near misses, case flips, odd characters), in their log sources' channels.
    let mut files = Vec::new();
    for dir in ["tests/fixtures/kql", "rules/rustdesk"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("fixture folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "yml")
                    && !p.to_string_lossy().contains(".tests.")
                    && !p.to_string_lossy().contains(".exclusions.")
            })
            .collect();
        paths.sort();
        files.extend(paths.iter().map(|p| load(p)));
    }
    let conv = convert_files(&files, &pipeline(), &[]);
    let mut rng = Rng::new(11);
    let mut lines = String::new();
    for c in &conv {
        let Some(rule) = &c.rule else { continue };
        for cond in &rule.conditions {
            for e in raw_events(rule, &cond.expr, 16, &mut rng) {
                lines.push_str(&e.to_string());
                lines.push('\n');
            }
        }
    }
    // Variants the flat reader must read as `Value` does, or leave to it: a name, a repeated
    // key (its first place, its last value), an object inside (read as a `Value`).
    let mut varied = String::new();
    for (i, line) in lines.lines().enumerate() {
        let body = line.strip_prefix('{').unwrap_or(line);
        varied.push_str(line);
        varied.push('\n');
        match i % 4 {
            0 => varied.push_str(&format!("{{\"_name\":\"e{i}\",{body}\n")),
            1 => varied.push_str(&format!("{{\"EventID\":-1,\"Image\":null,{body}\n")),
            2 => varied.push_str(&format!("{{\"extra\":{{\"a\":[1]}},{body}\n")),
            _ => {}
        }
    }
    let lines = varied;
    let events = Events::parse("raw.jsonl", &lines, InputFormat::Lines);
    assert!(events.summary.errors.is_empty());
    let report = |exhaustive: bool| {
        let opts = Options {
            mode: Some(Mode::Raw),
            exhaustive,
            ..Options::default()
        };
        evaluate(&conv, &pipeline(), &[], &events, &opts)
    };
    let (fast, slow) = (report(false), report(true));
    assert!(fast.summary.alerts > 200, "{:?}", fast.summary);
    let json = |r: &Report| serde_json::to_string(r).expect("JSON");
    assert_eq!(json(&fast), json(&slow));
    // Streamed from a file, the prefiltered path reads the events of scalars flat (and the
    // others as values): the same report as the exhaustive path, which reads values only.
    let dir = temp_dir("flat");
    let path = dir.join("raw.jsonl");
    std::fs::write(&path, &lines).expect("write");
    let mut stream = EventStream::open(&[&path], InputFormat::Auto);
    stream.read_flat(true);
    let chunk = stream.next_chunk(CHUNK);
    let flat = chunk
        .iter()
        .filter(|e| matches!(e.body, Body::Flat(_)))
        .count();
    assert!(flat > 0 && flat < chunk.len(), "{flat} of {}", chunk.len());
    let streamed = |exhaustive: bool| {
        let opts = Options {
            mode: Some(Mode::Raw),
            exhaustive,
            list_limit: None,
            ..Options::default()
        };
        let stream = EventStream::open(&[&path], InputFormat::Auto);
        evaluate_stream(&conv, &pipeline(), &[], stream, &opts, &|_| {})
    };
    let (fast, slow) = (streamed(false), streamed(true));
    assert_eq!(fast.summary.alerts, report(true).summary.alerts);
    assert_eq!(json(&fast), json(&slow));
    let _ = std::fs::remove_dir_all(&dir);
}
