//! Exclusion scenarios (issue 4) through the public API: the filter grammar (every operator,
//! keyword spelling, quoting, precedence and the case rule, down to the lowered IR), malformed
//! filters reported where they are wrong (YAML and the seeds' plain format), every lint
//! finding against small fixture rules, the RustDesk scenarios (lint and KQL), the seed file,
//! and Sigma filter documents applied by `convert_files`.
//! Fixtures: `tests/fixtures/exclusions/`; snapshots: `snapshots/exclusions@*.snap`.

use std::fmt::Write as _;
use std::path::PathBuf;

use sigma_kql::check::check_exclusions;
use sigma_kql::convert::convert_files;
use sigma_kql::diag::{Diagnostic, Severity};
use sigma_kql::exclusion::ast::{Filter, Literal, Test};
use sigma_kql::exclusion::{ScenarioFile, load_file, load_source, lower};
use sigma_kql::ir::{Case, Expr, Op, StrMatch};
use sigma_kql::pipeline::Pipeline;
use sigma_kql::precedence::{self, Level};
use sigma_kql::rule::LoadedFile;
use sigma_kql::syntax::parse_exclusion;

use crate::support::{load, root};

const FIXTURES: &str = "tests/fixtures/exclusions";
const RUSTDESK_SCENARIOS: &str =
    "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.exclusions.yml";
const RUSTDESK_PRODUCT: &str = "rules/rustdesk/proc_creation_win_rmm_rustdesk_product.yml";
const RUSTDESK_EXECUTION: &str = "rules/rustdesk/proc_creation_win_rmm_rustdesk_execution.yml";
const RUSTDESK_PRODUCT_ID: &str = "a06c66b9-35be-4b73-9b9a-4f8710c52c94";
/// The first seed, read only when `../shared` is present (never copied into the project).
const SEED: &str = "../shared/seeds/000_44159c2e0554909b.txt";

fn fixture(name: &str) -> PathBuf {
    root().join(FIXTURES).join(name)
}

/// Loads a scenario file of the project under its path relative to the crate root.
fn scenarios_at(rel: &str) -> ScenarioFile {
    let text = std::fs::read_to_string(root().join(rel)).expect("scenario file is readable");
    load_source(rel, &text)
}

fn scenario_fixture(name: &str) -> ScenarioFile {
    scenarios_at(&format!("{FIXTURES}/{name}"))
}

