//! The intermediate representation: the one meaning that the KQL backend renders and the
//! evaluator executes.
//!
//! An [`Expr`] is `and` / `or` / `not` over leaf predicates. A leaf is either a field predicate
//! ([`FieldPred`]: `field OP value`, with case sensitivity explicit wherever strings are compared)
//! or a keyword search ([`Expr::Keyword`]: a string match against any field of the event).
//! Everything the Sigma front end understands (selections, lists, `1 of`, modifiers, value
//! expansions such as windash or base64offset) is already resolved here: the IR holds plain
//! predicates only.
//!
//! The `Display` form is stable and is what snapshots record:
//!
//! | IR | text |
//! |---|---|
//! | string equality, case-insensitive | `Image eq "C:\\x.exe"` |
//! | same, case-sensitive | `Image eq:cs "C:\\x.exe"` |
//! | contains / startswith / endswith | `CommandLine contains " -enc "` |
//! | wildcard pattern: literals quoted, `*` / `?` / `%placeholder%` bare | `Image like "C:\\" * "\\x" ? ".exe"` |
//! | regex with flags | `CommandLine regex:i "a.*b"` |
//! | number | `EventID == 4688`, `Count > 5` |
//! | boolean | `Enabled == true` |
//! | null / exists | `Field is null`, `Field exists`, `Field missing` |
//! | CIDR | `DestinationIp cidr 10.0.0.0/8` |
//! | field reference | `TargetUser eq field(SubjectUser)` |
//! | time part | `hour(Timestamp) == 3` |
//! | keyword (fieldless) | `* contains "mimikatz"` |

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::precedence::{Level, needs_parens};
use crate::text::quote;

/// A boolean expression over predicates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    /// All must hold (at least two operands once built through [`Expr::and`]).
    And(Vec<Expr>),
    /// Any must hold (at least two operands once built through [`Expr::or`]).
    Or(Vec<Expr>),
    /// Negation (plain two-valued: a predicate on an absent field is false, its negation true).
    Not(Box<Expr>),
    /// `field OP value`.
    Field(FieldPred),
    /// A fieldless search: the match holds if it holds for any field of the event.
    Keyword(StrMatch),
}

/// A predicate on one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldPred {
    /// The field name as written in the rule (or as mapped by a pipeline).
    pub field: String,
    /// What is tested.
    pub op: Op,
}

/// What a field predicate tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A string comparison.
    Str(StrMatch),
    /// A numeric comparison (`EventID: 4688` is `== 4688`).
    Num(CmpOp, Number),
    /// A boolean value.
    Bool(bool),
    /// The field is null (Sigma `field: null`).
    Null,
    /// The field is present (`true`) or absent (`false`).
    Exists(bool),
    /// The field holds an IP address inside the network.
    Cidr(Cidr),
    /// The field compares with another field of the same event.
    FieldRef(FieldRef),
    /// A part of the field's timestamp equals the number.
    TimePart(TimePart, i64),
}

/// Whether a string comparison folds case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// Case-insensitive (Sigma's default).
    Insensitive,
    /// Case-sensitive (`|cased`).
    Sensitive,
}

/// A string comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrMatch {
    /// A plain comparison with a literal (no wildcard left in `value`).
    Text {
        /// How the literal is compared.
        how: TextOp,
        /// The literal.
        value: String,
        /// Case sensitivity.
        case: Case,
    },
    /// An anchored wildcard pattern that no [`TextOp`] can express (e.g. `a*b`, `a?c`), or one
    /// holding a placeholder.
    Pattern {
        /// The pattern.
        pattern: Pattern,
        /// Case sensitivity.
        case: Case,
    },
    /// A regular expression (unanchored search, as `matches regex` in KQL).
    Regex(Regex),
}

/// How a literal is compared with a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextOp {
    /// The whole string equals the literal.
    Eq,
    /// The literal occurs somewhere.
    Contains,
    /// The string starts with the literal.
    StartsWith,
    /// The string ends with the literal.
    EndsWith,
}

