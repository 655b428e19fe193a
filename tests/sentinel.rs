//! Sentinel analytic rules (`convert -f sentinel-rule`): the RustDesk rules with the seed's
//! exclusion scenarios, snapshotted as a user gets them; each template read back as YAML must
//! carry the same query as the KQL output, and the per-rule errors (a query over Sentinel's
//! limit, a column Sentinel does not receive) fail only their rule.

use sigma_kql::backend::sentinel::Schedule;
use sigma_kql::convert::{convert_files, sentinel_rules};
use sigma_kql::exclusion::Scenario;
use sigma_kql::pipeline::Pipeline;
use sigma_kql::rule::load_source;

use crate::support::{load, root};

fn pipeline() -> Pipeline {
    Pipeline::builtin("microsoft_xdr").expect("built-in pipeline")
}

/// The seed's five scenarios, as the project keeps them next to the product-name rule.
fn seed_scenarios() -> Vec<Scenario> {
    let path = root().join("rules/rustdesk/proc_creation_win_rmm_rustdesk_product.exclusions.yml");
    let file = sigma_kql::exclusion::load_file(&path);
    assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
    assert_eq!(file.scenarios.len(), 5);
    file.scenarios
}

/// The Sentinel YAML of `rule` with `scenarios`, and the KQL of the same conversion.
fn sentinel_and_kql(rule: &str, scenarios: &[Scenario]) -> (String, Vec<String>) {
    let file = load(&root().join(rule));
    let mut results = convert_files(std::slice::from_ref(&file), &pipeline(), scenarios);
    let kql = results[0].queries.clone();
    let docs = sentinel_rules(&mut results, &Schedule::default());
    assert_eq!(results[0].status, "ok", "{:?}", results[0].errors);
    (docs.join("---\n"), kql)
}

/// Reads a template back and checks what the snapshot cannot show at a glance: the query is
/// the KQL output's, the fields are in Sentinel's sets.
fn read_back(text: &str, kql: &[String]) {
    let docs: Vec<serde_yaml::Value> = text
        .split("---\n")
        .map(|d| serde_yaml::from_str(d).expect("the template is YAML"))
        .collect();
    assert_eq!(docs.len(), kql.len());
    for (d, q) in docs.iter().zip(kql) {
        assert_eq!(d["query"].as_str(), Some(q.as_str()));
        assert_eq!(d["kind"].as_str(), Some("Scheduled"));
        let entities = d["entityMappings"].as_sequence().expect("entity mappings");
        assert!((1..=5).contains(&entities.len()));
        assert!(sigma_kql::rule::is_uuid(
            d["id"].as_str().unwrap_or_default()
        ));
    }
}

#[test]
fn rustdesk_product_rule_with_the_seed_scenarios() {
    let (text, kql) = sentinel_and_kql(
        "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml",
        &seed_scenarios(),
    );
    read_back(&text, &kql);
    assert_eq!(kql[0].matches("// Exclusion: ").count(), 5);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sentinel@rustdesk_product_with_seed_scenarios", text);
    });
}

#[test]
fn rustdesk_execution_rule_with_the_seed_scenarios() {
    // The scenarios name the product-name rule; applied here to every rule.
    let scenarios: Vec<Scenario> = seed_scenarios()
        .into_iter()
        .map(|mut s| {
            s.rule = None;
            s
        })
        .collect();
    let (text, kql) = sentinel_and_kql(
        "rules/rustdesk/proc_creation_win_rmm_rustdesk_execution.yml",
        &scenarios,
    );
    read_back(&text, &kql);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sentinel@rustdesk_execution_with_seed_scenarios", text);
    });
}

#[test]
fn a_rule_without_level_tactic_or_uuid_gets_defaults_and_warnings() {
    let text = "title: No level\nid: my-rule\ntags: [attack.t1003.001, attack.s0002]\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {Image|endswith: '\\x.exe'}\n  condition: sel\n";
    let file = load_source("x.yml", text);
    let mut results = convert_files(std::slice::from_ref(&file), &pipeline(), &[]);
    let docs = sentinel_rules(&mut results, &Schedule::default());
    assert_eq!(docs.len(), 1);
    let doc: serde_yaml::Value = serde_yaml::from_str(&docs[0]).expect("YAML");
    assert_eq!(doc["severity"].as_str(), Some("Medium"));
    // A technique without its tactic is refused by Sentinel: left out, with a warning.
    assert_eq!(
        doc["relevantTechniques"].as_sequence().map(Vec::len),
        Some(0)
    );
    let id = doc["id"].as_str().unwrap_or_default();
    assert!(sigma_kql::rule::is_uuid(id), "{id}");
    // The same rule gets the same id on every run.
    let again = sentinel_rules(
        &mut convert_files(std::slice::from_ref(&file), &pipeline(), &[]),
        &Schedule::default(),
    );
    assert_eq!(docs, again);
    let w = &results[0].warnings;
    assert!(w.iter().any(|w| w.contains("no level")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("no tactic")), "{w:?}");
    assert!(docs[0].starts_with("# warning: "));
}

