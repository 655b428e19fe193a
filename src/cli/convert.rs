//! `sigma-kql convert PATH… [-p PIPELINE] [-f kql|json|sentinel-rule] [-o FILE] [-x FILE]`.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::outputs;
use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::backend::sentinel;
use crate::convert::{Conversion, ConvertSummary};
use crate::files;
use crate::pipeline::Pipeline;

/// Output formats of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// KQL queries, each headed by `//` comments with the rule's title and id.
    Kql,
    /// A JSON array: one object per rule (id, title, path, status, level, queries, errors).
    Json,
    /// Microsoft Sentinel scheduled analytic rules, in the YAML of the Azure-Sentinel
    /// content repository: one document per query, `---` between them.
    SentinelRule,
    /// The same rules as an ARM template (`Microsoft.SecurityInsights/alertRules`, kind
    /// Scheduled; the workspace is a parameter): one template for all, or one per rule file
    /// with `-o DIR/`.
    SentinelArm,
}

/// Arguments of `convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Rule files, folders (searched recursively for .yml/.yaml), or - for stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Pipeline: a built-in name (microsoft_xdr) or a pipeline YAML file.
    #[arg(long, short = 'p', default_value = "microsoft_xdr")]
    pipeline: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Kql)]
    format: Format,
    /// Target language (only kql; accepted for sigma-cli habits).
    #[arg(long, short = 't', default_value = "kql", value_parser = ["kql", "kusto"])]
    target: String,
    /// Write the output to FILE (atomically) instead of standard output; a folder (an
    /// existing one, or a path ending with `/`) gets one file per rule, named after the rule's
    /// file (`.kql`, `.json`, `.yaml`).
    #[arg(long, short = 'o', value_name = "FILE|DIR/")]
    output: Option<PathBuf>,
    /// Write nothing: compare what would be written to -o with what is there, print a unified
    /// diff for each stale, missing or extra file, and exit 1 if any (a snapshot test for a
    /// rule repository).
    #[arg(long, requires = "output")]
    check: bool,
    /// Exclusion scenarios (YAML, or the plain `Scenario:` format) to append to the rules they
    /// apply to, each as `| where not(…)`; may be given several times.
    #[arg(long, short = 'x', value_name = "FILE")]
    exclusions: Vec<PathBuf>,
    /// Sentinel rules: how often the query runs (5m … 14d).
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = sentinel::parse_duration)]
    query_frequency: u32,
    /// Sentinel rules: how far back each run looks (5m … 14d, at least the frequency).
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = sentinel::parse_duration)]
    query_period: u32,
    /// Sentinel rules: an alert when the query returns more rows than this (0 … 10000).
    #[arg(long, value_name = "N", default_value_t = 0)]
    trigger_threshold: u32,
}

/// Loads the scenario files named on the command line; their problems are printed. `None`
/// when one has an error (queries without the exclusions asked for would be wrong).
pub(super) fn load_scenarios(paths: &[PathBuf]) -> Option<Vec<crate::exclusion::Scenario>> {
    let mut all = Vec::new();
    let mut ok = true;
    for p in paths {
        let f = crate::exclusion::load_file(p);
        for d in &f.diagnostics {
            eprintln!("{}", d.render());
        }
        ok &= !f.has_errors();
        all.extend(f.scenarios);
    }
    ok.then_some(all)
}

/// Loads the pipeline named on the command line: a built-in name, or a YAML file.
pub(super) fn load_pipeline(spec: &str) -> Result<Pipeline, String> {
    if crate::pipeline::builtin_names().contains(&spec) {
        return Pipeline::builtin(spec).map_err(|e| e.to_string());
    }
    let path = Path::new(spec);
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {spec}: {e}"))?;
        return Pipeline::from_yaml(spec, &text).map_err(|e| e.to_string());
    }
    Err(format!(
        "unknown pipeline `{spec}`: use a built-in pipeline ({}) or the path of a pipeline YAML file",
        crate::pipeline::builtin_names().join(", ")
    ))
}

pub(super) fn kql_text(results: &[Conversion]) -> String {
    use rayon::prelude::*;
    // Each query with its comment lines, written on all cores; a blank line between them.
    let blocks: Vec<Vec<String>> = results
        .par_iter()
        .filter(|r| r.status == "ok")
        .map(|r| r.queries.iter().map(|q| kql_block(r, q)).collect())
        .collect();
    blocks.into_iter().flatten().collect::<Vec<_>>().join("\n")
}

/// One query headed by `//` lines: the rule's title, its id, level and file, its warnings.
fn kql_block(r: &Conversion, q: &str) -> String {
    let mut out = format!("// {}\n", crate::text::one_line(&r.title));
    let mut meta = Vec::new();
    if let Some(id) = &r.id {
        meta.push(format!("id: {id}"));
    }
    if let Some(level) = r.level {
        meta.push(format!("level: {level}"));
    }
    meta.push(format!("file: {}", r.path));
    out.push_str(&format!(
        "// {}\n",
        crate::text::one_line(&meta.join(" · "))
    ));
    for w in &r.warnings {
        out.push_str(&format!("// warning: {}\n", crate::text::one_line(w)));
    }
    out.push_str(q);
    out.push('\n');
    out
}

/// The pipeline and the exclusion scenarios named on the command line, or the exit code after
/// saying what is wrong (`nothing` completes "…; nothing was …").
pub(super) fn load_setup(
    pipeline: &str,
    exclusions: &[PathBuf],
    nothing: &str,
) -> Result<(Pipeline, Vec<crate::exclusion::Scenario>), u8> {
    let pipeline = load_pipeline(pipeline).map_err(|e| {
        eprintln!("sigma-kql: {e}");
        EXIT_USAGE
    })?;
    let Some(scenarios) = load_scenarios(exclusions) else {
        eprintln!("sigma-kql: the exclusion files have errors; nothing was {nothing}");
        return Err(EXIT_ERRORS);
    };
    Ok((pipeline, scenarios))
}