impl TextOp {
    /// The operator's word in the IR text form.
    pub fn word(self) -> &'static str {
        match self {
            TextOp::Eq => "eq",
            TextOp::Contains => "contains",
            TextOp::StartsWith => "startswith",
            TextOp::EndsWith => "endswith",
        }
    }
}

/// One piece of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternPart {
    /// Literal text.
    Lit(String),
    /// `*`: any sequence of characters, including none and including newlines.
    Any,
    /// `?`: exactly one character.
    One,
    /// `%name%` under `|expand`: to be replaced by a pipeline or the user before use.
    Placeholder(String),
}

/// A Sigma wildcard pattern, normalised: adjacent literals merged, `**` collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Pattern(Vec<PatternPart>);

impl Pattern {
    /// Builds a normalised pattern from parts.
    pub fn new(parts: impl IntoIterator<Item = PatternPart>) -> Self {
        let mut out: Vec<PatternPart> = Vec::new();
        for p in parts {
            match (out.last_mut(), p) {
                (_, PatternPart::Lit(s)) if s.is_empty() => {}
                (Some(PatternPart::Lit(prev)), PatternPart::Lit(s)) => prev.push_str(&s),
                (Some(PatternPart::Any), PatternPart::Any) => {}
                (_, p) => out.push(p),
            }
        }
        Pattern(out)
    }

    /// The parts.
    pub fn parts(&self) -> &[PatternPart] {
        &self.0
    }

    /// Whether the pattern has a `*` or `?`.
    pub fn has_wildcards(&self) -> bool {
        self.0
            .iter()
            .any(|p| matches!(p, PatternPart::Any | PatternPart::One))
    }

    /// Whether the pattern has a placeholder.
    pub fn has_placeholders(&self) -> bool {
        self.0
            .iter()
            .any(|p| matches!(p, PatternPart::Placeholder(_)))
    }

    /// The placeholder names, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|p| match p {
            PatternPart::Placeholder(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// The text of a pattern that holds only literals.
    pub fn as_literal(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.0 {
            match p {
                PatternPart::Lit(l) => s.push_str(l),
                _ => return None,
            }
        }
        Some(s)
    }

    /// Adds `*` at the start unless it is there.
    pub fn with_leading_any(self) -> Self {
        if self.0.first() == Some(&PatternPart::Any) {
            self
        } else {
            Pattern::new(std::iter::once(PatternPart::Any).chain(self.0))
        }
    }

    /// Adds `*` at the end unless it is there.
    pub fn with_trailing_any(self) -> Self {
        if self.0.last() == Some(&PatternPart::Any) {
            self
        } else {
            Pattern::new(self.0.into_iter().chain(std::iter::once(PatternPart::Any)))
        }
    }

    /// The pattern in Sigma's own syntax (`*`, `?`, and `\` before literal `*`, `?`, `\`).
    pub fn to_sigma(&self) -> String {
        let mut s = String::new();
        for p in &self.0 {
            match p {
                PatternPart::Lit(l) => {
                    for c in l.chars() {
                        if matches!(c, '*' | '?' | '\\') {
                            s.push('\\');
                        }
                        s.push(c);
                    }
                }
                PatternPart::Any => s.push('*'),
                PatternPart::One => s.push('?'),
                PatternPart::Placeholder(n) => {
                    s.push('%');
                    s.push_str(n);
                    s.push('%');
                }
            }
        }
        s
    }
}

impl StrMatch {
    /// The most specific string match for a pattern: an exact operator where the shape allows
    /// (`x` → eq, `x*` → startswith, `*x` → endswith, `*x*` → contains), else the pattern.
    pub fn from_pattern(pattern: Pattern, case: Case) -> StrMatch {
        use PatternPart::{Any, Lit};
        let text = |how, value: &String| StrMatch::Text {
            how,
            value: value.clone(),
            case,
        };
        match pattern.parts() {
            [] => text(TextOp::Eq, &String::new()),
            [Lit(v)] => text(TextOp::Eq, v),
            [Lit(v), Any] => text(TextOp::StartsWith, v),
            [Any, Lit(v)] => text(TextOp::EndsWith, v),
            [Any, Lit(v), Any] => text(TextOp::Contains, v),
            _ => StrMatch::Pattern { pattern, case },
        }
    }

