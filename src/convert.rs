//! Conversion of loaded documents into target queries: the glue between the front end, a
//! pipeline and a backend, used by `sigma-kql convert` and the library.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::backend::{kql, sentinel};
use crate::exclusion::{Scenario, lint};
use crate::pipeline::{ConvertError, MappedQuery, Pipeline, Reason};
use crate::rule::filter::{Filter, apply_filters};
use crate::rule::{Document, DocumentKind, LoadedDocument, LoadedFile, Meta, Rule};

/// The result of converting one rule.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    /// The rule's file.
    pub path: String,
    /// Index of the document in its file.
    #[serde(skip)]
    pub index: usize,
    /// The rule's id.
    pub id: Option<String>,
    /// The rule's title.
    pub title: String,
    /// `ok` or `error`.
    pub status: &'static str,
    /// The Sigma level, when set.
    pub level: Option<&'static str>,
    /// One query per condition (most rules have one).
    pub queries: Vec<String>,
    /// Why the rule could not be converted.
    pub errors: Vec<JsonError>,
    /// What the reviewer should know: alternatives left out, exclusion lint findings.
    pub warnings: Vec<String>,
    /// The mapped conditions (for the evaluator and the Sentinel outputs).
    #[serde(skip)]
    pub mapped: Vec<MappedQuery>,
    /// The rule's metadata (for the Sentinel outputs), when it loaded.
    #[serde(skip)]
    pub meta: Option<Meta>,
    /// The rule as converted (Sigma filters applied), when it loaded, converted or not (the
    /// evaluator's raw mode runs it unmapped).
    #[serde(skip)]
    pub rule: Option<std::sync::Arc<Rule>>,
}

/// An error as JSON: category, message, and the place when it is not in the rule's file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct JsonError {
    /// The category.
    pub reason: Reason,
    /// What is wrong.
    pub message: String,
    /// `file:line:column` of an exclusion the error is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl From<ConvertError> for JsonError {
    fn from(e: ConvertError) -> Self {
        JsonError {
            reason: e.reason,
            message: e.message,
            at: e.at,
        }
    }
}

/// Converts every condition of `rule` with `pipeline` into KQL, with the exclusion
/// `scenarios` that apply to the rule.
pub fn convert_rule(
    rule: &Rule,
    pipeline: &Pipeline,
    scenarios: &[Scenario],
) -> Result<Vec<(MappedQuery, String)>, ConvertError> {
    let applying: Vec<&Scenario> = scenarios.iter().filter(|s| s.applies_to(rule)).collect();
    rule.conditions
        .iter()
        .map(|c| {
            let mapped = pipeline.map_with(rule, &c.expr, &applying)?;
            let text = kql::render(&mapped)?;
            Ok((mapped, text))
        })
        .collect()
}