/// Writes `text` to `path` atomically (a temporary file beside it, then a rename).
/// Writes `text` to `path` atomically: a new temporary file beside it (created exclusively,
/// so no link can redirect it), the old file's permissions, then a rename. A path that exists
/// and is not a regular file (a device such as `/dev/null`, a pipe) is written in place:
/// renaming over it would replace the device.
pub(super) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let old = std::fs::symlink_metadata(path).ok();
    if old
        .as_ref()
        .is_some_and(|m| !m.is_file() && !m.is_dir() && !m.file_type().is_symlink())
    {
        return std::fs::write(path, text);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.{}.{nanos}.{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| match std::fs::metadata(path) {
            Ok(m) if m.is_file() => std::fs::set_permissions(&tmp, m.permissions()),
            _ => Ok(()),
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

pub(super) fn run(args: &ConvertArgs, out: &mut impl Write) -> anyhow::Result<u8> {
    let (pipeline, scenarios) = match load_setup(&args.pipeline, &args.exclusions, "converted") {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let schedule = match sentinel::Schedule::new(
        args.query_frequency,
        args.query_period,
        args.trigger_threshold,
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sigma-kql: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    let (inputs, path_problems) = files::collect(&args.paths);
    for p in &path_problems {
        eprintln!("error[path]: cannot use {}: {}", p.path, p.reason);
    }
    let loaded = super::progress::load(&inputs);
    let mut results = super::progress::convert(&loaded, &pipeline, &scenarios);
    let mut stale = 0;
    match &args.output {
        Some(path) if outputs::is_dir_output(path) => {
            let files = outputs::per_rule(&mut results, args.format, &schedule)?;
            // Never write over a rule being converted (`-o rules/` with `.yaml` rules).
            let rule_files: std::collections::HashSet<PathBuf> = inputs
                .iter()
                .filter_map(|i| match i {
                    files::Input::File(p) => std::fs::canonicalize(p).ok(),
                    files::Input::Stdin => None,
                })
                .collect();
            let clash = files
                .iter()
                .map(|(n, _)| path.join(n))
                .find(|p| std::fs::canonicalize(p).is_ok_and(|c| rule_files.contains(&c)));
            if let Some(p) = clash {
                eprintln!(
                    "sigma-kql: {} is a rule being converted; write the outputs to another folder",
                    p.display()
                );
                return Ok(EXIT_USAGE);
            }
            let extra: Vec<PathBuf> =
                outputs::extra_files(path, outputs::extension(args.format), &files)
                    .into_iter()
                    .filter(|p| !std::fs::canonicalize(p).is_ok_and(|c| rule_files.contains(&c)))
                    .collect();
            if args.check {
                let on_disk: Vec<(PathBuf, String)> =
                    files.into_iter().map(|(n, t)| (path.join(n), t)).collect();
                let (report, n) = outputs::check(&on_disk, &extra);
                out.write_all(report.as_bytes())?;
                stale = n;
                if n == 0 {
                    eprintln!(
                        "all {} files in {} are up to date",
                        on_disk.len(),
                        path.display()
                    );
                } else {
                    eprintln!(
                        "{n} stale, missing or extra files in {}: run without --check to write them",
                        path.display()
                    );
                }
            } else {
                std::fs::create_dir_all(path)?;
                for (name, text) in &files {
                    write_atomic(&path.join(name), text)?;
                }
                for x in &extra {
                    eprintln!(
                        "warning: {} is not generated by any rule (a removed rule?); delete it or run with --check to see",
                        x.display()
                    );
                }
            }
        }
        Some(path) => {
            let text = outputs::single(&mut results, args.format, &schedule)?;
            if args.check {
                let (report, n) = outputs::check(&[(path.clone(), text)], &[]);
                out.write_all(report.as_bytes())?;
                if n > 0 {
                    eprintln!(
                        "{} is stale: run without --check to write it",
                        path.display()
                    );
                }
                stale = n;
            } else {
                write_atomic(path, &text)?;
            }
        }
        None => {
            let text = outputs::single(&mut results, args.format, &schedule)?;
            out.write_all(text.as_bytes())?;
        }
    }
    let summary = ConvertSummary::of(&results);
    out.flush()?;
    // One write for all the problems (a corpus has a thousand of them), written on all cores.
    use rayon::prelude::*;
    let mut problems: String = results
        .par_iter()
        .map(|r| {
            let mut text = String::new();
            for e in &r.errors {
                let _ = writeln!(
                    text,
                    "error[{}]: {}: {}\n  --> {}",
                    e.reason, r.title, e.message, r.path
                );
                if let Some(at) = &e.at {
                    let _ = writeln!(text, "  --> {at}");
                }
            }
            for w in &r.warnings {
                let _ = writeln!(text, "warning: {}: {w}\n  --> {}", r.title, r.path);
            }
            text
        })
        .collect();
    let _ = writeln!(problems, "{}", summary.line());
    let _ = std::io::stderr().lock().write_all(problems.as_bytes());
    super::keep_until_exit((loaded, results));
    // `--check` answers whether the files are current; conversion failures are reported above.
    Ok(if !path_problems.is_empty() {
        EXIT_USAGE
    } else if args.check {
        if stale > 0 { EXIT_ERRORS } else { EXIT_OK }
    } else if summary.failed > 0 {
        EXIT_ERRORS
    } else {
        EXIT_OK
    })
}