    /// The case sensitivity of the match (a regex is sensitive unless its `i` flag is set).
    pub fn case(&self) -> Case {
        match self {
            StrMatch::Text { case, .. } | StrMatch::Pattern { case, .. } => *case,
            StrMatch::Regex(r) if r.flags.ignore_case => Case::Insensitive,
            StrMatch::Regex(_) => Case::Sensitive,
        }
    }
}

/// A regular expression with Sigma's flags.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Regex {
    /// The expression as written in the rule.
    pub pattern: String,
    /// `|i`, `|m`, `|s`.
    pub flags: RegexFlags,
}

/// Regex flags from the `i`, `m` and `s` modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct RegexFlags {
    /// `|i`: ignore case.
    pub ignore_case: bool,
    /// `|m`: `^` and `$` match at line breaks.
    pub multiline: bool,
    /// `|s`: `.` matches newlines.
    pub dot_all: bool,
}

impl RegexFlags {
    /// The flags as letters, e.g. `im` (empty when none is set).
    pub fn letters(&self) -> String {
        let mut s = String::new();
        if self.ignore_case {
            s.push('i');
        }
        if self.multiline {
            s.push('m');
        }
        if self.dot_all {
            s.push('s');
        }
        s
    }
}

/// A number from the rule. Integers stay integers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A number with a fraction or exponent.
    Float(f64),
}

impl Number {
    /// The value as a float (for comparisons across kinds).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x:?}"),
        }
    }
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
}

impl CmpOp {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Gt => ">",
            CmpOp::Gte => ">=",
            CmpOp::Lt => "<",
            CmpOp::Lte => "<=",
        }
    }
}

/// An IPv4 or IPv6 network, normalised so that host bits are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Cidr {
    /// The network address.
    pub addr: IpAddr,
    /// The prefix length (0-32 for IPv4, 0-128 for IPv6).
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, `x::y/n`, or a bare address (a host network). Host bits are cleared.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{addr:?} is not an IPv4 or IPv6 address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix =
            match prefix {
                None => max,
                Some(p) => p.parse::<u8>().ok().filter(|n| *n <= max).ok_or_else(|| {
                    format!("prefix length {p:?} is not a number from 0 to {max}")
                })?,
            };
        let addr = match addr {
            IpAddr::V4(a) => {
                let bits = u32::from(a);
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                IpAddr::V4((bits & mask).into())
            }
            IpAddr::V6(a) => {
                let bits = u128::from(a);
                let mask = if prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - prefix)
                };
                IpAddr::V6((bits & mask).into())
            }
        };
        Ok(Cidr { addr, prefix })
    }

    /// Whether `ip` lies inside the network (an IPv4 address never lies in an IPv6 network and
    /// the other way round; IPv4-mapped IPv6 addresses are for the consumers to unwrap).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - self.prefix)
                };
                u32::from(ip) & mask == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - self.prefix)
                };
                u128::from(ip) & mask == u128::from(net)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A comparison with another field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FieldRef {
    /// The other field.
    pub field: String,
    /// How the two values are compared (the other field's value is the literal).
    pub how: TextOp,
    /// Case sensitivity.
    pub case: Case,
}

/// A part of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePart {
    /// 0-59.
    Minute,
    /// 0-23.
    Hour,
    /// Day of the month, 1-31.
    Day,
    /// Week of the year, 1-53.
    Week,
    /// 1-12.
    Month,
    /// The year.
    Year,
}

