//! Every error and warning kind, each from a fixture file, snapshotted as a user sees it:
//! message, file, line and column, key path, excerpt with caret, and hint.

use std::collections::BTreeSet;

use crate::support::{describe, load, root};

#[test]
fn each_fixture_reports_its_problem() {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::glob!("fixtures/errors/*.yml", |path| {
            let file = load(path);
            assert!(
                file.all_diagnostics().next().is_some(),
                "{} reports nothing",
                path.display()
            );
            insta::assert_snapshot!("diag", describe(&file));
        });
    });
}

/// The fixtures cover every kind of problem a Sigma file can have (the kinds that need a
/// batch or the file system are covered in `cli`).
#[test]
fn fixtures_cover_every_problem_kind() {
    let mut seen = BTreeSet::new();
    let mut dir: Vec<_> = std::fs::read_dir(root().join("tests/fixtures/errors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dir.sort();
    for path in dir {
        for d in load(&path).all_diagnostics() {
            seen.insert(d.code);
        }
    }
    let expected = [
        "yaml-syntax",
        "not-a-mapping",
        "missing-key",
        "wrong-type",
        "obsolete-collection",
        "obsolete-key",
        "unknown-modifier",
        "misplaced-modifier",
        "invalid-value",
        "null-in-list",
        "bad-detection",
        "condition-syntax",
        "obsolete-aggregation",
        "undefined-identifier",
        "pattern-matches-nothing",
        "condition-too-complex",
        "bad-correlation",
        "bad-filter",
        "bad-id",
        "unknown-level",
        "unknown-status",
        "bad-date",
        "bad-tag",
        "bad-related-type",
        "ignored-metadata",
        "logsource-case",
        "unused-identifier",
        "all-on-single-value",
    ];
    let missing: Vec<_> = expected.iter().filter(|c| !seen.contains(*c)).collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}");
}

#[test]
fn oversized_and_non_utf8_inputs_are_errors() {
    let big = vec![b'#'; (sigma_kql::rule::load::MAX_FILE_SIZE + 1) as usize];
    let f = sigma_kql::rule::load::load_bytes("big.yml", &big);
    assert_eq!(f.diagnostics[0].code, "too-large");
    let f = sigma_kql::rule::load::load_bytes("bad.yml", b"title: \xff\xfe\n");
    assert_eq!(f.diagnostics[0].code, "io");
    assert_eq!(f.diagnostics[0].line, Some(1));
}

#[test]
fn a_bad_document_does_not_stop_the_next() {
    let text = "title: bad\nlogsource: {product: windows}\ndetection:\n    sel:\n        A|nope: x\n    condition: sel\n---\ntitle: good\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: x\n    condition: sel\n";
    let f = sigma_kql::rule::load_source("two.yml", text);
    assert_eq!(f.documents.len(), 2);
    assert!(f.documents[0].document.is_none());
    assert!(f.documents[1].document.is_some());
    let d = &f.documents[0].diagnostics[0];
    assert_eq!(
        (d.code, d.line, d.column),
        ("unknown-modifier", Some(5), Some(9))
    );
}
