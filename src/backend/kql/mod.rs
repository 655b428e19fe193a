//! The KQL backend: renders a [`MappedQuery`] as a query for Defender XDR advanced hunting or
//! Microsoft Sentinel. One arm per IR node; the meaning of every arm is the target semantics
//! of DESIGN.md (strings are never null, case-insensitive operators unless `:cs`).
//!
//! ```text
//! DeviceRegistryEvents
//! | where ActionType == "RegistryValueSet"
//! | extend RegistryKey_RegistryValueName = iff(…)     (only for joined fields)
//! | where <the rule's condition>
//! | project-away RegistryKey_RegistryValueName
//! ```

pub mod literal;

use std::net::IpAddr;

use crate::ir::{
    Case, Cidr, CmpOp, Expr, FieldPred, FieldRef, Number, Op, Pattern, PatternPart, Regex,
    StrMatch, TextOp, TimePart,
};
use crate::pipeline::{ColumnType, ConvertError, Derived, MappedQuery, Reason};
use crate::precedence::{Level, needs_parens};

/// A line longer than this puts each top-level operand of its condition on its own line.
const WIDTH: usize = 100;

/// Operands per `and`/`or` chain before they are grouped in parentheses: Kusto parses a chain
/// as a left-deep tree, and thousands of operands exceed its safe syntax depth.
const CHAIN: usize = 64;

/// Joins operand texts with `word`, grouping long chains into parenthesised runs of [`CHAIN`]
/// (same operator, so the meaning is unchanged).
fn join_chain(parts: Vec<String>, word: &str, sep: &str) -> String {
    if parts.len() <= CHAIN {
        return parts.join(sep);
    }
    parts
        .chunks(CHAIN)
        .map(|c| format!("({})", c.join(&format!(" {word} "))))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Renders the whole query.
pub fn render(q: &MappedQuery) -> Result<String, ConvertError> {
    let r = Renderer {
        q,
        table: q.table_schema(),
    };
    let mut out = literal::name(&q.table);
    if let Some(f) = &q.filter {
        out.push_str("\n| where ");
        out.push_str(&r.top(f)?);
    }
    let joins: Vec<(&String, &Derived)> = q
        .derived
        .iter()
        .filter(|(_, d)| !matches!(d, Derived::Json { .. }))
        .collect();
    for (name, d) in &joins {
        let text = match d {
            Derived::Join { parent, child } => {
                let (p, c) = (literal::name(parent), literal::name(child));
                format!("iff(isempty({c}), {p}, iff(isempty({p}), {c}, strcat({p}, @\"\\\", {c})))")
            }
            Derived::FilePath { folder, name } => {
                let (f, n) = (literal::name(folder), literal::name(name));
                format!(
                    "iff(isempty({n}) or {f} endswith strcat(@\"\\\", {n}), {f}, iff(isempty({f}), {n}, strcat({f}, @\"\\\", {n})))"
                )
            }
            Derived::Json { .. } => continue,
        };
        out.push_str(&format!("\n| extend {} = {text}", alias(name)));
    }
    let condition = r.top(&q.expr)?;
    // A condition the route's filter already implies leaves nothing to test.
    if condition != "true" || q.filter.is_none() {
        out.push_str("\n| where ");
        out.push_str(&condition);
    }
    for x in &q.exclusions {
        out.push_str(&format!(
            "\n// Exclusion: {}",
            crate::text::one_line(&x.name)
        ));
        out.push_str(&format!(
            "\n| where not({})",
            strip_parens(&r.expr(&x.expr, true)?.text)
        ));
    }
    if !joins.is_empty() {
        let names: Vec<String> = joins.iter().map(|(n, _)| alias(n)).collect();
        out.push_str(&format!("\n| project-away {}", names.join(", ")));
    }
    Ok(out)
}

/// The column name an `extend` gives a joined field (`RegistryKey\RegistryValueName` →
/// `RegistryKey_RegistryValueName`).
fn alias(field: &str) -> String {
    field.replace('\\', "_")
}

struct Renderer<'a> {
    q: &'a MappedQuery,
    /// The query's table, looked up once (a rule renders hundreds of leaves).
    table: Option<&'static crate::pipeline::schema::Table>,
}

