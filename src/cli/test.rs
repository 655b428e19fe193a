//! `sigma-kql test PATH… [--junit FILE] [-p PIPELINE]`: runs rule test files
//! (`*.tests.yml`, see `crate::ruletest`) as a suite.

use std::io::Write;
use std::path::PathBuf;

use super::convert::{load_setup, write_atomic};
use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::files::{self, Input};
use crate::ruletest::{Outcome, junit, run_file};

/// Arguments of `test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files, or folders searched recursively for `*.tests.yml`.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Pipeline for target mode: a built-in name or a pipeline YAML file.
    #[arg(long, short = 'p', default_value = "microsoft_xdr")]
    pipeline: String,
    /// Also write the results as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

pub(super) fn run(args: &TestArgs, out: &mut impl Write) -> anyhow::Result<u8> {
    let (pipeline, _) = match load_setup(&args.pipeline, &[], "tested") {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let (inputs, problems) =
        files::collect_with(&args.paths, files::is_test_file, "*.tests.yml file");
    for p in &problems {
        eprintln!("error[path]: cannot use {}: {}", p.path, p.reason);
    }
    if !problems.is_empty() {
        return Ok(EXIT_USAGE);
    }
    let progress = super::progress::Progress::new(inputs.len() as u64, "testing");
    let mut suites = Vec::new();
    for input in &inputs {
        let Input::File(path) = input else {
            eprintln!("error[path]: `sigma-kql test` reads test files, not standard input");
            return Ok(EXIT_USAGE);
        };
        suites.push(run_file(path, &pipeline));
        progress.inc();
    }
    progress.finish();
    let (mut passed, mut failed, mut errors) = (0, 0, 0);
    for s in &suites {
        writeln!(out, "{}", s.path)?;
        for c in &s.cases {
            match &c.outcome {
                Outcome::Passed => {
                    passed += 1;
                    writeln!(out, "  ok     {}", c.name)?;
                }
                Outcome::Failed(lines) => {
                    failed += 1;
                    writeln!(out, "  FAILED {}", c.name)?;
                    for l in lines {
                        writeln!(out, "         {l}")?;
                    }
                }
                Outcome::Error(e) => {
                    errors += 1;
                    writeln!(out, "  ERROR  {}", c.name)?;
                    writeln!(out, "         {e}")?;
                }
            }
        }
    }
    writeln!(
        out,
        "{} tests in {} file(s): {passed} passed, {failed} failed, {errors} errors",
        passed + failed + errors,
        suites.len()
    )?;
    out.flush()?;
    if let Some(path) = &args.junit {
        write_atomic(path, &junit(&suites))?;
    }
    Ok(if failed + errors == 0 {
        EXIT_OK
    } else {
        EXIT_ERRORS
    })
}