/// The lint findings of each exclusion that applies to `rule` (see [`lint`]), with the
/// scenario they are about, once each. A rule with several conditions (one query each) is
/// linted per condition, and its findings say which (`condition 2: …`).
pub fn lint_rule<'a>(
    rule: &Rule,
    pipeline: &Pipeline,
    scenarios: &'a [Scenario],
) -> Vec<(&'a Scenario, lint::Finding)> {
    let mut out: Vec<(&'a Scenario, lint::Finding)> = Vec::new();
    let windows = rule.logsource.product.as_deref() == Some("windows");
    let several = rule.conditions.len() > 1;
    let applicable: Vec<&'a Scenario> = scenarios.iter().filter(|s| s.applies_to(rule)).collect();
    if applicable.is_empty() {
        return out;
    }
    for (i, c) in rule.conditions.iter().enumerate() {
        let Ok(route) = pipeline.route_for(rule, &c.expr) else {
            continue;
        };
        let route = route.for_exclusions();
        for &s in &applicable {
            let Ok(mapped) = pipeline.map_with(rule, &c.expr, &[s]) else {
                continue;
            };
            let Some(x) = mapped.exclusions.first() else {
                continue;
            };
            for mut f in lint::lint(s, &route, windows, &mapped.expr, &x.expr) {
                if several {
                    f.message = format!("condition {}: {}", i + 1, f.message);
                }
                let seen = out.iter().any(|(o, g)| {
                    std::ptr::eq(*o, s) && g.kind == f.kind && g.message == f.message
                });
                if !seen {
                    out.push((s, f));
                }
            }
        }
    }
    out
}

/// Converts every detection rule of `files` (correlations and filters are not queries of
/// their own and are left out). Sigma filter documents of the batch are applied to the rules
/// they name; the exclusion `scenarios` to the rules they apply to. A document with errors
/// is a failed conversion.
pub fn convert_files(
    files: &[LoadedFile],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
) -> Vec<Conversion> {
    convert_files_with(files, pipeline, scenarios, &|| {})
}

/// [`convert_files`], calling `done` after each file (for a progress bar).
pub fn convert_files_with(
    files: &[LoadedFile],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    done: &(dyn Fn() + Sync),
) -> Vec<Conversion> {
    let filters: Vec<&Filter> = files
        .iter()
        .flat_map(|f| f.documents.iter())
        .filter_map(|d| match &d.document {
            Some(Document::Filter(f)) => Some(f),
            _ => None,
        })
        .collect();
    use rayon::prelude::*;
    // Files are converted on all cores; the results keep the input order.
    let per_file: Vec<Vec<Conversion>> = files
        .par_iter()
        .map(|f| {
            let out = convert_file(f, pipeline, &filters, scenarios);
            done();
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
}

fn convert_file(
    f: &LoadedFile,
    pipeline: &Pipeline,
    filters: &[&Filter],
    scenarios: &[Scenario],
) -> Vec<Conversion> {
    let mut out = Vec::new();
    if f.documents.is_empty() {
        // An unreadable or empty file: one failed entry carrying its first problem.
        if let Some(d) = f.diagnostics.iter().find(|d| d.is_error()) {
            out.push(failed(&f.path, 0, None, &f.path, rule_error(d)));
        }
        return out;
    }
    for d in &f.documents {
        if d.kind == DocumentKind::Filter && d.document.is_none() {
            // A broken filter is not applied: say so, rather than convert the rules it
            // names as if it did not exist.
            let first = d.diagnostics.iter().find(|x| x.is_error());
            let mut e = first
                .map(rule_error)
                .unwrap_or_else(|| ConvertError::new(Reason::RuleError, "the filter did not load"));
            e.message = format!(
                "this Sigma filter was not applied to the rules it names: {}",
                e.message
            );
            out.push(failed(&f.path, d.index, d.id.clone(), &d.label, e));
            continue;
        }
        if d.kind != DocumentKind::Rule {
            continue;
        }
        out.push(convert_document(&f.path, d, pipeline, filters, scenarios));
    }
    out
}

fn rule_error(d: &crate::diag::Diagnostic) -> ConvertError {
    let place = match (d.line, &d.key_path) {
        (Some(l), Some(k)) => format!(" (line {l}, {k})"),
        (Some(l), None) => format!(" (line {l})"),
        (None, Some(k)) => format!(" ({k})"),
        (None, None) => String::new(),
    };
    ConvertError::new(
        Reason::RuleError,
        format!(
            "{}{place}; `sigma-kql check` shows every problem",
            d.message
        ),
    )
}

fn failed(
    path: &str,
    index: usize,
    id: Option<String>,
    title: &str,
    e: ConvertError,
) -> Conversion {
    Conversion {
        path: path.to_string(),
        index,
        id,
        title: title.to_string(),
        status: "error",
        level: None,
        queries: Vec::new(),
        errors: vec![e.into()],
        warnings: Vec::new(),
        mapped: Vec::new(),
        meta: None,
        rule: None,
    }
}

fn convert_document(
    path: &str,
    d: &LoadedDocument,
    pipeline: &Pipeline,
    filters: &[&Filter],
    scenarios: &[Scenario],
) -> Conversion {
    let Some(Document::Rule(rule)) = &d.document else {
        let e = d
            .diagnostics
            .iter()
            .find(|x| x.is_error())
            .map(rule_error)
            .unwrap_or_else(|| ConvertError::new(Reason::RuleError, "the rule did not load"));
        return failed(path, d.index, d.id.clone(), &d.label, e);
    };
    let level = rule.meta.level.map(|l| l.name());
    // The conversion shares the loaded rule rather than copying it.
    let rule = if filters.iter().any(|f| f.applies_to(rule)) {
        std::sync::Arc::new(apply_filters(rule, filters))
    } else {
        std::sync::Arc::clone(rule)
    };
    match convert_rule(&rule, pipeline, scenarios) {
        Ok(pairs) => {
            let (mapped, queries): (Vec<MappedQuery>, Vec<String>) = pairs.into_iter().unzip();
            let mut warnings: Vec<String> =
                mapped.iter().flat_map(|m| m.warnings.clone()).collect();
            for (s, f) in lint_rule(&rule, pipeline, scenarios) {
                warnings.push(format!(
                    "exclusion \"{}\" [{}]: {}",
                    s.name, f.kind, f.message
                ));
            }
            let mut unique: Vec<String> = Vec::with_capacity(warnings.len());
            for w in warnings {
                if !unique.contains(&w) {
                    unique.push(w);
                }
            }
            let warnings = unique;
            Conversion {
                path: path.to_string(),
                index: d.index,
                id: rule.meta.id.clone(),
                title: rule.meta.title.clone(),
                status: "ok",
                level,
                queries,
                errors: Vec::new(),
                warnings,
                mapped,
                meta: Some(rule.meta.clone()),
                rule: Some(rule),
            }
        }
        Err(e) => {
            let mut c = failed(path, d.index, rule.meta.id.clone(), &rule.meta.title, e);
            c.level = level;
            c.rule = Some(rule);
            c
        }
    }
}

/// Sentinel analytic rules (YAML, see [`sentinel`]) for the converted rules of `results`, one
/// per query, in order. A rule whose query cannot be a Sentinel rule (a table or column
/// Sentinel lacks, a query over its length limit) becomes a failed conversion with the reason;
/// the template's warnings join the rule's.
pub fn sentinel_rules(results: &mut [Conversion], schedule: &sentinel::Schedule) -> Vec<String> {
    sentinel_outputs_yaml(results, schedule)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// [`sentinel_rules`] with the index of the conversion each template comes from.
pub fn sentinel_outputs_yaml(
    results: &mut [Conversion],
    schedule: &sentinel::Schedule,
) -> Vec<(usize, String)> {
    sentinel_outputs(results, schedule, sentinel::to_yaml)
}

/// Sentinel analytic rules as ARM resources (see [`sentinel::arm_resource`]), one per query,
/// with the index of the conversion each comes from; the warnings become the resource's
/// `comments`.
pub fn sentinel_arm_resources(
    results: &mut [Conversion],
    schedule: &sentinel::Schedule,
) -> Vec<(usize, serde_json::Value)> {
    sentinel_outputs(results, schedule, |rule, warnings| {
        let mut v = sentinel::arm_resource(rule, schedule);
        if !warnings.is_empty()
            && let Some(o) = v.as_object_mut()
        {
            let text: Vec<String> = warnings.iter().map(|w| crate::text::one_line(w)).collect();
            // Starts with `w`, so ARM never reads it as a `[…]` expression.
            o.insert(
                "comments".into(),
                serde_json::Value::String(format!("warning: {}", text.join("; warning: "))),
            );
        }
        Ok(v)
    })
}

/// The templates of the converted rules, each rendered by `render` (given the rule's warnings
/// and the template's own), with the index of its conversion.
fn sentinel_outputs<T>(
    results: &mut [Conversion],
    schedule: &sentinel::Schedule,
    render: impl Fn(&sentinel::AnalyticRule, &[String]) -> Result<T, ConvertError>,
) -> Vec<(usize, T)> {
    let mut out = Vec::new();
    // Sentinel keys rules by id: a second rule with the same id would replace the first.
    let mut ids: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (index, r) in results.iter_mut().enumerate() {
        if r.status != "ok" {
            continue;
        }
        let Some(meta) = &r.meta else { continue };
        let mut docs = Vec::new();
        let mut error = None;
        // The rule's own warnings head every template; each template adds its own.
        let base = r.warnings.clone();
        let mut added: Vec<String> = Vec::new();
        for (i, (mapped, query)) in r.mapped.iter().zip(&r.queries).enumerate() {
            let src = sentinel::Source {
                meta,
                condition: i,
                conditions: r.queries.len(),
                path: &r.path,
            };
            let made = sentinel::analytic_rule(&src, mapped, query, schedule)
                .and_then(|(rule, w)| match ids.get(&rule.id) {
                    Some(other) => Err(ConvertError::new(
                        Reason::RuleError,
                        format!(
                            "the Sentinel id {} is already used by {other} in this batch: give each rule its own Sigma id",
                            rule.id
                        ),
                    )),
                    None => {
                        ids.insert(rule.id.clone(), format!("\"{}\" ({})", rule.name, r.path));
                        Ok((rule, w))
                    }
                })
                .and_then(|(rule, w)| {
                    let mut all = base.clone();
                    all.extend(w.iter().cloned());
                    render(&rule, &all).map(|text| (text, w))
                });
            match made {
                Ok((text, w)) => {
                    docs.push(text);
                    for x in w {
                        if !added.contains(&x) {
                            added.push(x);
                        }
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        match error {
            Some(e) => {
                r.status = "error";
                r.queries.clear();
                r.errors.push(e.into());
            }
            None => {
                r.warnings.extend(added);
                out.extend(docs.into_iter().map(|d| (index, d)));
            }
        }
    }
    out
}

/// Counts of a batch: converted, failed, and failures per reason.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ConvertSummary {
    /// Rules converted.
    pub converted: usize,
    /// Rules that failed.
    pub failed: usize,
    /// Failures per reason category.
    pub by_reason: BTreeMap<&'static str, usize>,
}

impl ConvertSummary {
    /// Counts `results`.
    pub fn of(results: &[Conversion]) -> Self {
        let mut s = ConvertSummary::default();
        for r in results {
            if r.status == "ok" {
                s.converted += 1;
            } else {
                s.failed += 1;
                if let Some(e) = r.errors.first() {
                    *s.by_reason.entry(e.reason.name()).or_default() += 1;
                }
            }
        }
        s
    }

    /// `converted 3 of 4 rules; 1 failed (unmapped-field: 1)`.
    pub fn line(&self) -> String {
        let total = self.converted + self.failed;
        let mut s = format!(
            "converted {} of {total} rule{}",
            self.converted,
            if total == 1 { "" } else { "s" }
        );
        if self.failed > 0 {
            let parts: Vec<String> = self
                .by_reason
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            s.push_str(&format!("; {} failed ({})", self.failed, parts.join(", ")));
        }
        s
    }
}
