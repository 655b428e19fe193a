//! The value modifiers of the Sigma v2.1 modifiers appendix, as one enum and one name table.
//!
//! Which modifier may follow which is decided by the value types they take and give (see
//! [`crate::rule::value`]): the same type rules pySigma enforces, written as a small state machine.

use std::fmt;

/// A value modifier (`field|modifier: value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// `*v*`.
    Contains,
    /// `v*`.
    StartsWith,
    /// `*v`.
    EndsWith,
    /// The values of the list must all match (AND instead of OR).
    All,
    /// Each `-` or `/` at the start of a word matches any of `-`, `/`, `–`, `—`, `―`.
    Windash,
    /// Base64-encode the value.
    Base64,
    /// The three Base64 encodings that find the value at any offset inside Base64 text.
    Base64Offset,
    /// Encode as UTF-16LE (`wide` is an alias).
    Utf16le,
    /// Encode as UTF-16BE.
    Utf16be,
    /// Encode as UTF-16LE with a byte-order mark.
    Utf16,
    /// The value is a regular expression.
    Re,
    /// Regex flag: ignore case.
    IgnoreCase,
    /// Regex flag: `^` and `$` match at line breaks.
    Multiline,
    /// Regex flag: `.` matches a newline.
    DotAll,
    /// The value is an IPv4 or IPv6 CIDR network.
    Cidr,
    /// `true`/`false`: the field is present / absent.
    Exists,
    /// `%name%` in the value is a placeholder.
    Expand,
    /// The value names another field of the same event.
    FieldRef,
    /// Numeric `>`.
    Gt,
    /// Numeric `>=`.
    Gte,
    /// Numeric `<`.
    Lt,
    /// Numeric `<=`.
    Lte,
    /// Case-sensitive string match.
    Cased,
    /// The field differs from the values (the whole item is negated).
    Neq,
    /// The minute of a timestamp (0-59).
    Minute,
    /// The hour of a timestamp (0-23).
    Hour,
    /// The day of the month (1-31).
    Day,
    /// The week of the year (1-52).
    Week,
    /// The month (1-12).
    Month,
    /// The year.
    Year,
}

/// Every modifier name the specification defines (and pySigma's long aliases of the regex flags),
/// with its modifier. The first name of each modifier is its canonical spelling.
pub const TABLE: &[(&str, Modifier)] = &[
    ("contains", Modifier::Contains),
    ("startswith", Modifier::StartsWith),
    ("endswith", Modifier::EndsWith),
    ("all", Modifier::All),
    ("windash", Modifier::Windash),
    ("base64", Modifier::Base64),
    ("base64offset", Modifier::Base64Offset),
    ("utf16le", Modifier::Utf16le),
    ("wide", Modifier::Utf16le),
    ("utf16be", Modifier::Utf16be),
    ("utf16", Modifier::Utf16),
    ("re", Modifier::Re),
    ("i", Modifier::IgnoreCase),
    ("ignorecase", Modifier::IgnoreCase),
    ("m", Modifier::Multiline),
    ("multiline", Modifier::Multiline),
    ("s", Modifier::DotAll),
    ("dotall", Modifier::DotAll),
    ("cidr", Modifier::Cidr),
    ("exists", Modifier::Exists),
    ("expand", Modifier::Expand),
    ("fieldref", Modifier::FieldRef),
    ("gt", Modifier::Gt),
    ("gte", Modifier::Gte),
    ("lt", Modifier::Lt),
    ("lte", Modifier::Lte),
    ("cased", Modifier::Cased),
    ("neq", Modifier::Neq),
    ("minute", Modifier::Minute),
    ("hour", Modifier::Hour),
    ("day", Modifier::Day),
    ("week", Modifier::Week),
    ("month", Modifier::Month),
    ("year", Modifier::Year),
];

impl Modifier {
    /// Looks a modifier up by name (exact, lowercase as in the specification).
    pub fn from_name(name: &str) -> Option<Modifier> {
        TABLE.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        TABLE
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    /// Whether the modifier acts on the list of values as a whole rather than on each value.
    pub fn is_list_modifier(self) -> bool {
        matches!(self, Modifier::All | Modifier::Neq)
    }
}

impl fmt::Display for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every valid modifier name, for error hints.
pub fn names() -> Vec<&'static str> {
    TABLE.iter().map(|(n, _)| *n).collect()
}

/// The names closest to a misspelt `name` (edit distance ≤ 2), best first.
pub fn suggestions(name: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = TABLE
        .iter()
        .map(|(n, _)| {
            (
                crate::text::edit_distance(&name.to_ascii_lowercase(), n),
                *n,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_to_a_canonical_name() {
        for (name, m) in TABLE {
            assert_eq!(Modifier::from_name(name), Some(*m));
            assert_eq!(Modifier::from_name(m.name()), Some(*m));
        }
        assert_eq!(Modifier::Utf16le.name(), "utf16le");
        assert_eq!(Modifier::from_name("wide"), Some(Modifier::Utf16le));
        assert_eq!(Modifier::from_name("Contains"), None);
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(suggestions("contians")[0], "contains");
        assert_eq!(suggestions("endwith")[0], "endswith");
        assert!(suggestions("zzzzzzzz").is_empty());
    }
}