/// What a leaf needs a field as.
#[derive(Clone, Copy, PartialEq)]
enum As {
    Text,
    Integer,
    Real,
    Bool,
    Time,
}

fn unsupported(message: impl Into<String>) -> ConvertError {
    ConvertError::new(Reason::UnsupportedConstruct, message)
}

/// A rendered expression and the precedence level of its top operator (a merged `in~` or a
/// function call is atomic, whatever IR node it came from).
struct Piece {
    text: String,
    level: Level,
}

impl Piece {
    fn atom(text: String) -> Piece {
        Piece {
            text,
            level: Level::Atom,
        }
    }

    fn is_true(&self) -> bool {
        self.text == "true"
    }
}

impl Renderer<'_> {
    /// The condition of a `where`, broken over lines when long.
    fn top(&self, e: &Expr) -> Result<String, ConvertError> {
        let flat = self.expr(e, false)?;
        let (items, level, word) = match e {
            Expr::And(v) => (v, Level::And, "and"),
            Expr::Or(v) => (v, Level::Or, "or"),
            _ => return Ok(flat.text),
        };
        if flat.text.len() <= WIDTH || flat.level != level {
            return Ok(flat.text);
        }
        match self.combine(self.operands(items, level, false)?, level) {
            Ok(parts) => Ok(join_chain(parts, word, &format!("\n    {word} "))),
            Err(piece) => Ok(piece.text),
        }
    }

    /// `neg`: whether the expression is under an odd number of `not`s (nullable columns then
    /// need their null case made false explicitly, see [`Renderer::guard`]).
    fn expr(&self, e: &Expr, neg: bool) -> Result<Piece, ConvertError> {
        match e {
            Expr::And(v) | Expr::Or(v) => {
                let (level, word) = if matches!(e, Expr::And(_)) {
                    (Level::And, "and")
                } else {
                    (Level::Or, "or")
                };
                Ok(match self.combine(self.operands(v, level, neg)?, level) {
                    Ok(parts) => Piece {
                        text: join_chain(parts, word, &format!(" {word} ")),
                        level,
                    },
                    Err(single) => single,
                })
            }
            Expr::Not(x) => {
                // A negated string comparison has its own operator (`!~`, `!contains` …):
                // strings are never null, so it means the same as `not(…)`.
                if let Expr::Field(p) = x.as_ref()
                    && let Op::Str(StrMatch::Text { how, value, case }) = &p.op
                    && !value.is_empty()
                    && !self.nullable(&p.field)
                    && self.field_type(&p.field) == ColumnType::String
                {
                    let f = self.field(&p.field, As::Text)?;
                    let op = text_op(*how, *case);
                    let negated = match op {
                        "=~" => "!~".to_string(),
                        "==" => "!=".to_string(),
                        other => format!("!{other}"),
                    };
                    return Ok(Piece::atom(format!(
                        "{f} {negated} {}",
                        literal::string(value)
                    )));
                }
                let inner = self.expr(x, !neg)?.text;
                Ok(Piece::atom(format!("not({})", strip_parens(&inner))))
            }
            Expr::Field(p) => self.leaf(p, neg).map(Piece::atom),
            Expr::Keyword(m) => keyword(m).map(Piece::atom),
        }
    }

    /// The operand texts of an `and`/`or` (parenthesised where the precedence table asks),
    /// or the single piece it reduces to: `true` operands vanish from an `and` and make an
    /// `or` true; one operand is itself; no operand is the empty conjunction, true.
    fn combine(&self, pieces: Vec<Piece>, level: Level) -> Result<Vec<String>, Piece> {
        let truth = || Piece::atom("true".into());
        let mut pieces: Vec<Piece> = match level {
            Level::And => pieces.into_iter().filter(|p| !p.is_true()).collect(),
            _ if pieces.iter().any(Piece::is_true) => return Err(truth()),
            _ => pieces,
        };
        match pieces.len() {
            0 => return Err(truth()),
            1 => return Err(pieces.remove(0)),
            _ => {}
        }
        Ok(pieces
            .into_iter()
            .map(|p| {
                if needs_parens(level, p.level) {
                    format!("({})", p.text)
                } else {
                    p.text
                }
            })
            .collect())
    }

    /// The operands of an `and`/`or`; runs of equalities on one field inside an `or` become
    /// one `in~` (CIDR tests one range call).
    fn operands(
        &self,
        items: &[Expr],
        level: Level,
        neg: bool,
    ) -> Result<Vec<Piece>, ConvertError> {
        let mut out = Vec::with_capacity(items.len());
        let mut i = 0;
        while i < items.len() {
            if level == Level::Or
                && let Some((text, used)) = self.merged(&items[i..], neg)?
            {
                out.push(Piece::atom(text));
                i += used;
                continue;
            }
            out.push(self.expr(&items[i], neg)?);
            i += 1;
        }
        Ok(out)
    }

    /// Merges a run of at least two `or`ed equalities (same field, same case) into `in~`, or of
    /// CIDR tests on one field into one range call. Returns the text and how many it took.
    fn merged(&self, items: &[Expr], neg: bool) -> Result<Option<(String, usize)>, ConvertError> {
        let Some(Expr::Field(first)) = items.first() else {
            return Ok(None);
        };
        match &first.op {
            Op::Str(StrMatch::Text {
                how: TextOp::Eq,
                case,
                value,
            }) if !value.is_empty() => {
                let values: Vec<&String> = items
                    .iter()
                    .map_while(|e| match e {
                        Expr::Field(FieldPred {
                            field,
                            op:
                                Op::Str(StrMatch::Text {
                                    how: TextOp::Eq,
                                    case: c,
                                    value,
                                }),
                        }) if *field == first.field && c == case && !value.is_empty() => {
                            Some(value)
                        }
                        _ => None,
                    })
                    .collect();
                if values.len() < 2 {
                    return Ok(None);
                }
                let field = self.field(&first.field, As::Text)?;
                let used = values.len();
                // Each value once, in first-seen order (hash lists run to thousands).
                let list: indexmap::IndexSet<String> =
                    values.into_iter().map(|v| literal::string(v)).collect();
                let list: Vec<String> = list.into_iter().collect();
                let text = match (list.as_slice(), case) {
                    ([one], _) => format!("{field} {} {one}", text_op(TextOp::Eq, *case)),
                    (_, Case::Sensitive) => format!("{field} in ({})", list.join(", ")),
                    (_, Case::Insensitive) => format!("{field} in~ ({})", list.join(", ")),
                };
                Ok(Some((text, used)))
            }
            Op::Num(CmpOp::Eq, _)
                if self.field_type(&first.field).numeric()
                    && !self.q.derived.contains_key(&first.field) =>
            {
                let mut list: indexmap::IndexSet<String> = indexmap::IndexSet::new();
                let used = items
                    .iter()
                    .map_while(|e| match e {
                        Expr::Field(FieldPred {
                            field,
                            op: Op::Num(CmpOp::Eq, n),
                        }) if *field == first.field => Some(n.to_string()),
                        _ => None,
                    })
                    .inspect(|n| {
                        list.insert(n.clone());
                    })
                    .count();
                if used < 2 {
                    return Ok(None);
                }
                let f = literal::name(&first.field);
                let list: Vec<String> = list.into_iter().collect();
                let pred = match list.as_slice() {
                    [one] => format!("{f} == {one}"),
                    _ => format!("{f} in ({})", list.join(", ")),
                };
                Ok(Some((self.guard(&first.field, &f, pred, neg), used)))
            }
            Op::Cidr(c) => {
                let v4 = c.addr.is_ipv4();
                let nets: Vec<&Cidr> = items
                    .iter()
                    .map_while(|e| match e {
                        Expr::Field(FieldPred {
                            field,
                            op: Op::Cidr(n),
                        }) if *field == first.field && n.addr.is_ipv4() == v4 => Some(n),
                        _ => None,
                    })
                    .collect();
                if nets.len() < 2 {
                    return Ok(None);
                }
                let text = self.cidr(&first.field, &nets, neg)?;
                Ok(Some((text, nets.len())))
            }
            _ => Ok(None),
        }
    }

    /// How a field is read: a column, a typed JSON path, or the alias of a joined path.
    fn field(&self, name: &str, want: As) -> Result<String, ConvertError> {
        match self.q.derived.get(name) {
            Some(Derived::Json { column, path }) => {
                let mut access = format!("parse_json({})", literal::name(column));
                for key in path {
                    access.push_str(&format!("[{}]", literal::string(key)));
                }
                let conv = match want {
                    As::Text => "tostring",
                    As::Integer => "tolong",
                    As::Real => "todouble",
                    As::Bool => "tobool",
                    As::Time => "todatetime",
                };
                Ok(format!("{conv}({access})"))
            }
            Some(Derived::Join { .. } | Derived::FilePath { .. }) => Ok(alias(name)),
            None => {
                let col = literal::name(name);
                let ty = self.field_type(name);
                Ok(match (want, ty) {
                    (As::Text, ColumnType::String) => col,
                    (As::Text, _) => format!("tostring({col})"),
                    (As::Integer | As::Real, t) if t.numeric() => col,
                    (As::Integer, _) => format!("tolong({col})"),
                    (As::Real, _) => format!("todouble({col})"),
                    (As::Bool, ColumnType::Bool) => col,
                    (As::Bool, _) => format!("tobool({col})"),
                    (As::Time, ColumnType::DateTime) => col,
                    (As::Time, _) => format!("todatetime({col})"),
                })
            }
        }
    }

    /// The field's column type (see [`MappedQuery::field_type`]).
    fn field_type(&self, field: &str) -> ColumnType {
        self.q.field_type_in(self.table, field)
    }

    /// Whether a field can be null in Kusto (see [`MappedQuery::nullable`]).
    fn nullable(&self, name: &str) -> bool {
        self.q.nullable(name)
    }

    /// Under `not`, a null makes Kusto's predicate null and the row disappear, where Sigma's
    /// (two-valued) negation is true: such predicates get `isnotnull(…) and` first. A value
    /// is null when its column can be, or when it is read through a conversion (`tolong(F)`
    /// of text that is not a number).
    fn guard(&self, name: &str, read: &str, pred: String, neg: bool) -> String {
        if neg && (self.nullable(name) || read.ends_with(')')) {
            format!("(isnotnull({read}) and {pred})")
        } else {
            pred
        }
    }

    fn leaf(&self, p: &FieldPred, neg: bool) -> Result<String, ConvertError> {
        let name = &p.field;
        let path = matches!(
            self.q.derived.get(name),
            Some(Derived::Join { .. } | Derived::FilePath { .. })
        );
        let refuse = |what: &str| {
            Err(ConvertError::new(
                Reason::UnsupportedValue,
                format!(
                    "`{name}` {what}: the field is text on this table, so it cannot be compared so"
                ),
            )
            .about(name))
        };
        match &p.op {
            Op::Num(cmp, _) if path && *cmp != CmpOp::Eq => {
                return refuse(&format!(
                    "is a path compared with `{}` a number",
                    cmp.symbol()
                ));
            }
            Op::Bool(_) | Op::TimePart(..) if path => {
                return refuse("is a path, not a boolean or a time");
            }
            Op::Str(_) | Op::FieldRef(_) if self.field_type(name) == ColumnType::DateTime => {
                return refuse(
                    "is a timestamp compared as text (use the |minute … |year modifiers)",
                );
            }
            _ => {}
        }
        match &p.op {
            Op::Str(m) => {
                let f = self.field(name, As::Text)?;
                let pred = str_match(&f, m)?;
                // A JSON value or a converted column may be null: tostring() makes it "".
                Ok(pred)
            }
            Op::Num(cmp, n) => {
                if self.q.number_as_text(name, *cmp) {
                    // A number compared with text: the text of the number.
                    let f = self.field(name, As::Text)?;
                    return Ok(format!("{f} == {}", literal::string(&n.to_string())));
                }
                let want = match n {
                    Number::Int(_) => As::Integer,
                    Number::Float(_) => As::Real,
                };
                let f = self.field(name, want)?;
                let pred = format!("{f} {} {n}", cmp.symbol());
                Ok(self.guard(name, &f, pred, neg))
            }
            Op::Bool(b) => {
                if self.q.bool_as_text(name) {
                    let f = self.field(name, As::Text)?;
                    return Ok(format!("{f} =~ {}", literal::string(&b.to_string())));
                }
                let f = self.field(name, As::Bool)?;
                Ok(self.guard(name, &f, format!("{f} == {b}"), neg))
            }
            Op::Null | Op::Exists(_) => {
                let empty_test = matches!(p.op, Op::Null | Op::Exists(false));
                if self.q.null_means_isnull(name) {
                    let f = literal::name(name);
                    Ok(format!(
                        "{}({f})",
                        if empty_test { "isnull" } else { "isnotnull" }
                    ))
                } else {
                    let f = self.field(name, As::Text)?;
                    Ok(format!(
                        "{}({f})",
                        if empty_test { "isempty" } else { "isnotempty" }
                    ))
                }
            }
            Op::Cidr(c) => self.cidr(name, &[c], neg),
            Op::FieldRef(r) => self.field_ref(name, r),
            Op::TimePart(part, n) => {
                let f = self.field(name, As::Time)?;
                let read = match part {
                    TimePart::Week => format!("week_of_year({f})"),
                    other => format!("datetime_part({}, {f})", literal::string(other.name())),
                };
                Ok(self.guard(name, &f, format!("{read} == {n}"), neg))
            }
        }
    }

    /// IPv4 networks go through `ipv4_is_in_any_range`, and, since Defender's IP columns may
    /// hold IPv4-mapped IPv6 text (`::ffff:10.1.2.3`), also through `ipv6_is_in_any_range`
    /// with the mapped network; IPv6 networks only through `ipv6_is_in_any_range`.
    fn cidr(&self, name: &str, nets: &[&Cidr], neg: bool) -> Result<String, ConvertError> {
        let f = self.field(name, As::Text)?;
        let list = |v: Vec<String>| {
            v.iter()
                .map(|s| literal::string(s))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let v6: Vec<String> = nets
            .iter()
            .map(|n| match n.addr {
                IpAddr::V4(a) => format!("::ffff:{a}/{}", u16::from(n.prefix) + 96),
                IpAddr::V6(_) => n.to_string(),
            })
            .collect();
        let text = if nets.iter().all(|n| n.addr.is_ipv4()) {
            let v4 = nets.iter().map(|n| n.to_string()).collect();
            format!(
                "(ipv4_is_in_any_range({f}, {}) or ipv6_is_in_any_range({f}, {}))",
                list(v4),
                list(v6)
            )
        } else {
            format!("ipv6_is_in_any_range({f}, {})", list(v6))
        };
        // The range functions return null for text that is not an address.
        Ok(if neg {
            format!("coalesce({text}, false)")
        } else {
            text
        })
    }

    fn field_ref(&self, name: &str, r: &FieldRef) -> Result<String, ConvertError> {
        let a = self.field(name, As::Text)?;
        let b = self.field(&r.field, As::Text)?;
        Ok(format!("{a} {} {b}", text_op(r.how, r.case)))
    }
}