#[test]
fn queries_over_the_limit_or_on_defender_only_columns_fail_their_rule_only() {
    let values: Vec<String> = (0..800)
        .map(|i| format!("      - '\\\\tool{i:04}.exe'\n"))
        .collect();
    let long = format!(
        "title: Long\nlogsource: {{category: process_creation, product: windows}}\ndetection:\n  sel:\n    Image|endswith:\n{}  condition: sel\n",
        values.concat()
    );
    let remote = "title: Remote session\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {Image|endswith: '\\x.exe'}\n  condition: sel\n";
    let files = vec![
        load_source("long.yml", &long),
        load_source("remote.yml", remote),
    ];
    // An exclusion on a column Defender has and Sentinel's copy of the table lacks.
    let scenarios = sigma_kql::exclusion::load_source(
        "x.yml",
        "- name: remote\n  filter: IsProcessRemoteSession == true\n  rule: Remote session\n",
    );
    assert!(
        scenarios.diagnostics.is_empty(),
        "{:?}",
        scenarios.diagnostics
    );
    let mut results = convert_files(&files, &pipeline(), &scenarios.scenarios);
    assert!(results.iter().all(|r| r.status == "ok"));
    let docs = sentinel_rules(&mut results, &Schedule::default());
    assert!(docs.is_empty());
    assert_eq!(results[0].errors[0].reason.name(), "too-long");
    assert!(
        results[0].errors[0]
            .message
            .contains("over Sentinel's limit of 10000")
    );
    assert_eq!(results[1].errors[0].reason.name(), "unmapped-field");
    assert!(
        results[1].errors[0]
            .message
            .contains("IsProcessRemoteSession"),
        "{}",
        results[1].errors[0].message
    );
}

#[test]
fn a_rule_with_two_conditions_gives_two_rules_with_their_own_ids() {
    let text = "title: Two\nid: 5d2f3b6e-8f52-4e0a-9b1e-0d6f3c2a1b7c\nlogsource: {category: process_creation, product: windows}\ndetection:\n  a: {Image|endswith: '\\a.exe'}\n  b: {Image|endswith: '\\b.exe'}\n  condition: [a, b]\n";
    let file = load_source("two.yml", text);
    let mut results = convert_files(std::slice::from_ref(&file), &pipeline(), &[]);
    let docs = sentinel_rules(&mut results, &Schedule::default());
    assert_eq!(docs.len(), 2);
    let parsed: Vec<serde_yaml::Value> = docs
        .iter()
        .map(|d| serde_yaml::from_str(d).expect("YAML"))
        .collect();
    assert_eq!(
        parsed[0]["id"].as_str(),
        Some("5d2f3b6e-8f52-4e0a-9b1e-0d6f3c2a1b7c")
    );
    assert_ne!(parsed[0]["id"], parsed[1]["id"]);
    assert_eq!(parsed[1]["name"].as_str(), Some("Two (condition 2)"));
    // The missing level is said once on the rule, and heads each template once.
    let w = &results[0].warnings;
    assert_eq!(
        w.iter().filter(|x| x.contains("no level")).count(),
        1,
        "{w:?}"
    );
    for d in &docs {
        assert_eq!(d.matches("no level").count(), 1, "{d}");
    }
}

#[test]
fn two_rules_never_share_a_sentinel_id() {
    let rule = "title: Same title\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {Image|endswith: '\\x.exe'}\n  condition: sel\n";
    // Without ids, the same title in two files gives two ids.
    let files = vec![load_source("a.yml", rule), load_source("b.yml", rule)];
    let mut results = convert_files(&files, &pipeline(), &[]);
    let docs = sentinel_rules(&mut results, &Schedule::default());
    assert_eq!(docs.len(), 2);
    assert_ne!(
        docs[0].lines().find(|l| l.starts_with("id: ")),
        docs[1].lines().find(|l| l.starts_with("id: "))
    );
    // The same Sigma id twice: the second rule fails rather than replace the first.
    let with_id = format!("id: 5d2f3b6e-8f52-4e0a-9b1e-0d6f3c2a1b7c\n{rule}");
    let files = vec![
        load_source("a.yml", &with_id),
        load_source("b.yml", &with_id),
    ];
    let mut results = convert_files(&files, &pipeline(), &[]);
    let docs = sentinel_rules(&mut results, &Schedule::default());
    assert_eq!(docs.len(), 1);
    assert_eq!(results[1].status, "error");
    assert!(
        results[1].errors[0].message.contains("already used by"),
        "{}",
        results[1].errors[0].message
    );
}

