//! `sigma-kql eval RULES… --events FILE… [-x FILE] [-p PIPELINE] [--format text|json|markdown]`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::convert::{load_setup, write_atomic};
use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::eval::input::InputFormat;
use crate::eval::result::Report;
use crate::eval::{Mode, Options, evaluate_files};
use crate::pipeline::Reason;
use crate::report::{Format, render};

/// Conditions that make `eval` exit with 1, for CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// An exclusion suppresses an event labelled `alert`.
    TpSuppressed,
    /// An event labelled `benign` still alerts after the exclusions.
    FpRemaining,
    /// An event labelled `alert` does not alert (before exclusions).
    Missed,
    /// Any exclusion warning (suppresses every alert, none, absent field …).
    ExclusionWarning,
    /// Any alert remains after the exclusions.
    Alert,
    /// A rule condition could not be evaluated in the mode.
    NotEvaluated,
}

/// Arguments of `eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Rule files or folders (searched recursively for .yml/.yaml).
    #[arg(required = true, value_name = "RULES")]
    paths: Vec<String>,
    /// Event files: JSON Lines, JSON array, object or concatenated objects, CSV (Defender's
    /// export) or EVTX; may be repeated; `-` is standard input.
    #[arg(long, short = 'e', required = true, value_name = "FILE")]
    events: Vec<PathBuf>,
    /// Exclusion scenarios to preview; may be repeated.
    #[arg(long, short = 'x', value_name = "FILE")]
    exclusions: Vec<PathBuf>,
    /// Pipeline for target mode: a built-in name or a pipeline YAML file.
    #[arg(long, short = 'p', default_value = "microsoft_xdr")]
    pipeline: String,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// target (rows keyed by table columns or ECS names, Kusto semantics) or raw (Sigma field
    /// names and Windows event shapes, Sigma semantics); detected from the events if absent.
    #[arg(long, value_enum)]
    mode: Option<Mode>,
    /// Layout of the event files; detected if absent.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Target mode: the table every row belongs to (else `_table`, `Type`, or the columns).
    #[arg(long, value_name = "TABLE")]
    table: Option<String>,
    /// Threads to load, convert and evaluate rules on (default: all cores); the report is the
    /// same for any.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// The most events listed per rule in each list (alerts, suppressed, remaining); all are
    /// counted. 0 lists them all.
    #[arg(long, value_name = "N", default_value_t = 100)]
    list_limit: usize,
    /// Raw mode: check every event against every rule of its log source, without the literal
    /// prefilter (slower; the report is the same).
    #[arg(long)]
    exhaustive: bool,
    /// Print to standard error how many events were evaluated, how fast, and the process's
    /// peak memory (Linux).
    #[arg(long)]
    stats: bool,
    /// Exit with 1 when this happens (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    fail_on: Vec<FailOn>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Colour the text report: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
}

/// The `--fail-on` conditions the report meets, with a line each.
pub fn failures(report: &Report, fail_on: &[FailOn]) -> Vec<String> {
    let s = &report.summary;
    let mut out = Vec::new();
    for f in fail_on {
        let hit = match f {
            FailOn::TpSuppressed => (s.true_positives_lost > 0).then(|| {
                format!(
                    "{} true positive(s) suppressed by exclusions",
                    s.true_positives_lost
                )
            }),
            FailOn::FpRemaining => (s.false_positives_remaining > 0).then(|| {
                format!(
                    "{} false positive(s) still alert",
                    s.false_positives_remaining
                )
            }),
            FailOn::Missed => {
                (s.missed > 0).then(|| format!("{} labelled alert(s) missed", s.missed))
            }
            FailOn::ExclusionWarning => (s.exclusion_warnings > 0)
                .then(|| format!("{} exclusion warning(s)", s.exclusion_warnings)),
            FailOn::Alert => (s.remaining > 0).then(|| format!("{} alert(s) remain", s.remaining)),
            FailOn::NotEvaluated => {
                (s.failed > 0).then(|| format!("{} rule condition(s) not evaluated", s.failed))
            }
        };
        if let Some(h) = hit {
            out.push(format!(
                "--fail-on {}: {h}",
                f.to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default()
            ));
        }
    }
    out
}

