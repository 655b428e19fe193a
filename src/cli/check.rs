//! `sigma-kql check PATH…`: load rules and report every problem.

use std::io::Write;

use serde::Serialize;

use super::{DiagFormat, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::check::Summary;
use crate::diag::Diagnostic;
use crate::files;
use crate::rule::{Condition, Document, DocumentKind};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Rule files, folders (searched recursively for .yml/.yaml), or - for stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiagFormat::Human)]
    format: DiagFormat,
    /// Also print the intermediate representation of each rule's condition(s).
    #[arg(long)]
    show_ir: bool,
    /// Exclusion scenarios to check, and to lint against the rules they apply to.
    #[arg(long, short = 'x', value_name = "FILE")]
    exclusions: Vec<std::path::PathBuf>,
    /// The pipeline whose tables the exclusions are checked against.
    #[arg(long, short = 'p', default_value = "microsoft_xdr")]
    pipeline: String,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    file: &'a str,
    index: usize,
    kind: DocumentKind,
    title: &'a str,
    id: Option<&'a str>,
    ok: bool,
    /// With `--show-ir`: each condition, its IR in text form and as a tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    conditions: Option<Vec<JsonCondition<'a>>>,
}

#[derive(Serialize)]
struct JsonCondition<'a> {
    text: &'a str,
    ir: String,
    expr: &'a crate::ir::Expr,
}

/// The lowered conditions of a rule or filter document.
fn conditions(doc: Option<&Document>) -> &[Condition] {
    match doc {
        Some(Document::Rule(r)) => &r.conditions,
        Some(Document::Filter(f)) => &f.conditions,
        _ => &[],
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    summary: &'a Summary,
    documents: Vec<JsonDocument<'a>>,
    diagnostics: Vec<&'a Diagnostic>,
    unusable_paths: Vec<String>,
}

pub(super) fn run(args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<u8> {
    let (inputs, path_problems) = files::collect(&args.paths);
    let mut loaded = super::progress::load(&inputs);
    if !args.exclusions.is_empty() {
        let pipeline = match super::convert::load_pipeline(&args.pipeline) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("sigma-kql: {e}");
                return Ok(EXIT_USAGE);
            }
        };
        let scenario_files: Vec<_> = args
            .exclusions
            .iter()
            .map(|p| crate::exclusion::load_file(p))
            .collect();
        let checked = crate::check::check_exclusions(&loaded, &scenario_files, &pipeline);
        loaded.extend(checked);
    }
    let summary = Summary::of(&loaded);
    match args.format {
        DiagFormat::Human => {
            for f in &loaded {
                for d in f.all_diagnostics() {
                    writeln!(out, "{}", d.render())?;
                }
            }
            if args.show_ir {
                for f in &loaded {
                    for d in &f.documents {
                        let conds = conditions(d.document.as_ref());
                        if conds.is_empty() {
                            continue;
                        }
                        writeln!(out, "# {} ({})", d.label, f.path)?;
                        for c in conds {
                            writeln!(out, "{}\n", c.expr.pretty(100))?;
                        }
                    }
                }
            }
            for p in &path_problems {
                writeln!(out, "error[path]: cannot use {}: {}\n", p.path, p.reason)?;
            }
            writeln!(out, "{}", summary.line())?;
        }
        DiagFormat::Json => {
            let report = JsonReport {
                summary: &summary,
                documents: loaded
                    .iter()
                    .flat_map(|f| {
                        f.documents.iter().map(move |d| JsonDocument {
                            file: &f.path,
                            index: d.index,
                            kind: d.kind,
                            title: &d.label,
                            id: d.id.as_deref(),
                            ok: !d.diagnostics.iter().any(Diagnostic::is_error),
                            conditions: args.show_ir.then(|| {
                                conditions(d.document.as_ref())
                                    .iter()
                                    .map(|c| JsonCondition {
                                        text: &c.text,
                                        ir: c.expr.to_string(),
                                        expr: &c.expr,
                                    })
                                    .collect()
                            }),
                        })
                    })
                    .collect(),
                diagnostics: loaded.iter().flat_map(|f| f.all_diagnostics()).collect(),
                unusable_paths: path_problems
                    .iter()
                    .map(|p| format!("{}: {}", p.path, p.reason))
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    super::keep_until_exit(loaded);
    Ok(if !path_problems.is_empty() {
        EXIT_USAGE
    } else if summary.errors > 0 {
        EXIT_ERRORS
    } else {
        EXIT_OK
    })
}
