//! Parser for exclusion filters: pest grammar `grammar/exclusion.pest` plus the Pratt parser
//! of the one precedence table.

use std::sync::LazyLock;

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::PrattParser;

use super::{SyntaxError, SyntaxErrorKind};
use crate::condition::Span;
use crate::exclusion::ast::{Comparison, Filter, Literal, Op, OpKind, Test};
use crate::ir::{Case, Number};
use crate::precedence::Level;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/exclusion.pest"]
struct ExclusionParser;

/// The longest filter accepted, in bytes.
pub const MAX_EXCLUSION_LEN: usize = 16 * 1024;

fn operator_rule(level: Level) -> Option<Rule> {
    match level {
        Level::Or => Some(Rule::k_or),
        Level::And => Some(Rule::k_and),
        Level::Not => Some(Rule::k_not),
        Level::Of | Level::Atom => None,
    }
}

/// The operators of the precedence table, loosest first.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| super::pratt(operator_rule));

/// Parses an exclusion filter.
///
/// ```
/// let f = sigma_kql::syntax::parse_exclusion(
///     r#"process.name != "RustDesk" OR process.parent.name == "Remote Desktop Services""#,
/// ).unwrap();
/// assert_eq!(
///     f.to_string(),
///     r#"(process.name != "RustDesk" or process.parent.name == "Remote Desktop Services")"#
/// );
/// ```
pub fn parse_exclusion(text: &str) -> Result<Filter, SyntaxError> {
    if text.len() > MAX_EXCLUSION_LEN {
        return Err(SyntaxError {
            kind: SyntaxErrorKind::TooComplex {
                what: format!("{} bytes long", text.len()),
                limit: MAX_EXCLUSION_LEN,
            },
            span: Span::new(0, text.len()),
        });
    }
    nesting(text)?;
    let mut pairs = ExclusionParser::parse(Rule::exclusion, text).map_err(|e| {
        super::expected_error(
            &e,
            text,
            describe,
            "a comparison such as `process.name == \"x.exe\"`",
            |_, rest| unclosed_string(rest),
        )
    })?;
    let expr = pairs
        .next()
        .and_then(|p| p.into_inner().find(|q| q.as_rule() == Rule::expr))
        .ok_or_else(|| SyntaxError {
            kind: SyntaxErrorKind::Syntax("empty filter".into()),
            span: Span::new(0, text.len()),
        })?;
    build(expr.into_inner(), 0)
}

/// Bounds the nesting of parentheses before pest recurses into them (runs of `not` are
/// bounded in [`build`]). Parentheses inside strings do not count: `"…"` and `'…'` with
/// backslash escapes, `@"…"` and `@'…'` verbatim.
fn nesting(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => {
                let verbatim = i > 0 && bytes[i - 1] == b'@';
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if !verbatim && bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > super::MAX_NESTING {
            return Err(too_deep(Span::new(i, i + 1)));
        }
        i += 1;
    }
    Ok(())
}

fn too_deep(span: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::TooComplex {
            what: "nested too deeply".into(),
            limit: super::MAX_NESTING,
        },
        span,
    }
}

fn span_of(p: &Pair<'_, Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn syntax(message: impl Into<String>, span: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Syntax(message.into()),
        span,
    }
}

/// Builds the tree of an `expr` at `depth` (parentheses and negations around it). A run of
/// prefix `not`s nests the tree as deeply as parentheses do, so both count against the limit.
fn build(pairs: Pairs<'_, Rule>, depth: usize) -> Result<Filter, SyntaxError> {
    let mut run = 0;
    let mut deepest = 0;
    for p in pairs.clone() {
        if p.as_rule() == Rule::k_not {
            run += 1;
            deepest = deepest.max(run);
            if depth + run > super::MAX_NESTING {
                return Err(too_deep(span_of(&p)));
            }
        } else {
            run = 0;
        }
    }
    let inner = depth + deepest + 1;
    PRATT
        .map_primary(|p| primary(p, inner))
        .map_prefix(|_op, rhs| Ok(Filter::Not(Box::new(rhs?))))
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let is_and = op.as_rule() == Rule::k_and;
            let mut items = Vec::new();
            for side in [lhs, rhs] {
                match side {
                    Filter::And(v) if is_and => items.extend(v),
                    Filter::Or(v) if !is_and => items.extend(v),
                    f => items.push(f),
                }
            }
            Ok(if is_and {
                Filter::And(items)
            } else {
                Filter::Or(items)
            })
        })
        .parse(pairs)
}

