//! Property tests: whatever the input, the loader, the condition parser, the exclusion
//! parser and the scenario loader return (never panic), and what they accept means what it
//! says.

use proptest::prelude::*;
use sigma_kql::condition::{Cond, OfTarget, Quantifier, Span};
use sigma_kql::ir::{Pattern, PatternPart};
use sigma_kql::rule::load_source;
use sigma_kql::rule::value::parse_sigma_string;
use sigma_kql::syntax::{parse_condition, parse_exclusion};

/// Conditions built from the grammar's pieces, with the spans zeroed for comparison.
fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        "[a-z][a-z0-9_]{0,6}"
            .prop_filter("not a keyword", |s| !matches!(
                s.as_str(),
                "and" | "or" | "not" | "of" | "them" | "all" | "any" | "near"
            ))
            .prop_map(|name| Cond::Ident {
                name,
                span: Span::default()
            }),
        ("[a-z]{1,4}\\*?", any::<bool>())
            .prop_filter("a bare keyword is not a pattern", |(p, _)| !matches!(
                p.as_str(),
                "and" | "or" | "not" | "of" | "them" | "all" | "any" | "near"
            ))
            .prop_map(|(p, all)| Cond::Of {
                quantifier: if all {
                    Quantifier::All
                } else {
                    Quantifier::One
                },
                target: OfTarget::Pattern(p),
                span: Span::default(),
            }),
        Just(Cond::Of {
            quantifier: Quantifier::All,
            target: OfTarget::Them,
            span: Span::default()
        }),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Cond::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Cond::Or),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}

/// Writes a condition with the fewest parentheses the precedence table allows.
fn write(c: &Cond) -> String {
    fn prec(c: &Cond) -> u8 {
        match c {
            Cond::Or(_) => 1,
            Cond::And(_) => 2,
            Cond::Not(_) => 3,
            _ => 5,
        }
    }
    let wrap = |child: &Cond, min: u8| {
        if prec(child) <= min {
            format!("({})", write(child))
        } else {
            write(child)
        }
    };
    match c {
        Cond::Or(v) => v
            .iter()
            .map(|x| wrap(x, 1))
            .collect::<Vec<_>>()
            .join(" or "),
        Cond::And(v) => v
            .iter()
            .map(|x| wrap(x, 2))
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Not(x) => format!("not {}", wrap(x, 2)),
        other => other
            .to_string()
            .trim_matches(|ch| ch == '(' || ch == ')')
            .to_string(),
    }
}

fn strip(c: Cond) -> Cond {
    match c {
        Cond::Or(v) => Cond::Or(v.into_iter().map(strip).collect()),
        Cond::And(v) => Cond::And(v.into_iter().map(strip).collect()),
        Cond::Not(x) => Cond::Not(Box::new(strip(*x))),
        Cond::Ident { name, .. } => Cond::Ident {
            name,
            span: Span::default(),
        },
        Cond::Of {
            quantifier, target, ..
        } => Cond::Of {
            quantifier,
            target,
            span: Span::default(),
        },
    }
}

