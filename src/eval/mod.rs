//! The evaluator: runs the same rules and exclusions the KQL backend renders on JSON events,
//! so that a reviewer sees which events alert and what each exclusion suppresses.
//!
//! - [`input`] reads event files (JSON array, object, JSON Lines, concatenated objects).
//! - [`logsource`] decides which events a rule's log source covers.
//! - [`compile`] turns an IR expression into a program for one [`Mode`]; [`lookup`] finds
//!   fields in raw events, [`row`] puts ECS- or Sigma-keyed events onto a table's columns.
//! - [`evaluate`] runs the rules into a [`result::Report`], which `crate::report` renders.
//!
//! Two modes (DESIGN.md): *target* runs the mapped IR on rows keyed by table columns with
//! Kusto's semantics (strings never null, ASCII case folding, RE2 classes), exactly what the
//! generated query does; *raw* runs the unmapped IR on events keyed by Sigma / Sysmon names
//! with the Sigma spec's semantics (absent and null differ from the empty string).

pub mod compile;
pub mod evtx;
pub mod flat;
pub mod input;
pub mod logsource;
pub mod lookup;
pub mod prefilter;
pub mod re2;
pub mod result;
pub mod row;
mod run;
pub mod sample;
pub mod stream;

pub mod time;

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::convert::Conversion;
use crate::exclusion::Scenario;
use crate::pipeline::Pipeline;
use input::{Event, InputFormat};
use result::{EventFileSummary, EventsSummary, Report};

pub use run::label;

/// How events are keyed and which semantics apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Rows keyed by the target's table columns (or ECS names); Kusto semantics.
    Target,
    /// Events keyed by Sigma / Sysmon field names, Windows event shapes; Sigma semantics.
    Raw,
}

impl Mode {
    /// The mode's name.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Target => "target",
            Mode::Raw => "raw",
        }
    }
}

/// Evaluation options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The mode; detected from the events when `None`.
    pub mode: Option<Mode>,
    /// Target mode: the table every row belongs to (rows may also say it with `_table`).
    pub table: Option<String>,
    /// Threads to evaluate rules on (all cores when `None`); the report is the same.
    pub threads: Option<usize>,
    /// The most events listed per list of a rule (alerts, remaining, suppressed); every one
    /// is still counted. `None`: all.
    pub list_limit: Option<usize>,
    /// Raw mode: check every event against every rule of its log source, without the literal
    /// prefilter (slower; the report is the same, which the tests check).
    pub exhaustive: bool,
}

/// Events read from files, with what was read.
#[derive(Debug, Clone)]
pub struct Events {
    /// The events, in file order.
    pub events: Vec<Event>,
    /// Files, layouts and problems.
    pub summary: EventsSummary,
}

impl Events {
    /// Reads event files in order (`-` is standard input); problems are recorded, never fatal.
    pub fn read(paths: &[impl AsRef<Path>], format: InputFormat) -> Events {
        let mut events = Vec::new();
        let mut summary = EventsSummary {
            count: 0,
            files: Vec::new(),
            errors: Vec::new(),
            unplaced: 0,
        };
        for p in paths {
            let f = input::read_events(p.as_ref(), format, events.len());
            summary.files.push(EventFileSummary {
                path: p.as_ref().display().to_string(),
                format: f.format.name(),
                events: f.events.len(),
            });
            summary.errors.extend(f.errors);
            events.extend(f.events);
        }
        Events::finish(events, summary)
    }

    /// Events from text (for tests and the library).
    pub fn parse(name: &str, text: &str, format: InputFormat) -> Events {
        let f = input::parse_events(name, text, format, 0);
        let summary = EventsSummary {
            count: 0,
            files: vec![EventFileSummary {
                path: name.to_string(),
                format: f.format.name(),
                events: f.events.len(),
            }],
            errors: f.errors,
            unplaced: 0,
        };
        Events::finish(f.events, summary)
    }

    fn finish(events: Vec<Event>, mut summary: EventsSummary) -> Events {
        summary.count = events.len();
        for e in &events {
            if let Some(problem) = label_problem(e.view()) {
                summary.errors.push(input::InputError {
                    file: e.file.to_string(),
                    line: e.line,
                    column: 1,
                    message: problem,
                });
            }
        }
        Events { events, summary }
    }
}

/// What is wrong with an event's `_expect`, if anything.
fn label_problem(event: lookup::View) -> Option<String> {
    let ok = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("alert") || s.eq_ignore_ascii_case("benign"))
    };
    let bad = match event.get("_expect")?.to_json() {
        Value::Object(m) => m
            .iter()
            .find(|(_, v)| !ok(v))
            .map(|(k, v)| format!("`_expect.{k}` is {v}")),
        v if ok(&v) => None,
        v => Some(format!("`_expect` is {v}")),
    }?;
    Some(format!(
        "{bad}: write \"alert\" or \"benign\", or a map from rule id or title to one of them; the event is read without that label"
    ))
}

