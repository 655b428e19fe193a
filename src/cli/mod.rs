//! The command-line interface (clap derive). Each subcommand has its own module; this one
//! parses the arguments and maps results to exit codes: 0 success, 1 when any input has an
//! error, 2 for usage errors (bad flags, paths that do not exist).

mod check;
mod convert;
mod eval;
mod outputs;
mod progress;
mod sample;
mod test;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Sigma rules and exclusion scenarios to KQL for Microsoft Sentinel and Defender XDR.
#[derive(Debug, Parser)]
#[command(name = "sigma-kql", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load Sigma rules (files, folders, or - for stdin) and report every problem.
    #[command(
        after_help = "Examples:\n  sigma-kql check rules/\n  sigma-kql check --format json rules/ > report.json\n  cat rule.yml | sigma-kql check -"
    )]
    Check(check::CheckArgs),
    /// Convert Sigma rules to KQL for Defender XDR advanced hunting (files, folders, or -).
    #[command(
        after_help = "Examples:\n  sigma-kql convert rules/\n  sigma-kql convert -p microsoft_xdr -f json rules/ -o queries.json"
    )]
    Convert(convert::ConvertArgs),
    /// Evaluate rules and exclusion scenarios on JSON events: which events alert, what each
    /// exclusion suppresses, and (with labels) which true positives it would hide.
    #[command(
        after_help = "Examples:\n  sigma-kql eval rules/rustdesk --events rules/rustdesk/rustdesk.events.jsonl \\\n      -x rules/rustdesk/proc_creation_win_rmm_rustdesk_product.exclusions.yml\n  sigma-kql eval rules/ --events sysmon.json --mode raw --format markdown\n  sigma-kql eval rules/ --events fixtures.jsonl --fail-on tp-suppressed,fp-remaining"
    )]
    Eval(eval::EvalArgs),
    /// Generate rows (JSON Lines) from each converted rule's values: matches along different
    /// branches and near misses, for differential tests and as a start for fixtures.
    #[command(after_help = "Example:\n  sigma-kql sample rules/ --per-rule 20 -o rows.jsonl")]
    Sample(sample::SampleArgs),
    /// Run rule tests (`*.tests.yml` next to the rules): events, exclusions and the alerts
    /// expected; pass/fail per test, JUnit XML for CI, exit 1 on any failure.
    #[command(
        after_help = "Examples:\n  sigma-kql test rules/\n  sigma-kql test rules/ --junit target/rule-tests.xml\n\nFormat of a tests file: see the README (\"sigma-kql test\")."
    )]
    Test(test::TestArgs),
}

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    /// rustc-style diagnostics and a summary line.
    Human,
    /// One JSON document: summary, documents and diagnostics.
    Json,
}

/// Exit status: everything fine.
pub const EXIT_OK: u8 = 0;
/// Exit status: some input has an error.
pub const EXIT_ERRORS: u8 = 1;
/// Exit status: the command line itself is wrong.
pub const EXIT_USAGE: u8 = 2;

/// Runs the command line of this process.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Check(args) => check::run(&args, &mut out),
        Command::Convert(args) => convert::run(&args, &mut out),
        Command::Eval(args) => eval::run(&args, &mut out),
        Command::Sample(args) => sample::run(&args, &mut out),
        Command::Test(args) => test::run(&args, &mut out),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            let _ = out.flush();
            eprintln!("sigma-kql: {e:#}");
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

/// The rule files of `paths` (folders walked), or the usage exit code after printing each
/// path that cannot be used.
fn rule_inputs(paths: &[String]) -> Result<Vec<crate::files::Input>, u8> {
    let (inputs, problems) = crate::files::collect(paths);
    for p in &problems {
        eprintln!("error[path]: cannot use {}: {}", p.path, p.reason);
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(EXIT_USAGE)
    }
}

/// Keeps `data` until the process exits instead of freeing it now: the operating system takes
/// back the whole heap at exit at once, while freeing a corpus's parsed rules and queries one
/// allocation at a time costs a sixth of a `convert` run (about 45 ms of 290 over the SigmaHQ
/// rules). Only for what a command holds when it returns.
fn keep_until_exit<T>(data: T) {
    std::mem::forget(data);
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
