//! Values of detection items and what modifiers do to them.
//!
//! A value from the YAML ([`RawValue`]) passes through the item's modifiers left to right. Each
//! modifier takes a value of some kind and gives one (or several: windash and base64offset
//! expand a value into variants that are ORed). The kinds mirror pySigma's value types, so the
//! ordering and combination rules are the same: `re` and `cidr` take only the raw value, the
//! regex flags only follow `re`, `gt` only takes a number, `base64` refuses wildcards, and so on.
//! At the end each variant becomes an IR [`Op`] (or a keyword [`StrMatch`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::ir::{
    Case, Cidr, CmpOp, FieldRef, Number, Op, Pattern, PatternPart, Regex, RegexFlags, StrMatch,
    TextOp, TimePart,
};
use crate::rule::modifier::Modifier;

/// A scalar value as written in the rule.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// A string.
    Str(String),
    /// A number.
    Num(Number),
    /// A boolean.
    Bool(bool),
    /// `null` (or an empty list, as pySigma reads it).
    Null,
}

impl RawValue {
    /// The value as it would be written in YAML, for messages.
    pub fn describe(&self) -> String {
        match self {
            RawValue::Str(s) => crate::text::quote(s),
            RawValue::Num(n) => n.to_string(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Null => "null".into(),
        }
    }
}

/// The most variants one value may expand into (windash over many dashes grows as 5^n).
pub const MAX_VARIANTS: usize = 4096;

/// Why a modifier chain cannot be applied to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The modifier cannot stand where it is (wrong position, wrong input kind).
    Misplaced {
        /// The modifier.
        modifier: Modifier,
        /// Why.
        reason: String,
    },
    /// The value itself is unusable (bad CIDR, regex that does not compile, too many variants…).
    Invalid(String),
}

/// A value on its way through the modifier chain.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Str { pattern: Pattern, case: Case },
    Bytes { bytes: Vec<u8>, case: Case },
    Num(Number),
    Bool(bool),
    Null,
    Regex(Regex),
    Cidr(Cidr),
    FieldRef(FieldRef),
    Cmp(CmpOp, Number),
    TimePart(TimePart, i64),
    Exists(bool),
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Str { .. } => "a string",
            Kind::Bytes { .. } => "encoded bytes",
            Kind::Num(_) => "a number",
            Kind::Bool(_) => "a boolean",
            Kind::Null => "null",
            Kind::Regex(_) => "a regular expression",
            Kind::Cidr(_) => "a CIDR network",
            Kind::FieldRef(_) => "a field reference",
            Kind::Cmp(..) => "a numeric comparison",
            Kind::TimePart(..) => "a time part",
            Kind::Exists(_) => "an exists test",
        }
    }
}

/// Parses a Sigma string value: `*` and `?` are wildcards; a backslash escapes `*`, `?` and
/// itself; a backslash before any other character, or at the end, is kept as a literal
/// backslash (spec section "Escaping").
pub fn parse_sigma_string(raw: &str) -> Pattern {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&n @ ('*' | '?' | '\\')) => {
                    lit.push(n);
                    chars.next();
                }
                _ => lit.push('\\'),
            },
            '*' | '?' => {
                if !lit.is_empty() {
                    parts.push(PatternPart::Lit(std::mem::take(&mut lit)));
                }
                parts.push(if c == '*' {
                    PatternPart::Any
                } else {
                    PatternPart::One
                });
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(PatternPart::Lit(lit));
    }
    Pattern::new(parts)
}