fn primary(p: Pair<'_, Rule>, depth: usize) -> Result<Filter, SyntaxError> {
    let span = span_of(&p);
    match p.as_rule() {
        Rule::paren => match p.into_inner().find(|q| q.as_rule() == Rule::expr) {
            Some(e) => build(e.into_inner(), depth),
            None => Err(syntax(
                "internal parser error: parentheses without an expression",
                span,
            )),
        },
        Rule::comparison => comparison(p).map(Filter::Cmp),
        other => Err(syntax(
            format!("internal parser error: unexpected {other:?}"),
            span,
        )),
    }
}

fn comparison(p: Pair<'_, Rule>) -> Result<Comparison, SyntaxError> {
    let span = span_of(&p);
    let mut inner = p.into_inner();
    let field_pair = inner
        .next()
        .ok_or_else(|| syntax("internal parser error: comparison without a field", span))?;
    let field_span = span_of(&field_pair);
    let raw = field_pair.as_str();
    let field = match raw.strip_prefix("['").and_then(|r| r.strip_suffix("']")) {
        Some(name) => name.to_string(),
        None => raw.to_string(),
    };
    let test = match inner.next() {
        Some(t) if t.as_rule() == Rule::exists => Test::Exists,
        Some(t) if t.as_rule() == Rule::list_op => {
            let word = t.as_str().to_ascii_lowercase();
            let negated = word.starts_with('!') || word.starts_with("not");
            let case = if word.contains("_cs") {
                Case::Sensitive
            } else {
                Case::Insensitive
            };
            let list = inner
                .next()
                .ok_or_else(|| syntax("internal parser error: `in` without a list", span))?;
            let mut values = Vec::new();
            for v in list
                .into_inner()
                .filter(|v| !matches!(v.as_rule(), Rule::comma | Rule::list_end))
            {
                let s = span_of(&v);
                values.push((literal(v)?, s));
            }
            Test::In {
                negated,
                case,
                values,
            }
        }
        Some(t) if t.as_rule() == Rule::op => {
            let op = operator(t.as_str());
            let v = inner
                .next()
                .ok_or_else(|| syntax("internal parser error: operator without a value", span))?;
            let value_span = span_of(&v);
            let value = literal(v)?;
            if matches!(op.kind, OpKind::Lt | OpKind::Lte | OpKind::Gt | OpKind::Gte)
                && !matches!(value, Literal::Num(..))
            {
                return Err(syntax(
                    format!("`{op}` compares numbers; {value} is not a number"),
                    value_span,
                ));
            }
            if op.kind == OpKind::Matches
                && let Literal::Str(re) = &value
                && let Some(why) = crate::rule::value::regex_problem(&crate::ir::Regex {
                    pattern: re.clone(),
                    flags: crate::ir::RegexFlags {
                        ignore_case: op.case == Case::Insensitive,
                        ..crate::ir::RegexFlags::default()
                    },
                })
            {
                return Err(syntax(
                    format!(
                        "the regular expression does not parse ({why}); exclusions use RE2 syntax, without lookaround or backreferences"
                    ),
                    value_span,
                ));
            }
            Test::Compare {
                op,
                value,
                value_span,
            }
        }
        _ => {
            return Err(syntax(
                "internal parser error: comparison without a test",
                span,
            ));
        }
    };
    Ok(Comparison {
        field,
        field_span,
        test,
        span,
    })
}

fn operator(text: &str) -> Op {
    let t = text.to_ascii_lowercase();
    let case = if t.contains("_cs") {
        Case::Sensitive
    } else {
        Case::Insensitive
    };
    let negated = t.starts_with('!') || t.starts_with("not");
    let kind = if t.contains("contains") {
        OpKind::Contains
    } else if t.contains("startswith") {
        OpKind::StartsWith
    } else if t.contains("endswith") {
        OpKind::EndsWith
    } else if t.contains("matches") {
        OpKind::Matches
    } else {
        match t.as_str() {
            "<" => OpKind::Lt,
            "<=" => OpKind::Lte,
            ">" => OpKind::Gt,
            ">=" => OpKind::Gte,
            _ => OpKind::Eq,
        }
    };
    Op {
        kind,
        negated,
        case,
    }
}