/// Flattens same-operator nesting the way the parser does (`(a and b) and c` is one `and`).
fn flatten(c: Cond) -> Cond {
    match c {
        Cond::Or(v) => Cond::Or(
            v.into_iter()
                .map(flatten)
                .flat_map(|x| match x {
                    Cond::Or(inner) => inner,
                    x => vec![x],
                })
                .collect(),
        ),
        Cond::And(v) => Cond::And(
            v.into_iter()
                .map(flatten)
                .flat_map(|x| match x {
                    Cond::And(inner) => inner,
                    x => vec![x],
                })
                .collect(),
        ),
        Cond::Not(x) => Cond::Not(Box::new(flatten(*x))),
        leaf => leaf,
    }
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop::collection::vec(
        prop_oneof![
            "[a-z\\\\*?%. -]{1,5}".prop_map(PatternPart::Lit),
            Just(PatternPart::Any),
            Just(PatternPart::One),
        ],
        0..6,
    )
    .prop_map(Pattern::new)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Printing a condition with minimal parentheses and parsing it back gives the same tree:
    /// the parser's precedence is the table's.
    #[test]
    fn conditions_round_trip(c in cond()) {
        let text = write(&c);
        let parsed = parse_condition(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        prop_assert_eq!(strip(parsed), flatten(c), "{}", text);
    }

    #[test]
    fn condition_parser_never_panics(s in "\\PC{0,80}") {
        let _ = parse_condition(&s);
    }

    #[test]
    fn condition_parser_never_panics_on_near_misses(
        s in "[a-z1*_() |]{0,20}( (and|or|not|of|them|all|any|1|near|count) [a-z1*_() |]{0,10}){0,6}"
    ) {
        if let Err(e) = parse_condition(&s) {
            prop_assert!(e.span.start <= s.len() + 1);
        }
    }

    #[test]
    fn sigma_strings_round_trip(p in pattern()) {
        prop_assert_eq!(parse_sigma_string(&p.to_sigma()), p);
    }

    #[test]
    fn loader_never_panics_on_text(s in "\\PC{0,200}") {
        let _ = load_source("fuzz.yml", &s);
    }

    #[test]
    fn loader_never_panics_on_rule_shapes(
        field in "[A-Za-z|]{0,12}",
        mods in prop::collection::vec(prop::sample::select(vec![
            "contains", "startswith", "endswith", "all", "windash", "base64", "base64offset",
            "wide", "utf16be", "utf16", "re", "i", "m", "s", "cidr", "exists", "expand",
            "fieldref", "gt", "gte", "lt", "lte", "cased", "neq", "minute", "hour", "day",
            "week", "month", "year", "bogus",
        ]), 0..4),
        values in prop::collection::vec(prop_oneof![
            "[ -~]{0,12}".prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
            any::<i32>().prop_map(|n| n.to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("1.5".to_string()),
            Just("[]".to_string()),
            Just("{a: b}".to_string()),
        ], 1..4),
        condition in "[a-z _()*1]{0,30}",
    ) {
        let key = std::iter::once(field).chain(mods.iter().map(|m| m.to_string())).collect::<Vec<_>>().join("|");
        let list = values.iter().map(|v| format!("            - {v}\n")).collect::<String>();
        let text = format!(
            "title: t\nlogsource:\n    product: windows\ndetection:\n    selection:\n        '{key}':\n{list}    condition: {condition}\n"
        );
        let f = load_source("fuzz.yml", &text);
        for d in f.all_diagnostics() {
            // Every diagnostic names the file, and a line whenever it has a key path.
            prop_assert_eq!(&d.file, "fuzz.yml");
            if d.key_path.is_some() {
                prop_assert!(d.line.is_some(), "{}", d.render());
            }
        }
    }
}

#[test]
fn deep_yaml_and_alias_bombs_are_errors_not_crashes() {
    let deep = format!("title: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let f = load_source("deep.yml", &deep);
    assert!(f.has_errors());
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            (b'a' + i) as char,
            (b'a' + i) as char,
            p = (b'a' + i - 1) as char
        ));
    }
    let f = load_source("bomb.yml", &bomb);
    assert!(f.has_errors());
}

// ---------------------------------------------------------------------------------------------
// Exclusion filters.

/// Pieces of the exclusion grammar, right and wrong, for token soups.
const EXCLUSION_TOKENS: &[&str] = &[
    "process.name",
    "process.parent.name",
    "a",
    "_x",
    "@timestamp",
    "['c-uri']",
    "['x",
    "InitiatingProcessFileName",
    "index",
    "notes",
    "==",
    "!=",
    "=~",
    "!~",
    "==_cs",
    "!=_cs",
    "===",
    "=",
    "contains",
    "!contains",
    "not contains",
    "startswith_cs",
    "ENDSWITH",
    "matches",
    "matches regex",
    "in",
    "!in",
    "not in",
    "in~",
    "in_cs",
    "exists",
    "<",
    "<=",
    ">",
    ">=",
    "\"",
    "'",
    "@\"",
    "@'",
    "\"\"",
    "\"x\"",
    "'y'",
    "@\"C:\\x\\\"",
    "@'it''s'",
    "\"\\u00e9\"",
    "\"\\ud800\"",
    "\"\\q\"",
    "\"\\u12\"",
    "\"(\"",
    "\"(?=x)\"",
    "(",
    ")",
    ",",
    "and",
    "or",
    "not",
    "AND",
    "Or",
    "&&",
    "||",
    "!",
    "\\",
    "\\\\",
    "é",
    "😀",
    "\u{0}",
    "\u{85}",
    "1",
    "-2.5",
    "1e5",
    "007",
    "true",
    "FALSE",
];