/// `text` without one pair of parentheses around all of it (`(a and b)` → `a and b`).
fn strip_parens(text: &str) -> &str {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return text;
    };
    // The opening parenthesis must close at the very end (not `(a) or (b)`); quotes and
    // brackets inside literals are skipped.
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let (mut verbatim, mut escaped) = (false, false);
    let mut prev = ' ';
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' && !verbatim => escaped = true,
            // A doubled quote inside a verbatim literal is a quote.
            Some(q) if c == q && verbatim && chars.peek() == Some(&q) => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    verbatim = prev == '@';
                }
                '(' => depth += 1,
                ')' if depth == 0 => return text,
                ')' => depth -= 1,
                _ => {}
            },
        }
        prev = c;
    }
    if depth == 0 && quote.is_none() {
        inner
    } else {
        text
    }
}

/// A string match on the text `f`.
fn str_match(f: &str, m: &StrMatch) -> Result<String, ConvertError> {
    match m {
        StrMatch::Text {
            how: TextOp::Eq,
            value,
            ..
        } if value.is_empty() => Ok(format!("isempty({f})")),
        StrMatch::Text { how, value, case } => Ok(format!(
            "{f} {} {}",
            text_op(*how, *case),
            literal::string(value)
        )),
        StrMatch::Pattern { pattern, case } => {
            if let Some(name) = pattern.placeholders().next() {
                return Err(ConvertError::new(
                    Reason::UnresolvedPlaceholder,
                    format!("placeholder %{name}% has no value: the pipeline does not define it"),
                ));
            }
            if pattern.parts() == [PatternPart::Any] {
                // Any text, the empty one included: KQL strings are never null.
                return Ok("true".into());
            }
            Ok(format!(
                "{f} matches regex {}",
                literal::string(&pattern_regex(pattern, *case))
            ))
        }
        StrMatch::Regex(r) => Ok(format!(
            "{f} matches regex {}",
            literal::string(&regex_text(r))
        )),
    }
}

