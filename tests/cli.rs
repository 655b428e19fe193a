//! The command line as a user runs it.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use crate::support::root;

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigma-kql"));
    cmd.args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("binary finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_of_the_project_rules_is_clean() {
    let o = run(&["check", "rules"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "3 rules in 3 files, 0 errors, 0 warnings\n");
}

#[test]
fn errors_give_exit_code_1_and_the_batch_goes_on() {
    let o = run(
        &[
            "check",
            "tests/fixtures/errors/unknown_modifier.yml",
            "rules",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("error[unknown-modifier]: unknown modifier `contians`"),
        "{out}"
    );
    assert!(
        out.contains("--> tests/fixtures/errors/unknown_modifier.yml:7:9"),
        "{out}"
    );
    assert!(
        out.ends_with("4 rules in 4 files, 1 error, 0 warnings\n"),
        "{out}"
    );
}

#[test]
fn a_missing_path_is_a_usage_error_but_the_rest_is_checked() {
    let o = run(&["check", "no/such/dir", "rules"], None);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(out.contains("error[path]: cannot use no/such/dir"), "{out}");
    assert!(out.contains("3 rules in 3 files"), "{out}");
}

#[test]
fn bad_flags_are_usage_errors() {
    let o = run(&["check", "--format", "xml", "rules"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["check"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stdin_is_read_with_dash() {
    let rule = "title: From stdin\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image|endswith: x\n    condition: sel and not other\n";
    let o = run(&["check", "-"], Some(rule));
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("--> <stdin>:6:28"), "{out}");
    assert!(out.contains("condition refers to `other`"), "{out}");
}

#[test]
fn json_output_is_one_document_with_places() {
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "tests/fixtures/errors/undefined_identifier.yml",
            "tests/fixtures/errors/warn_duplicate_id.yml",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let s = &v["summary"];
    assert_eq!(s["files"], 2);
    assert_eq!(s["rules"], 3);
    assert_eq!(s["errors"], 1);
    assert_eq!(s["warnings"], 1);
    assert_eq!(s["errors_by_code"]["undefined-identifier"], 1);
    assert_eq!(s["warnings_by_code"]["duplicate-id"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "undefined-identifier");
    assert_eq!(d["file"], "tests/fixtures/errors/undefined_identifier.yml");
    assert_eq!(d["line"], 10);
    assert_eq!(d["column"], 34);
    assert_eq!(d["key_path"], "detection.condition");
    assert_eq!(d["span"], serde_json::json!([18, 29]));
    assert_eq!(d["rule"], "Typo in the condition");
    assert_eq!(v["documents"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["documents"][0]["ok"], false);
}

#[test]
fn show_ir_prints_each_condition() {
    let o = run(
        &[
            "check",
            "--show-ir",
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Product contains \"rustdesk\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn directories_are_walked_for_yaml_files_only() {
    let dir = std::env::temp_dir().join(format!("sigma-kql-walk-{}", std::process::id()));
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    let rule = "title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A: x\n    condition: s\n";
    std::fs::write(dir.join("a.yml"), rule).unwrap();
    std::fs::write(sub.join("b.YAML"), rule).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a rule").unwrap();
    let o = run(&["check", dir.to_str().unwrap()], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "2 rules in 2 files, 0 errors, 0 warnings\n");
}

#[test]
fn devices_pipes_and_empty_folders_are_refused() {
    let o = run(&["check", "/dev/zero"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("not a regular file"), "{}", stdout(&o));

    let dir = std::env::temp_dir().join(format!("sigma-kql-dev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = run(&["check", dir.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("holds no .yml or .yaml file"),
        "{}",
        stdout(&o)
    );

    // A link named *.yml that leads to a device is not read.
    let rule = "title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A: x\n    condition: s\n";
    std::fs::write(dir.join("a.yml"), rule).unwrap();
    let _ = std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yml"));
    let o = run(&["check", dir.to_str().unwrap()], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "1 rule in 1 file, 0 errors, 0 warnings\n");
}

#[test]
fn a_file_named_twice_is_read_once() {
    let o = run(
        &[
            "check",
            "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml",
            "./rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "1 rule in 1 file, 0 errors, 0 warnings\n");
}

const RUSTDESK_PRODUCT: &str = "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml";
const RUSTDESK_EVENTS: &str = "rules/rustdesk/rustdesk.events.jsonl";
const RUSTDESK_SCENARIOS: &str =
    "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.exclusions.yml";

#[test]
fn eval_fail_on_gives_exit_code_1_for_ci() {
    let base = [
        "eval",
        RUSTDESK_PRODUCT,
        "--events",
        RUSTDESK_EVENTS,
        "-x",
        RUSTDESK_SCENARIOS,
    ];
    let o = run(&base, None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let with = |extra: &str| {
        let mut args = base.to_vec();
        args.extend(["--fail-on", extra]);
        run(&args, None)
    };
    let o = with("tp-suppressed");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--fail-on tp-suppressed: 3 true positive(s) suppressed by exclusions"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Every alert is suppressed: nothing remains, no false positive remains.
    assert_eq!(with("alert,fp-remaining").status.code(), Some(0));
    assert_eq!(with("exclusion-warning").status.code(), Some(1));
    assert_eq!(
        run(
            &[
                "eval",
                RUSTDESK_PRODUCT,
                "--events",
                RUSTDESK_EVENTS,
                "--fail-on",
                "fp-remaining"
            ],
            None
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(with("nonsense").status.code(), Some(2));
}

#[test]
fn eval_reports_bad_event_lines_and_goes_on() {
    let dir = std::env::temp_dir().join(format!("sigma-kql-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let events = dir.join("events.jsonl");
    std::fs::write(
        &events,
        "{\"FolderPath\": \"C:\\\\x\\\\rustdesk.exe\", \"ProcessVersionInfoProductName\": \"RustDesk\"}\n{oops\n",
    )
    .expect("write events");
    let path = events.display().to_string();
    let o = run(
        &[
            "eval",
            RUSTDESK_PRODUCT,
            "--events",
            &path,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(report["schema"], "sigma-kql/eval/2");
    assert_eq!(report["summary"]["alerts"], 1);
    assert_eq!(report["events"]["errors"][0]["line"], 2);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("error[event-input]: {path}:2:2:")),
        "{stderr}"
    );
    // A missing events file is a usage error.
    let o = run(
        &["eval", RUSTDESK_PRODUCT, "--events", "no/such.jsonl"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sample_rows_are_deterministic_json_lines() {
    let a = run(&["sample", "rules", "--seed", "3", "--per-rule", "4"], None);
    let b = run(&["sample", "rules", "--seed", "3", "--per-rule", "4"], None);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let rows: Vec<serde_json::Value> = stdout(&a)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
    // The three project rules convert to Defender tables: 4 rows each.
    assert_eq!(rows.len(), 12, "{}", String::from_utf8_lossy(&a.stderr));
    assert!(
        rows.iter()
            .all(|r| r["_table"].is_string() && r["ReportId"].is_i64())
    );
}

/// A fresh temporary folder for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sigma-kql-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Every file of a folder with its content, sorted.
fn snapshot_dir(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("readable")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("file"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn convert_check_compares_a_folder_of_outputs_and_writes_nothing() {
    let dir = temp_dir("check");
    let out = format!("{}/", dir.display());
    for format in ["kql", "sentinel-rule", "sentinel-arm"] {
        let _ = std::fs::remove_dir_all(&dir);
        let args = ["convert", "rules", "-f", format, "-o", out.as_str()];
        assert_eq!(run(&args, None).status.code(), Some(0), "{format}: writing");
        let written = snapshot_dir(&dir);
        assert_eq!(written.len(), 3, "{format}: one file per rule");
        let mut check = args.to_vec();
        check.push("--check");
        // Up to date.
        let o = run(&check, None);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stdout(&o));
        assert_eq!(stdout(&o), "");
        // Stale, missing and extra files: a diff for each, exit 1, nothing written.
        let (first, second) = (&written[0].0, &written[1].0);
        let stale = dir.join(first);
        let text = format!("{}edited by hand\n", String::from_utf8_lossy(&written[0].1));
        std::fs::write(&stale, &text).expect("edit");
        std::fs::remove_file(dir.join(second)).expect("remove");
        std::fs::write(
            dir.join(format!(
                "removed_rule.{}",
                first.rsplit('.').next().unwrap_or("x")
            )),
            "old\n",
        )
        .expect("extra");
        let before = snapshot_dir(&dir);
        let o = run(&check, None);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let report = stdout(&o);
        assert!(
            report.contains(&format!("stale: {}", stale.display())),
            "{report}"
        );
        assert!(report.contains("\n-edited by hand\n"), "{report}");
        assert!(
            report.contains(&format!("missing: {}", dir.join(second).display())),
            "{report}"
        );
        assert!(
            report.contains("extra: ") && report.contains("removed_rule."),
            "{report}"
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("3 stale, missing or extra files"));
        assert_eq!(
            snapshot_dir(&dir),
            before,
            "{format}: --check wrote something"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn convert_output_is_deterministic_and_single_files_check_too() {
    let dir = temp_dir("single");
    let file = dir.join("all.json");
    let path = file.display().to_string();
    let args = [
        "convert",
        "rules",
        "-f",
        "sentinel-arm",
        "-o",
        path.as_str(),
    ];
    assert_eq!(run(&args, None).status.code(), Some(0));
    let first = std::fs::read(&file).expect("written");
    assert_eq!(run(&args, None).status.code(), Some(0));
    assert_eq!(
        std::fs::read(&file).expect("written"),
        first,
        "byte for byte"
    );
    let mut check = args.to_vec();
    check.push("--check");
    assert_eq!(run(&check, None).status.code(), Some(0));
    std::fs::write(&file, b"{}\n").expect("edit");
    let o = run(&check, None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("--- {path} (on disk)")),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(&file).expect("kept"), b"{}\n");
    // --check needs somewhere to compare with.
    assert_eq!(
        run(&["convert", "rules", "--check"], None).status.code(),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rule_tests_of_the_project_pass() {
    let o = run(&["test", "rules"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("6 tests in 2 file(s): 6 passed, 0 failed, 0 errors\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rule_tests_report_failures_errors_and_junit_xml() {
    let dir = temp_dir("junit");
    let xml_path = dir.join("tests.xml");
    let xml_arg = xml_path.display().to_string();
    let o = run(
        &["test", "tests/fixtures/ruletest", "--junit", &xml_arg],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    for line in [
        "  ok     whoami alerts\n",
        "  FAILED wrong count <&>\n         expected 2 alert(s), got 1\n",
        "         unexpected alert: line 1 (a)\n         missing alert: \"b\"\n",
        "         labelled alert, no alert: line 1 (missed)\n         labelled benign, alerts: line 2 (fp)\n",
        "  ERROR  no such file\n",
        "6 tests in 1 file(s): 2 passed, 3 failed, 1 errors\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let xml = std::fs::read_to_string(&xml_path).expect("JUnit XML written");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sigma-kql\" tests=\"6\" failures=\"3\" errors=\"1\""));
    assert_eq!(xml.matches("<testcase ").count(), 6);
    assert_eq!(xml.matches("<failure ").count(), 3);
    assert_eq!(xml.matches("<error ").count(), 1);
    assert!(xml.contains("name=\"wrong count &lt;&amp;&gt;\""));
    assert!(xml.trim_end().ends_with("</testsuites>"));
    // A folder without test files is a usage error, and a broken tests file is one error.
    assert_eq!(
        run(&["test", "tests/fixtures/kql"], None).status.code(),
        Some(2)
    );
    std::fs::write(dir.join("bad.tests.yml"), "tests: [{name: x}]\n").expect("write");
    let o = run(
        &["test", &dir.join("bad.tests.yml").display().to_string()],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("ERROR  (tests file)"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_progress_bar_when_not_on_a_terminal() {
    // 80 files: a batch long enough for a bar on a terminal; here stderr is a pipe.
    let o = run(&["check", "tests/fixtures/kql"], None);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains("loading") && !stderr.contains("converting"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "no terminal escapes: {stderr}");
}

#[test]
fn eval_output_is_the_same_on_one_thread_and_two() {
    let dir = temp_dir("threads");
    let rows = dir.join("rows.jsonl");
    let rows_arg = rows.display().to_string();
    let o = run(
        &["sample", "tests/fixtures/kql", "rules", "-o", &rows_arg],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let report = |threads: &str| {
        let o = run(
            &[
                "eval",
                "tests/fixtures/kql",
                "rules",
                "--events",
                &rows_arg,
                "--format",
                "json",
                "--threads",
                threads,
            ],
            None,
        );
        assert!(o.status.code().is_some_and(|c| c <= 1));
        o.stdout
    };
    let one = report("1");
    assert!(one.len() > 10_000, "a report with many alerts");
    assert_eq!(one, report("2"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outputs_do_not_depend_on_how_paths_are_spelled_or_which_rules_fail() {
    let dir = temp_dir("naming");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub)).expect("dir");
    }
    let rule = |title: &str, field: &str| {
        format!(
            "title: {title}\nlogsource: {{product: windows, category: process_creation}}\ndetection:\n  s: {{{field}: '\\x.exe'}}\n  condition: s\n"
        )
    };
    std::fs::write(dir.join("a/x.yml"), rule("A", "Image|endswith")).expect("write");
    std::fs::write(dir.join("b/x.yml"), rule("B", "Image|endswith")).expect("write");
    let out = dir.join("out/");
    let out_arg = format!("{}/", out.display());
    let rules = dir.display().to_string();
    let args = |input: &str| {
        vec![
            "convert".to_string(),
            input.to_string(),
            "-f".into(),
            "sentinel-arm".into(),
            "-o".into(),
            out_arg.clone(),
        ]
    };
    let run_s = |a: Vec<String>| run(&a.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(run_s(args(&rules)).status.code(), Some(0));
    let names: Vec<String> = snapshot_dir(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 2);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("x-") && n.ends_with(".json")),
        "{names:?}"
    );
    // Spelled another way, the outputs are the same.
    let mut check = args(&format!("{rules}/./"));
    check.push("--check".into());
    let o = run_s(check.clone());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A failing rule does not move its neighbour into its file: only its own file is reported
    // (no rule generates it now), the other one is current.
    std::fs::write(dir.join("a/x.yml"), rule("A", "Image|nonsense")).expect("write");
    let o = run_s(check);
    assert_eq!(o.status.code(), Some(1));
    let report = stdout(&o);
    assert_eq!(report.matches("extra: ").count(), 1, "{report}");
    assert!(
        !report.contains("stale: ") && !report.contains("missing: "),
        "{report}"
    );
    // Outputs never overwrite the rules being converted.
    std::fs::write(dir.join("a/x.yml"), rule("A", "Image|endswith")).expect("write");
    let a_dir = format!("{}/", dir.join("a").display());
    let yaml = dir.join("a/y.yaml");
    std::fs::write(&yaml, rule("Y", "Image|endswith")).expect("write");
    let o = run(
        &["convert", &a_dir, "-f", "sentinel-rule", "-o", &a_dir],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a rule being converted"));
    assert!(
        std::fs::read_to_string(&yaml)
            .expect("kept")
            .starts_with("title: Y")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn arm_templates_escape_brackets_and_respect_arm_limits() {
    let dir = temp_dir("arm");
    let rule = |i: usize, title: &str| {
        format!(
            "title: \"{title}\"\nid: 00000000-0000-4000-8000-{i:012}\nlogsource: {{product: windows, category: process_creation}}\ndetection:\n  s: {{Image|endswith: '\\x{i}.exe'}}\n  condition: s\n"
        )
    };
    std::fs::write(dir.join("one.yml"), rule(1, "[concat('a', 'b')] rule")).expect("write");
    let one = dir.join("one.yml").display().to_string();
    let o = run(&["convert", &one, "-f", "sentinel-arm"], None);
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let p = &t["resources"][0]["properties"];
    assert_eq!(p["displayName"], "[[concat('a', 'b')] rule");
    assert!(
        p.get("templateVersion").is_none(),
        "no template version without a template name"
    );
    let many: Vec<String> = (0..801).map(|i| rule(i, "r")).collect();
    std::fs::write(dir.join("many.yml"), many.join("---\n")).expect("write");
    let many = dir.join("many.yml").display().to_string();
    let o = run(&["convert", &many, "-f", "sentinel-arm"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("over ARM's limits"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rule_tests_that_cannot_say_anything_are_errors() {
    let dir = temp_dir("vacuous");
    std::fs::copy(
        root().join("tests/fixtures/ruletest/whoami.yml"),
        dir.join("whoami.yml"),
    )
    .expect("copy");
    std::fs::write(dir.join("empty.tests.yml"), "rule: whoami.yml\ntests: []\n").expect("write");
    std::fs::write(
        dir.join("filter.yml"),
        "title: f\nlogsource: {product: windows}\nfilter:\n  rules: [x]\n  selection: {User: a}\n  condition: not selection\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("filter.tests.yml"),
        "tests: [{name: t, events: [{A: 1}], expect: {alerts: 0}}]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("twins.tests.yml"),
        "rule: whoami.yml\ntests:\n  - name: t\n    events: [{_name: x, FolderPath: 'C:\\whoami.exe'}, {_name: x, FolderPath: 'C:\\cmd.exe'}]\n    expect: {alerts: [x]}\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("bad.tests.yml"),
        "rule: whoami.yml\ntests:\n  - name: u\n    events: [{A: 1}]\n    expect: {alerts: {a: 1}}\n",
    )
    .expect("write");
    let o = run(&["test", &dir.display().to_string()], None);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("`tests:` is empty"), "{text}");
    assert!(text.contains("holds no detection rule"), "{text}");
    assert!(text.contains("2 events are named \"x\""), "{text}");
    assert!(
        text.contains("`alerts` is a number, or a list of line numbers and `_name`s"),
        "{text}"
    );
    assert!(!text.contains("untagged"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