fn exclusion_soup(newlines: bool) -> impl Strategy<Value = String> {
    let seps: Vec<&'static str> = if newlines {
        vec![" ", "", "\t", "\n", "  "]
    } else {
        vec![" ", "", "\t", "  "]
    };
    prop::collection::vec(
        (
            prop::sample::select(EXCLUSION_TOKENS.to_vec()),
            prop::sample::select(seps),
        ),
        0..24,
    )
    .prop_map(|parts| parts.into_iter().map(|(t, s)| format!("{t}{s}")).collect())
}

/// A syntax error's span lies inside the text, on character boundaries.
fn check_span(text: &str, e: &sigma_kql::syntax::SyntaxError) -> Result<(), TestCaseError> {
    prop_assert!(e.span.start <= e.span.end, "{text:?}: {e:?}");
    prop_assert!(e.span.end <= text.len(), "{text:?}: {e:?}");
    prop_assert!(text.is_char_boundary(e.span.start), "{text:?}: {e:?}");
    prop_assert!(text.is_char_boundary(e.span.end), "{text:?}: {e:?}");
    Ok(())
}

/// A filter model: what the parser must build, written with random spellings.
#[derive(Debug, Clone)]
enum Model {
    Or(Vec<Model>),
    And(Vec<Model>),
    Not(Box<Model>, u8),
    Cmp(Cmp),
}

#[derive(Debug, Clone)]
struct Cmp {
    field: &'static str,
    bracketed: bool,
    test: ModelTest,
}

#[derive(Debug, Clone)]
enum ModelTest {
    Exists(bool),
    /// Canonical operator (as the AST displays it), as written, value.
    Op(String, String, Value),
    /// Canonical operator, as written, values, trailing comma.
    In(String, String, Vec<Value>, bool),
}

#[derive(Debug, Clone)]
enum Value {
    /// The string and how it is written (0 `"…"`, 1 `'…'`, 2 `@"…"`, 3 `@'…'`), and whether
    /// optional escapes are used.
    Str(String, u8, bool),
    /// A number as written.
    Num(String),
    /// A boolean as written.
    Bool(String),
}

impl Value {
    fn canonical(&self) -> String {
        match self {
            Value::Str(s, ..) => sigma_kql::exclusion::ast::quote(s),
            // A number keeps the text it was written with.
            Value::Num(n) => n.clone(),
            Value::Bool(b) => b.to_ascii_lowercase(),
        }
    }

    fn written(&self) -> String {
        match self {
            Value::Num(n) | Value::Bool(n) => n.clone(),
            Value::Str(s, style, escapes) => {
                let mut out = String::new();
                match style {
                    0 | 1 => {
                        let q = if *style == 0 { '"' } else { '\'' };
                        out.push(q);
                        for c in s.chars() {
                            match c {
                                '\\' => out.push_str("\\\\"),
                                '\n' => out.push_str("\\n"),
                                '\r' => out.push_str("\\r"),
                                '\t' => out.push_str("\\t"),
                                c if c == q => {
                                    out.push('\\');
                                    out.push(c);
                                }
                                '"' | '\'' if *escapes => {
                                    out.push('\\');
                                    out.push(c);
                                }
                                c if *escapes && !c.is_ascii() => {
                                    let mut buf = [0u16; 2];
                                    for u in c.encode_utf16(&mut buf) {
                                        out.push_str(&format!("\\u{u:04x}"));
                                    }
                                }
                                c => out.push(c),
                            }
                        }
                        out.push(q);
                    }
                    _ => {
                        let q = if *style == 2 { '"' } else { '\'' };
                        out.push('@');
                        out.push(q);
                        for c in s.chars() {
                            out.push(c);
                            if c == q {
                                out.push(q);
                            }
                        }
                        out.push(q);
                    }
                }
                out
            }
        }
    }
}