fn literal(p: Pair<'_, Rule>) -> Result<Literal, SyntaxError> {
    let span = span_of(&p);
    let text = p.as_str();
    match p.as_rule() {
        Rule::number => {
            if let Ok(i) = text.parse::<i64>() {
                Ok(Literal::Num(Number::Int(i), text.to_string()))
            } else {
                text.parse::<f64>()
                    .map(|f| Literal::Num(Number::Float(f), text.to_string()))
                    .map_err(|_| syntax(format!("{text} is not a number"), span))
            }
        }
        Rule::boolean => Ok(Literal::Bool(text.eq_ignore_ascii_case("true"))),
        Rule::string => string(text, span).map(Literal::Str),
        other => Err(syntax(
            format!("internal parser error: unexpected {other:?}"),
            span,
        )),
    }
}

/// A remark when `rest` starts with a string that is never closed.
fn unclosed_string(rest: &str) -> Option<&'static str> {
    let (verbatim, body) = match rest.strip_prefix('@') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let q = body.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let bytes = body.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == q as u8 {
            if verbatim && bytes.get(i + 1) == Some(&(q as u8)) {
                i += 2;
                continue;
            }
            return None;
        }
        i += if !verbatim && bytes[i] == b'\\' { 2 } else { 1 };
    }
    Some(if q == '"' {
        "the string is never closed with `\"`"
    } else {
        "the string is never closed with `'`"
    })
}

/// Decodes a string literal: verbatim `@"…"` (quotes doubled) or `"…"` / `'…'` with the
/// escapes `\\ \" \' \n \r \t \uXXXX`. An unknown escape is an error: in `"C:\Windows"` the
/// `\W` is almost always a Windows path written without doubling the backslashes.
fn string(text: &str, span: Span) -> Result<String, SyntaxError> {
    if let Some(rest) = text.strip_prefix('@') {
        let q = rest.chars().next().unwrap_or('"');
        let body = &rest[1..rest.len() - 1];
        return Ok(body.replace(&format!("{q}{q}"), &q.to_string()));
    }
    let body = &text[1..text.len() - 1];
    let mut units: Vec<u16> = Vec::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buf));
            continue;
        }
        let at = span.start + 1 + i;
        let bad = |what: &str, len: usize| {
            syntax(
                format!(
                    "{what}; write a backslash as `\\\\`, or use a verbatim string such as @\"C:\\Windows\\\""
                ),
                Span::new(at, at + len),
            )
        };
        match chars.next() {
            Some((_, '\\')) => units.push('\\' as u16),
            Some((_, '"')) => units.push('"' as u16),
            Some((_, '\'')) => units.push('\'' as u16),
            Some((_, 'n')) => units.push('\n' as u16),
            Some((_, 'r')) => units.push('\r' as u16),
            Some((_, 't')) => units.push('\t' as u16),
            Some((_, 'u')) => {
                let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                match u16::from_str_radix(&hex, 16) {
                    Ok(u) if hex.len() == 4 => units.push(u),
                    _ => return Err(bad("`\\u` needs four hexadecimal digits", 2 + hex.len())),
                }
            }
            Some((_, other)) => {
                return Err(bad(
                    &format!("unknown escape `\\{other}`"),
                    1 + other.len_utf8(),
                ));
            }
            None => return Err(bad("a string cannot end with a backslash", 1)),
        }
    }
    String::from_utf16(&units)
        .map_err(|_| syntax("the string holds an unpaired UTF-16 surrogate", span))
}

