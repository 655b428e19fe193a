//! Parser for Sigma conditions: pest grammar `grammar/condition.pest` plus a Pratt parser whose
//! operators come from [`crate::precedence`].

use std::sync::LazyLock;

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::PrattParser;

use super::{SyntaxError, SyntaxErrorKind};
use crate::condition::{Cond, OfTarget, Quantifier, Span};
use crate::precedence::Level;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/condition.pest"]
struct ConditionParser;

/// The longest condition accepted, in bytes (SigmaHQ's longest is under 600).
pub const MAX_CONDITION_LEN: usize = 16 * 1024;

/// The deepest nesting of parentheses and `not`s accepted.
pub const MAX_NESTING: usize = 64;

/// The keyword rule of an operator level (`x of` and parentheses are primaries, not operators).
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

/// Parses a Sigma condition into its syntax tree.
///
/// ```
/// let c = sigma_kql::syntax::parse_condition("sel and not 1 of filter_*").unwrap();
/// assert_eq!(c.to_string(), "(sel and (not (1 of filter_*)))");
/// ```
pub fn parse_condition(text: &str) -> Result<Cond, SyntaxError> {
    check_limits(text)?;
    check_quantifiers(text)?;
    let mut pairs = ConditionParser::parse(Rule::condition, text).map_err(|e| to_error(e, text))?;
    let root = pairs.next().map(|p| p.into_inner());
    let mut expr = None;
    for p in root.into_iter().flatten() {
        match p.as_rule() {
            Rule::expr => expr = Some(build(p.into_inner())?),
            Rule::obsolete | Rule::aggregation => {
                let s = p.as_span();
                let construct = obsolete_name(p.as_str());
                return Err(SyntaxError {
                    kind: SyntaxErrorKind::Obsolete(construct),
                    span: Span::new(s.start(), s.end()),
                });
            }
            _ => {}
        }
    }
    expr.ok_or_else(|| SyntaxError {
        kind: SyntaxErrorKind::Syntax("empty condition".into()),
        span: Span::new(0, text.len()),
    })
}

fn obsolete_name(text: &str) -> String {
    let piped = text.starts_with('|');
    let t = text.trim_start_matches('|').trim_start();
    if t.to_ascii_lowercase().starts_with("near") || text.to_ascii_lowercase().starts_with("near") {
        "near".into()
    } else {
        let word: String = t
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        match (word.is_empty(), piped) {
            (true, _) => "|".into(),
            (false, true) => format!("| {word}()"),
            (false, false) => format!("{word}()"),
        }
    }
}

/// Rejects texts that are too long or nested too deeply before pest recurses into them.
fn check_limits(text: &str) -> Result<(), SyntaxError> {
    if text.len() > MAX_CONDITION_LEN {
        return Err(SyntaxError {
            kind: SyntaxErrorKind::TooComplex {
                what: format!("{} bytes long", text.len()),
                limit: MAX_CONDITION_LEN,
            },
            span: Span::new(0, text.len()),
        });
    }
    let mut depth = 0usize;
    let mut nots = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let word_start = c.is_ascii_alphanumeric() && (i == 0 || !is_ident_byte(bytes[i - 1]));
        if word_start {
            let end = (i..bytes.len())
                .find(|&j| !is_ident_byte(bytes[j]))
                .unwrap_or(bytes.len());
            if text[i..end].eq_ignore_ascii_case("not") {
                nots += 1;
            } else {
                nots = 0;
            }
            i = end;
        } else {
            i += 1;
        }
        if depth + nots > MAX_NESTING {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooComplex {
                    what: "nested too deeply".into(),
                    limit: MAX_NESTING,
                },
                span: Span::new(i.saturating_sub(1), i),
            });
        }
    }
    Ok(())
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn span_of(p: &Pair<'_, Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

/// Builds the tree of an `expr`. The errors here are broken grammar invariants, reported
/// rather than turned into a condition that means something else.
fn build(pairs: Pairs<'_, Rule>) -> Result<Cond, SyntaxError> {
    PRATT
        .map_primary(primary)
        .map_prefix(|_op, rhs| Ok(Cond::Not(Box::new(rhs?))))
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let is_and = op.as_rule() == Rule::k_and;
            let mut items = Vec::new();
            for side in [lhs, rhs] {
                match side {
                    Cond::And(v) if is_and => items.extend(v),
                    Cond::Or(v) if !is_and => items.extend(v),
                    c => items.push(c),
                }
            }
            Ok(if is_and {
                Cond::And(items)
            } else {
                Cond::Or(items)
            })
        })
        .parse(pairs)
}

