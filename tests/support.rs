//! Helpers shared by the integration tests.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sigma_kql::rule::correlation::CorrelationType;
use sigma_kql::rule::filter::FilterRules;
use sigma_kql::rule::{Document, LoadedFile, load_source};

/// The crate's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a file of the project under a stable name (its path relative to the crate root).
pub fn load(path: &Path) -> LoadedFile {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let name = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut file = load_source(&name, &text);
    sigma_kql::check::add_duplicate_ids(std::slice::from_mut(&mut file));
    file
}

/// A stable text of everything loading found: per document its kind, the IR of each
/// condition (or a summary for correlations and filters), then every diagnostic rendered.
pub fn describe(file: &LoadedFile) -> String {
    let mut out = String::new();
    for d in &file.documents {
        let _ = writeln!(
            out,
            "== document {}: {:?} {:?}",
            d.index + 1,
            d.kind,
            d.label
        );
        match &d.document {
            Some(Document::Rule(r)) => {
                for c in &r.conditions {
                    let _ = writeln!(out, "-- condition: {}", c.text);
                    let _ = writeln!(out, "{}", c.expr.pretty(96));
                }
            }
            Some(Document::Correlation(c)) => {
                let kind = match c.kind {
                    CorrelationType::EventCount => "event_count",
                    CorrelationType::ValueCount => "value_count",
                    CorrelationType::Temporal => "temporal",
                    CorrelationType::TemporalOrdered => "temporal_ordered",
                    CorrelationType::ValueSum => "value_sum",
                    CorrelationType::ValueAvg => "value_avg",
                    CorrelationType::ValuePercentile => "value_percentile",
                };
                let _ = writeln!(
                    out,
                    "type {kind}, rules {:?}, group-by {:?}, timespan {}s, condition {:?}, aliases {:?}, generate {}",
                    c.rules, c.group_by, c.timespan.seconds, c.condition, c.aliases, c.generate
                );
            }
            Some(Document::Filter(f)) => {
                let rules = match &f.rules {
                    FilterRules::Any => "any".to_string(),
                    FilterRules::Listed(v) => v.join(", "),
                };
                let _ = writeln!(out, "rules: {rules}");
                for c in &f.conditions {
                    let _ = writeln!(out, "-- condition: {}", c.text);
                    let _ = writeln!(out, "{}", c.expr.pretty(96));
                }
            }
            None => {
                let _ = writeln!(out, "(not loaded)");
            }
        }
    }
    let diags: Vec<String> = file.all_diagnostics().map(|d| d.render()).collect();
    if !diags.is_empty() {
        let _ = writeln!(out, "== diagnostics");
        for d in diags {
            let _ = writeln!(out, "{d}");
        }
    }
    out
}