/// Loads a rule file and checks that it loads cleanly (a broken fixture would make every
/// scenario look like it names no rule).
fn rule_file(path: PathBuf) -> LoadedFile {
    let file = load(&path);
    let problems: Vec<String> = file.all_diagnostics().map(|d| d.render()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    file
}

fn pipeline() -> Pipeline {
    Pipeline::builtin("microsoft_xdr").expect("built-in pipeline")
}

fn render_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    diags
        .into_iter()
        .map(Diagnostic::render)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses a filter that must parse; the error is the assertion message.
fn parsed(text: &str) -> Filter {
    parse_exclusion(text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e:?}"))
}

/// The AST's display (fully parenthesised).
fn shape(text: &str) -> String {
    parsed(text).to_string()
}

/// The lowered IR's text form.
fn ir(text: &str) -> String {
    lower(&parsed(text)).to_string()
}

/// The value of a filter that is one comparison with a value.
fn value_of(text: &str) -> Literal {
    match parsed(text) {
        Filter::Cmp(c) => match c.test {
            Test::Compare { value, .. } => value,
            other => panic!("{text:?}: not a comparison with a value: {other:?}"),
        },
        other => panic!("{text:?}: not one comparison: {other}"),
    }
}

fn string_of(text: &str) -> String {
    match value_of(text) {
        Literal::Str(s) => s,
        other => panic!("{text:?}: not a string: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed filters.

/// The `name:` and `filter:` lines of a scenario fixture (1-based line numbers), read from the
/// text itself so that the loader is not its own oracle.
fn fixture_scenarios(text: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut name = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(n) = line.strip_prefix("- name: ") {
            name = Some(n.to_string());
        } else if let Some(f) = line.strip_prefix("  filter: ") {
            let n = name.take().expect("a filter follows its name");
            out.push((n, i + 1, f.to_string()));
        }
    }
    out
}

#[test]
fn malformed_filters_are_reported_where_they_are_wrong() {
    let rel = format!("{FIXTURES}/malformed.exclusions.yml");
    let text = std::fs::read_to_string(root().join(&rel)).expect("fixture is readable");
    let expected = fixture_scenarios(&text);
    assert!(expected.len() >= 20, "at least 20 malformed filters");
    let file = load_source(&rel, &text);
    assert!(
        file.scenarios.is_empty(),
        "malformed filters parsed: {:?}",
        file.scenarios
            .iter()
            .map(|s| &s.filter_text)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        file.diagnostics.len(),
        expected.len(),
        "{}",
        render_all(&file.diagnostics)
    );
    for (d, (name, line, _)) in file.diagnostics.iter().zip(&expected) {
        assert_eq!(d.severity, Severity::Error, "{}", d.render());
        assert!(
            matches!(d.code, "exclusion-syntax" | "condition-too-complex"),
            "{}",
            d.render()
        );
        assert_eq!(
            d.rule.as_deref(),
            Some(format!("scenario \"{name}\"").as_str())
        );
        assert_eq!(d.file, rel);
        assert_eq!(d.line, Some(*line), "{}", d.render());
        assert!(d.span.is_some(), "{}", d.render());
        // The caret is on the filter, after `  filter: ` (10 characters). The empty filter
        // (`filter: ''`) is left out: its caret lands on column 1 (reported as a bug).
        if name != "empty filter" {
            let column = d.column.expect("a column");
            assert!(column > 10, "{}", d.render());
        }
    }
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("exclusions@malformed", render_all(&file.diagnostics));
    });
}

/// The same filters in the seeds' plain format: the same message, on the `Filter/Exclusion:`
/// line, at the same offset inside the filter, which is where the mistake is.
#[test]
fn plain_format_reports_the_same_places() {
    let rel = format!("{FIXTURES}/malformed.exclusions.yml");
    let yaml_text = std::fs::read_to_string(root().join(&rel)).expect("fixture is readable");
    let yaml = load_source(&rel, &yaml_text);
    let filters = fixture_scenarios(&yaml_text);
    // (scenario, where the caret must be: a byte offset in the filter, found independently)
    type Caret = fn(&str) -> usize;
    let cases: [(&str, Caret); 8] = [
        ("dangling AND at the end", |f| f.len()),
        ("missing closing parenthesis", |f| f.len()),
        ("extra closing parenthesis", |f| f.rfind(')').unwrap()),
        ("unknown escape in a Windows path", |f| {
            f.find("\\W").unwrap()
        }),
        ("less-than with a string value", |f| {
            f.find("\"10\"").unwrap()
        }),
        ("regex with lookahead", |f| f.find('@').unwrap()),
        ("two comparisons without and/or", |f| {
            f.find("process.parent").unwrap()
        }),
        ("empty item in an in list", |f| f.find(",,").unwrap() + 1),
    ];
    let mut plain =
        String::from("KQL Query\nDeviceProcessEvents\n| where FileName =~ \"x.exe\"\n\n");
    let mut lines = Vec::new();
    for (i, (name, _)) in cases.iter().enumerate() {
        let filter = &filters.iter().find(|(n, _, _)| n == name).expect("case").2;
        // Every other block indented: the column counts the indentation.
        let indent = if i % 2 == 1 { "    " } else { "" };
        let _ = writeln!(plain, "Scenario: {name}");
        let _ = writeln!(plain, "Description: malformed on purpose");
        lines.push((
            plain.lines().count() + 1,
            indent.len() + "Filter/Exclusion: ".len(),
        ));
        let _ = writeln!(plain, "{indent}Filter/Exclusion: {filter}");
    }
    let file = load_source("seed.txt", &plain);
    assert!(file.scenarios.is_empty());
    assert_eq!(
        file.diagnostics.len(),
        cases.len(),
        "{}",
        render_all(&file.diagnostics)
    );
    for (((name, at), (line, start)), d) in cases.iter().zip(&lines).zip(&file.diagnostics) {
        let filter = &filters.iter().find(|(n, _, _)| n == name).expect("case").2;
        let offset = filter[..at(filter)].chars().count();
        assert_eq!(
            d.rule.as_deref(),
            Some(format!("scenario \"{name}\"").as_str())
        );
        assert_eq!(d.line, Some(*line), "{}", d.render());
        assert_eq!(d.column, Some(start + offset + 1), "{}", d.render());
        // The YAML file reports the same message at the same offset in the filter.
        let y = yaml
            .diagnostics
            .iter()
            .find(|y| y.rule == d.rule)
            .expect("the YAML fixture has the case");
        assert_eq!(y.message, d.message);
        assert_eq!(y.span, d.span);
        assert_eq!(
            y.column,
            Some("  filter: ".len() + offset + 1),
            "{}",
            y.render()
        );
        // The excerpt is the plain line, the caret under the offset.
        let shown = d.render();
        let caret_line = shown
            .lines()
            .find(|l| l.trim_start().starts_with("| ") && l.contains('^'))
            .expect("a caret line");
        let bar = caret_line.find("| ").expect("gutter") + 2;
        assert_eq!(caret_line[bar..].find('^'), Some(start + offset), "{shown}");
    }
}

#[test]
fn missing_filters_and_bad_files_are_reported() {
    let f = load_source("s.yml", "- name: no filter here\n  description: d\n");
    assert!(f.scenarios.is_empty());
    assert_eq!(f.diagnostics.len(), 1);
    assert_eq!(f.diagnostics[0].code, "bad-scenario");
    assert!(
        f.diagnostics[0].message.contains("no filter here"),
        "{}",
        f.diagnostics[0].message
    );

    let f = load_source("s.yml", "title: not a scenario list\n");
    assert_eq!(f.diagnostics.len(), 1);
    assert_eq!(f.diagnostics[0].code, "bad-scenario");

    let f = load_source("s.yml", "- name: x\n  filter: [unclosed\n");
    assert_eq!(f.diagnostics[0].code, "yaml-syntax");
    assert!(f.diagnostics[0].line.is_some());

    let f = load_source(
        "seed.txt",
        "Scenario: only a name\nDescription: and no filter\n",
    );
    assert_eq!(f.diagnostics.len(), 1);
    assert_eq!(f.diagnostics[0].code, "bad-scenario");
    assert_eq!(f.diagnostics[0].line, Some(1));

    let f = load_file(&fixture("does-not-exist.exclusions.yml"));
    assert_eq!(f.diagnostics.len(), 1);
    assert_eq!(f.diagnostics[0].code, "io");
    assert!(f.has_errors());
}

// ---------------------------------------------------------------------------------------------
// The grammar, through `parse_exclusion`, the AST's display and the lowered IR.

/// `contains`, `startswith`, `endswith` and `matches` with every negation and case spelling.
#[test]
fn text_operators_in_every_spelling() {
    let kinds = [
        ("contains", "contains"),
        ("startswith", "startswith"),
        ("endswith", "endswith"),
        ("matches", "regex"),
    ];
    let negations = [
        ("", false),
        ("!", true),
        ("not ", true),
        ("NOT ", true),
        ("Not\t", true),
        ("not   ", true),
    ];
    let cases = [("", false), ("_cs", true), ("_CS", true), ("_Cs", true)];
    let mut checked = 0;
    for (word, ir_word) in kinds {
        for spelled in [word.to_string(), word.to_uppercase()] {
            for (neg, negated) in negations {
                for (cs, sensitive) in cases {
                    let text = format!("process.command_line {neg}{spelled}{cs} \"Ab\"");
                    let ast_op = format!(
                        "{}{word}{}",
                        if negated { "!" } else { "" },
                        if sensitive { "_cs" } else { "" }
                    );
                    assert_eq!(
                        shape(&text),
                        format!("process.command_line {ast_op} \"Ab\""),
                        "{text}"
                    );
                    let ir_op = match (word, sensitive) {
                        ("matches", false) => "regex:i".to_string(),
                        ("matches", true) => "regex".to_string(),
                        (_, false) => ir_word.to_string(),
                        (_, true) => format!("{ir_word}:cs"),
                    };
                    let leaf = format!("process.command_line {ir_op} \"Ab\"");
                    let want = if negated { format!("not {leaf}") } else { leaf };
                    assert_eq!(ir(&text), want, "{text}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4 * 2 * 6 * 4);
    // `matches regex` is `matches`, in any case and spacing; the `_cs` goes after `regex`.
    for text in [
        r#"a matches regex "x+""#,
        r#"a MATCHES REGEX "x+""#,
        "a Matches\t regex \"x+\"",
    ] {
        assert_eq!(shape(text), r#"a matches "x+""#, "{text}");
    }
    assert_eq!(
        shape(r#"a not matches regex_cs "x+""#),
        r#"a !matches_cs "x+""#
    );
    assert_eq!(ir(r#"a not matches regex_cs "x+""#), r#"not a regex "x+""#);
}

#[test]
fn equality_and_order_operators() {
    for (text, ast, lowered) in [
        (r#"f == "Ab""#, r#"f == "Ab""#, r#"f eq "Ab""#),
        (r#"f =~ "Ab""#, r#"f == "Ab""#, r#"f eq "Ab""#),
        (r#"f != "Ab""#, r#"f != "Ab""#, r#"not f eq "Ab""#),
        (r#"f !~ "Ab""#, r#"f != "Ab""#, r#"not f eq "Ab""#),
        (r#"f ==_cs "Ab""#, r#"f ==_cs "Ab""#, r#"f eq:cs "Ab""#),
        (r#"f !=_cs "Ab""#, r#"f !=_cs "Ab""#, r#"not f eq:cs "Ab""#),
        (r#"f=="Ab""#, r#"f == "Ab""#, r#"f eq "Ab""#),
        ("f == 4688", "f == 4688", "f == 4688"),
        ("f != 4688", "f != 4688", "not f == 4688"),
        ("f == -1", "f == -1", "f == -1"),
        ("f == 2.5", "f == 2.5", "f == 2.5"),
        ("f == TRUE", "f == true", "f == true"),
        ("f != False", "f != false", "not f == false"),
        ("f ==_cs 7", "f ==_cs 7", "f == 7"),
        ("f < 1024", "f < 1024", "f < 1024"),
        ("f <= -3", "f <= -3", "f <= -3"),
        ("f > 0.25", "f > 0.25", "f > 0.25"),
        ("f >= 65535", "f >= 65535", "f >= 65535"),
        ("f>=1", "f >= 1", "f >= 1"),
        // A number or boolean under a text operator compares its text.
        ("f contains 4688", "f contains 4688", r#"f contains "4688""#),
        (
            "f endswith_cs true",
            "f endswith_cs true",
            r#"f endswith:cs "true""#,
        ),
    ] {
        assert_eq!(shape(text), ast, "{text}");
        assert_eq!(ir(text), lowered, "{text}");
    }
    // Order comparisons take numbers only, whatever the operator.
    for op in ["<", "<=", ">", ">="] {
        for value in [r#""5""#, "true", "@'5'"] {
            let text = format!("f {op} {value}");
            let e = parse_exclusion(&text).expect_err(&text);
            let at = &text[e.span.start..e.span.end];
            assert_eq!(at, value, "{text}: {e:?}");
        }
    }
}

#[test]
fn list_operators() {
    for (text, ast, lowered) in [
        (
            r#"f in ("a", "B")"#,
            r#"f in ("a", "B")"#,
            r#"f eq "a" or f eq "B""#,
        ),
        (r#"f IN ("a")"#, r#"f in ("a")"#, r#"f eq "a""#),
        (r#"f in~ ("a")"#, r#"f in ("a")"#, r#"f eq "a""#),
        (r#"f in("a")"#, r#"f in ("a")"#, r#"f eq "a""#),
        (
            r#"f not in ("a", "b")"#,
            r#"f !in ("a", "b")"#,
            r#"not (f eq "a" or f eq "b")"#,
        ),
        (r#"f NOT IN~ ("a")"#, r#"f !in ("a")"#, r#"not f eq "a""#),
        (r#"f !in ("a")"#, r#"f !in ("a")"#, r#"not f eq "a""#),
        (r#"f !in~ ("a")"#, r#"f !in ("a")"#, r#"not f eq "a""#),
        (
            r#"f in_cs ("A", 'b')"#,
            r#"f in_cs ("A", "b")"#,
            r#"f eq:cs "A" or f eq:cs "b""#,
        ),
        (r#"f IN_CS ("A")"#, r#"f in_cs ("A")"#, r#"f eq:cs "A""#),
        (
            r#"f !in_cs ("A")"#,
            r#"f !in_cs ("A")"#,
            r#"not f eq:cs "A""#,
        ),
        (
            r#"f not in_cs ("A")"#,
            r#"f !in_cs ("A")"#,
            r#"not f eq:cs "A""#,
        ),
        // Mixed literals; numbers and booleans keep their type; a trailing comma is allowed.
        (
            r#"f in ( "a" , 1 , -2.5 , true , @"C:\x" , )"#,
            r#"f in ("a", 1, -2.5, true, "C:\\x")"#,
            r#"f eq "a" or f == 1 or f == -2.5 or f == true or f eq "C:\\x""#,
        ),
    ] {
        assert_eq!(shape(text), ast, "{text}");
        assert_eq!(ir(text), lowered, "{text}");
    }
}

#[test]
fn exists_in_any_case() {
    for text in ["f exists", "f EXISTS", "f Exists", "f\texists"] {
        assert_eq!(shape(text), "f exists", "{text}");
        match lower(&parsed(text)) {
            Expr::Field(p) => {
                assert_eq!(p.field, "f");
                assert_eq!(p.op, Op::Exists(true));
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    assert_eq!(shape("not f exists"), "(not f exists)");
    assert_eq!(ir("not f exists"), "not f exists");
}

#[test]
fn boolean_keywords_in_any_spelling() {
    let ands = ["and", "AND", "And", "aNd", "&&"];
    let ors = ["or", "OR", "Or", "oR", "||"];
    let nots = ["not ", "NOT ", "Not ", "nOt ", "!", "! ", "not\t", "not\n"];
    for a in ands {
        for o in ors {
            for n in nots {
                let text = format!("x exists {a} {n}y exists {o} z exists");
                assert_eq!(
                    shape(&text),
                    "((x exists and (not y exists)) or z exists)",
                    "{text:?}"
                );
            }
        }
    }
    // Symbols need no spaces; keywords need none next to parentheses or quotes.
    assert_eq!(
        shape("x exists&&!y exists||z exists"),
        "((x exists and (not y exists)) or z exists)"
    );
    assert_eq!(
        shape(r#"(x exists)and(y == "a")or not(z exists)"#),
        r#"((x exists and y == "a") or (not z exists))"#
    );
    // Whitespace between tokens may be any mix of spaces, tabs and line breaks.
    assert_eq!(
        shape("x ==\n\"a\"\r\n\tand\n  y\texists"),
        r#"(x == "a" and y exists)"#
    );
}

/// Keyword spellings of a precedence level, from the table (and the symbols the grammar adds).
fn spellings(level: Level) -> Vec<String> {
    let (_, word) = precedence::TABLE
        .iter()
        .find(|(l, _)| *l == level)
        .expect("level in the table");
    let mut out = vec![word.to_string(), word.to_uppercase()];
    out.push(
        match level {
            Level::Or => "||",
            Level::And => "&&",
            _ => "!",
        }
        .to_string(),
    );
    out
}

/// `x exists OP y exists OP' z exists` groups as the table says, for every pair of binary
/// levels and every spelling; a prefix operator binds tighter than every binary one.
#[test]
fn precedence_follows_the_table() {
    let name = |l: Level| match l {
        Level::Or => "or",
        Level::And => "and",
        other => panic!("not a binary level: {other:?}"),
    };
    let mut pairs = 0;
    for loose in precedence::BINARY {
        for tight in precedence::BINARY.into_iter().filter(|t| *t > loose) {
            assert!(precedence::needs_parens(tight, loose));
            assert!(!precedence::needs_parens(loose, tight));
            for l in spellings(loose) {
                for t in spellings(tight) {
                    let (ln, tn) = (name(loose), name(tight));
                    assert_eq!(
                        shape(&format!("a exists {l} b exists {t} c exists")),
                        format!("(a exists {ln} (b exists {tn} c exists))")
                    );
                    assert_eq!(
                        shape(&format!("a exists {t} b exists {l} c exists")),
                        format!("((a exists {tn} b exists) {ln} c exists)")
                    );
                    // Parentheses override the table.
                    assert_eq!(
                        shape(&format!("(a exists {l} b exists) {t} c exists")),
                        format!("((a exists {ln} b exists) {tn} c exists)")
                    );
                    // The IR's text form puts back only the parentheses the table needs.
                    assert_eq!(
                        ir(&format!("(a exists {l} b exists) {t} c exists")),
                        format!("(a exists {ln} b exists) {tn} c exists")
                    );
                    pairs += 1;
                }
            }
        }
    }
    assert!(pairs > 0, "the table has two binary levels");
    for prefix in precedence::PREFIX {
        for binary in precedence::BINARY {
            assert!(prefix > binary, "{prefix:?} binds tighter than {binary:?}");
            assert!(precedence::needs_parens(prefix, binary));
            let bn = name(binary);
            for p in spellings(prefix) {
                let p = if p == "!" { p } else { format!("{p} ") };
                for b in spellings(binary) {
                    assert_eq!(
                        shape(&format!("{p}a exists {b} b exists")),
                        format!("((not a exists) {bn} b exists)")
                    );
                    assert_eq!(
                        shape(&format!("{p}(a exists {b} b exists)")),
                        format!("(not (a exists {bn} b exists))")
                    );
                    assert_eq!(
                        ir(&format!("{p}(a exists {b} b exists)")),
                        format!("not (a exists {bn} b exists)")
                    );
                }
            }
        }
    }
    // Same-level chains are one n-ary node, however they are parenthesised; `not` nests.
    assert_eq!(
        shape("a exists or (b exists or c exists) or ((d exists))"),
        "(a exists or b exists or c exists or d exists)"
    );
    assert_eq!(
        shape("(a exists and b exists) && c exists"),
        "(a exists and b exists and c exists)"
    );
    assert_eq!(shape("not not a exists"), "(not (not a exists))");
    assert_eq!(shape("!!a exists"), "(not (not a exists))");
}

#[test]
fn string_literals_decode_every_quoting() {
    for (literal, value) in [
        (r#""plain""#, "plain"),
        (r#"'single'"#, "single"),
        (r#""""#, ""),
        (r#"''"#, ""),
        (r#""it's""#, "it's"),
        (r#"'say "hi"'"#, "say \"hi\""),
        (r#""C:\\Windows\\System32""#, r"C:\Windows\System32"),
        (r#""a\"b""#, "a\"b"),
        (r#""a\'b""#, "a'b"),
        (r#"'a\'b'"#, "a'b"),
        (r#"'a\"b'"#, "a\"b"),
        (r#""1\n2\r3\t4""#, "1\n2\r3\t4"),
        (r#""\u00e9\u00C9""#, "éÉ"),
        (r#""\u0041\u005a""#, "AZ"),
        (r#""\ud83d\ude00""#, "😀"),
        (r#""é and 😀 as written""#, "é and 😀 as written"),
        (r#"@"C:\Windows\System32\""#, "C:\\Windows\\System32\\"),
        (r#"@"say ""hi""""#, "say \"hi\""),
        (r#"@"""#, ""),
        (r#"@'it''s'"#, "it's"),
        (r#"@'C:\x\'"#, "C:\\x\\"),
        (r#"@"\n is two characters""#, "\\n is two characters"),
    ] {
        let text = format!("f == {literal}");
        assert_eq!(string_of(&text), value, "{text}");
        // The IR keeps the decoded value.
        assert_eq!(
            ir(&text),
            format!("f eq {}", sigma_kql::text::quote(value)),
            "{text}"
        );
    }
    // A verbatim string ends at its quote, even after a backslash.
    assert_eq!(
        shape(r#"f == @"C:\" and g exists"#),
        r#"(f == "C:\\" and g exists)"#
    );
    assert_eq!(
        shape(r#"f in (@"a\", 'b\\', "c")"#),
        r#"f in ("a\\", "b\\", "c")"#
    );
}

/// Case-insensitive unless `_cs`, visible in the lowered IR's case flags.
#[test]
fn case_rule_in_the_lowered_ir() {
    fn cases(e: &Expr, out: &mut Vec<Case>) {
        match e {
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| cases(x, out)),
            Expr::Not(x) => cases(x, out),
            Expr::Field(p) => match &p.op {
                Op::Str(StrMatch::Text { case, .. }) => out.push(*case),
                Op::Str(StrMatch::Regex(r)) => out.push(if r.flags.ignore_case {
                    Case::Insensitive
                } else {
                    Case::Sensitive
                }),
                other => panic!("not a string comparison: {other:?}"),
            },
            Expr::Keyword(_) => panic!("exclusions have no keywords"),
        }
    }
    use Case::{Insensitive as I, Sensitive as S};
    for (text, want) in [
        (r#"f == "A""#, vec![I]),
        (r#"f =~ "A""#, vec![I]),
        (r#"f != "A""#, vec![I]),
        (r#"f ==_cs "A""#, vec![S]),
        (r#"f !=_cs "A""#, vec![S]),
        (r#"f contains "A""#, vec![I]),
        (r#"f contains_cs "A""#, vec![S]),
        (r#"f !startswith_cs "A""#, vec![S]),
        (r#"f not endswith "A""#, vec![I]),
        (r#"f matches "A""#, vec![I]),
        (r#"f matches_cs "A""#, vec![S]),
        (r#"f in ("A", "b")"#, vec![I, I]),
        (r#"f in~ ("A", "b")"#, vec![I, I]),
        (r#"f in_cs ("A", "b")"#, vec![S, S]),
        (r#"f not in_cs ("A", "b")"#, vec![S, S]),
        (
            r#"f == "A" and g ==_cs "B" or not h contains_cs "C""#,
            vec![I, S, S],
        ),
    ] {
        let mut got = Vec::new();
        cases(&lower(&parsed(text)), &mut got);
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn field_names() {
    for (text, field, lowered) in [
        (
            r#"process.parent.name == "a""#,
            "process.parent.name",
            r#"process.parent.name eq "a""#,
        ),
        (
            r#"InitiatingProcessFileName == "a""#,
            "InitiatingProcessFileName",
            r#"InitiatingProcessFileName eq "a""#,
        ),
        (
            r#"ParentImage endswith "a""#,
            "ParentImage",
            r#"ParentImage endswith "a""#,
        ),
        ("@timestamp exists", "@timestamp", "['@timestamp'] exists"),
        ("_private exists", "_private", "_private exists"),
        ("c-uri exists", "c-uri", "['c-uri'] exists"),
        ("x.y-z.w_1 exists", "x.y-z.w_1", "['x.y-z.w_1'] exists"),
        ("['c-uri'] exists", "c-uri", "['c-uri'] exists"),
        (
            "['with space'] exists",
            "with space",
            "['with space'] exists",
        ),
        (
            r#"['odd"name'] exists"#,
            "odd\"name",
            "['odd\"name'] exists",
        ),
        // Names that start with a keyword or an operator word are names.
        ("android exists", "android", "android exists"),
        ("index exists", "index", "index exists"),
        ("oracle exists", "oracle", "oracle exists"),
        ("existsflag exists", "existsflag", "existsflag exists"),
        ("matched exists", "matched", "matched exists"),
        // So are the words themselves, where a field is expected.
        ("exists exists", "exists", "exists exists"),
        (r#"in in ("a")"#, "in", r#"in eq "a""#),
        (
            r#"contains contains "a""#,
            "contains",
            r#"contains contains "a""#,
        ),
    ] {
        match parsed(text) {
            Filter::Cmp(c) => assert_eq!(c.field, field, "{text}"),
            other => panic!("{text}: {other}"),
        }
        assert_eq!(ir(text), lowered, "{text}");
    }
    // A negation with a space before a column whose name starts with an operator word.
    assert_eq!(
        shape(r#"! InitiatingProcessFileName == "svchost.exe""#),
        r#"(not InitiatingProcessFileName == "svchost.exe")"#
    );
}

/// Spans are byte ranges of the filter text: of each comparison, its field, its value and
/// each listed value (the carets of the lint and of syntax errors rely on them).
#[test]
fn spans_point_into_the_text() {
    let text = r#"x == "é" and (['c-uri'] contains @"/a""b" or n in (1, 'y')) and not z exists"#;
    let mut seen = Vec::new();
    fn walk<'a>(f: &Filter, text: &'a str, seen: &mut Vec<(&'a str, &'a str, Vec<&'a str>)>) {
        match f {
            Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| walk(x, text, seen)),
            Filter::Not(x) => walk(x, text, seen),
            Filter::Cmp(c) => {
                let at = |s: sigma_kql::condition::Span| &text[s.start..s.end];
                let values = match &c.test {
                    Test::Exists => vec![],
                    Test::Compare { value_span, .. } => vec![at(*value_span)],
                    Test::In { values, .. } => values.iter().map(|(_, s)| at(*s)).collect(),
                };
                seen.push((at(c.span), at(c.field_span), values));
            }
        }
    }
    walk(&parsed(text), text, &mut seen);
    assert_eq!(
        seen,
        vec![
            (r#"x == "é""#, "x", vec![r#""é""#]),
            (
                r#"['c-uri'] contains @"/a""b""#,
                "['c-uri']",
                vec![r#"@"/a""b""#]
            ),
            (r#"n in (1, 'y')"#, "n", vec!["1", "'y'"]),
            ("z exists", "z", vec![]),
        ]
    );
}

#[test]
fn filters_up_to_the_limits_parse() {
    // 64 levels of parentheses are accepted, 65 are refused (see the malformed snapshot).
    let deep = format!("{}a exists{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(shape(&deep), "a exists");
    // The length limit.
    let max = sigma_kql::syntax::MAX_EXCLUSION_LEN;
    let long = format!("a == \"{}\"", "x".repeat(max - 7));
    assert_eq!(long.len(), max);
    assert!(parse_exclusion(&long).is_ok());
    let too_long = format!("a == \"{}\"", "x".repeat(max - 6));
    let e = parse_exclusion(&too_long).expect_err("over the limit");
    assert!(
        matches!(e.kind, sigma_kql::syntax::SyntaxErrorKind::TooComplex { limit, .. } if limit == max),
        "{e:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Lint, against the fixture rules.

/// The diagnostics of one scenario of `lint.exclusions.yml` checked against both fixture rules.
fn lint_one(name: &str) -> Vec<Diagnostic> {
    let rules = [
        rule_file(fixture("rule_tool.yml")),
        rule_file(fixture("rule_tool_or_helper.yml")),
    ];
    let mut file = scenario_fixture("lint.exclusions.yml");
    assert!(
        file.diagnostics.is_empty(),
        "{}",
        render_all(&file.diagnostics)
    );
    file.scenarios.retain(|s| s.name == name);
    assert_eq!(file.scenarios.len(), 1, "no scenario {name:?}");
    let line = file.scenarios[0].origin.line;
    let checked = check_exclusions(&rules, &[file], &pipeline());
    assert_eq!(checked.len(), 1);
    let diags = checked.into_iter().next().expect("one file").diagnostics;
    for d in &diags {
        assert_eq!(
            d.rule.as_deref(),
            Some(format!("scenario \"{name}\"").as_str())
        );
        assert_eq!(d.line, line, "{}", d.render());
    }
    diags
}

/// Exactly one diagnostic, of `kind`, whose message holds every piece of `names`.
fn one_finding(name: &str, kind: &str, severity: Severity, names: &[&str]) -> Diagnostic {
    let diags = lint_one(name);
    assert_eq!(diags.len(), 1, "{}", render_all(&diags));
    let d = diags.into_iter().next().expect("one");
    assert_eq!(d.code, kind, "{}", d.render());
    assert_eq!(d.severity, severity, "{}", d.render());
    for n in names {
        assert!(d.message.contains(n), "{n:?} missing from {}", d.message);
    }
    d
}

#[test]
fn lint_impossible_value() {
    let d = one_finding(
        "impossible value",
        "impossible-value",
        Severity::Warning,
        &[
            "Tool Execution",
            "process.parent.name",
            "InitiatingProcessFileName",
            "\"Task Scheduler\"",
        ],
    );
    assert!(!d.message.contains("svchost.exe"), "{}", d.message);
    // The caret is under the impossible comparison only.
    let filter =
        r#"process.parent.name == "Task Scheduler" or process.parent.name == "svchost.exe""#;
    let part = r#"process.parent.name == "Task Scheduler""#;
    assert_eq!(d.span, Some((0, part.len())));
    let ex = d.excerpt.as_ref().expect("excerpt");
    assert_eq!(ex.len, part.chars().count());
    assert_eq!(
        ex.text.find(filter).map(|b| ex.text[..b].chars().count()),
        Some(ex.start)
    );
}

#[test]
fn lint_always_true() {
    let d = one_finding(
        "always true",
        "always-true",
        Severity::Warning,
        &[
            "DeviceProcessEvents",
            "process.name",
            "FileName",
            "\"tool\"",
            "every alert",
        ],
    );
    assert_eq!(d.span, None, "about the whole filter");
}

#[test]
fn lint_never_matches() {
    one_finding(
        "never matches",
        "never-matches",
        Severity::Warning,
        &[
            "DeviceProcessEvents",
            "process.parent.name",
            "InitiatingProcessFileName",
            "\"explorer\"",
            r#""C:\\Windows\\explorer.exe""#,
            "without a folder",
        ],
    );
}

#[test]
fn lint_swallows_rule() {
    one_finding(
        "swallows the rule",
        "swallows-rule",
        Severity::Warning,
        &["Tool Execution", "FolderPath endswith", r"\tool.exe"],
    );
}

#[test]
fn lint_swallows_part() {
    let d = one_finding(
        "swallows one alternative",
        "swallows-part",
        Severity::Warning,
        &[
            "Tool or Helper Execution",
            "1 of the rule's 2 alternatives",
            "FolderPath endswith",
            r"\helper.exe",
        ],
    );
    assert!(!d.message.contains("tool.exe"), "{}", d.message);
}

#[test]
fn lint_no_rule() {
    one_finding(
        "no such rule",
        "no-rule",
        Severity::Warning,
        &["709b051a-3b5f-4952-926e-6b1751b42595"],
    );
}

#[test]
fn unmapped_field_suggests_the_closest_names() {
    one_finding(
        "misspelt field",
        "exclusion-unmapped",
        Severity::Error,
        &[
            "Tool Execution",
            "`process.parnt.name`",
            "DeviceProcessEvents",
            "process.parent.name",
        ],
    );
}

#[test]
fn a_legitimate_exclusion_has_no_finding() {
    let diags = lint_one("clean");
    assert!(diags.is_empty(), "{}", render_all(&diags));
}

/// Every scenario of the lint fixture, and each finding's kind: the fixture covers them all.
#[test]
fn lint_fixture_covers_every_kind() {
    let rules = [
        rule_file(fixture("rule_tool.yml")),
        rule_file(fixture("rule_tool_or_helper.yml")),
    ];
    let file = scenario_fixture("lint.exclusions.yml");
    let checked = check_exclusions(&rules, &[file], &pipeline());
    let mut kinds: Vec<&str> = checked[0].diagnostics.iter().map(|d| d.code).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "always-true",
            "exclusion-unmapped",
            "impossible-value",
            "never-matches",
            "no-rule",
            "swallows-part",
            "swallows-rule",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// RustDesk: the project's rules with the seed's five scenarios.

fn rustdesk_scenarios(clear_rule: bool) -> ScenarioFile {
    let mut file = scenarios_at(RUSTDESK_SCENARIOS);
    assert!(
        file.diagnostics.is_empty(),
        "{}",
        render_all(&file.diagnostics)
    );
    assert_eq!(file.scenarios.len(), 5);
    for s in &mut file.scenarios {
        assert_eq!(s.rule.as_deref(), Some(RUSTDESK_PRODUCT_ID));
        if clear_rule {
            s.rule = None;
        }
    }
    file
}

fn rustdesk_lint(rule: &str, clear_rule: bool) -> Vec<Diagnostic> {
    let rules = [rule_file(root().join(rule))];
    let checked = check_exclusions(&rules, &[rustdesk_scenarios(clear_rule)], &pipeline());
    checked.into_iter().flat_map(|f| f.diagnostics).collect()
}

#[test]
fn rustdesk_scenarios_lint_on_the_product_rule() {
    let diags = rustdesk_lint(RUSTDESK_PRODUCT, false);
    let kinds: Vec<&str> = diags.iter().map(|d| d.code).collect();
    // The first is always true (`process.name != "RustDesk"`); in the other four the parent
    // side names a process without its extension.
    assert_eq!(
        kinds,
        [
            "always-true",
            "impossible-value",
            "impossible-value",
            "impossible-value",
            "impossible-value",
        ]
    );
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("exclusions@rustdesk_product_lint", render_all(&diags));
    });
}

#[test]
fn rustdesk_scenarios_lint_on_the_execution_rule() {
    // Written for the product-name rule; with `rule:` cleared they apply to every rule.
    let diags = rustdesk_lint(RUSTDESK_EXECUTION, true);
    assert!(
        diags
            .iter()
            .all(|d| d.message.contains("RustDesk Remote Access Tool Execution")),
        "{}",
        render_all(&diags)
    );
    // `process.name == "RustDesk.exe"` excludes the client binary: one of the rule's three
    // alternatives (scenarios 2 to 5).
    let swallowing = diags.iter().filter(|d| d.code == "swallows-part").count();
    assert_eq!(swallowing, 4, "{}", render_all(&diags));
    assert_eq!(diags[0].code, "always-true", "{}", diags[0].render());
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("exclusions@rustdesk_execution_lint", render_all(&diags));
    });
}

/// The KQL of a rule with the scenarios: the query, then per scenario its name as a comment
/// and `| where not(…)`; the conversion's warnings (the lint findings) first.
fn rustdesk_kql(rule: &str, clear_rule: bool) -> String {
    let scenarios = rustdesk_scenarios(clear_rule).scenarios;
    let files = [rule_file(root().join(rule))];
    let conversions = convert_files(&files, &pipeline(), &scenarios);
    assert_eq!(conversions.len(), 1);
    let c = &conversions[0];
    assert_eq!(c.status, "ok", "{:?}", c.errors);
    assert_eq!(c.queries.len(), 1);
    let query = &c.queries[0];
    // Each scenario once, in order: its comment, then its `where not(…)` line.
    let lines: Vec<&str> = query.lines().collect();
    let comments: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("// Exclusion: "))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(comments.len(), scenarios.len(), "{query}");
    for (i, s) in comments.iter().zip(&scenarios) {
        assert_eq!(lines[*i], format!("// Exclusion: {}", s.name));
        assert!(lines[*i + 1].starts_with("| where not("), "{query}");
        assert!(lines[*i + 1].ends_with(')'), "{query}");
    }
    let mut out = String::new();
    for w in &c.warnings {
        let _ = writeln!(out, "// warning: {w}");
    }
    let _ = writeln!(out, "{query}");
    out
}

#[test]
fn rustdesk_kql_with_the_scenarios() {
    let product = rustdesk_kql(RUSTDESK_PRODUCT, false);
    let execution = rustdesk_kql(RUSTDESK_EXECUTION, true);
    // Without `rule:` cleared, the scenarios do not apply to the execution rule.
    let files = [rule_file(root().join(RUSTDESK_EXECUTION))];
    let plain = convert_files(&files, &pipeline(), &rustdesk_scenarios(false).scenarios);
    assert!(
        !plain[0].queries[0].contains("// Exclusion:"),
        "{}",
        plain[0].queries[0]
    );
    assert!(plain[0].warnings.is_empty(), "{:?}", plain[0].warnings);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("exclusions@rustdesk_product_kql", product);
        insta::assert_snapshot!("exclusions@rustdesk_execution_kql", execution);
    });
}

// ---------------------------------------------------------------------------------------------
// The seed file.

#[test]
fn seed_file_loads_into_the_five_scenarios() {
    let path = root().join(SEED);
    if !path.is_file() {
        eprintln!("note: {SEED} is absent; the seed-format test is skipped");
        return;
    }
    let seed = load_file(&path);
    assert!(
        seed.diagnostics.is_empty(),
        "{}",
        render_all(&seed.diagnostics)
    );
    let yaml = rustdesk_scenarios(false);
    assert_eq!(seed.scenarios.len(), 5);
    for (s, y) in seed.scenarios.iter().zip(&yaml.scenarios) {
        assert_eq!(s.name, y.name);
        assert_eq!(s.filter_text, y.filter_text);
        assert_eq!(s.filter.to_string(), y.filter.to_string());
        assert_eq!(s.expr, y.expr);
        assert!(s.description.is_some());
        assert_eq!(s.rule, None, "the seed names no rule");
        // Each filter's place is its `Filter/Exclusion:` line, after the key.
        assert_eq!(s.origin.column, "Filter/Exclusion: ".len());
        let line = s.origin.line.expect("a line");
        let text = std::fs::read_to_string(&path).expect("seed is readable");
        let at = text.lines().nth(line - 1).expect("the line exists");
        assert_eq!(at, format!("Filter/Exclusion: {}", s.filter_text));
    }
}

// ---------------------------------------------------------------------------------------------
// Sigma filter documents.

/// The one query of the tool rule converted in a batch with `others`.
fn tool_query(others: &[&str]) -> String {
    let mut files = vec![rule_file(fixture("rule_tool.yml"))];
    files.extend(others.iter().map(|f| load(&fixture(f))));
    let conversions = convert_files(&files, &pipeline(), &[]);
    assert_eq!(conversions.len(), 1, "filters are not queries of their own");
    let c = &conversions[0];
    assert_eq!(c.status, "ok", "{:?}", c.errors);
    assert_eq!(c.queries.len(), 1);
    c.queries[0].clone()
}

#[test]
fn a_filter_that_applies_is_anded_once() {
    let plain = tool_query(&[]);
    assert_eq!(
        plain,
        "DeviceProcessEvents\n| where FolderPath endswith @\"\\tool.exe\""
    );
    let filtered = tool_query(&["filter_applies.yml"]);
    assert_eq!(
        filtered,
        "DeviceProcessEvents\n| where FolderPath endswith @\"\\tool.exe\" and ProcessCommandLine !contains \" --self-update\""
    );
    // The same filter twice in the batch (same id) is still applied once.
    let twice = tool_query(&["filter_applies.yml", "filter_applies.yml"]);
    assert_eq!(twice, filtered);
    assert_eq!(twice.matches("--self-update").count(), 1);
}

#[test]
fn a_filter_for_another_log_source_is_not_applied() {
    let q = tool_query(&["filter_other_logsource.yml"]);
    assert_eq!(q, tool_query(&[]));
    assert!(!q.contains("--file-filter"), "{q}");
}

#[test]
fn a_filter_naming_another_rule_is_not_applied() {
    let q = tool_query(&["filter_other_rule.yml"]);
    assert_eq!(q, tool_query(&[]));
    assert!(!q.contains("--other-rule"), "{q}");
    // With every filter of the fixtures in the batch, only the one that applies is there.
    let all = tool_query(&[
        "filter_other_rule.yml",
        "filter_applies.yml",
        "filter_other_logsource.yml",
    ]);
    assert_eq!(all, tool_query(&["filter_applies.yml"]));
}

// ---------------------------------------------------------------------------------------------
// What an impossible value makes of the filter depends on the operator and the table.

/// The findings of `filter` (one scenario) on the rule in `rule_yaml`.
fn findings(rule_yaml: &str, filter: &str) -> Vec<Diagnostic> {
    let rules = [sigma_kql::rule::load_source("rule.yml", rule_yaml)];
    let scenarios = load_source("s.yml", &format!("- name: s\n  filter: '{filter}'\n"));
    assert!(
        scenarios.diagnostics.is_empty(),
        "{}",
        render_all(&scenarios.diagnostics)
    );
    check_exclusions(&rules, &[scenarios], &pipeline())
        .into_iter()
        .flat_map(|f| f.diagnostics)
        .collect()
}

const PROCESS_RULE: &str = "title: P\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {CommandLine|contains: ' -x '}\n  condition: sel\n";
const FILE_RULE: &str = "title: F\nlogsource: {category: file_event, product: windows}\ndetection:\n  sel: {TargetFilename|contains: '\\drivers\\etc\\'}\n  condition: sel\n";

#[test]
fn a_not_equal_on_an_impossible_value_always_holds() {
    let d = findings(
        PROCESS_RULE,
        r#"process.name != "tool" and user.name exists"#,
    );
    assert_eq!(d.len(), 1, "{}", render_all(&d));
    assert_eq!(d[0].code, "impossible-value");
    assert!(d[0].message.contains("always holds"), "{}", d[0].message);
    // Under `not`, an equality that never holds makes the part always true.
    let d = findings(
        PROCESS_RULE,
        r#"not (process.name == "tool") or user.name exists"#,
    );
    assert_eq!(d.len(), 1, "{}", render_all(&d));
    assert_eq!(d[0].code, "always-true", "{}", d[0].render());
    assert!(d[0].message.contains("\"tool\""), "{}", d[0].message);
}

#[test]
fn the_reason_names_only_the_comparisons_that_decide() {
    // Always true because of the `!=`; the impossible parent name does not make it so.
    let d = findings(
        PROCESS_RULE,
        r#"process.name != "tool" or process.parent.name == "Task Scheduler""#,
    );
    assert_eq!(d.len(), 1, "{}", render_all(&d));
    assert_eq!(d[0].code, "always-true");
    assert!(d[0].message.contains("\"tool\""), "{}", d[0].message);
    assert!(!d[0].message.contains("Task Scheduler"), "{}", d[0].message);
}

#[test]
fn files_other_than_images_may_have_no_extension() {
    // DeviceFileEvents' FileName is any file (`hosts`); a folder in it is still impossible.
    assert!(findings(FILE_RULE, r#"file.name == "hosts""#).is_empty());
    let d = findings(FILE_RULE, r#"file.name == "etc\\hosts""#);
    assert_eq!(d.len(), 1, "{}", render_all(&d));
    assert_eq!(d[0].code, "never-matches");
    assert!(
        d[0].message.contains("without a folder"),
        "{}",
        d[0].message
    );
    // The acting process's image name always has one.
    let d = findings(FILE_RULE, r#"process.name == "notepad""#);
    assert_eq!(d[0].code, "never-matches", "{}", render_all(&d));
}

// ---------------------------------------------------------------------------------------------
// Regressions from review: what names and numbers become, broken and repeated Sigma filters.

fn converted(rules: Vec<LoadedFile>, scenarios_yaml: &str) -> Vec<sigma_kql::convert::Conversion> {
    let scenarios = load_source("x.exclusions.yml", scenarios_yaml);
    assert!(
        scenarios.diagnostics.is_empty(),
        "{}",
        render_all(&scenarios.diagnostics)
    );
    convert_files(&rules, &pipeline(), &scenarios.scenarios)
}

#[test]
fn no_scenario_name_can_leave_its_comment() {
    for name in [
        "a\\r| where false",
        "a\\u0085| where false",
        "a\\u2028| where false",
    ] {
        let yaml = format!("- name: \"{name}\"\n  filter: process.name == \"a.exe\"\n");
        let c = converted(vec![rule_file(fixture("rule_tool.yml"))], &yaml);
        let q = &c[0].queries[0];
        let lines: Vec<&str> = q
            .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
            .collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with("// Exclusion: a"))
            .expect("the comment");
        assert!(lines[at].ends_with("| where false"), "{q:?}");
        assert_eq!(lines[at + 1], "| where not(FileName =~ \"a.exe\")", "{q:?}");
        assert_eq!(lines.len(), at + 2, "{q:?}");
    }
}

#[test]
fn column_names_mean_the_column_in_exclusions() {
    // On DeviceEvents, Sigma's `AccountName` of a service install is a JSON key and
    // `ProcessId` the acting process; an exclusion names Defender's columns.
    let c = converted(
        vec![rule_file(root().join(
            "rules/rustdesk/win_system_rmm_rustdesk_service_install.yml",
        ))],
        "- name: c\n  filter: AccountName == \"SYSTEM\" or ProcessId == 4\n",
    );
    let q = &c[0].queries[0];
    assert!(
        q.contains(
            "| where not(AccountName =~ \"SYSTEM\" or (isnotnull(ProcessId) and ProcessId == 4))"
        ),
        "{q}"
    );
}

#[test]
fn numbers_on_text_columns_keep_their_written_text() {
    let c = converted(
        vec![rule_file(fixture("rule_tool.yml"))],
        "- name: n\n  filter: process.command_line == 1.50 or user.id in (007, 010) or process.pid == 007\n",
    );
    let q = &c[0].queries[0];
    assert!(q.contains(r#"ProcessCommandLine =~ "1.50""#), "{q}");
    assert!(q.contains(r#"AccountSid in~ ("007", "010")"#), "{q}");
    // A numeric column compares the number.
    assert!(q.contains("ProcessId == 7"), "{q}");
}

#[test]
fn a_broken_sigma_filter_fails_visibly() {
    let broken = "title: Broken\nlogsource: {category: process_creation, product: windows}\nfilter:\n  rules: [80cf4224-033e-45eb-aec0-c87d1458c982]\n  selection: {User: admin}\n  condition: not selectoin\n";
    let files = vec![
        rule_file(fixture("rule_tool.yml")),
        sigma_kql::rule::load_source("broken.yml", broken),
    ];
    let c = convert_files(&files, &pipeline(), &[]);
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].status, "error");
    assert!(
        c[1].errors[0].message.contains("was not applied"),
        "{:?}",
        c[1].errors
    );
    assert!(
        c[1].errors[0].message.contains("selectoin"),
        "{:?}",
        c[1].errors
    );
}

#[test]
fn two_filters_without_ids_are_both_applied() {
    let filter = |value: &str| {
        format!(
            "title: Same title\nlogsource: {{category: process_creation, product: windows}}\nfilter:\n  rules: [80cf4224-033e-45eb-aec0-c87d1458c982]\n  selection: {{CommandLine|contains: '{value}'}}\n  condition: not selection\n"
        )
    };
    let files = vec![
        rule_file(fixture("rule_tool.yml")),
        sigma_kql::rule::load_source("f1.yml", &filter(" --one")),
        sigma_kql::rule::load_source("f2.yml", &filter(" --two")),
        sigma_kql::rule::load_source("f3.yml", &filter(" --one")),
    ];
    let c = convert_files(&files, &pipeline(), &[]);
    let q = &c[0].queries[0];
    assert_eq!(
        q.matches("--one").count(),
        1,
        "the same filter twice is applied once: {q}"
    );
    assert_eq!(q.matches("--two").count(), 1, "{q}");
}

#[test]
fn findings_on_a_rule_with_two_conditions_name_the_condition() {
    let rule = "title: Two\nlogsource: {category: process_creation, product: windows}\ndetection:\n  a: {Image|endswith: '\\tool.exe'}\n  b: {Image|endswith: '\\other.exe'}\n  condition: [a, b]\n";
    let c = converted(
        vec![sigma_kql::rule::load_source("two.yml", rule)],
        "- name: s\n  filter: process.name == \"tool.exe\"\n",
    );
    let swallow: Vec<&String> = c[0]
        .warnings
        .iter()
        .filter(|w| w.contains("swallows"))
        .collect();
    assert_eq!(swallow.len(), 1, "{:?}", c[0].warnings);
    assert!(swallow[0].contains("condition 1: "), "{}", swallow[0]);
}

#[test]
fn convert_errors_in_an_exclusion_point_at_the_scenario_file() {
    let c = converted(
        vec![rule_file(fixture("rule_tool.yml"))],
        "- name: typo\n  filter: process.parnt.name == \"x.exe\"\n",
    );
    assert_eq!(c[0].status, "error");
    assert_eq!(c[0].errors[0].at.as_deref(), Some("x.exclusions.yml:2:11"));
}
