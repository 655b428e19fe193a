//! The abstract syntax of a Sigma condition, with the byte span of every node in the
//! condition text. Built by [`crate::syntax::parse_condition`]; resolved against the
//! detection's identifiers by [`crate::lower`].

use std::fmt;

/// A byte range in the text a node was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// How many of the matched identifiers must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `1 of` (and `any of`): at least one.
    One,
    /// `all of`: every one.
    All,
}

/// What `x of` ranges over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OfTarget {
    /// `them`: every identifier not starting with `_`.
    Them,
    /// A pattern with `*` wildcards, e.g. `selection_*`.
    Pattern(String),
}

/// A condition expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// `a or b or …` (two or more operands).
    Or(Vec<Cond>),
    /// `a and b and …` (two or more operands).
    And(Vec<Cond>),
    /// `not a`.
    Not(Box<Cond>),
    /// A detection identifier.
    Ident {
        /// The identifier.
        name: String,
        /// Where it is.
        span: Span,
    },
    /// `1 of x*`, `all of them`, …
    Of {
        /// `1`/`any` or `all`.
        quantifier: Quantifier,
        /// The pattern or `them`.
        target: OfTarget,
        /// Where the whole selector is.
        span: Span,
    },
}

impl Cond {
    /// Calls `f` on every identifier and selector, left to right.
    pub fn for_each_ref(&self, f: &mut impl FnMut(&Cond)) {
        match self {
            Cond::Or(v) | Cond::And(v) => v.iter().for_each(|c| c.for_each_ref(f)),
            Cond::Not(c) => c.for_each_ref(f),
            leaf => f(leaf),
        }
    }
}

/// Whether `name` matches an `x of` pattern: `*` is any run of characters, everything else is
/// literal; identifiers starting with `_` only match patterns that start with `_`.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('_') && !pattern.starts_with('_') {
        return false;
    }
    glob(pattern.as_bytes(), name.as_bytes())
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    // Iterative wildcard matching with backtracking to the last `*`.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Fully parenthesised: every operator node is wrapped, so the tree's shape is visible.
impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Or(v) | Cond::And(v) => {
                let word = if matches!(self, Cond::Or(_)) {
                    " or "
                } else {
                    " and "
                };
                f.write_str("(")?;
                for (i, c) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str(")")
            }
            Cond::Not(c) => write!(f, "(not {c})"),
            Cond::Ident { name, .. } => f.write_str(name),
            Cond::Of {
                quantifier, target, ..
            } => {
                let q = match quantifier {
                    Quantifier::One => "1",
                    Quantifier::All => "all",
                };
                match target {
                    OfTarget::Them => write!(f, "({q} of them)"),
                    OfTarget::Pattern(p) => write!(f, "({q} of {p})"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches("selection_*", "selection_img"));
        assert!(pattern_matches("sel*", "sel"));
        assert!(pattern_matches("*_cli", "sel_cli"));
        assert!(pattern_matches("a*b*c", "axxbyyc"));
        assert!(!pattern_matches("a*b*c", "axxbyy"));
        assert!(!pattern_matches("selection", "selection2"));
        assert!(!pattern_matches("*", "_hidden"));
        assert!(pattern_matches("_*", "_hidden"));
        assert!(pattern_matches("*", "x"));
    }
}
