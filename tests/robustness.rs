//! Property tests: whatever the input, the loader and the condition parser return (never
//! panic), and what they accept means what it says.

use proptest::prelude::*;
use sigma_kql::condition::{Cond, OfTarget, Quantifier, Span};
use sigma_kql::ir::{Pattern, PatternPart};
use sigma_kql::rule::load_source;
use sigma_kql::rule::value::parse_sigma_string;
use sigma_kql::syntax::parse_condition;

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
