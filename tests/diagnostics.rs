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

fn rule(detection: &str) -> String {
    format!("title: t\nlogsource:\n    product: windows\ndetection:\n{detection}")
}

fn diags(text: &str) -> Vec<sigma_kql::diag::Diagnostic> {
    let f = sigma_kql::rule::load_source("t.yml", text);
    f.all_diagnostics().cloned().collect()
}

#[test]
fn null_documents_do_not_shift_lines() {
    let text = "~\n---\ntitle: a\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: x\n    condition: sel\n---\ntitle: b\nlogsource: {product: windows}\ndetection:\n    sel:\n        A|nope: x\n    condition: sel\n";
    let d = diags(text);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].line, d[0].column), (Some(14), Some(9)));
    assert_eq!(d[0].rule.as_deref(), Some("b"));
}

#[test]
fn a_yaml_error_does_not_hide_later_documents() {
    let text = "title: a\nlogsource: {product: windows}\ndetection:\n    sel: {A: x}\n    condition: sel\n---\ntitle: [broken\n---\ntitle: c\nlogsource: {product: windows}\ndetection:\n    sel: {A: x}\n    condition: nope\n";
    let f = sigma_kql::rule::load_source("t.yml", text);
    assert_eq!(f.documents.len(), 3);
    assert!(f.documents[0].document.is_some());
    let yaml = &f.documents[1].diagnostics[0];
    assert_eq!((yaml.code, yaml.line), ("yaml-syntax", Some(8)));
    let undefined = &f.documents[2].diagnostics[0];
    assert_eq!(
        (undefined.code, undefined.line),
        ("undefined-identifier", Some(13))
    );
}

#[test]
fn condition_carets_follow_the_value() {
    // After the key, not inside it.
    let d = diags(&rule("    sel: {A: x}\n    condition: ion\n"));
    assert_eq!((d[0].line, d[0].column), (Some(6), Some(16)));
    // A literal block: the line the identifier is on.
    let d = diags(&rule(
        "    sel: {A: x}\n    condition: |\n        sel and\n        not missing\n",
    ));
    assert_eq!((d[0].line, d[0].column), (Some(8), Some(13)));
    // A folded plain scalar over two lines.
    let d = diags(&rule(
        "    sel: {A: x}\n    condition: sel and\n        not missing\n",
    ));
    assert_eq!((d[0].line, d[0].column), (Some(7), Some(13)));
    // Quoted.
    let d = diags(&rule("    sel: {A: x}\n    condition: 'sel and missing'\n"));
    assert_eq!((d[0].line, d[0].column), (Some(6), Some(25)));
}

#[test]
fn each_undefined_identifier_is_reported_once() {
    let d = diags(&rule(
        "    sel: {A: x}\n    condition: nope or nope or sel and nope\n",
    ));
    assert_eq!(d.len(), 1, "{d:?}");
}

#[test]
fn expansions_referred_to_many_times_are_bounded() {
    let values: String = (0..20)
        .map(|i| format!("            - '-a{i} -b -c -d -e'\n"))
        .collect();
    let cond = vec!["sel"; 100].join(" or ");
    let text = rule(&format!(
        "    sel:\n        CommandLine|windash:\n{values}    condition: {cond}\n"
    ));
    let d = diags(&text);
    assert_eq!(d[0].code, "condition-too-complex", "{d:?}");
    assert!(
        d[0].message.contains("predicates once expanded"),
        "{}",
        d[0].message
    );
}

#[test]
fn many_problems_are_capped_per_document() {
    let defs: String = (0..300)
        .map(|i| format!("    unused{i}: {{A: x}}\n"))
        .collect();
    let d = diags(&rule(&format!(
        "    sel: {{A: x}}\n{defs}    condition: sel\n"
    )));
    assert_eq!(
        d.len(),
        sigma_kql::rule::load::MAX_DIAGNOSTICS_PER_DOCUMENT + 1
    );
    let last = d.last().unwrap();
    assert_eq!(last.code, "more-problems");
    assert_eq!(
        last.message,
        "0 more errors and 200 more warnings in this document are not shown"
    );
}

#[test]
fn an_empty_file_is_an_error() {
    for text in ["# only a comment\n", "", "~\n", "---\n---\n"] {
        let d = diags(text);
        assert_eq!(d.len(), 1, "{text:?}");
        assert_eq!(d[0].code, "empty-file", "{text:?}");
    }
}
