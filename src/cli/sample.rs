//! `sigma-kql sample RULES… [-p PIPELINE] [--per-rule N] [--seed S] [-o FILE]`: rows generated
//! from each converted rule's values (JSON Lines), for differential tests and fixture seeds.

use std::io::Write;
use std::path::PathBuf;

use super::EXIT_OK;
use super::convert::{load_setup, write_atomic};
use crate::eval::sample::{Rng, rows};

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
    for c in conversions.iter().filter(|c| c.status == "ok") {
        for q in &c.mapped {
            rules += 1;
            for mut row in rows(q, args.per_rule as usize, &mut rng, id) {
                if let Some(o) = row.as_object_mut() {
                    o.insert("_rule".into(), serde_json::Value::String(c.path.clone()));
                }
                text.push_str(&serde_json::to_string(&row)?);
                text.push('\n');
                id += 1;
                count += 1;
            }
        }
    }
    match &args.output {
        Some(path) => write_atomic(path, &text)?,
        None => out.write_all(text.as_bytes())?,
    }
    out.flush()?;
    eprintln!("{count} rows for {rules} converted rule conditions");
    Ok(EXIT_OK)
}