fn invariant(what: &str, span: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Syntax(format!("internal parser error: {what}")),
        span,
    }
}

fn primary(p: Pair<'_, Rule>) -> Result<Cond, SyntaxError> {
    let span = span_of(&p);
    match p.as_rule() {
        Rule::identifier => Ok(Cond::Ident {
            name: p.as_str().to_string(),
            span,
        }),
        Rule::paren => match p.into_inner().find(|q| q.as_rule() == Rule::expr) {
            Some(e) => build(e.into_inner()),
            None => Err(invariant("parentheses without an expression", span)),
        },
        Rule::selector => {
            let mut quantifier = Quantifier::One;
            let mut target = OfTarget::Them;
            for q in p.into_inner() {
                match q.as_rule() {
                    Rule::quantifier
                        if q.clone().into_inner().any(|k| k.as_rule() == Rule::k_all) =>
                    {
                        quantifier = Quantifier::All;
                    }
                    Rule::pattern => target = OfTarget::Pattern(q.as_str().to_string()),
                    _ => {}
                }
            }
            Ok(Cond::Of {
                quantifier,
                target,
                span,
            })
        }
        other => Err(invariant(&format!("unexpected {other:?}"), span)),
    }
}

/// `2 of x` and the like: Sigma has only `1 of` (or `any of`) and `all of`.
fn check_quantifiers(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !is_ident_byte(bytes[i - 1])) {
            let end = (i..bytes.len())
                .find(|&j| !bytes[j].is_ascii_digit())
                .unwrap_or(bytes.len());
            let rest = text[end..].trim_start();
            let is_of = rest.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("of"))
                && !rest[2..]
                    .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if is_of && &text[i..end] != "1" && end < bytes.len() && !is_ident_byte(bytes[end]) {
                return Err(SyntaxError {
                    kind: SyntaxErrorKind::Syntax(format!(
                        "`{} of` is not Sigma: use `1 of` (any one) or `all of`",
                        &text[i..end]
                    )),
                    span: Span::new(i, end),
                });
            }
            i = end;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// What a rule means to a person reading an error message, with its rank in the message.
fn describe(rule: &Rule) -> Option<(usize, &'static str)> {
    Some(match rule {
        Rule::expr
        | Rule::condition
        | Rule::aggregation
        | Rule::identifier
        | Rule::selector
        | Rule::paren
        | Rule::lparen
        | Rule::quantifier
        | Rule::one
        | Rule::k_all
        | Rule::k_any
        | Rule::k_not => (0, "an identifier, `not`, `(`, `1 of` or `all of`"),
        Rule::k_them | Rule::pattern => (1, "`them` or a pattern such as `selection_*`"),
        Rule::k_of => (2, "`of`"),
        Rule::k_and => (3, "`and`"),
        Rule::k_or => (4, "`or`"),
        Rule::rparen => (5, "`)`"),
        Rule::EOI => (6, "the end of the condition"),
        _ => return None,
    })
}

