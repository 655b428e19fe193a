//! The SigmaHQ corpus in `../shared/sigma` (not part of the project): every current rule must
//! load without error, and every deprecated or unsupported file must load or fail with a
//! specific error. Skipped with a notice when the corpus is absent (a user's fresh clone).

use std::collections::BTreeMap;
use std::path::PathBuf;

use sigma_kql::check::{Summary, load_inputs};
use sigma_kql::files::collect;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::support::root().join("../shared/sigma"));
    if dir.join("rules").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: SigmaHQ corpus not found at {}; corpus tests skipped",
            dir.display()
        );
        None
    }
}

fn summary(dirs: &[PathBuf]) -> Summary {
    let paths: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    let (inputs, problems) = collect(&paths);
    assert!(problems.is_empty(), "{problems:?}");
    Summary::of(&load_inputs(&inputs))
}

#[test]
fn every_current_rule_loads_without_error() {
    let Some(dir) = corpus() else { return };
    let s = summary(&[dir.join("rules"), dir.join("rules-placeholder")]);
    assert_eq!(s.rules, 3164, "{s:?}");
    assert_eq!(s.errors, 0, "{s:?}");
    assert_eq!(s.detection_rules, 3164);
}

#[test]
fn deprecated_and_unsupported_rules_fail_only_with_specific_errors() {
    let Some(dir) = corpus() else { return };
    let s = summary(&[dir.join("deprecated"), dir.join("unsupported")]);
    assert_eq!(s.rules, 264, "{s:?}");
    let specific: BTreeMap<&str, usize> = s.errors_by_code.clone();
    for code in specific.keys() {
        assert!(
            matches!(
                *code,
                "obsolete-aggregation"
                    | "obsolete-key"
                    | "obsolete-collection"
                    | "condition-syntax"
            ),
            "unexpected error kind {code}: {s:?}"
        );
    }
    assert!(s.rules_with_errors > 0 && s.rules_with_errors < s.rules);
}
