//! The one precedence table for every boolean expression the project reads or writes: Sigma
//! conditions, exclusion filters, the IR's text form and the KQL backend.
//!
//! Loosest to tightest, as the Sigma specification orders them: `or` < `and` < `not` < `x of` <
//! parentheses. The condition parser registers its operators from [`BINARY`] and [`PREFIX`]; a
//! test checks that what it parses agrees with this table, and the renderers ask [`needs_parens`].

/// A precedence level (larger binds tighter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// `a or b`.
    Or = 1,
    /// `a and b`.
    And = 2,
    /// `not a`.
    Not = 3,
    /// `1 of x*`, `all of them`.
    Of = 4,
    /// `( … )` and anything atomic (an identifier, a predicate).
    Atom = 5,
}

/// The binary operators, loosest first. Both are left-associative.
pub const BINARY: [Level; 2] = [Level::Or, Level::And];

/// The prefix operators, loosest first.
pub const PREFIX: [Level; 1] = [Level::Not];

/// The full table, loosest first, with each level's keyword as written in Sigma.
pub const TABLE: [(Level, &str); 5] = [
    (Level::Or, "or"),
    (Level::And, "and"),
    (Level::Not, "not"),
    (Level::Of, "of"),
    (Level::Atom, "( )"),
];

/// Whether an operand at `child` level must be parenthesised inside an operator at `parent`
/// level. Operands of `and`/`or` of the same level need none (both are associative and are
/// kept n-ary); an operand of `not` needs them unless it is at least as tight as `not`.
pub fn needs_parens(parent: Level, child: Level) -> bool {
    child < parent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_ordered_loosest_first() {
        for w in TABLE.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?} before {:?}", w[0], w[1]);
        }
        for w in BINARY.windows(2) {
            assert!(w[0] < w[1]);
        }
        assert!(BINARY.iter().all(|b| PREFIX.iter().all(|p| b < p)));
    }

    #[test]
    fn parens_only_for_looser_children() {
        assert!(needs_parens(Level::And, Level::Or));
        assert!(needs_parens(Level::Not, Level::And));
        assert!(!needs_parens(Level::Or, Level::And));
        assert!(!needs_parens(Level::Not, Level::Not));
        assert!(!needs_parens(Level::And, Level::And));
    }
}