impl TimePart {
    /// The part's name.
    pub fn name(self) -> &'static str {
        match self {
            TimePart::Minute => "minute",
            TimePart::Hour => "hour",
            TimePart::Day => "day",
            TimePart::Week => "week",
            TimePart::Month => "month",
            TimePart::Year => "year",
        }
    }

    /// The valid range of values.
    pub fn range(self) -> std::ops::RangeInclusive<i64> {
        match self {
            TimePart::Minute => 0..=59,
            TimePart::Hour => 0..=23,
            TimePart::Day => 1..=31,
            TimePart::Week => 1..=53,
            TimePart::Month => 1..=12,
            TimePart::Year => 1..=9999,
        }
    }
}

impl Expr {
    /// The conjunction of `items`, flattening nested `and`s; one item is returned as is.
    pub fn and(items: Vec<Expr>) -> Expr {
        Self::nary(items, true)
    }

    /// The disjunction of `items`, flattening nested `or`s; one item is returned as is.
    pub fn or(items: Vec<Expr>) -> Expr {
        Self::nary(items, false)
    }

    fn nary(items: Vec<Expr>, is_and: bool) -> Expr {
        let mut flat = Vec::with_capacity(items.len());
        for e in items {
            match e {
                Expr::And(v) if is_and => flat.extend(v),
                Expr::Or(v) if !is_and => flat.extend(v),
                e => flat.push(e),
            }
        }
        if flat.len() == 1 {
            return flat.pop().unwrap_or(Expr::And(Vec::new()));
        }
        if is_and {
            Expr::And(flat)
        } else {
            Expr::Or(flat)
        }
    }

    /// The negation of `e`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    /// A field predicate.
    pub fn field(field: impl Into<String>, op: Op) -> Expr {
        Expr::Field(FieldPred {
            field: field.into(),
            op,
        })
    }

    /// The precedence level of the expression's top operator.
    pub fn level(&self) -> Level {
        match self {
            Expr::Or(_) => Level::Or,
            Expr::And(_) => Level::And,
            Expr::Not(_) => Level::Not,
            Expr::Field(_) | Expr::Keyword(_) => Level::Atom,
        }
    }

    /// Calls `f` on every leaf (field predicate or keyword), left to right.
    pub fn for_each_leaf<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        match self {
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.for_each_leaf(f)),
            Expr::Not(e) => e.for_each_leaf(f),
            leaf => f(leaf),
        }
    }

    /// The names of the fields the expression reads, in first-use order, without repeats
    /// (field references included).
    pub fn fields(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| walk(x, out)),
                Expr::Not(x) => walk(x, out),
                Expr::Keyword(_) => {}
                Expr::Field(p) => {
                    let other = match &p.op {
                        Op::FieldRef(r) => Some(r.field.as_str()),
                        _ => None,
                    };
                    for n in std::iter::once(p.field.as_str()).chain(other) {
                        if !out.contains(&n) {
                            out.push(n);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// The number of leaves.
    pub fn leaf_count(&self) -> usize {
        let mut n = 0;
        self.for_each_leaf(&mut |_| n += 1);
        n
    }

    /// A multi-line rendering: the one-line form when it fits in `width`, else prefix form with
    /// one operand per line.
    pub fn pretty(&self, width: usize) -> String {
        let mut out = String::new();
        self.pretty_into(&mut out, 0, width);
        out
    }

    fn pretty_into(&self, out: &mut String, indent: usize, width: usize) {
        let flat = self.to_string();
        if indent + flat.chars().count() <= width {
            out.push_str(&flat);
            return;
        }
        let pad = "  ".repeat(indent + 1);
        let (word, items): (&str, Vec<&Expr>) = match self {
            Expr::And(v) => ("and", v.iter().collect()),
            Expr::Or(v) => ("or", v.iter().collect()),
            Expr::Not(e) => ("not", vec![e.as_ref()]),
            _ => {
                out.push_str(&flat);
                return;
            }
        };
        out.push_str(word);
        out.push_str("(\n");
        for (i, e) in items.iter().enumerate() {
            out.push_str(&pad);
            e.pretty_into(out, indent + 1, width);
            if i + 1 < items.len() {
                out.push(',');
            }
            out.push('\n');
        }
        out.push_str(&"  ".repeat(indent));
        out.push(')');
    }
}

/// Writes a field name: bare when it is an identifier-like name (letters, digits, `_`, `.`),
/// else in `['…']`.
pub fn write_field(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let plain = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if plain {
        f.write_str(name)
    } else {
        f.write_str("['")?;
        for c in name.chars() {
            if c == '\'' || c == '\\' {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_str("']")
    }
}

fn case_suffix(case: Case) -> &'static str {
    match case {
        Case::Insensitive => "",
        Case::Sensitive => ":cs",
    }
}

impl fmt::Display for StrMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrMatch::Text { how, value, case } => {
                write!(f, "{}{} {}", how.word(), case_suffix(*case), quote(value))
            }
            StrMatch::Pattern { pattern, case } => {
                write!(f, "like{}", case_suffix(*case))?;
                for p in pattern.parts() {
                    match p {
                        PatternPart::Lit(l) => write!(f, " {}", quote(l))?,
                        PatternPart::Any => f.write_str(" *")?,
                        PatternPart::One => f.write_str(" ?")?,
                        PatternPart::Placeholder(n) => write!(f, " %{n}%")?,
                    }
                }
                Ok(())
            }
            StrMatch::Regex(r) => {
                let flags = r.flags.letters();
                if flags.is_empty() {
                    write!(f, "regex {}", quote(&r.pattern))
                } else {
                    write!(f, "regex:{flags} {}", quote(&r.pattern))
                }
            }
        }
    }
}