/// Turns `%name%` in the literal parts into placeholders (`|expand`; a name is any run of
/// characters other than `%`); `\%` stays a literal `%`.
fn insert_placeholders(pattern: Pattern) -> Pattern {
    let mut parts = Vec::new();
    for p in pattern.parts().iter().cloned() {
        let PatternPart::Lit(text) = p else {
            parts.push(p);
            continue;
        };
        let mut lit = String::new();
        let mut rest = text.as_str();
        while let Some(c) = rest.chars().next() {
            if let Some(r) = rest.strip_prefix("\\%") {
                lit.push('%');
                rest = r;
                continue;
            }
            if c == '%' {
                // As pySigma reads them: any run of characters other than `%`.
                let name_len = rest[1..].find('%').unwrap_or(0);
                if name_len > 0 {
                    if !lit.is_empty() {
                        parts.push(PatternPart::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(PatternPart::Placeholder(rest[1..1 + name_len].to_string()));
                    rest = &rest[2 + name_len..];
                    continue;
                }
            }
            lit.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if !lit.is_empty() {
            parts.push(PatternPart::Lit(lit));
        }
    }
    Pattern::new(parts)
}

/// The five characters windash lets a command-line switch start with.
pub const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Expands each `-` or `/` that starts a word (a non-word character or the start before it, a
/// word character after it: regex `\B[-/]\b`) into the five dash characters; all combinations,
/// first position varying slowest.
fn windash(pattern: &Pattern) -> Result<Vec<Pattern>, String> {
    // Flatten into characters, keeping non-literal parts as single items.
    enum Item {
        C(char),
        P(PatternPart),
    }
    let mut items = Vec::new();
    for p in pattern.parts() {
        match p {
            PatternPart::Lit(s) => items.extend(s.chars().map(Item::C)),
            other => items.push(Item::P(other.clone())),
        }
    }
    let word_at = |i: usize| matches!(items.get(i), Some(Item::C(c)) if is_word(*c));
    let positions: Vec<usize> = (0..items.len())
        .filter(|&i| {
            matches!(items[i], Item::C('-') | Item::C('/'))
                && (i == 0 || !word_at(i - 1))
                && word_at(i + 1)
        })
        .collect();
    let count = DASHES
        .len()
        .checked_pow(positions.len() as u32)
        .filter(|n| *n <= MAX_VARIANTS)
        .ok_or_else(|| {
            format!(
                "windash would expand {} dashes into more than {MAX_VARIANTS} variants",
                positions.len()
            )
        })?;
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        // Digit k (base 5, most significant first) picks the dash at positions[k].
        let mut choice = vec![0usize; positions.len()];
        let mut rest = n;
        for slot in choice.iter_mut().rev() {
            *slot = rest % DASHES.len();
            rest /= DASHES.len();
        }
        let mut parts = Vec::new();
        let mut lit = String::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Item::C(c) => match positions.iter().position(|&p| p == i) {
                    Some(k) => lit.push(DASHES[choice[k]]),
                    None => lit.push(*c),
                },
                Item::P(p) => {
                    if !lit.is_empty() {
                        parts.push(PatternPart::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(p.clone());
                }
            }
        }
        if !lit.is_empty() {
            parts.push(PatternPart::Lit(lit));
        }
        out.push(Pattern::new(parts));
    }
    Ok(out)
}

/// UTF-16LE bytes of `s`.
fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// UTF-16BE bytes of `s`.
fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
}

/// The three Base64 strings that find `data` wherever it starts in a Base64-encoded stream:
/// encode it after 0, 1 and 2 bytes of padding and cut the characters that depend on the
/// neighbouring bytes.
pub fn base64_offsets(data: &[u8]) -> Vec<String> {
    const START: [usize; 3] = [0, 2, 3];
    const END_CUT: [usize; 3] = [0, 3, 2];
    (0..3)
        .map(|i| {
            let mut padded = vec![b' '; i];
            padded.extend_from_slice(data);
            let enc = B64.encode(&padded);
            let cut = END_CUT[(data.len() + i) % 3];
            let end = enc.len().saturating_sub(cut);
            enc.get(START[i]..end).unwrap_or("").to_string()
        })
        .collect()
}

/// Everything about an item's modifiers that does not depend on its values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainFlags {
    /// `|all`: the values are ANDed.
    pub all: bool,
    /// `|neq`: the item is negated.
    pub neq: bool,
    /// The chain ends with a position modifier (contains/startswith/endswith).
    pub positioned: bool,
}

/// The list-level flags of a chain.
pub fn chain_flags(mods: &[Modifier]) -> ChainFlags {
    ChainFlags {
        all: mods.contains(&Modifier::All),
        neq: mods.contains(&Modifier::Neq),
        positioned: mods.iter().any(|m| {
            matches!(
                m,
                Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith
            )
        }),
    }
}

/// Checks the parts of the chain that do not depend on the value (so that a problem is
/// reported once per item, not once per value).
pub fn check_chain_shape(mods: &[Modifier], has_field: bool) -> Result<(), ChainError> {
    let value_mods: Vec<Modifier> = mods
        .iter()
        .copied()
        .filter(|m| !m.is_list_modifier())
        .collect();
    for (i, m) in value_mods.iter().enumerate() {
        let misplaced = |reason: &str| {
            Err(ChainError::Misplaced {
                modifier: *m,
                reason: reason.into(),
            })
        };
        match m {
            Modifier::Exists if mods.len() > 1 => {
                return misplaced("must be the only modifier (`field|exists: true`)");
            }
            Modifier::Re | Modifier::Cidr if i > 0 => {
                return misplaced("must come first: it reads the value as written");
            }
            Modifier::Exists
            | Modifier::FieldRef
            | Modifier::Cidr
            | Modifier::Gt
            | Modifier::Gte
            | Modifier::Lt
            | Modifier::Lte
            | Modifier::Minute
            | Modifier::Hour
            | Modifier::Day
            | Modifier::Week
            | Modifier::Month
            | Modifier::Year
                if !has_field =>
            {
                return misplaced("needs a field; keywords (fieldless values) are plain strings");
            }
            _ => {}
        }
    }
    Ok(())
}

/// Applies `mods` (left to right) to `raw`, giving the variants of the value (ORed), each as
/// a field operation. With `keyword`, strings without a position modifier match anywhere.
pub fn lower_value(
    raw: &RawValue,
    mods: &[Modifier],
    keyword: bool,
) -> Result<Vec<Op>, ChainError> {
    check_chain_shape(mods, !keyword)?;
    if let RawValue::Num(n) = raw
        && !n.as_f64().is_finite()
    {
        return Err(ChainError::Invalid(
            "numbers must be finite (not .inf or .nan)".into(),
        ));
    }
    let flags = chain_flags(mods);
    let mut vals = vec![initial(raw)];
    for &m in mods {
        if m.is_list_modifier() {
            continue;
        }
        let mut next = Vec::with_capacity(vals.len());
        for v in vals {
            next.extend(apply(m, v, raw)?);
            if next.len() > MAX_VARIANTS {
                return Err(ChainError::Invalid(format!(
                    "the modifiers expand the value into more than {MAX_VARIANTS} variants"
                )));
            }
        }
        vals = next;
    }
    vals.into_iter()
        .map(|v| finish(v, keyword && !flags.positioned))
        .collect()
}

fn initial(raw: &RawValue) -> Kind {
    match raw {
        RawValue::Str(s) => Kind::Str {
            pattern: parse_sigma_string(s),
            case: Case::Insensitive,
        },
        RawValue::Num(n) => Kind::Num(*n),
        RawValue::Bool(b) => Kind::Bool(*b),
        RawValue::Null => Kind::Null,
    }
}

/// A number used where a string is expected is its decimal text.
fn as_text(v: Kind) -> Kind {
    match v {
        Kind::Num(n) => Kind::Str {
            pattern: Pattern::new([PatternPart::Lit(n.to_string())]),
            case: Case::Insensitive,
        },
        Kind::Bytes { bytes, case } => match String::from_utf8(bytes) {
            Ok(s) => Kind::Str {
                pattern: Pattern::new([PatternPart::Lit(s)]),
                case,
            },
            Err(e) => Kind::Bytes {
                bytes: e.into_bytes(),
                case,
            },
        },
        v => v,
    }
}

/// The bytes a Base64 or UTF-16 modifier encodes: literal text only.
fn literal_text(pattern: &Pattern, m: Modifier) -> Result<String, ChainError> {
    pattern.as_literal().ok_or_else(|| {
        ChainError::Invalid(format!(
            "`{m}` cannot encode wildcards or placeholders; put `contains`/`startswith`/`endswith` after `{m}` instead of `*` in the value"
        ))
    })
}

/// Applies one value modifier. Position rules (`re` and `cidr` first, `exists` alone) were
/// checked by [`check_chain_shape`].
fn apply(m: Modifier, v: Kind, raw: &RawValue) -> Result<Vec<Kind>, ChainError> {
    let wrong = |v: &Kind, what: &str| {
        Err(ChainError::Misplaced {
            modifier: m,
            reason: format!("applies to {what}, not to {}", v.name()),
        })
    };
    let one = |k: Kind| Ok(vec![k]);
    match m {
        Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith => match as_text(v) {
            Kind::Str { pattern, case } => {
                let pattern = match m {
                    Modifier::Contains => pattern.with_leading_any().with_trailing_any(),
                    Modifier::StartsWith => pattern.with_trailing_any(),
                    _ => pattern.with_leading_any(),
                };
                one(Kind::Str { pattern, case })
            }
            // A Sigma regex already matches anywhere in the value (unanchored search).
            Kind::Regex(r) => one(Kind::Regex(r)),
            Kind::FieldRef(mut r) => {
                r.how = combine_position(r.how, m);
                one(Kind::FieldRef(r))
            }
            v => wrong(&v, "strings, regular expressions and field references"),
        },
        Modifier::Windash => match as_text(v) {
            Kind::Str { pattern, case } => Ok(windash(&pattern)
                .map_err(ChainError::Invalid)?
                .into_iter()
                .map(|pattern| Kind::Str { pattern, case })
                .collect()),
            v => wrong(&v, "strings"),
        },
        Modifier::Base64 | Modifier::Base64Offset => {
            let (data, case) = match as_text(v) {
                Kind::Str { pattern, case } => (literal_text(&pattern, m)?.into_bytes(), case),
                Kind::Bytes { bytes, case } => (bytes, case),
                v => return wrong(&v, "strings"),
            };
            let texts = if m == Modifier::Base64 {
                vec![B64.encode(&data)]
            } else {
                let variants = base64_offsets(&data);
                if variants.iter().any(String::is_empty) {
                    return Err(ChainError::Invalid(
                        "too short for `base64offset`: a variant would be empty and match everything".into(),
                    ));
                }
                variants
            };
            Ok(texts
                .into_iter()
                .map(|t| Kind::Str {
                    pattern: Pattern::new([PatternPart::Lit(t)]),
                    case,
                })
                .collect())
        }
        Modifier::Utf16le | Modifier::Utf16be | Modifier::Utf16 => match as_text(v) {
            Kind::Str { pattern, case } => {
                let text = literal_text(&pattern, m)?;
                let bytes = match m {
                    Modifier::Utf16le => utf16le(&text),
                    Modifier::Utf16be => utf16be(&text),
                    _ => [0xFF, 0xFE].into_iter().chain(utf16le(&text)).collect(),
                };
                one(Kind::Bytes { bytes, case })
            }
            v => wrong(&v, "strings"),
        },
        Modifier::Re => {
            let pattern = match raw {
                RawValue::Str(s) => s.clone(),
                RawValue::Num(n) => n.to_string(),
                _ => return wrong(&v, "strings"),
            };
            one(Kind::Regex(Regex {
                pattern,
                flags: RegexFlags::default(),
            }))
        }
        Modifier::IgnoreCase | Modifier::Multiline | Modifier::DotAll => match v {
            Kind::Regex(mut r) => {
                match m {
                    Modifier::IgnoreCase => r.flags.ignore_case = true,
                    Modifier::Multiline => r.flags.multiline = true,
                    _ => r.flags.dot_all = true,
                }
                one(Kind::Regex(r))
            }
            v => Err(ChainError::Misplaced {
                modifier: m,
                reason: format!("is a regex flag and only follows `re`, not {}", v.name()),
            }),
        },
        Modifier::Cidr => {
            match raw {
                RawValue::Str(s) => Cidr::parse(s)
                    .map(|c| vec![Kind::Cidr(c)])
                    .map_err(ChainError::Invalid),
                _ => wrong(&v, "strings such as 10.0.0.0/8"),
            }
        }
        Modifier::Exists => match v {
            Kind::Bool(b) => one(Kind::Exists(b)),
            v => Err(ChainError::Invalid(format!(
                "`exists` takes `true` or `false` (unquoted), not {}",
                v.name()
            ))),
        },
        Modifier::Expand => match v {
            Kind::Str { pattern, case } => one(Kind::Str {
                pattern: insert_placeholders(pattern),
                case,
            }),
            v => wrong(&v, "strings"),
        },
        Modifier::FieldRef => match as_text(v) {
            Kind::Str { pattern, case } => match pattern.as_literal() {
                Some(name) if !name.is_empty() => one(Kind::FieldRef(FieldRef {
                    field: name,
                    how: TextOp::Eq,
                    case,
                })),
                _ => Err(ChainError::Invalid(
                    "a field reference is a field name without wildcards; to compare by substring or prefix, put `contains`/`startswith`/`endswith` after `fieldref`".into(),
                )),
            },
            v => wrong(&v, "field names"),
        },
        Modifier::Gt | Modifier::Gte | Modifier::Lt | Modifier::Lte => match v {
            Kind::Num(n) => one(Kind::Cmp(
                match m {
                    Modifier::Gt => CmpOp::Gt,
                    Modifier::Gte => CmpOp::Gte,
                    Modifier::Lt => CmpOp::Lt,
                    _ => CmpOp::Lte,
                },
                n,
            )),
            v => wrong(&v, "unquoted numbers"),
        },
        Modifier::Cased => match v {
            Kind::Str { pattern, .. } => one(Kind::Str {
                pattern,
                case: Case::Sensitive,
            }),
            Kind::FieldRef(mut r) => {
                r.case = Case::Sensitive;
                one(Kind::FieldRef(r))
            }
            Kind::Regex(_) => Err(ChainError::Misplaced {
                modifier: m,
                reason:
                    "has no effect on a regular expression, which is case-sensitive unless `|i`"
                        .into(),
            }),
            v => wrong(&v, "strings and field references"),
        },
        Modifier::Minute
        | Modifier::Hour
        | Modifier::Day
        | Modifier::Week
        | Modifier::Month
        | Modifier::Year => {
            let part = match m {
                Modifier::Minute => TimePart::Minute,
                Modifier::Hour => TimePart::Hour,
                Modifier::Day => TimePart::Day,
                Modifier::Week => TimePart::Week,
                Modifier::Month => TimePart::Month,
                _ => TimePart::Year,
            };
            match v {
                Kind::Num(Number::Int(n)) if part.range().contains(&n) => {
                    one(Kind::TimePart(part, n))
                }
                Kind::Num(n) => Err(ChainError::Invalid(format!(
                    "`{m}` takes a whole number from {} to {}, not {n}",
                    part.range().start(),
                    part.range().end()
                ))),
                v => wrong(&v, "unquoted whole numbers"),
            }
        }
        Modifier::All | Modifier::Neq => Ok(vec![v]),
    }
}

/// Position modifiers on a field reference combine: startswith then endswith is contains.
fn combine_position(how: TextOp, m: Modifier) -> TextOp {
    let (mut start, mut end) = match how {
        TextOp::Eq => (false, false),
        TextOp::StartsWith => (true, false),
        TextOp::EndsWith => (false, true),
        TextOp::Contains => (true, true),
    };
    match m {
        Modifier::Contains => (start, end) = (true, true),
        Modifier::StartsWith => start = true,
        _ => end = true,
    }
    match (start, end) {
        (true, true) => TextOp::Contains,
        (true, false) => TextOp::StartsWith,
        (false, true) => TextOp::EndsWith,
        (false, false) => TextOp::Eq,
    }
}

/// Checks that a regular expression is valid in the RE2 family that KQL's `matches regex`
/// and the evaluator run: Rust `regex` syntax, no lookaround, no backreferences. Only parsed
/// here (compiling every rule's regexes would cost a fifth of a `check` run).
pub fn check_regex(r: &Regex) -> Result<(), String> {
    regex_problem(r).map_or(Ok(()), |why| {
        Err(format!(
            "the regular expression does not compile ({why}); Sigma regexes use the common subset without lookaround or backreferences"
        ))
    })
}

/// Why the regex does not parse in the RE2 family (the `regex` crate's own parser, with its
/// flags and a nesting limit), if it does not: the parser's last error line.
pub fn regex_problem(r: &Regex) -> Option<String> {
    let e = regex_syntax::ParserBuilder::new()
        .case_insensitive(r.flags.ignore_case)
        .multi_line(r.flags.multiline)
        .dot_matches_new_line(r.flags.dot_all)
        .nest_limit(100)
        .build()
        .parse(&r.pattern)
        .err()?;
    let msg = e.to_string();
    let last = msg
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .unwrap_or(msg.lines().last().unwrap_or(""));
    Some(last.trim_start_matches("error: ").trim().to_string())
}

fn finish(v: Kind, implicit_contains: bool) -> Result<Op, ChainError> {
    let v = if implicit_contains {
        match as_text(v) {
            Kind::Str { pattern, case } => Kind::Str {
                pattern: pattern.with_leading_any().with_trailing_any(),
                case,
            },
            v => v,
        }
    } else {
        v
    };
    Ok(match v {
        Kind::Str { pattern, case } => Op::Str(StrMatch::from_pattern(pattern, case)),
        Kind::Bytes { bytes, case } => match String::from_utf8(bytes) {
            Ok(s) => Op::Str(StrMatch::Text {
                how: TextOp::Eq,
                value: s,
                case,
            }),
            Err(_) => {
                return Err(ChainError::Invalid(
                    "the UTF-16 encoding of this text is not valid as a string; follow the utf16 modifier with `base64` or `base64offset`".into(),
                ));
            }
        },
        Kind::Num(n) => Op::Num(CmpOp::Eq, n),
        Kind::Bool(b) => Op::Bool(b),
        Kind::Null => Op::Null,
        Kind::Regex(r) => {
            check_regex(&r).map_err(ChainError::Invalid)?;
            Op::Str(StrMatch::Regex(r))
        }
        Kind::Cidr(c) => Op::Cidr(c),
        Kind::FieldRef(r) => Op::FieldRef(r),
        Kind::Cmp(op, n) => Op::Num(op, n),
        Kind::TimePart(p, n) => Op::TimePart(p, n),
        Kind::Exists(b) => Op::Exists(b),
    })
}

/// Lowers a keyword value: only string matches make sense without a field.
pub fn lower_keyword(raw: &RawValue, mods: &[Modifier]) -> Result<Vec<StrMatch>, ChainError> {
    if matches!(raw, RawValue::Null | RawValue::Bool(_)) {
        return Err(ChainError::Invalid(
            "a keyword (fieldless value) must be a string".into(),
        ));
    }
    lower_value(raw, mods, true)?
        .into_iter()
        .map(|op| match op {
            // Numbers were turned into their text by the implicit `contains`.
            Op::Str(m) => Ok(m),
            _ => Err(ChainError::Invalid(
                "a keyword (fieldless value) must be a string".into(),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> RawValue {
        RawValue::Str(v.into())
    }

    fn mods(names: &[&str]) -> Vec<Modifier> {
        names
            .iter()
            .map(|n| Modifier::from_name(n).unwrap())
            .collect()
    }

    /// The variants of `raw` under `names`, in IR text form.
    fn lower(raw: RawValue, names: &[&str]) -> Vec<String> {
        lower_value(&raw, &mods(names), false)
            .unwrap()
            .iter()
            .map(|op| match op {
                Op::Str(m) => m.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn err(raw: RawValue, names: &[&str]) -> ChainError {
        let m = mods(names);
        check_chain_shape(&m, true)
            .and_then(|_| lower_value(&raw, &m, false).map(|_| ()))
            .unwrap_err()
    }

    // ---- escapes (spec section "Escaping", with its examples) ----

    #[test]
    fn escapes_follow_the_spec() {
        let sigma = |raw: &str| parse_sigma_string(raw).to_sigma();
        let lit = |raw: &str| parse_sigma_string(raw).as_literal();
        // A plain backslash not followed by a wildcard is kept, single or doubled.
        assert_eq!(lit(r"C:\Windows\x"), Some(r"C:\Windows\x".into()));
        assert_eq!(lit(r"C:\\Windows"), Some(r"C:\Windows".into()));
        // \* and \? are literals.
        assert_eq!(lit(r"a\*b\?"), Some("a*b?".into()));
        // \\* is a literal backslash then a wildcard.
        assert_eq!(sigma(r"a\\*"), r"a\\*");
        assert!(parse_sigma_string(r"a\\*").has_wildcards());
        // \\\* is a literal backslash then a literal star.
        assert_eq!(lit(r"a\\\*"), Some(r"a\*".into()));
        // Three or four backslashes are a double backslash.
        assert_eq!(lit(r"\\\\"), Some(r"\\".into()));
        assert_eq!(lit(r"\\\x"), Some(r"\\x".into()));
        // A trailing backslash is kept.
        assert_eq!(lit(r"abc\"), Some(r"abc\".into()));
        // The spec's real example.
        assert_eq!(lit(r"\\\\\*\\IPC$"), Some(r"\\*\IPC$".into()));
        // Wildcards.
        assert_eq!(
            parse_sigma_string("a*b?c").parts(),
            &[
                PatternPart::Lit("a".into()),
                PatternPart::Any,
                PatternPart::Lit("b".into()),
                PatternPart::One,
                PatternPart::Lit("c".into())
            ]
        );
    }

    #[test]
    fn percent_is_literal_unless_expand() {
        assert_eq!(lower(s("%APPDATA%\\x"), &[]), vec![r#"eq "%APPDATA%\\x""#]);
        let p = insert_placeholders(parse_sigma_string(r"\%plain%name%"));
        assert_eq!(
            p.parts(),
            &[
                PatternPart::Lit("%plain".into()),
                PatternPart::Placeholder("name".into())
            ]
        );
        assert_eq!(
            lower(s("%Workstations%"), &["expand"]),
            vec![r#"like %Workstations%"#]
        );
        assert_eq!(
            lower(s("%DC-MACHINE-NAME%$"), &["expand"]),
            vec![r#"like %DC-MACHINE-NAME% "$""#]
        );
        assert_eq!(lower(s("100%"), &["expand"]), vec![r#"eq "100%""#]);
        assert_eq!(
            lower(s("%userdomain%"), &["contains", "expand"]),
            vec![r#"like * %userdomain% *"#]
        );
    }

    // ---- one test per modifier ----

    #[test]
    fn position_modifiers() {
        assert_eq!(lower(s("x"), &["contains"]), vec![r#"contains "x""#]);
        assert_eq!(lower(s("x"), &["startswith"]), vec![r#"startswith "x""#]);
        assert_eq!(lower(s("x"), &["endswith"]), vec![r#"endswith "x""#]);
        assert_eq!(lower(s("*x"), &["contains"]), vec![r#"contains "x""#]);
        assert_eq!(
            lower(s("a*b"), &["contains"]),
            vec![r#"like * "a" * "b" *"#]
        );
        assert_eq!(lower(s(r"a\*b"), &["endswith"]), vec![r#"endswith "a*b""#]);
        assert_eq!(
            lower(RawValue::Num(Number::Int(4444)), &["contains"]),
            vec![r#"contains "4444""#]
        );
    }

    #[test]
    fn plain_values() {
        assert_eq!(lower(s("x"), &[]), vec![r#"eq "x""#]);
        assert_eq!(lower(s(""), &[]), vec![r#"eq """#]);
        assert_eq!(
            lower_value(&RawValue::Num(Number::Int(4688)), &[], false).unwrap(),
            vec![Op::Num(CmpOp::Eq, Number::Int(4688))]
        );
        assert_eq!(
            lower_value(&RawValue::Null, &[], false).unwrap(),
            vec![Op::Null]
        );
        assert_eq!(
            lower_value(&RawValue::Bool(true), &[], false).unwrap(),
            vec![Op::Bool(true)]
        );
    }

    #[test]
    fn cased() {
        assert_eq!(lower(s("X"), &["cased"]), vec![r#"eq:cs "X""#]);
        assert_eq!(
            lower(s("X"), &["contains", "cased"]),
            vec![r#"contains:cs "X""#]
        );
        assert_eq!(
            lower(s("X"), &["cased", "endswith"]),
            vec![r#"endswith:cs "X""#]
        );
        assert!(matches!(
            err(s("x"), &["re", "cased"]),
            ChainError::Misplaced { .. }
        ));
    }

    #[test]
    fn windash_expands_all_five_dashes_at_word_starts_only() {
        assert_eq!(
            lower(s(" -exec"), &["contains", "windash"]),
            vec![
                r#"contains " -exec""#,
                r#"contains " /exec""#,
                "contains \" \u{2013}exec\"",
                "contains \" \u{2014}exec\"",
                "contains \" \u{2015}exec\""
            ]
        );
        // A dash inside a word is not a switch.
        assert_eq!(lower(s("a-b"), &["windash"]), vec![r#"eq "a-b""#]);
        // Two switches: 25 combinations, first position slowest.
        let v = lower(s("-a -b"), &["windash"]);
        assert_eq!(v.len(), 25);
        assert_eq!(v[0], r#"eq "-a -b""#);
        assert_eq!(v[1], r#"eq "-a /b""#);
        assert_eq!(v[5], r#"eq "/a -b""#);
        // A dash before a wildcard or at the end is not expanded.
        assert_eq!(lower(s("x -*"), &["windash"]), vec![r#"startswith "x -""#]);
        assert_eq!(lower(s("x -?"), &["windash"]), vec![r#"like "x -" ?"#]);
        // Too many switches is an error, not an explosion.
        assert!(matches!(
            err(s("-a -b -c -d -e -f"), &["windash"]),
            ChainError::Invalid(_)
        ));
    }

    #[test]
    fn cased_survives_encoding() {
        assert_eq!(
            lower(s("Abc"), &["cased", "base64"]),
            vec![r#"eq:cs "QWJj""#]
        );
        assert_eq!(
            lower(s("ab"), &["cased", "wide", "base64offset", "contains"])[0],
            r#"contains:cs "YQBiA""#
        );
        assert_eq!(
            lower(s("ab"), &["cased", "wide"]),
            vec!["eq:cs \"a\\u{0}b\\u{0}\""]
        );
    }

    #[test]
    fn non_finite_numbers_are_invalid() {
        let inf = RawValue::Num(Number::Float(f64::INFINITY));
        assert!(matches!(err(inf, &["gt"]), ChainError::Invalid(_)));
    }

    #[test]
    fn base64() {
        assert_eq!(lower(s("abc"), &["base64"]), vec![r#"eq "YWJj""#]);
        assert_eq!(
            lower(s("abc"), &["base64", "contains"]),
            vec![r#"contains "YWJj""#]
        );
        assert!(matches!(err(s("a*c"), &["base64"]), ChainError::Invalid(_)));
    }

    #[test]
    fn base64offset_gives_the_three_shifted_variants() {
        // Known values: the three offsets of "/bin/sh" and of "http://".
        assert_eq!(
            base64_offsets(b"/bin/sh"),
            vec!["L2Jpbi9za", "9iaW4vc2", "vYmluL3No"]
        );
        assert_eq!(
            base64_offsets(b"http://"),
            vec!["aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"]
        );
        assert_eq!(
            lower(s("http://"), &["base64offset", "contains"]),
            vec![
                r#"contains "aHR0cDovL""#,
                r#"contains "h0dHA6Ly""#,
                r#"contains "odHRwOi8v""#
            ]
        );
        assert!(matches!(
            err(s("a"), &["base64offset"]),
            ChainError::Invalid(_)
        ));
    }

    #[test]
    fn utf16_encodings() {
        // "ab" in UTF-16LE is 61 00 62 00 → YQBiAA==
        assert_eq!(
            lower(s("ab"), &["utf16le", "base64"]),
            vec![r#"eq "YQBiAA==""#]
        );
        assert_eq!(
            lower(s("ab"), &["wide", "base64"]),
            vec![r#"eq "YQBiAA==""#]
        );
        // UTF-16BE: 00 61 00 62 → AGEAYg==
        assert_eq!(
            lower(s("ab"), &["utf16be", "base64"]),
            vec![r#"eq "AGEAYg==""#]
        );
        // With BOM: FF FE 61 00 62 00 → //5hAGIA
        assert_eq!(
            lower(s("ab"), &["utf16", "base64"]),
            vec![r#"eq "//5hAGIA""#]
        );
        // wide|base64offset|contains, as SigmaHQ rules write it.
        assert_eq!(
            lower(s("ping"), &["wide", "base64offset", "contains"]),
            vec![
                r#"contains "cABpAG4AZw""#,
                r#"contains "AAaQBuAGcA""#,
                r#"contains "wAGkAbgBnA""#
            ]
        );
        // Without base64, ASCII text in UTF-16LE is a string with NULs.
        assert_eq!(lower(s("ab"), &["wide"]), vec!["eq \"a\\u{0}b\\u{0}\""]);
        assert!(matches!(err(s("é"), &["utf16be"]), ChainError::Invalid(_)));
    }

    #[test]
    fn regex_and_flags() {
        assert_eq!(lower(s(r"a\d+"), &["re"]), vec![r#"regex "a\\d+""#]);
        assert_eq!(lower(s("a"), &["re", "i"]), vec![r#"regex:i "a""#]);
        assert_eq!(lower(s("a"), &["re", "m", "s"]), vec![r#"regex:ms "a""#]);
        assert_eq!(
            lower(s("a"), &["re", "ignorecase", "dotall"]),
            vec![r#"regex:is "a""#]
        );
        // The regex is the raw text: no Sigma escape processing.
        assert_eq!(lower(s(r"\*"), &["re"]), vec![r#"regex "\\*""#]);
        assert!(matches!(
            err(s("a"), &["contains", "re"]),
            ChainError::Misplaced { .. }
        ));
        assert!(matches!(err(s("a"), &["i"]), ChainError::Misplaced { .. }));
        assert!(matches!(err(s("(?=a)"), &["re"]), ChainError::Invalid(_)));
        assert!(matches!(err(s("(a"), &["re"]), ChainError::Invalid(_)));
    }

    #[test]
    fn cidr() {
        assert_eq!(
            lower_value(&s("10.0.0.0/8"), &mods(&["cidr"]), false).unwrap(),
            vec![Op::Cidr(Cidr::parse("10.0.0.0/8").unwrap())]
        );
        assert_eq!(
            lower_value(&s("fe80::/10"), &mods(&["cidr"]), false).unwrap(),
            vec![Op::Cidr(Cidr::parse("fe80::/10").unwrap())]
        );
        assert!(matches!(
            err(s("10.0.0.0/40"), &["cidr"]),
            ChainError::Invalid(_)
        ));
        assert!(matches!(
            err(s("x"), &["contains", "cidr"]),
            ChainError::Misplaced { .. }
        ));
    }

    #[test]
    fn exists() {
        assert_eq!(
            lower_value(&RawValue::Bool(false), &mods(&["exists"]), false).unwrap(),
            vec![Op::Exists(false)]
        );
        assert!(matches!(err(s("yes"), &["exists"]), ChainError::Invalid(_)));
        assert!(matches!(
            err(RawValue::Bool(true), &["exists", "all"]),
            ChainError::Misplaced { .. }
        ));
    }

    #[test]
    fn fieldref() {
        let op = |names: &[&str]| lower_value(&s("Other"), &mods(names), false).unwrap();
        let r = |how, case| {
            vec![Op::FieldRef(FieldRef {
                field: "Other".into(),
                how,
                case,
            })]
        };
        assert_eq!(op(&["fieldref"]), r(TextOp::Eq, Case::Insensitive));
        assert_eq!(
            op(&["fieldref", "startswith"]),
            r(TextOp::StartsWith, Case::Insensitive)
        );
        assert_eq!(
            op(&["fieldref", "startswith", "endswith"]),
            r(TextOp::Contains, Case::Insensitive)
        );
        assert_eq!(
            op(&["cased", "fieldref", "contains"]),
            r(TextOp::Contains, Case::Sensitive)
        );
        assert!(matches!(
            err(s("a*"), &["fieldref"]),
            ChainError::Invalid(_)
        ));
    }

    #[test]
    fn comparisons() {
        let n = RawValue::Num(Number::Int(5));
        for (name, op) in [
            ("gt", CmpOp::Gt),
            ("gte", CmpOp::Gte),
            ("lt", CmpOp::Lt),
            ("lte", CmpOp::Lte),
        ] {
            assert_eq!(
                lower_value(&n, &mods(&[name]), false).unwrap(),
                vec![Op::Num(op, Number::Int(5))]
            );
        }
        assert!(matches!(err(s("5"), &["gt"]), ChainError::Misplaced { .. }));
    }

    #[test]
    fn time_parts() {
        let n = |i| RawValue::Num(Number::Int(i));
        for (name, part, ok, bad) in [
            ("minute", TimePart::Minute, 59, 60),
            ("hour", TimePart::Hour, 23, 24),
            ("day", TimePart::Day, 31, 0),
            ("week", TimePart::Week, 52, 54),
            ("month", TimePart::Month, 12, 13),
            ("year", TimePart::Year, 2024, 0),
        ] {
            assert_eq!(
                lower_value(&n(ok), &mods(&[name]), false).unwrap(),
                vec![Op::TimePart(part, ok)]
            );
            assert!(
                matches!(err(n(bad), &[name]), ChainError::Invalid(_)),
                "{name} {bad}"
            );
        }
        assert!(matches!(
            err(s("3"), &["hour"]),
            ChainError::Misplaced { .. }
        ));
    }

    #[test]
    fn list_modifiers_are_flags() {
        let f = chain_flags(&mods(&["contains", "all"]));
        assert!(f.all && !f.neq && f.positioned);
        let f = chain_flags(&mods(&["neq"]));
        assert!(f.neq && !f.all && !f.positioned);
        assert_eq!(lower(s("x"), &["neq"]), vec![r#"eq "x""#]);
    }

    #[test]
    fn keywords_match_anywhere_unless_positioned() {
        let kw = |raw: &str, names: &[&str]| -> Vec<String> {
            lower_keyword(&s(raw), &mods(names))
                .unwrap()
                .iter()
                .map(|m| m.to_string())
                .collect()
        };
        assert_eq!(kw("mimikatz", &[]), vec![r#"contains "mimikatz""#]);
        assert_eq!(kw("a*b", &[]), vec![r#"like * "a" * "b" *"#]);
        assert_eq!(kw("x", &["startswith"]), vec![r#"startswith "x""#]);
        assert_eq!(kw("x", &["cased"]), vec![r#"contains:cs "x""#]);
        assert!(lower_keyword(&RawValue::Null, &[]).is_err());
        assert!(check_chain_shape(&mods(&["cidr"]), false).is_err());
    }
}
