//! `sigma-kql sample RULES… [-p PIPELINE] [--per-rule N] [--seed S] [-o FILE]`: rows generated
//! from each converted rule's values (JSON Lines), for differential tests and fixture seeds.

use std::io::Write;
use std::path::PathBuf;

use super::EXIT_OK;
use super::convert::{load_setup, write_atomic};
use crate::eval::Mode;
use crate::eval::sample::{Rng, raw_events, rows};

/// Arguments of `sample`.
#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// Rule files or folders (searched recursively for .yml/.yaml).
    #[arg(required = true, value_name = "RULES")]
    paths: Vec<String>,
    /// Pipeline: a built-in name or a pipeline YAML file.
    #[arg(long, short = 'p', default_value = "microsoft_xdr")]
    pipeline: String,
    /// Exclusion scenarios whose values the rows also use; may be repeated.
    #[arg(long, short = 'x', value_name = "FILE")]
    exclusions: Vec<PathBuf>,
    /// Rows per rule condition.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    per_rule: u32,
    /// target: rows keyed by the pipeline's table columns; raw: events keyed by Sigma / Sysmon
    /// names, in a channel and event id of the rule's log source.
    #[arg(long, value_enum, default_value_t = Mode::Target)]
    mode: Mode,
    /// Seed of the generator (the same seed gives the same rows).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the rows to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(super) fn run(args: &SampleArgs, out: &mut impl Write) -> anyhow::Result<u8> {
    let (pipeline, scenarios) = match load_setup(&args.pipeline, &args.exclusions, "generated") {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let inputs = match super::rule_inputs(&args.paths) {
        Ok(i) => i,
        Err(code) => return Ok(code),
    };
    let conversions =
        super::progress::convert(&super::progress::load(&inputs), &pipeline, &scenarios);
    let mut rng = Rng::new(args.seed);
    let mut text = String::new();
    let mut id = 0i64;
    let (mut rules, mut count) = (0, 0);
    let n = args.per_rule as usize;
    for c in &conversions {
        let batches: Vec<Vec<serde_json::Value>> = match (args.mode, &c.rule) {
            (Mode::Target, _) if c.status == "ok" => c
                .mapped
                .iter()
                .map(|q| {
                    let batch = rows(q, n, &mut rng, id);
                    id += batch.len() as i64;
                    batch
                })
                .collect(),
            (Mode::Raw, Some(rule)) => rule
                .conditions
                .iter()
                .map(|cond| raw_events(rule, &cond.expr, n, &mut rng))
                .collect(),
            _ => Vec::new(),
        };
        for batch in batches {
            rules += 1;
            for mut row in batch {
                if let Some(o) = row.as_object_mut() {
                    o.insert("_rule".into(), serde_json::Value::String(c.path.clone()));
                }
                text.push_str(&serde_json::to_string(&row)?);
                text.push('\n');
                count += 1;
            }
        }
    }
    match &args.output {
        Some(path) => write_atomic(path, &text)?,
        None => out.write_all(text.as_bytes())?,
    }
    out.flush()?;
    eprintln!("{count} rows for {rules} rule conditions");
    Ok(EXIT_OK)
}
