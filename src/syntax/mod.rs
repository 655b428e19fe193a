//! The grammars (pest). This is the only module that sees pest's parse trees: each parser turns
//! them into the project's own syntax types with spans, and its errors into [`SyntaxError`].

mod condition;
mod exclusion;

pub use condition::{MAX_CONDITION_LEN, MAX_NESTING, parse_condition};
pub use exclusion::{MAX_EXCLUSION_LEN, parse_exclusion};

use crate::condition::Span;

/// Why a text does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text does not follow the grammar; the message says what was expected.
    Syntax(String),
    /// A Sigma v1 construct (`| count()`, `near`) that v2 replaced with correlation rules.
    Obsolete(String),
    /// Longer or more deeply nested than the limits.
    TooComplex {
        /// What exceeded its limit.
        what: String,
        /// The limit.
        limit: usize,
    },
}

/// A syntax error with the span it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub kind: SyntaxErrorKind,
    /// Where, in bytes of the parsed text.
    pub span: Span,
}

/// A Pratt parser with the operators of the one precedence table (`src/precedence.rs`),
/// registered loosest first; `rule_of` names each level's keyword rule in a grammar (levels
/// that are primaries there, such as `x of` and parentheses, have none).
pub(crate) fn pratt<R: pest::RuleType>(
    rule_of: fn(crate::precedence::Level) -> Option<R>,
) -> pest::pratt_parser::PrattParser<R> {
    use pest::pratt_parser::{Assoc, Op, PrattParser};
    let mut p = PrattParser::new();
    for rule in crate::precedence::BINARY.into_iter().filter_map(rule_of) {
        p = p.op(Op::infix(rule, Assoc::Left));
    }
    for rule in crate::precedence::PREFIX.into_iter().filter_map(rule_of) {
        p = p.op(Op::prefix(rule));
    }
    p
}

/// Turns a pest error into a [`SyntaxError`] that says what was expected and what was found:
/// `describe` names each grammar rule for a reader (with a rank that orders the list), `none`
/// is said when no rule has a name, and `note` may add a remark about the token found (given
/// the token and the rest of the text from it).
pub(crate) fn expected_error<R: pest::RuleType>(
    e: &pest::error::Error<R>,
    text: &str,
    describe: impl Fn(&R) -> Option<(usize, &'static str)>,
    none: &str,
    note: impl Fn(&str, &str) -> Option<&'static str>,
) -> SyntaxError {
    use pest::error::{ErrorVariant, InputLocation};
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, t)) => (s, t),
    };
    let mut found_len = 0;
    let message = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            // Deduplicated, in a fixed order: operands, operators, closers, the end.
            let mut ranked: Vec<(usize, &str)> = positives.iter().filter_map(&describe).collect();
            ranked.sort();
            ranked.dedup();
            let wanted: Vec<&str> = ranked.into_iter().map(|(_, w)| w).collect();
            let found = text.get(start..).and_then(|rest| {
                let tok: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(20)
                    .collect();
                (!tok.is_empty()).then_some(tok)
            });
            found_len = found.as_ref().map_or(0, String::len);
            let expected = match wanted.len() {
                0 => none.to_string(),
                1 => wanted[0].to_string(),
                n => format!("{} or {}", wanted[..n - 1].join(", "), wanted[n - 1]),
            };
            match found {
                Some(tok) => match note(&tok, text.get(start..).unwrap_or_default()) {
                    Some(n) => format!("expected {expected}, found `{tok}` ({n})"),
                    None => format!("expected {expected}, found `{tok}`"),
                },
                None => format!("expected {expected}"),
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    // A span past the end (an error at the end of the text) is kept empty, inside the text.
    let start = crate::source::floor_char_boundary(text, start);
    let end = crate::source::floor_char_boundary(text, end.max(start + found_len)).max(start);
    SyntaxError {
        kind: SyntaxErrorKind::Syntax(message),
        span: Span::new(start, end),
    }
}