fn to_error(e: pest::error::Error<Rule>, text: &str) -> SyntaxError {
    super::expected_error(&e, text, describe, "a valid condition", |tok, _| {
        (!tok.starts_with(|c: char| c.is_ascii()))
            .then_some("identifiers use the letters A-Z and a-z, digits, `_` and `-`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        match parse_condition(s) {
            Ok(c) => c.to_string(),
            Err(e) => format!("ERR {:?} @{}..{}", e.kind, e.span.start, e.span.end),
        }
    }

    /// Each pair of adjacent levels in the precedence table, checked against the parser:
    /// the tighter operator groups first whichever side it is on.
    #[test]
    fn parser_ordering_matches_the_precedence_table() {
        use crate::precedence::TABLE;
        assert_eq!(TABLE.map(|t| t.1), ["or", "and", "not", "of", "( )"]);
        // or < and
        assert_eq!(p("a or b and c"), "(a or (b and c))");
        assert_eq!(p("a and b or c"), "((a and b) or c)");
        // and < not
        assert_eq!(p("not a and b"), "((not a) and b)");
        assert_eq!(p("a and not b"), "(a and (not b))");
        // or < not
        assert_eq!(p("not a or b"), "((not a) or b)");
        // not < x of
        assert_eq!(p("not 1 of sel*"), "(not (1 of sel*))");
        assert_eq!(p("all of sel* and b"), "((all of sel*) and b)");
        // parentheses override everything
        assert_eq!(p("not (a or b)"), "(not (a or b))");
        assert_eq!(p("(a or b) and c"), "((a or b) and c)");
        // left associativity, kept n-ary
        assert_eq!(p("a or b or c"), "(a or b or c)");
        assert_eq!(p("a and b and c or d"), "((a and b and c) or d)");
        assert_eq!(p("not not a"), "(not (not a))");
    }

    #[test]
    fn selectors() {
        assert_eq!(p("1 of selection_*"), "(1 of selection_*)");
        assert_eq!(p("any of sel*"), "(1 of sel*)");
        assert_eq!(p("all of them"), "(all of them)");
        assert_eq!(p("1 of them"), "(1 of them)");
        assert_eq!(p("all of *"), "(all of *)");
        assert_eq!(p("1 of *_filter"), "(1 of *_filter)");
        assert_eq!(p("1 of and*"), "(1 of and*)");
        assert!(p("1 of and").starts_with("ERR"));
    }

    #[test]
    fn keywords_do_not_swallow_identifiers() {
        assert_eq!(p("notes and order"), "(notes and order)");
        assert_eq!(p("android or oracle"), "(android or oracle)");
        assert_eq!(p("them_sel"), "them_sel");
        assert_eq!(p("all_sel and anything"), "(all_sel and anything)");
        assert_eq!(p("sel-1 and sel_2"), "(sel-1 and sel_2)");
        assert_eq!(p("1"), "1");
        assert_eq!(p("SEL AND NOT filter"), "(SEL and (not filter))");
    }

    #[test]
    fn whitespace_and_newlines() {
        assert_eq!(p("  a\n and\tb  "), "(a and b)");
        assert_eq!(p("(a)"), "a");
    }

    #[test]
    fn errors_have_spans_and_say_what_was_expected() {
        assert_eq!(
            p("a and"),
            "ERR Syntax(\"expected an identifier, `not`, `(`, `1 of` or `all of`\") @5..5"
        );
        assert_eq!(
            p("(a or b"),
            "ERR Syntax(\"expected `and`, `or` or `)`\") @7..7"
        );
        assert_eq!(
            p("a b"),
            "ERR Syntax(\"expected `and`, `or` or the end of the condition, found `b`\") @2..3"
        );
        assert_eq!(
            p(""),
            "ERR Syntax(\"expected an identifier, `not`, `(`, `1 of` or `all of`\") @0..0"
        );
        assert_eq!(
            p("1 of"),
            "ERR Syntax(\"expected `them` or a pattern such as `selection_*`\") @4..4"
        );
        assert!(p("a and or b").starts_with("ERR Syntax"));
        assert_eq!(
            p("2 of sel*"),
            "ERR Syntax(\"`2 of` is not Sigma: use `1 of` (any one) or `all of`\") @0..1"
        );
        assert_eq!(
            p("sel_2 of"),
            "ERR Syntax(\"expected `and`, `or` or the end of the condition, found `of`\") @6..8"
        );
        assert!(p("a and sél").contains("identifiers use the letters"));
        assert!(p("2 é").starts_with("ERR"));
        assert!(p("2 oé").starts_with("ERR"));
        assert!(p("not").starts_with("ERR Syntax"));
        assert!(p("a )").starts_with("ERR Syntax"));
        // Positions count from the start of the whole text, across lines.
        assert_eq!(
            p("a and\nb c"),
            "ERR Syntax(\"expected `and`, `or` or the end of the condition, found `c`\") @8..9"
        );
    }

    #[test]
    fn obsolete_aggregations_are_named() {
        assert_eq!(
            p("selection | count() by src_ip > 50"),
            "ERR Obsolete(\"| count()\") @10..34"
        );
        assert_eq!(p("sel | near other"), "ERR Obsolete(\"near\") @4..16");
        assert_eq!(p("sel near other"), "ERR Obsolete(\"near\") @4..14");
        assert_eq!(
            p("count(x) per y > 200 and not z"),
            "ERR Obsolete(\"count()\") @0..30"
        );
    }

    #[test]
    fn limits() {
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(matches!(
            parse_condition(&deep).unwrap_err().kind,
            SyntaxErrorKind::TooComplex { .. }
        ));
        let nots = format!("{}a", "not ".repeat(100));
        assert!(matches!(
            parse_condition(&nots).unwrap_err().kind,
            SyntaxErrorKind::TooComplex { .. }
        ));
        let long = vec!["a"; 10000].join(" and ");
        assert!(matches!(
            parse_condition(&long).unwrap_err().kind,
            SyntaxErrorKind::TooComplex { .. }
        ));
        // Long flat chains within the limit stay flat (no deep recursion anywhere).
        let flat = vec!["a"; 2000].join(" or ");
        assert!(matches!(parse_condition(&flat), Ok(Cond::Or(v)) if v.len() == 2000));
        let ok = format!("{}a{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(p(&ok), "a");
    }
}