fn model_string() -> impl Strategy<Value = Value> {
    (
        "[ -~é😀\n\r\t\u{1}\u{7f}\u{85}]{0,8}",
        0u8..4,
        any::<bool>(),
    )
        .prop_map(|(s, style, escapes)| Value::Str(s, style, escapes))
}

fn model_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-100_000i64..100_000).prop_map(|n| Value::Num(n.to_string())),
        (-999i32..1000, 0u32..1000).prop_map(|(a, b)| Value::Num(format!("{a}.{b}"))),
        prop::sample::select(vec!["007", "0.0000001", "99999999999999999999999", "1.50"])
            .prop_map(|n| Value::Num(n.to_string())),
    ]
}

fn model_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => model_string(),
        2 => model_number(),
        1 => prop::sample::select(vec!["true", "false", "TRUE", "False"])
            .prop_map(|b| Value::Bool(b.to_string())),
    ]
}

fn model_regex() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            r"a+",
            r"^x.*y$",
            r"\d{2}",
            r"(ab|cd)",
            r"[a-z]\.exe",
            r"\\",
        ]),
        0u8..4,
        any::<bool>(),
    )
        .prop_map(|(r, style, escapes)| Value::Str(r.to_string(), style, escapes))
}

/// Fields of the model that are not names in the grammar: written, and shown, in brackets.
const NOT_NAMES: [&str; 5] = ["with space", "and", "Or.x", "é", "c-\u{fffd}uri"];

/// How the AST's display shows a field.
fn shown_field(f: &str) -> String {
    if NOT_NAMES.contains(&f) {
        format!("['{f}']")
    } else {
        f.to_string()
    }
}

fn model_cmp() -> impl Strategy<Value = Model> {
    // Fields written plain or in brackets; those that are not names display in brackets.
    let field = prop::sample::select(vec![
        "with space",
        "and",
        "Or.x",
        "é",
        "c-\u{fffd}uri",
        "process.name",
        "process.parent.name",
        "a",
        "_x",
        "@timestamp",
        "c-uri",
        "InitiatingProcessFileName",
        "index",
        "notes",
        "exists",
    ]);
    let negation = prop::sample::select(vec![
        ("", false),
        ("!", true),
        ("not ", true),
        ("NOT ", true),
    ]);
    let case = prop::sample::select(vec![("", false), ("_cs", true), ("_CS", true)]);
    let test = prop_oneof![
        any::<bool>().prop_map(ModelTest::Exists),
        (
            prop::sample::select(vec![
                ("==", "=="),
                ("=~", "=="),
                ("!=", "!="),
                ("!~", "!="),
                ("==_cs", "==_cs"),
                ("!=_cs", "!=_cs"),
            ]),
            model_value()
        )
            .prop_map(|((w, c), v)| ModelTest::Op(c.into(), w.into(), v)),
        (
            prop::sample::select(vec!["contains", "startswith", "endswith", "CONTAINS"]),
            negation.clone(),
            case.clone(),
            model_value()
        )
            .prop_map(|(word, (neg, n), (cs, s), v)| {
                let canonical = format!(
                    "{}{}{}",
                    if n { "!" } else { "" },
                    word.to_ascii_lowercase(),
                    if s { "_cs" } else { "" }
                );
                ModelTest::Op(canonical, format!("{neg}{word}{cs}"), v)
            }),
        (
            prop::sample::select(vec!["matches", "matches regex", "MATCHES"]),
            negation.clone(),
            any::<bool>(),
            model_regex()
        )
            .prop_map(|(word, (neg, n), s, v)| {
                let canonical = format!(
                    "{}matches{}",
                    if n { "!" } else { "" },
                    if s { "_cs" } else { "" }
                );
                ModelTest::Op(
                    canonical,
                    format!("{neg}{word}{}", if s { "_cs" } else { "" }),
                    v,
                )
            }),
        (
            prop::sample::select(vec!["<", "<=", ">", ">="]),
            model_number()
        )
            .prop_map(|(op, v)| ModelTest::Op(op.into(), op.into(), v)),
        (
            negation,
            prop::sample::select(vec!["in", "IN"]),
            prop::sample::select(vec![("", false), ("~", false), ("_cs", true)]),
            prop::collection::vec(model_value(), 1..4),
            any::<bool>()
        )
            .prop_map(|((neg, n), word, (suffix, s), values, comma)| {
                let canonical = format!(
                    "{}in{}",
                    if n { "!" } else { "" },
                    if s { "_cs" } else { "" }
                );
                ModelTest::In(canonical, format!("{neg}{word}{suffix}"), values, comma)
            }),
    ];
    (field, any::<bool>(), test).prop_map(|(field, bracketed, test)| {
        Model::Cmp(Cmp {
            field,
            bracketed: bracketed || NOT_NAMES.contains(&field),
            test,
        })
    })
}