/// The anchored regex a wildcard pattern is matched with: `(?is)^…$` (`*` spans newlines).
/// Placeholders must be resolved before.
pub fn pattern_regex(pattern: &Pattern, case: Case) -> String {
    let flags = match case {
        Case::Insensitive => "(?is)",
        Case::Sensitive => "(?s)",
    };
    let mut re = format!("{flags}^");
    for p in pattern.parts() {
        match p {
            PatternPart::Lit(l) => re.push_str(&regex_escape(l)),
            PatternPart::Any => re.push_str(".*"),
            PatternPart::One => re.push('.'),
            PatternPart::Placeholder(_) => {}
        }
    }
    re.push('$');
    re
}

/// The KQL operator of a text comparison.
pub(crate) fn text_op(how: TextOp, case: Case) -> &'static str {
    match (how, case) {
        (TextOp::Eq, Case::Insensitive) => "=~",
        (TextOp::Eq, Case::Sensitive) => "==",
        (TextOp::Contains, Case::Insensitive) => "contains",
        (TextOp::Contains, Case::Sensitive) => "contains_cs",
        (TextOp::StartsWith, Case::Insensitive) => "startswith",
        (TextOp::StartsWith, Case::Sensitive) => "startswith_cs",
        (TextOp::EndsWith, Case::Insensitive) => "endswith",
        (TextOp::EndsWith, Case::Sensitive) => "endswith_cs",
    }
}