/// `--stats`: events, rule conditions, time, rate and peak memory.
fn stats_line(report: &Report, took: std::time::Duration) -> String {
    let secs = took.as_secs_f64();
    let n = report.events.count;
    let rate = if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let mut line = format!(
        "sigma-kql: stats: {n} events, {} rule conditions evaluated in {secs:.3} s ({rate:.0} events/s)",
        report.summary.evaluated
    );
    if let Some(kb) = peak_memory_kb() {
        line.push_str(&format!("; peak memory {} MiB", kb / 1024));
    }
    line
}

/// The process's peak resident memory (`VmHWM`), where the system tells it.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub(super) fn run(args: &EvalArgs, out: &mut impl Write) -> anyhow::Result<u8> {
    let missing: Vec<&PathBuf> = args
        .events
        .iter()
        .filter(|p| p.as_os_str() != "-" && !p.exists())
        .collect();
    if !missing.is_empty() {
        for p in missing {
            eprintln!("error[path]: cannot use {}: no such file", p.display());
        }
        return Ok(EXIT_USAGE);
    }
    if let Some(n) = args.threads.and_then(|n| usize::try_from(n).ok()) {
        // Loading and converting the rules too run on N threads. The global pool can only be
        // set once per process; a second `run` in the same process keeps the first setting.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let (pipeline, scenarios) = match load_setup(&args.pipeline, &args.exclusions, "evaluated") {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let inputs = match super::rule_inputs(&args.paths) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let loaded = super::progress::load(&inputs);
    let mut conversions = super::progress::convert(&loaded, &pipeline, &scenarios);
    // The conversions keep what evaluation needs; the parsed YAML can go, and in raw mode the
    // mapped queries too (raw mode runs the rules as written).
    drop(loaded);
    if args.mode == Some(Mode::Raw) {
        for c in &mut conversions {
            c.mapped = Vec::new();
            c.queries = Vec::new();
            c.meta = None;
        }
    }
    let opts = Options {
        mode: args.mode,
        table: args.table.clone(),
        threads: args.threads.and_then(|n| usize::try_from(n).ok()),
        list_limit: (args.list_limit > 0).then_some(args.list_limit),
        exhaustive: args.exhaustive,
    };
    let bar = super::progress::Progress::counter("events evaluated");
    let started = std::time::Instant::now();
    let report = evaluate_files(
        &conversions,
        &pipeline,
        &scenarios,
        &args.events,
        args.input_format,
        &opts,
        &|n| bar.add(n as u64),
    );
    bar.finish();
    if args.stats {
        eprintln!("{}", stats_line(&report, started.elapsed()));
    }
    let colour = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let text = render(&report, args.format, colour);
    match &args.output {
        Some(path) => write_atomic(path, &text)?,
        None => out.write_all(text.as_bytes())?,
    }
    out.flush()?;
    let broken_rules: Vec<_> = conversions
        .iter()
        .filter(|c| c.errors.iter().any(|e| e.reason == Reason::RuleError))
        .collect();
    for c in &broken_rules {
        for e in &c.errors {
            eprintln!(
                "error[{}]: {}: {}\n  --> {}",
                e.reason, c.title, e.message, c.path
            );
        }
    }
    for e in &report.events.errors {
        eprintln!("error[event-input]: {e}");
    }
    let failed = failures(&report, &args.fail_on);
    for f in &failed {
        eprintln!("sigma-kql: {f}");
    }
    Ok(
        if failed.is_empty() && broken_rules.is_empty() && report.events.errors.is_empty() {
            EXIT_OK
        } else {
            EXIT_ERRORS
        },
    )
}
