//! The syntax tree of an exclusion filter, with the byte span of every comparison. Built by
//! [`crate::syntax::parse_exclusion`]; lowered into the IR by [`super::lower`].

use std::fmt;

use crate::condition::Span;
use crate::ir::{Case, Number};

/// An exclusion filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `a or b or …`.
    Or(Vec<Filter>),
    /// `a and b and …`.
    And(Vec<Filter>),
    /// `not a`, `!a`.
    Not(Box<Filter>),
    /// `field OP value`, `field in (…)`, `field exists`.
    Cmp(Comparison),
}

/// One comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The field as written (ECS, Sigma or column name).
    pub field: String,
    /// Where the field is.
    pub field_span: Span,
    /// What is tested.
    pub test: Test,
    /// The whole comparison.
    pub span: Span,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `==`, `=~` (and `!=`, `!~` negated).
    Eq,
    /// `contains`.
    Contains,
    /// `startswith`.
    StartsWith,
    /// `endswith`.
    EndsWith,
    /// `matches` / `matches regex`: an RE2 regular expression, searched.
    Matches,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
}

/// An operator with its negation and case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Op {
    /// The operator.
    pub kind: OpKind,
    /// `!=`, `!contains`, `not startswith` …
    pub negated: bool,
    /// Case-insensitive unless `_cs`.
    pub case: Case,
}

/// What a comparison tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `field exists`.
    Exists,
    /// `field OP value`.
    Compare {
        /// The operator.
        op: Op,
        /// The value.
        value: Literal,
        /// Where the value is.
        value_span: Span,
    },
    /// `field in (a, b)`, `field not in (…)`.
    In {
        /// `not in` / `!in`.
        negated: bool,
        /// `in_cs` is case-sensitive.
        case: Case,
        /// The values.
        values: Vec<(Literal, Span)>,
    },
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string.
    Str(String),
    /// A number.
    Num(Number),
    /// `true` / `false`.
    Bool(bool),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => f.write_str(&crate::text::quote(s)),
            Literal::Num(n) => write!(f, "{n}"),
            Literal::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match (self.kind, self.negated) {
            (OpKind::Eq, false) => "==",
            (OpKind::Eq, true) => "!=",
            (OpKind::Contains, n) => {
                if n {
                    "!contains"
                } else {
                    "contains"
                }
            }
            (OpKind::StartsWith, n) => {
                if n {
                    "!startswith"
                } else {
                    "startswith"
                }
            }
            (OpKind::EndsWith, n) => {
                if n {
                    "!endswith"
                } else {
                    "endswith"
                }
            }
            (OpKind::Matches, n) => {
                if n {
                    "!matches"
                } else {
                    "matches"
                }
            }
            (OpKind::Lt, _) => "<",
            (OpKind::Lte, _) => "<=",
            (OpKind::Gt, _) => ">",
            (OpKind::Gte, _) => ">=",
        };
        f.write_str(word)?;
        if self.case == Case::Sensitive {
            f.write_str("_cs")?;
        }
        Ok(())
    }
}

/// Fully parenthesised, like the condition AST's display: the tree's shape is visible.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Or(v) | Filter::And(v) => {
                let word = if matches!(self, Filter::Or(_)) {
                    " or "
                } else {
                    " and "
                };
                f.write_str("(")?;
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_str(")")
            }
            Filter::Not(x) => write!(f, "(not {x})"),
            Filter::Cmp(c) => match &c.test {
                Test::Exists => write!(f, "{} exists", c.field),
                Test::Compare { op, value, .. } => write!(f, "{} {op} {value}", c.field),
                Test::In {
                    negated,
                    case,
                    values,
                } => {
                    let op = match (negated, case) {
                        (false, Case::Insensitive) => "in",
                        (true, Case::Insensitive) => "!in",
                        (false, Case::Sensitive) => "in_cs",
                        (true, Case::Sensitive) => "!in_cs",
                    };
                    let list: Vec<String> = values.iter().map(|(v, _)| v.to_string()).collect();
                    write!(f, "{} {op} ({})", c.field, list.join(", "))
                }
            },
        }
    }
}