/// A Sigma regex with its flags as an inline group (RE2 syntax).
pub fn regex_text(r: &Regex) -> String {
    let flags = r.flags.letters();
    if flags.is_empty() {
        r.pattern.clone()
    } else {
        format!("(?{flags}){}", r.pattern)
    }
}

/// Escapes RE2 metacharacters so that `s` matches itself.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A keyword: a case-insensitive substring of any column, as `where * contains`.
fn keyword(m: &StrMatch) -> Result<String, ConvertError> {
    match m {
        StrMatch::Text {
            how: TextOp::Contains,
            value,
            case,
        } => Ok(format!(
            "* {} {}",
            text_op(TextOp::Contains, *case),
            literal::string(value)
        )),
        other => Err(unsupported(format!(
            "keyword {other}: KQL's whole-row search (`where * contains`) has no faithful form for anything but a substring"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_parentheses() {
        assert_eq!(strip_parens("(a and b)"), "a and b");
        assert_eq!(strip_parens("(a) or (b)"), "(a) or (b)");
        assert_eq!(strip_parens(r#"(x == ")(")"#), r#"x == ")(""#);
        assert_eq!(strip_parens(r#"(x == @"a\")"#), r#"x == @"a\""#);
        assert_eq!(
            strip_parens(r#"(x == "a\\" or (y))"#),
            r#"x == "a\\" or (y)"#
        );
        assert_eq!(strip_parens(r#"(x == "a\")"#), r#"(x == "a\")"#);
        assert_eq!(strip_parens("a"), "a");
    }

    #[test]
    fn regex_escaping() {
        assert_eq!(regex_escape(r"C:\a.b(c)*?"), r"C:\\a\.b\(c\)\*\?");
    }
}