impl fmt::Display for FieldPred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.op {
            Op::TimePart(part, n) => {
                write!(f, "{}(", part.name())?;
                write_field(f, &self.field)?;
                return write!(f, ") == {n}");
            }
            _ => write_field(f, &self.field)?,
        }
        match &self.op {
            Op::Str(m) => write!(f, " {m}"),
            Op::Num(op, n) => write!(f, " {} {n}", op.symbol()),
            Op::Bool(b) => write!(f, " == {b}"),
            Op::Null => f.write_str(" is null"),
            Op::Exists(true) => f.write_str(" exists"),
            Op::Exists(false) => f.write_str(" missing"),
            Op::Cidr(c) => write!(f, " cidr {c}"),
            Op::FieldRef(r) => {
                write!(f, " {}{} field(", r.how.word(), case_suffix(r.case))?;
                write_field(f, &r.field)?;
                f.write_str(")")
            }
            Op::TimePart(..) => Ok(()),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let child = |f: &mut fmt::Formatter<'_>, parent: Level, e: &Expr| {
            if needs_parens(parent, e.level()) {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        };
        match self {
            // The empty conjunction is true, the empty disjunction false.
            Expr::And(v) if v.is_empty() => f.write_str("true"),
            Expr::Or(v) if v.is_empty() => f.write_str("false"),
            Expr::And(v) | Expr::Or(v) => {
                let (word, level) = if matches!(self, Expr::And(_)) {
                    (" and ", Level::And)
                } else {
                    (" or ", Level::Or)
                };
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    // Same-level operands are flattened already; a nested same-level node
                    // (only possible if built by hand) is parenthesised to keep its shape.
                    if e.level() == level {
                        write!(f, "({e})")?;
                    } else {
                        child(f, level, e)?;
                    }
                }
                Ok(())
            }
            Expr::Not(e) => {
                f.write_str("not ")?;
                child(f, Level::Not, e)
            }
            Expr::Field(p) => write!(f, "{p}"),
            Expr::Keyword(m) => write!(f, "* {m}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> PatternPart {
        PatternPart::Lit(s.into())
    }

    #[test]
    fn pattern_shapes_become_exact_operators() {
        use PatternPart::*;
        let m = |parts: Vec<PatternPart>| {
            StrMatch::from_pattern(Pattern::new(parts), Case::Insensitive).to_string()
        };
        assert_eq!(m(vec![lit("a")]), r#"eq "a""#);
        assert_eq!(m(vec![]), r#"eq """#);
        assert_eq!(m(vec![lit("a"), Any]), r#"startswith "a""#);
        assert_eq!(m(vec![Any, lit("a")]), r#"endswith "a""#);
        assert_eq!(m(vec![Any, lit("a"), Any, Any]), r#"contains "a""#);
        assert_eq!(m(vec![lit("a"), Any, lit("b")]), r#"like "a" * "b""#);
        assert_eq!(m(vec![lit("a"), One]), r#"like "a" ?"#);
        assert_eq!(m(vec![Any]), r#"like *"#);
        assert_eq!(m(vec![lit("a*b")]), r#"eq "a*b""#);
        assert_eq!(m(vec![lit("a*"), Any]), r#"startswith "a*""#);
        assert_eq!(
            StrMatch::from_pattern(Pattern::new(vec![Any, lit("x*\\")]), Case::Insensitive)
                .to_string(),
            r#"endswith "x*\\""#
        );
        assert_eq!(
            Pattern::new(vec![lit("a*\\?"), Any, One]).to_sigma(),
            r"a\*\\\?*?"
        );
    }

    #[test]
    fn display_uses_minimal_parentheses() {
        let p = |n: &str| Expr::field(n, Op::Exists(true));
        let e = Expr::and(vec![
            Expr::or(vec![p("a"), p("b")]),
            Expr::not(p("c")),
            Expr::not(Expr::and(vec![p("d"), p("e")])),
        ]);
        assert_eq!(
            e.to_string(),
            "(a exists or b exists) and not c exists and not (d exists and e exists)"
        );
        let e = Expr::or(vec![Expr::and(vec![p("a"), p("b")]), p("c")]);
        assert_eq!(e.to_string(), "a exists and b exists or c exists");
    }

    #[test]
    fn and_or_flatten() {
        let p = |n: &str| Expr::field(n, Op::Null);
        let e = Expr::and(vec![Expr::and(vec![p("a"), p("b")]), p("c")]);
        assert!(matches!(&e, Expr::And(v) if v.len() == 3));
        assert_eq!(Expr::or(vec![p("a")]), p("a"));
    }

    #[test]
    fn cidr_parses_and_normalises() {
        let c = Cidr::parse("10.1.2.3/8").unwrap();
        assert_eq!(c.to_string(), "10.0.0.0/8");
        assert!(c.contains("10.255.0.1".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        let v6 = Cidr::parse("fe80::1/10").unwrap();
        assert_eq!(v6.to_string(), "fe80::/10");
        assert!(v6.contains("febf::1".parse().unwrap()));
        assert!(!v6.contains("10.0.0.1".parse().unwrap()));
        assert_eq!(Cidr::parse("::/0").unwrap().to_string(), "::/0");
        assert_eq!(Cidr::parse("1.2.3.4").unwrap().to_string(), "1.2.3.4/32");
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("10.0.0/8").is_err());
    }

    #[test]
    fn field_names_are_quoted_when_not_identifiers() {
        let e = Expr::field("c-uri", Op::Null);
        assert_eq!(e.to_string(), "['c-uri'] is null");
        let e = Expr::field("Event.System.EventID", Op::Num(CmpOp::Eq, Number::Int(1)));
        assert_eq!(e.to_string(), "Event.System.EventID == 1");
    }

    #[test]
    fn fields_in_first_use_order() {
        let e = Expr::and(vec![
            Expr::field("B", Op::Null),
            Expr::field(
                "A",
                Op::FieldRef(FieldRef {
                    field: "B".into(),
                    how: TextOp::Eq,
                    case: Case::Insensitive,
                }),
            ),
            Expr::field("C", Op::Null),
        ]);
        assert_eq!(e.fields(), vec!["B", "A", "C"]);
    }
}
