//! Rule tests for detection-as-code repositories (`sigma-kql test`): a sidecar
//! `<rule>.tests.yml` next to a rule names events (a file, or inline) and what must alert,
//! with or without the rule's exclusions, in either evaluation mode.
//!
//! ```yaml
//! rule: proc_creation_x.yml              # default: this file's name without `.tests`
//! exclusions: [proc_creation_x.exclusions.yml]   # default: none
//! mode: target                           # default: detected from the events
//! tests:
//!   - name: the intruder alerts
//!     events: x.events.jsonl             # a file next to this one, or a list of objects
//!     exclusions: []                     # this test only: no exclusions
//!     expect:
//!       alerts: [17, "Intruder: renamed copy"]   # exactly these: line numbers or `_name`s
//!   - name: two alerts
//!     events: [{FileName: a.exe, ProcessVersionInfoProductName: RustDesk}, {FileName: b.exe}]
//!     expect: {alerts: 1}                # how many
//!   - name: the labels hold
//!     events: x.events.jsonl
//!     expect: {labels: true}             # no labelled alert missed or suppressed, no false positive left
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;

use crate::convert::convert_files;
use crate::eval::input::InputFormat;
use crate::eval::result::{EventRef, Report, Status};
use crate::eval::{Events, Mode, Options, evaluate};
use crate::exclusion::Scenario;
use crate::pipeline::Pipeline;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestsFile {
    rule: Option<String>,
    #[serde(default)]
    exclusions: Vec<String>,
    mode: Option<Mode>,
    table: Option<String>,
    tests: Vec<TestCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCase {
    name: String,
    events: EventsSpec,
    exclusions: Option<Vec<String>>,
    mode: Option<Mode>,
    table: Option<String>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum EventsSpec {
    File(String),
    Inline(Vec<Value>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    alerts: Option<AlertsSpec>,
    #[serde(default)]
    labels: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AlertsSpec {
    Count(usize),
    Events(Vec<EventKey>),
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
enum EventKey {
    Line(usize),
    Name(String),
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It holds.
    Passed,
    /// It does not: why, line by line.
    Failed(Vec<String>),
    /// It could not run (a missing file, a rule that does not load …).
    Error(String),
}

/// One test's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The test's name.
    pub name: String,
    /// The rule's title (or file).
    pub rule: String,
    /// What happened.
    pub outcome: Outcome,
    /// How long it took, in seconds.
    pub seconds: f64,
}

/// The results of one tests file.
#[derive(Debug, Clone)]
pub struct SuiteResult {
    /// The tests file.
    pub path: String,
    /// Its tests, in order (one error entry when the file itself is wrong).
    pub cases: Vec<CaseResult>,
    /// How long it took, in seconds.
    pub seconds: f64,
}

impl SuiteResult {
    /// Tests that failed.
    pub fn failures(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
            .count()
    }

    /// Tests that could not run.
    pub fn errors(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Error(_)))
            .count()
    }
}

fn file_error(path: &str, message: String, started: Instant) -> SuiteResult {
    SuiteResult {
        path: path.to_string(),
        cases: vec![CaseResult {
            name: "(tests file)".into(),
            rule: String::new(),
            outcome: Outcome::Error(message),
            seconds: 0.0,
        }],
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The rule file a tests file is for by default: `x.tests.yml` → `x.yml`.
fn default_rule(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    for ext in [".tests.yml", ".tests.yaml"] {
        if lower.ends_with(ext) {
            let stem = &name[..name.len() - ext.len()];
            for e in ["yml", "yaml"] {
                let p = path.with_file_name(format!("{stem}.{e}"));
                if p.exists() {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// Runs one tests file.
pub fn run_file(path: &Path, pipeline: &Pipeline) -> SuiteResult {
    let started = Instant::now();
    let shown = path.display().to_string();
    let text = match crate::rule::load::read_text(path) {
        Ok(t) => t,
        Err(d) => return file_error(&shown, d.message.clone(), started),
    };
    let spec: TestsFile = match serde_yaml::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            let place = e
                .location()
                .map(|l| format!("{shown}:{}:{}", l.line(), l.column()))
                .unwrap_or_else(|| shown.clone());
            return file_error(
                &shown,
                format!(
                    "{place}: {}; the README's `sigma-kql test` section has the format",
                    explain(&e)
                ),
                started,
            );
        }
    };
    if spec.tests.is_empty() {
        return file_error(
            &shown,
            format!("{shown}: `tests:` is empty: add a test or remove the file"),
            started,
        );
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let rule_path = match &spec.rule {
        Some(r) => dir.join(r),
        None => match default_rule(path) {
            Some(p) => p,
            None => {
                return file_error(
                    &shown,
                    format!(
                        "{shown}: no `rule:` and no rule file named like this one (x.tests.yml tests x.yml): add `rule: <file>`"
                    ),
                    started,
                );
            }
        },
    };
    let rule_file = match crate::rule::load::read_text(&rule_path) {
        Ok(t) => crate::rule::load_source(&rule_path.display().to_string(), &t),
        Err(d) => {
            return file_error(
                &shown,
                format!("rule {}: {}", rule_path.display(), d.message),
                started,
            );
        }
    };
    if let Some(d) = rule_file.all_diagnostics().find(|d| d.is_error()) {
        return file_error(
            &shown,
            format!("rule {} does not load: {}", rule_path.display(), d.message),
            started,
        );
    }
    if !rule_file
        .documents
        .iter()
        .any(|d| matches!(d.document, Some(crate::rule::Document::Rule(_))))
    {
        return file_error(
            &shown,
            format!("{} holds no detection rule to test", rule_path.display()),
            started,
        );
    }
    let rule_title = rule_file
        .documents
        .first()
        .map(|d| d.label.clone())
        .unwrap_or_else(|| rule_path.display().to_string());
    let mut cases = Vec::new();
    for case in &spec.tests {
        let t = Instant::now();
        let outcome = run_case(case, &spec, dir, &rule_file, pipeline);
        cases.push(CaseResult {
            name: case.name.clone(),
            rule: rule_title.clone(),
            outcome,
            seconds: t.elapsed().as_secs_f64(),
        });
    }
    SuiteResult {
        path: shown,
        cases,
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn load_scenarios(dir: &Path, files: &[String]) -> Result<Vec<Scenario>, String> {
    let mut out = Vec::new();
    for f in files {
        let loaded = crate::exclusion::load_file(&dir.join(f));
        if let Some(d) = loaded.diagnostics.iter().find(|d| d.is_error()) {
            return Err(format!("exclusions {f}: {}", d.render()));
        }
        out.extend(loaded.scenarios);
    }
    Ok(out)
}

fn run_case(
    case: &TestCase,
    spec: &TestsFile,
    dir: &Path,
    rule_file: &crate::rule::LoadedFile,
    pipeline: &Pipeline,
) -> Outcome {
    let scenarios = match load_scenarios(dir, case.exclusions.as_ref().unwrap_or(&spec.exclusions))
    {
        Ok(s) => s,
        Err(e) => return Outcome::Error(e),
    };
    let events = match &case.events {
        EventsSpec::File(f) => {
            let p = dir.join(f);
            if !p.is_file() {
                return Outcome::Error(format!("events file {} not found", p.display()));
            }
            Events::read(&[p], InputFormat::Auto)
        }
        EventsSpec::Inline(list) => {
            let text: Vec<String> = list.iter().map(Value::to_string).collect();
            Events::parse("(inline)", &text.join("\n"), InputFormat::Lines)
        }
    };
    if let Some(e) = events.summary.errors.first() {
        return Outcome::Error(format!("events: {e}"));
    }
    let conversions = convert_files(std::slice::from_ref(rule_file), pipeline, &scenarios);
    let opts = Options {
        mode: case.mode.or(spec.mode),
        table: case.table.clone().or_else(|| spec.table.clone()),
        threads: None,
        list_limit: None,
        exhaustive: false,
    };
    let report = evaluate(&conversions, pipeline, &scenarios, &events, &opts);
    if let Some(r) = report.rules.iter().find(|r| r.status != Status::Evaluated) {
        let why = r.note.clone().unwrap_or_default();
        return match r.status {
            Status::Skipped => Outcome::Failed(vec![format!("the rule was not evaluated: {why}")]),
            _ => Outcome::Error(format!(
                "the rule cannot run in {} mode: {why}",
                report.mode.name()
            )),
        };
    }
    judge(&case.expect, &report, &events)
}

fn describe(e: &EventRef) -> String {
    match &e.name {
        Some(n) => format!("line {} ({n})", e.line),
        None => format!("line {}", e.line),
    }
}

/// Compares a report with the expectation.
fn judge(expect: &Expect, report: &Report, events: &Events) -> Outcome {
    let mut remaining: Vec<&EventRef> = Vec::new();
    for r in &report.rules {
        for e in &r.remaining {
            if !remaining.iter().any(|x| x.index == e.index) {
                remaining.push(e);
            }
        }
    }
    remaining.sort_by_key(|e| e.index);
    let mut problems = Vec::new();
    match &expect.alerts {
        Some(AlertsSpec::Count(n)) if remaining.len() != *n => {
            problems.push(format!("expected {n} alert(s), got {}", remaining.len()));
            for e in &remaining {
                problems.push(format!("  alert: {}", describe(e)));
            }
        }
        Some(AlertsSpec::Events(keys)) => {
            // A `_name` must say which event it means.
            for k in keys {
                if let EventKey::Name(n) = k {
                    let named = events
                        .events
                        .iter()
                        .filter(|e| e.view().get("_name").and_then(|v| v.as_str()) == Some(n))
                        .count();
                    if named > 1 {
                        return Outcome::Error(format!(
                            "{named} events are named {n:?}: give each event its own `_name`"
                        ));
                    }
                }
            }
            let matches = |e: &EventRef, k: &EventKey| match k {
                EventKey::Line(l) => e.line == *l,
                EventKey::Name(n) => e.name.as_deref() == Some(n.as_str()),
            };
            for e in &remaining {
                if !keys.iter().any(|k| matches(e, k)) {
                    problems.push(format!("unexpected alert: {}", describe(e)));
                }
            }
            for k in keys {
                if !remaining.iter().any(|e| matches(e, k)) {
                    let what = match k {
                        EventKey::Line(l) => format!("line {l}"),
                        EventKey::Name(n) => format!("{n:?}"),
                    };
                    problems.push(format!("missing alert: {what}"));
                }
            }
        }
        _ => {}
    }
    if expect.labels {
        let mut labelled = false;
        for r in &report.rules {
            let Some(l) = &r.labels else { continue };
            labelled = true;
            for e in &l.missed {
                problems.push(format!("labelled alert, no alert: {}", describe(e)));
            }
            for e in &l.true_positives_lost {
                problems.push(format!(
                    "labelled alert, suppressed by an exclusion: {}",
                    describe(e)
                ));
            }
            for e in &l.false_positives_remaining {
                problems.push(format!("labelled benign, alerts: {}", describe(e)));
            }
        }
        if !labelled {
            problems.push("`labels: true` but no event has an `_expect` label for the rule".into());
        }
    }
    if expect.alerts.is_none() && !expect.labels {
        return Outcome::Error(
            "`expect` needs `alerts` (a number or a list) or `labels: true`".into(),
        );
    }
    if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(problems)
    }
}

/// A YAML error of the tests file in words a user knows (serde's untagged enums say only
/// "did not match any variant"), without the place, which the caller prints.
fn explain(e: &serde_yaml::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let path = msg.split(": ").next().unwrap_or("").to_string();
    if msg.contains("untagged enum AlertsSpec") {
        format!("{path}: `alerts` is a number, or a list of line numbers and `_name`s")
    } else if msg.contains("untagged enum EventsSpec") {
        format!("{path}: `events` is an events file name, or a list of event objects")
    } else if msg.contains("untagged enum EventKey") {
        format!("{path}: an expected alert is a line number or a `_name`")
    } else {
        msg
    }
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold, even escaped.
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The results as JUnit XML (`testsuites` / `testsuite` per tests file / `testcase` per test,
/// with `failure` or `error`), as CI systems read it.
pub fn junit(suites: &[SuiteResult]) -> String {
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(SuiteResult::failures).sum();
    let errors: usize = suites.iter().map(SuiteResult::errors).sum();
    let time: f64 = suites.iter().map(|s| s.seconds).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"sigma-kql\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time:.3}\">\n"
    ));
    for s in suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3}\">\n",
            xml(&s.path),
            s.cases.len(),
            s.failures(),
            s.errors(),
            s.seconds
        ));
        for c in &s.cases {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                xml(&c.name),
                xml(&c.rule),
                c.seconds
            ));
            match &c.outcome {
                Outcome::Passed => out.push_str("/>\n"),
                Outcome::Failed(lines) => out.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"assertion\">{}</failure>\n    </testcase>\n",
                    xml(lines.first().map(String::as_str).unwrap_or("failed")),
                    xml(&lines.join("\n"))
                )),
                Outcome::Error(e) => out.push_str(&format!(
                    ">\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>\n",
                    xml(&crate::text::one_line(e)),
                    xml(e)
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