/// What a rule means to a person reading an error message, with its rank in the message.
fn describe(rule: &Rule) -> Option<(usize, &'static str)> {
    Some(match rule {
        Rule::expr
        | Rule::exclusion
        | Rule::comparison
        | Rule::paren
        | Rule::lparen
        | Rule::field
        | Rule::k_not => (0, "a field, `not` or `(`"),
        Rule::op | Rule::list_op | Rule::exists => (
            1,
            "an operator (==, !=, contains, startswith, endswith, matches, in, exists, <, >)",
        ),
        Rule::string | Rule::number | Rule::boolean => {
            (2, "a value (\"text\", @\"C:\\path\", a number, true/false)")
        }
        Rule::list => (2, "a parenthesised list such as (\"a.exe\", \"b.exe\")"),
        Rule::comma => (5, "`,`"),
        Rule::list_end => (5, "`)`"),
        Rule::k_and => (3, "`and`"),
        Rule::k_or => (4, "`or`"),
        Rule::rparen => (5, "`)`"),
        Rule::EOI => (6, "the end of the filter"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        match parse_exclusion(s) {
            Ok(f) => f.to_string(),
            Err(e) => format!("ERR {:?} @{}..{}", e.kind, e.span.start, e.span.end),
        }
    }

    #[test]
    fn every_seed_filter_parses_verbatim() {
        for (text, shape) in [
            (
                r#"process.name != "RustDesk" OR process.parent.name == "Remote Desktop Services""#,
                r#"(process.name != "RustDesk" or process.parent.name == "Remote Desktop Services")"#,
            ),
            (
                r#"process.parent.name == "Task Scheduler" OR process.name == "RustDesk.exe""#,
                r#"(process.parent.name == "Task Scheduler" or process.name == "RustDesk.exe")"#,
            ),
            (
                r#"process.parent.name == "RustDesk" OR process.name == "RustDesk.exe""#,
                r#"(process.parent.name == "RustDesk" or process.name == "RustDesk.exe")"#,
            ),
        ] {
            assert_eq!(p(text), shape);
        }
    }

    #[test]
    fn operators() {
        assert_eq!(p(r#"a == "x""#), r#"a == "x""#);
        assert_eq!(p(r#"a =~ "x""#), r#"a == "x""#);
        assert_eq!(p(r#"a != "x""#), r#"a != "x""#);
        assert_eq!(p(r#"a !~ "x""#), r#"a != "x""#);
        assert_eq!(p(r#"a ==_cs "X""#), r#"a ==_cs "X""#);
        assert_eq!(p(r#"a !=_cs "X""#), r#"a !=_cs "X""#);
        assert_eq!(p(r#"a contains "x""#), r#"a contains "x""#);
        assert_eq!(p(r#"a CONTAINS_CS "x""#), r#"a contains_cs "x""#);
        assert_eq!(p(r#"a !contains "x""#), r#"a !contains "x""#);
        assert_eq!(p(r#"a not contains "x""#), r#"a !contains "x""#);
        assert_eq!(p(r#"a startswith "x""#), r#"a startswith "x""#);
        assert_eq!(p(r#"a endswith_cs "x""#), r#"a endswith_cs "x""#);
        assert_eq!(p(r#"a matches "x.*y""#), r#"a matches "x.*y""#);
        assert_eq!(p(r#"a matches regex "x""#), r#"a matches "x""#);
        assert_eq!(p(r#"a in ("x", "y")"#), r#"a in ("x", "y")"#);
        assert_eq!(p(r#"a in~ ("x")"#), r#"a in ("x")"#);
        assert_eq!(p(r#"a not in ("x", 1)"#), r#"a !in ("x", 1)"#);
        assert_eq!(p(r#"a !in_cs ("X",)"#), r#"a !in_cs ("X")"#);
        assert_eq!(p("a exists"), "a exists");
        assert_eq!(p("port < 1024"), "port < 1024");
        assert_eq!(p("port <= 1024"), "port <= 1024");
        assert_eq!(p("port > -1"), "port > -1");
        assert_eq!(p("ratio >= 0.5"), "ratio >= 0.5");
        assert_eq!(p("enabled == true"), "enabled == true");
    }

    #[test]
    fn precedence_matches_the_table() {
        assert_eq!(
            p("a exists or b exists and c exists"),
            "(a exists or (b exists and c exists))"
        );
        assert_eq!(
            p("not a exists and b exists"),
            "((not a exists) and b exists)"
        );
        assert_eq!(
            p("!(a exists || b exists) && c exists"),
            "((not (a exists or b exists)) and c exists)"
        );
        assert_eq!(
            p("a exists AND b exists Or c exists"),
            "((a exists and b exists) or c exists)"
        );
    }

    #[test]
    fn literals_and_fields() {
        assert_eq!(
            p(r#"process.executable == @"C:\Windows\x.exe""#),
            r#"process.executable == "C:\\Windows\\x.exe""#
        );
        assert_eq!(p(r#"a == @'it''s'"#), r#"a == "it's""#);
        assert_eq!(p(r#"a == @"say ""hi""""#), r#"a == "say \"hi\"""#);
        assert_eq!(p(r#"a == "C:\\Windows\\x""#), r#"a == "C:\\Windows\\x""#);
        assert_eq!(p(r#"a == 'single \' quote'"#), r#"a == "single ' quote""#);
        assert_eq!(
            p(r#"a == "tab\there\u00e9""#),
            r#"a == "tab\there\u{e9}""#.replace("\\u{e9}", "é")
        );
        assert_eq!(p(r#"['c-uri'] contains "/x""#), r#"c-uri contains "/x""#);
        assert_eq!(
            p(r#"InitiatingProcessFileName == "svchost.exe""#),
            r#"InitiatingProcessFileName == "svchost.exe""#
        );
        assert_eq!(p(r#"@timestamp exists"#), "@timestamp exists");
        // A keyword followed by name characters is a field.
        assert_eq!(p(r#"notes == "x""#), r#"notes == "x""#);
        assert_eq!(p(r#"order == "x""#), r#"order == "x""#);
    }

    #[test]
    fn nesting_limits_count_parentheses_and_runs_of_not_only() {
        // A long run of `not`s is refused before the tree gets that deep.
        let deep = format!("{}a exists", "not ".repeat(1800));
        assert!(p(&deep).starts_with("ERR TooComplex"), "{}", p(&deep));
        assert!(p(&format!("{}a exists", "! ".repeat(65))).starts_with("ERR TooComplex"));
        assert!(!p(&format!("{}a exists", "not ".repeat(64))).starts_with("ERR"));
        // `!=` and `!contains` are operators, not nesting.
        let flat: Vec<String> = (0..200)
            .map(|i| format!("f{i} != \"x\" or g{i} !contains \"y\""))
            .collect();
        assert!(!p(&flat.join(" or ")).starts_with("ERR"));
        // Parentheses inside strings (escaped quotes and verbatim strings too) do not count.
        let parens = "(".repeat(70);
        assert!(!p(&format!(r#"a == "\"{parens}" and b == @"x\{parens}""#)).starts_with("ERR"));
        assert!(p(&format!("{parens}a exists{}", ")".repeat(70))).starts_with("ERR TooComplex"));
    }

    #[test]
    fn bang_before_names_that_start_like_operators() {
        assert_eq!(
            p(r#"!InitiatingProcessFileName == "x.exe""#),
            r#"(not InitiatingProcessFileName == "x.exe")"#
        );
        assert_eq!(p("!index exists"), "(not index exists)");
        assert_eq!(p("!contains_x exists"), "(not contains_x exists)");
        assert_eq!(p(r#"a !in ("x")"#), r#"a !in ("x")"#);
    }

    #[test]
    fn errors_point_at_the_span() {
        assert_eq!(
            p(r#"a == "C:\Windows""#),
            "ERR Syntax(\"unknown escape `\\\\W`; write a backslash as `\\\\\\\\`, or use a verbatim string such as @\\\"C:\\\\Windows\\\\\\\"\") @8..10"
        );
        assert!(p(r#"a == "x" and"#).starts_with("ERR Syntax(\"expected a field, `not` or `(`"));
        assert!(
            p(r#"a == "x" b == "y""#)
                .contains("expected `and`, `or` or the end of the filter, found `b`")
        );
        assert!(p(r#"a < "x""#).contains("compares numbers"));
        assert!(p(r#"a matches "(?=x)""#).contains("does not parse"));
        assert!(p(r#"a ="#).starts_with("ERR"));
    }
}
