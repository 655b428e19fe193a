//! IR snapshots: every construct of the front end, one fixture rule each, plus the project's
//! own rules. Each snapshot shows the IR of every condition and any diagnostic.

use crate::support::{describe, load, root};

#[test]
fn fixture_rules_lower_to_the_expected_ir() {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::glob!("fixtures/ir/*.yml", |path| {
            let file = load(path);
            assert!(!file.has_errors(), "{}", describe(&file));
            insta::assert_snapshot!("ir", describe(&file));
        });
    });
}

#[test]
fn project_rules_load_without_problems() {
    let mut count = 0;
    for entry in walk(&root().join("rules")) {
        let file = load(&entry);
        let diags: Vec<String> = file.all_diagnostics().map(|d| d.render()).collect();
        assert!(diags.is_empty(), "{}", diags.join("\n"));
        count += file.documents.len();
    }
    assert!(count >= 3, "rules/ holds the RustDesk rules");
}

#[test]
fn rustdesk_rules_snapshot() {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::glob!("../rules/rustdesk", "*.yml", |path| {
            if !sigma_kql::files::is_rule_file(path) {
                return; // exclusion scenarios (snapshotted in `exclusions`) and rule tests
            }
            insta::assert_snapshot!("rules", describe(&load(path)));
        });
    });
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let (inputs, problems) = sigma_kql::files::collect(&[dir.display().to_string()]);
    assert!(problems.is_empty());
    inputs
        .into_iter()
        .filter_map(|i| match i {
            sigma_kql::files::Input::File(p) => Some(p),
            sigma_kql::files::Input::Stdin => None,
        })
        .collect()
}