/// The mode the events call for, and why: Windows event shapes and Sigma / Sysmon names are
/// raw; table columns and ECS names are target.
pub fn detect_mode(events: &[Event], pipeline: &Pipeline) -> (Mode, String) {
    let tables: Vec<&crate::pipeline::Table> = pipeline.routes().iter().map(|r| r.table).collect();
    let sigma: std::collections::HashSet<&str> = pipeline
        .routes()
        .iter()
        .flat_map(|r| r.fields.keys().map(String::as_str))
        .filter(|k| !k.contains('.'))
        .chain(["EventID", "Channel", "Provider_Name", "Computer"])
        .collect();
    let (mut target, mut raw) = (0usize, 0usize);
    for e in events.iter().take(1000) {
        let json = e.json();
        let Some(o) = json.as_object() else {
            continue;
        };
        if o.contains_key("Event") || o.contains_key("winlog") {
            raw += 1;
            continue;
        }
        let (mut t, mut r) = (0, 0);
        for (k, v) in o.iter().filter(|(k, _)| !k.starts_with('_')) {
            if row::is_ecs_key(k, v) || tables.iter().any(|tb| tb.column(k).is_some()) {
                t += 1;
            }
            if sigma.contains(k.as_str()) {
                r += 1;
            }
        }
        if o.contains_key("_table") || t > r {
            target += 1;
        } else if r > 0 {
            raw += 1;
        }
    }
    let seen = events.len().min(1000);
    if target >= raw && target > 0 {
        (
            Mode::Target,
            format!(
                "detected: {target} of {seen} events are keyed by {} table columns or ECS names",
                pipeline.title
            ),
        )
    } else if raw > 0 {
        (
            Mode::Raw,
            format!(
                "detected: {raw} of {seen} events are Windows event records or keyed by Sigma field names"
            ),
        )
    } else {
        (
            Mode::Target,
            "default: the events name no known column or Sigma field".to_string(),
        )
    }
}

/// Evaluates converted rules (see [`crate::convert::convert_files`], which also applies the
/// exclusion `scenarios` in target mode) on `events`.
pub fn evaluate(
    conversions: &[Conversion],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    events: &Events,
    opts: &Options,
) -> Report {
    evaluate_with(conversions, pipeline, scenarios, events, opts, &|_| {})
}

/// Runs `f` on `threads` threads (all cores when `None`).
fn on_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> T {
    match threads.map(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
    }) {
        Some(Ok(pool)) => pool.install(f),
        // A pool that cannot start: the global one.
        _ => f(),
    }
}

/// [`evaluate`], calling `done` with the number of events after each chunk (for a progress
/// bar).
pub fn evaluate_with(
    conversions: &[Conversion],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    events: &Events,
    opts: &Options,
    done: &(dyn Fn(usize) + Sync),
) -> Report {
    let (mode, reason) = match opts.mode {
        Some(m) => (m, "given with --mode".to_string()),
        None => detect_mode(&events.events, pipeline),
    };
    on_threads(opts.threads, || {
        let mut run = run::Run::new(conversions, pipeline, scenarios, opts, mode);
        for chunk in events.events.chunks(CHUNK) {
            run.add(chunk);
            done(chunk.len());
        }
        run.finish(events.summary.clone(), reason)
    })
}

/// Events evaluated at a time: enough for every core to have work, few enough that memory
/// does not depend on how many events there are.
pub const CHUNK: usize = 1024;

/// Evaluates converted rules on event files read as a stream, [`CHUNK`] events at a time:
/// memory stays flat however many events the files hold (JSON Lines, CSV and EVTX files are
/// streamed; other layouts are read whole, up to [`stream::WHOLE_LIMIT`] bytes each). The
/// report is the one [`evaluate`] gives on the same events. `done` is called with the number
/// of events after each chunk.
pub fn evaluate_files(
    conversions: &[Conversion],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    paths: &[impl AsRef<Path>],
    format: InputFormat,
    opts: &Options,
    done: &(dyn Fn(usize) + Sync),
) -> Report {
    let stream = stream::EventStream::open(paths, format);
    evaluate_stream(conversions, pipeline, scenarios, stream, opts, done)
}

/// [`evaluate_files`] on an opened [`stream::EventStream`].
pub fn evaluate_stream(
    conversions: &[Conversion],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    mut stream: stream::EventStream,
    opts: &Options,
    done: &(dyn Fn(usize) + Sync),
) -> Report {
    // The mode, from the first events unless given (then the first events can be read flat).
    let (first, mode, reason) = match opts.mode {
        Some(m) => (None, m, "given with --mode".to_string()),
        None => {
            let first = stream.next_chunk(CHUNK);
            let (m, reason) = detect_mode(&first, pipeline);
            (Some(first), m, reason)
        }
    };
    on_threads(opts.threads, || {
        let mut run = run::Run::new(conversions, pipeline, scenarios, opts, mode);
        stream.read_flat(run.reads_flat_events());
        let mut chunk = first.unwrap_or_else(|| stream.next_chunk(CHUNK));
        while !chunk.is_empty() {
            run.add(&chunk);
            done(chunk.len());
            // The chunk goes before the next is read: one chunk in memory at a time.
            chunk.clear();
            chunk = stream.next_chunk(CHUNK);
        }
        run.finish(stream.finish(), reason)
    })
}
