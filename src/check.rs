//! Checking a batch of Sigma files: load each (never stopping at a bad one), add the
//! diagnostics that need the whole batch (duplicate ids), and count.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Problem, Severity};
use crate::files::Input;
use crate::rule::{DocumentKind, LoadedFile, load::load_bytes, load_file};
use crate::source::KeyPath;

/// Loads every input, in order (files are read and parsed on all cores; the result keeps the
/// input order). Standard input is read once, as `<stdin>`.
pub fn load_inputs(inputs: &[Input]) -> Vec<LoadedFile> {
    load_inputs_with(inputs, &|| {})
}

/// [`load_inputs`], calling `done` after each file (for a progress bar).
pub fn load_inputs_with(inputs: &[Input], done: &(dyn Fn() + Sync)) -> Vec<LoadedFile> {
    let mut files: Vec<LoadedFile> = inputs
        .par_iter()
        .inspect(|_| done())
        .map(|input| match input {
            Input::File(p) => load_file(p),
            Input::Stdin => {
                let mut bytes = Vec::new();
                let limit = crate::rule::load::MAX_FILE_SIZE + 1;
                match std::io::stdin().take(limit).read_to_end(&mut bytes) {
                    Ok(_) => load_bytes("<stdin>", &bytes),
                    Err(e) => LoadedFile {
                        path: "<stdin>".into(),
                        documents: Vec::new(),
                        diagnostics: vec![Diagnostic::new(
                            Problem::Io {
                                reason: e.to_string(),
                            },
                            "<stdin>",
                        )],
                    },
                }
            }
        })
        .collect();
    add_duplicate_ids(&mut files);
    files
}

/// Warns about every document whose id an earlier document of the batch already has.
pub fn add_duplicate_ids(files: &mut [LoadedFile]) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for f in files.iter_mut() {
        let path = f.path.clone();
        for d in &mut f.documents {
            let Some(id) = d.id.clone() else { continue };
            match seen.get(&id) {
                Some(first) => {
                    let mut diag = Diagnostic::new(
                        Problem::DuplicateId {
                            id,
                            other: first.clone(),
                        },
                        path.clone(),
                    );
                    diag.key_path = Some(KeyPath::root().key("id").to_string());
                    if let Some((line, column)) = d.id_place {
                        diag.line = Some(line);
                        diag.column = Some(column);
                    }
                    diag.rule = Some(d.label.clone());
                    d.diagnostics.push(diag);
                }
                None => {
                    seen.insert(id, format!("{path} ({})", d.label));
                }
            }
        }
    }
}

/// Counts over a checked batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Documents found (detection rules, correlations and filters).
    pub rules: usize,
    /// Detection rules.
    pub detection_rules: usize,
    /// Correlation rules.
    pub correlation_rules: usize,
    /// Filters.
    pub filters: usize,
    /// Documents (or files that yielded none) with at least one error.
    pub rules_with_errors: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Errors per kind.
    pub errors_by_code: BTreeMap<&'static str, usize>,
    /// Warnings per kind.
    pub warnings_by_code: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// Counts `files`.
    pub fn of(files: &[LoadedFile]) -> Summary {
        let mut s = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for f in files {
            if f.diagnostics.iter().any(Diagnostic::is_error) {
                s.rules_with_errors += 1;
            }
            for d in &f.documents {
                s.rules += 1;
                match d.kind {
                    DocumentKind::Rule => s.detection_rules += 1,
                    DocumentKind::Correlation => s.correlation_rules += 1,
                    DocumentKind::Filter => s.filters += 1,
                }
                if d.diagnostics.iter().any(Diagnostic::is_error) {
                    s.rules_with_errors += 1;
                }
            }
            for d in f.all_diagnostics() {
                match d.severity {
                    Severity::Error => {
                        s.errors += 1;
                        *s.errors_by_code.entry(d.code).or_default() += 1;
                    }
                    Severity::Warning => {
                        s.warnings += 1;
                        *s.warnings_by_code.entry(d.code).or_default() += 1;
                    }
                }
            }
        }
        s
    }

    /// The one-line summary: `N rules, E errors, W warnings` with the breakdown.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let mut kinds = Vec::new();
        if self.correlation_rules > 0 {
            kinds.push(plural(self.correlation_rules, "correlation"));
        }
        if self.filters > 0 {
            kinds.push(plural(self.filters, "filter"));
        }
        let kinds = if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        };
        format!(
            "{}{kinds} in {}, {}, {}",
            plural(self.rules, "rule"),
            plural(self.files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
        )
    }
}

/// The problems of exclusion scenario files, and of each scenario against each rule of
/// `files` it applies to (on `pipeline`'s tables): whether it can be put onto the rule's table,
/// and what the lint finds (see [`crate::exclusion::lint`]). One entry per scenario file, its
/// diagnostics at file level.
pub fn check_exclusions(
    files: &[LoadedFile],
    scenario_files: &[crate::exclusion::ScenarioFile],
    pipeline: &crate::pipeline::Pipeline,
) -> Vec<LoadedFile> {
    let rules: Vec<&crate::rule::Rule> = files
        .iter()
        .flat_map(|f| f.documents.iter())
        .filter_map(|d| match &d.document {
            Some(crate::rule::Document::Rule(r)) => Some(&**r),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for sf in scenario_files {
        let mut diagnostics = sf.diagnostics.clone();
        for scenario in &sf.scenarios {
            let mut applied = false;
            for rule in rules.iter().filter(|r| scenario.applies_to(r)) {
                applied = true;
                let Some(cond) = rule.conditions.first() else {
                    continue;
                };
                if let Err(e) = pipeline.map_with(rule, &cond.expr, &[scenario]) {
                    // Only the exclusion's own problems (the rule's are `convert`'s business).
                    if pipeline.map(rule, &cond.expr).is_ok() {
                        // Point at the field the error is about, else at the whole filter.
                        let span = e
                            .field
                            .as_deref()
                            .and_then(|f| scenario.filter.comparison_on(f))
                            .map(|c| c.field_span);
                        diagnostics.push(
                            scenario.diagnostic(
                                Problem::ExclusionUnmapped {
                                    rule: format!("\"{}\"", rule.meta.title),
                                    reason: e
                                        .message
                                        .strip_prefix(&format!("exclusion \"{}\": ", scenario.name))
                                        .unwrap_or(&e.message)
                                        .to_string(),
                                },
                                span,
                            ),
                        );
                    }
                    continue;
                }
                let one = std::slice::from_ref(scenario);
                for (_, f) in crate::convert::lint_rule(rule, pipeline, one) {
                    let mut d = scenario.diagnostic(
                        Problem::ExclusionLint {
                            kind: f.kind,
                            finding: format!("with rule \"{}\": {}", rule.meta.title, f.message),
                        },
                        f.span,
                    );
                    d.rule = Some(format!("scenario \"{}\"", scenario.name));
                    diagnostics.push(d);
                }
            }
            if !applied && scenario.rule.is_some() {
                diagnostics.push(scenario.diagnostic(
                    Problem::ExclusionLint {
                        kind: "no-rule",
                        finding: format!(
                            "the scenario names rule {:?}, which is not among the rules checked",
                            scenario.rule.as_deref().unwrap_or_default()
                        ),
                    },
                    None,
                ));
            }
        }
        out.push(LoadedFile {
            path: sf.path.clone(),
            documents: Vec::new(),
            diagnostics,
        });
    }
    out
}
