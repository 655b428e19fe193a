//! KQL snapshots: each fixture rule of `tests/fixtures/kql` converted with the built-in
//! `microsoft_xdr` pipeline, one construct or log source per file. A snapshot shows the
//! query of every condition (with any warning), or the error and its reason category.
//! `.ci/run` checks every query of these fixtures with Microsoft's KQL parser.

use std::fmt::Write as _;

use sigma_kql::convert::convert_files;
use sigma_kql::pipeline::Pipeline;

use crate::support::load;

fn describe(path: &std::path::Path, pipeline: &Pipeline) -> String {
    let file = load(path);
    let mut out = String::new();
    for c in convert_files(std::slice::from_ref(&file), pipeline, &[]) {
        let _ = writeln!(out, "// {}", c.title);
        for (q, m) in c.queries.iter().zip(&c.mapped) {
            for w in &m.warnings {
                let _ = writeln!(out, "// warning: {w}");
            }
            let _ = writeln!(out, "{q}\n");
        }
        for e in &c.errors {
            let _ = writeln!(out, "error[{}]: {}", e.reason, e.message);
        }
    }
    out
}

#[test]
fn fixture_rules_convert_to_the_expected_kql() {
    let pipeline = Pipeline::builtin("microsoft_xdr").expect("built-in pipeline");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::glob!("fixtures/kql/*.yml", |path| {
            insta::assert_snapshot!("kql", describe(path, &pipeline));
        });
    });
}

#[test]
fn fixtures_cover_every_route_of_the_pipeline() {
    let pipeline = Pipeline::builtin("microsoft_xdr").expect("built-in pipeline");
    let (inputs, _) = sigma_kql::files::collect(&[crate::support::root()
        .join("tests/fixtures/kql")
        .display()
        .to_string()]);
    let files = sigma_kql::check::load_inputs(&inputs);
    let tables: std::collections::BTreeSet<String> = convert_files(&files, &pipeline, &[])
        .iter()
        .flat_map(|c| {
            c.mapped
                .iter()
                .map(|m| format!("{} {:?}", m.table, m.filter.as_ref().map(|f| f.to_string())))
        })
        .collect();
    let routes: std::collections::BTreeSet<String> = pipeline
        .routes()
        .iter()
        .map(|r| r.table.name.clone())
        .collect();
    for table in routes {
        assert!(
            tables.iter().any(|t| t.starts_with(&table)),
            "no fixture converts to {table}"
        );
    }
    assert!(tables.len() >= 15, "{tables:#?}");
}
