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

impl Filter {
    /// The first comparison on `field`, left to right.
    pub fn comparison_on(&self, field: &str) -> Option<&Comparison> {
        match self {
            Filter::Or(v) | Filter::And(v) => v.iter().find_map(|f| f.comparison_on(field)),
            Filter::Not(f) => f.comparison_on(field),
            Filter::Cmp(c) => (c.field == field).then_some(c),
        }
    }
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
    /// A number, and its text as written (what a text operator compares with: `007`).
    Num(Number, String),
    /// `true` / `false`.
    Bool(bool),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => f.write_str(&quote(s)),
            Literal::Num(_, text) => f.write_str(text),
            Literal::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match (self.kind, self.negated) {
            (OpKind::Eq, false) => "==",
            (OpKind::Eq, true) => "!=",
            (OpKind::Contains, _) => "contains",
            (OpKind::StartsWith, _) => "startswith",
            (OpKind::EndsWith, _) => "endswith",
            (OpKind::Matches, _) => "matches",
            (OpKind::Lt, _) => "<",
            (OpKind::Lte, _) => "<=",
            (OpKind::Gt, _) => ">",
            (OpKind::Gte, _) => ">=",
        };
        // The word operators are negated with a leading `!` (`!contains`).
        let word_op = matches!(
            self.kind,
            OpKind::Contains | OpKind::StartsWith | OpKind::EndsWith | OpKind::Matches
        );
        if word_op && self.negated {
            f.write_str("!")?;
        }
        f.write_str(word)?;
        if self.case == Case::Sensitive {
            f.write_str("_cs")?;
        }
        Ok(())
    }
}

/// A string as the filter language writes it (what [`crate::syntax::parse_exclusion`] reads
/// back to the same value): `"…"` with `\\`, `\"`, `\n`, `\r`, `\t` and `\uXXXX` escapes.
pub fn quote(s: &str) -> String {
    crate::text::quote_with(s, |c| format!("\\u{:04x}", c as u32))
}

/// A field name as the filter language writes it: as is when the grammar reads it as a name,
/// else in brackets (`['c-uri']` is `c-uri`, but `['a b']` and `['and']` need them).
pub fn field_name(name: &str) -> String {
    let plain = name.split('.').enumerate().all(|(i, part)| {
        let mut chars = part.chars();
        let first_ok = |c: char| c.is_ascii_alphabetic() || c == '_' || c == '@';
        let rest_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '-');
        match chars.next() {
            Some(c) if i == 0 => first_ok(c) && chars.all(rest_ok),
            Some(c) => rest_ok(c) && chars.all(rest_ok),
            None => false,
        }
    });
    // `and`, `or`, `not` alone, or followed by what cannot continue a name (`not.x`).
    let keyword = ["and", "or", "not"].iter().any(|k| {
        name.get(..k.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(k))
            && !name[k.len()..]
                .starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '-'))
    });
    if plain && !keyword {
        name.to_string()
    } else {
        format!("['{name}']")
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
                Test::Exists => write!(f, "{} exists", field_name(&c.field)),
                Test::Compare { op, value, .. } => {
                    write!(f, "{} {op} {value}", field_name(&c.field))
                }
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
                    write!(f, "{} {op} ({})", field_name(&c.field), list.join(", "))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_in_brackets_only_when_needed() {
        assert_eq!(field_name("process.parent.name"), "process.parent.name");
        assert_eq!(field_name("c-uri"), "c-uri");
        assert_eq!(field_name("notes"), "notes");
        assert_eq!(field_name("and"), "['and']");
        assert_eq!(field_name("NOT.x"), "['NOT.x']");
        assert_eq!(field_name("a b"), "['a b']");
        // Non-ASCII names, also where a keyword's length ends inside a character (fuzz find).
        assert_eq!(field_name("c-\u{fffd}uri"), "['c-\u{fffd}uri']");
        assert_eq!(field_name("é"), "['é']");
        assert_eq!(field_name("an\u{e9}"), "['an\u{e9}']");
    }

    #[test]
    fn strings_are_quoted_as_the_grammar_reads_them() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("\u{1}\t\u{85}"), r#""\u0001\t\u0085""#);
        assert_eq!(quote("é😀"), "\"é😀\"");
    }
}
