//! The grammars (pest). This is the only module that sees pest's parse trees: each parser turns
//! them into the project's own syntax types with spans, and its errors into [`SyntaxError`].

mod condition;

pub use condition::{MAX_CONDITION_LEN, MAX_NESTING, parse_condition};

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