fn model() -> impl Strategy<Value = Model> {
    model_cmp().prop_recursive(4, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Model::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Model::Or),
            (inner, 0u8..6).prop_map(|(m, s)| Model::Not(Box::new(m), s)),
        ]
    })
}

/// Merges same-operator nesting, as the parser does.
fn flatten_model(m: Model) -> Model {
    match m {
        Model::Or(v) => Model::Or(
            v.into_iter()
                .map(flatten_model)
                .flat_map(|x| match x {
                    Model::Or(inner) => inner,
                    x => vec![x],
                })
                .collect(),
        ),
        Model::And(v) => Model::And(
            v.into_iter()
                .map(flatten_model)
                .flat_map(|x| match x {
                    Model::And(inner) => inner,
                    x => vec![x],
                })
                .collect(),
        ),
        Model::Not(x, s) => Model::Not(Box::new(flatten_model(*x)), s),
        leaf => leaf,
    }
}

/// What the AST's display must be (fully parenthesised).
fn canonical(m: &Model) -> String {
    match m {
        Model::Or(v) | Model::And(v) => {
            let word = if matches!(m, Model::Or(_)) {
                " or "
            } else {
                " and "
            };
            format!(
                "({})",
                v.iter().map(canonical).collect::<Vec<_>>().join(word)
            )
        }
        Model::Not(x, _) => format!("(not {})", canonical(x)),
        Model::Cmp(c) => match &c.test {
            ModelTest::Exists(_) => format!("{} exists", shown_field(c.field)),
            ModelTest::Op(op, _, v) => format!("{} {op} {}", shown_field(c.field), v.canonical()),
            ModelTest::In(op, _, values, _) => format!(
                "{} {op} ({})",
                shown_field(c.field),
                values
                    .iter()
                    .map(Value::canonical)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}

/// Writes the model with the fewest parentheses the precedence table allows, each keyword in
/// one of its spellings.
fn write_model(m: &Model) -> String {
    fn prec(m: &Model) -> u8 {
        match m {
            Model::Or(_) => 1,
            Model::And(_) => 2,
            Model::Not(..) => 3,
            Model::Cmp(_) => 5,
        }
    }
    let wrap = |child: &Model, min: u8| {
        if prec(child) <= min {
            format!("({})", write_model(child))
        } else {
            write_model(child)
        }
    };
    match m {
        Model::Or(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                format!(
                    "{}{}",
                    if i == 0 {
                        ""
                    } else {
                        [" or ", " OR ", "||", " || "][i % 4]
                    },
                    wrap(x, 1)
                )
            })
            .collect(),
        Model::And(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                format!(
                    "{}{}",
                    if i == 0 {
                        ""
                    } else {
                        [" and ", " AND ", "&&", " && "][i % 4]
                    },
                    wrap(x, 2)
                )
            })
            .collect(),
        Model::Not(x, style) => {
            let operand = wrap(x, 2);
            let word = ["not ", "NOT ", "Not\t", "!", "! ", "not\n"][*style as usize % 6];
            format!("{word}{operand}")
        }
        Model::Cmp(c) => {
            let field = if c.bracketed {
                format!("['{}']", c.field)
            } else {
                c.field.to_string()
            };
            match &c.test {
                ModelTest::Exists(upper) => {
                    format!("{field} {}", if *upper { "EXISTS" } else { "exists" })
                }
                ModelTest::Op(_, written, v) => format!("{field} {written} {}", v.written()),
                ModelTest::In(_, written, values, comma) => format!(
                    "{field} {written} ({}{})",
                    values
                        .iter()
                        .map(Value::written)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if *comma { "," } else { "" }
                ),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn exclusion_parser_never_panics(s in "\\PC{0,120}") {
        match parse_exclusion(&s) {
            Ok(f) => {
                let _ = f.to_string();
                let _ = sigma_kql::exclusion::lower(&f).to_string();
            }
            Err(e) => check_span(&s, &e)?,
        }
    }

    #[test]
    fn exclusion_parser_never_panics_on_grammar_tokens(s in exclusion_soup(true)) {
        match parse_exclusion(&s) {
            Ok(f) => {
                let _ = f.to_string();
                let _ = sigma_kql::exclusion::lower(&f).to_string();
            }
            Err(e) => check_span(&s, &e)?,
        }
    }

    #[test]
    fn scenario_loader_never_panics_on_text(s in "\\PC{0,300}") {
        let f = sigma_kql::exclusion::load_source("fuzz.yml", &s);
        for d in &f.diagnostics {
            let _ = d.render();
        }
    }

    /// Plain (seed) scenarios: every filter error is on its `Filter/Exclusion:` line, with a
    /// column inside that line, after the key.
    #[test]
    fn plain_scenarios_report_errors_on_the_filter_line(
        name in "[A-Za-z0-9 ]{0,20}",
        filter in exclusion_soup(false),
    ) {
        let text = format!("KQL Query\nScenario: {name}\nDescription: d\nFilter/Exclusion: {filter}\n");
        let f = sigma_kql::exclusion::load_source("seed.txt", &text);
        prop_assert_eq!(f.scenarios.len() + f.diagnostics.len(), 1);
        let line = text.lines().nth(3).expect("the filter line");
        for d in &f.diagnostics {
            let _ = d.render();
            prop_assert_eq!(d.line, Some(4), "{}", d.render());
            let column = d.column.expect("a column");
            prop_assert!(column > "Filter/Exclusion: ".len(), "{}", d.render());
            prop_assert!(column <= line.chars().count() + 1, "{}", d.render());
        }
    }

    #[test]
    fn yaml_scenarios_never_panic(
        name in "[ -~]{0,20}",
        filter in exclusion_soup(true),
        rule in prop::option::of("[ -~]{0,12}"),
    ) {
        let mut text = format!("- name: {name}\n  filter: {filter}\n");
        if let Some(r) = rule {
            text.push_str(&format!("  rule: {r}\n"));
        }
        let f = sigma_kql::exclusion::load_source("s.yml", &text);
        for d in &f.diagnostics {
            let _ = d.render();
        }
        for s in &f.scenarios {
            let _ = s.expr.to_string();
        }
    }

    /// A well-formed filter, written with random spellings, parses to the model; its display
    /// parses again to the same display and the same IR.
    #[test]
    fn exclusions_round_trip(m in model()) {
        let text = write_model(&m);
        let parsed = parse_exclusion(&text)
            .map_err(|e| TestCaseError::fail(format!("{text:?}: {e:?}")))?;
        let shown = parsed.to_string();
        prop_assert_eq!(&shown, &canonical(&flatten_model(m)), "{}", text);
        let again = parse_exclusion(&shown)
            .map_err(|e| TestCaseError::fail(format!("{shown:?} (from {text:?}): {e:?}")))?;
        prop_assert_eq!(again.to_string(), shown.clone());
        prop_assert_eq!(
            sigma_kql::exclusion::lower(&again),
            sigma_kql::exclusion::lower(&parsed),
            "{}", shown
        );
    }
}