/// The ARM template of `rules` (paths under the crate root), read back: one resource per
/// query, each carrying the KQL output's query and the properties the API requires.
fn arm_of(rules: &[&str], scenarios: &[Scenario]) -> (String, Vec<String>) {
    let files: Vec<_> = rules.iter().map(|r| load(&root().join(r))).collect();
    let mut results = convert_files(&files, &pipeline(), scenarios);
    let kql: Vec<String> = results.iter().flat_map(|r| r.queries.clone()).collect();
    let resources = sigma_kql::convert::sentinel_arm_resources(&mut results, &Schedule::default());
    let text =
        sigma_kql::backend::sentinel::arm_template(resources.into_iter().map(|(_, v)| v).collect());
    let t: serde_json::Value = serde_json::from_str(&text).expect("the template is JSON");
    assert_eq!(t["parameters"]["workspace"]["type"], "String");
    let res = t["resources"].as_array().expect("resources");
    assert_eq!(res.len(), kql.len());
    for (r, q) in res.iter().zip(&kql) {
        assert_eq!(
            r["type"],
            "Microsoft.OperationalInsights/workspaces/providers/alertRules"
        );
        assert_eq!(r["kind"], "Scheduled");
        let p = &r["properties"];
        assert_eq!(p["query"].as_str(), Some(q.as_str()));
        for key in [
            "displayName",
            "severity",
            "queryFrequency",
            "queryPeriod",
            "triggerOperator",
        ] {
            assert!(p[key].is_string(), "{key}");
        }
        assert!(
            p["queryFrequency"]
                .as_str()
                .is_some_and(|d| d.starts_with('P'))
        );
        for t in p["techniques"].as_array().expect("techniques") {
            assert!(
                !t.as_str().unwrap_or(".").contains('.'),
                "sub-technique in techniques: {t}"
            );
        }
    }
    (text, kql)
}

#[test]
fn rustdesk_rules_as_an_arm_template() {
    let (text, kql) = arm_of(
        &[
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml",
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_execution.yml",
        ],
        &seed_scenarios(),
    );
    assert_eq!(kql[0].matches("// Exclusion: ").count(), 5);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sentinel-arm@rustdesk_with_seed_scenarios", text);
    });
}

#[test]
fn one_fixture_rule_per_table_as_yaml_and_arm() {
    for (fixture, table) in [
        ("pc_version_info", "DeviceProcessEvents"),
        ("file_event", "DeviceFileEvents"),
        ("registry_set", "DeviceRegistryEvents"),
        ("network_ipv4_cidr", "DeviceNetworkEvents"),
        ("image_load", "DeviceImageLoadEvents"),
        ("pipe_created", "DeviceEvents"),
        ("logon_4624", "DeviceLogonEvents"),
    ] {
        let path = format!("tests/fixtures/kql/{fixture}.yml");
        let (yaml, kql) = sentinel_and_kql(&path, &[]);
        read_back(&yaml, &kql);
        assert!(kql[0].starts_with(table), "{fixture}: {}", kql[0]);
        let (arm, _) = arm_of(&[&path], &[]);
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("sentinel@table_{table}"), yaml);
            insta::assert_snapshot!(format!("sentinel-arm@table_{table}"), arm);
        });
    }
}

#[test]
fn techniques_and_sub_techniques_split_for_the_api() {
    let text = "title: T\nid: 6a1a0a5e-2222-4c3a-9b1e-000000000001\ntags: [attack.execution, attack.t1059.001, attack.t1059.003, attack.t1204]\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {Image|endswith: '\\x.exe'}\n  condition: sel\n";
    let mut results = convert_files(&[load_source("t.yml", text)], &pipeline(), &[]);
    let res = sigma_kql::convert::sentinel_arm_resources(&mut results, &Schedule::default());
    let p = &res[0].1["properties"];
    assert_eq!(p["techniques"], serde_json::json!(["T1059", "T1204"]));
    assert_eq!(
        p["subTechniques"],
        serde_json::json!(["T1059.001", "T1059.003"])
    );
    assert_eq!(p["tactics"], serde_json::json!(["Execution"]));
}
