//! An IR expression compiled for one evaluation mode: regexes built once, needles folded
//! once, and every leaf told how to read its field. One arm per IR construct, mirroring the
//! KQL backend in target mode (the decisions come from [`MappedQuery`]) and the Sigma spec in
//! raw mode.

use std::borrow::Cow;
use std::net::IpAddr;

use serde_json::Value;

use super::lookup::{Val, View};
use super::time::DateTime;
use super::{Mode, re2};
use crate::backend::kql;
use crate::ir::{
    Case, Cidr, CmpOp, Expr, FieldPred, Number, Op, PatternPart, StrMatch, TextOp, TimePart,
};
use crate::pipeline::{ColumnType, Derived, MappedQuery};

/// A compiled expression.
#[derive(Debug)]
pub struct Program {
    root: Node,
    mode: Mode,
}

#[derive(Debug)]
enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Leaf(Read, Test),
    /// Target mode: any of many substrings of one field (an `or` of `contains` on it), in one
    /// pass, folded as Kusto folds (A-Z) when case-insensitive.
    AnyContains(Read, aho_corasick::AhoCorasick),
    /// Any of many comparisons of one kind with one field, the field folded once.
    AnyText(Read, TextSet),
    /// A fieldless search: target mode over the given reads (the table's columns and the
    /// joined paths the query extends it with), raw mode over every value of the event.
    Keyword(Matcher, Vec<Read>),
}

/// How a leaf reads its field.
#[derive(Debug, Clone)]
enum Read {
    /// A column (target mode), typed by the table's schema.
    Column(String, ColumnType),
    /// A key inside a JSON column (`tostring(parse_json(C)["k"])`).
    Json(String, Vec<String>),
    /// `parent\child`, or whichever is not empty.
    Join(String, String),
    /// `folder\name`, whichever is not empty, or the folder when it already ends with the name.
    FilePath(String, String),
    /// A field of a raw event (dotted paths, Windows event shapes).
    Raw(String),
}

#[derive(Debug)]
enum Test {
    Str(Matcher),
    /// Target: the number's text compared with the field's text (`F == "5"`).
    NumText(String),
    Num(CmpOp, Number),
    /// Target: `F =~ "true"`.
    BoolText(&'static str),
    Bool(bool),
    /// Target `isnull` (true) / `isnotnull`.
    IsNull(bool),
    /// Target `isempty` (true) / `isnotempty`.
    IsEmpty(bool),
    /// Raw: absent or JSON null.
    Null,
    /// Raw: present (true) or absent.
    Exists(bool),
    Cidr(Cidr),
    FieldRef(Read, TextOp, Case),
    TimePart(TimePart, i64),
}

/// A compiled string comparison.
#[derive(Debug)]
enum Matcher {
    Text {
        how: TextOp,
        /// Folded when case-insensitive.
        needle: String,
        case: Case,
        fold: Fold,
    },
    /// Any text (the pattern `*`).
    Anything,
    Regex(regex::Regex),
}

/// Literals compared the same way with one field.
#[derive(Debug)]
struct TextSet {
    how: TextOp,
    /// How the field is folded (`None`: case-sensitive); the needles are folded already.
    fold: Option<Fold>,
    /// Equality: the needles.
    set: std::collections::HashSet<String>,
    /// The other comparisons: one automaton over the needles (ASCII case folded when the
    /// comparison is case-insensitive), run on the text as it is when folding cannot change
    /// anything else, else on the folded text.
    ac: Option<aho_corasick::AhoCorasick>,
}

impl TextSet {
    fn new(how: TextOp, fold: Option<Fold>, needles: Vec<String>) -> Result<TextSet, String> {
        let ac = match how {
            TextOp::Eq => None,
            _ => Some(
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(fold.is_some())
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .start_kind(aho_corasick::StartKind::Both)
                    .build(&needles)
                    .map_err(|e| format!("a value list does not fit one automaton: {e}"))?,
            ),
        };
        let set = match how {
            TextOp::Eq => needles.into_iter().collect(),
            _ => std::collections::HashSet::new(),
        };
        Ok(TextSet { how, fold, set, ac })
    }

    fn is_match(&self, hay: &str) -> bool {
        let Some(ac) = &self.ac else {
            let hay = match self.fold {
                Some(f) => f.apply(hay),
                None => Cow::Borrowed(hay),
            };
            return self.set.contains(hay.as_ref());
        };
        // ASCII text folds as the automaton does; other text is folded first (Sigma folds
        // every letter; Kusto only A-Z, which the automaton does itself).
        let hay = match self.fold {
            Some(Fold::Unicode) if !hay.is_ascii() => Fold::Unicode.apply(hay),
            _ => Cow::Borrowed(hay),
        };
        let hay = hay.as_ref();
        match self.how {
            TextOp::Contains | TextOp::Eq => ac.is_match(hay),
            TextOp::StartsWith => ac
                .find(aho_corasick::Input::new(hay).anchored(aho_corasick::Anchored::Yes))
                .is_some(),
            TextOp::EndsWith => ac.find_overlapping_iter(hay).any(|m| m.end() == hay.len()),
        }
    }
}

/// How case-insensitive comparisons fold: Kusto folds ASCII only, Sigma any letter.
#[derive(Debug, Clone, Copy)]
enum Fold {
    Ascii,
    Unicode,
}

impl Fold {
    fn apply<'a>(self, s: &'a str) -> Cow<'a, str> {
        match self {
            Fold::Ascii if s.bytes().any(|b| b.is_ascii_uppercase()) => {
                Cow::Owned(s.to_ascii_lowercase())
            }
            Fold::Ascii => Cow::Borrowed(s),
            // ASCII text lower-cases as ASCII.
            Fold::Unicode if s.is_ascii() => Fold::Ascii.apply(s),
            Fold::Unicode => Cow::Owned(s.to_lowercase()),
        }
    }
}

fn text_op(how: TextOp, hay: &str, needle: &str) -> bool {
    match how {
        TextOp::Eq => hay == needle,
        TextOp::Contains => hay.contains(needle),
        TextOp::StartsWith => hay.starts_with(needle),
        TextOp::EndsWith => hay.ends_with(needle),
    }
}

/// [`text_op`] of ASCII text folded to lower case as it is compared with a folded needle.
fn text_op_ascii_folded(how: TextOp, hay: &[u8], needle: &[u8]) -> bool {
    let same = |a: &[u8]| a.eq_ignore_ascii_case(needle);
    let n = needle.len();
    match how {
        TextOp::Eq => same(hay),
        TextOp::StartsWith => hay.get(..n).is_some_and(same),
        TextOp::EndsWith => hay.len() >= n && hay.get(hay.len() - n..).is_some_and(same),
        TextOp::Contains => {
            let Some(&first) = needle.first() else {
                return true;
            };
            // Candidates start with the first byte in either case.
            let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
            memchr::memchr2_iter(lo, up, hay).any(|at| hay.get(at..at + n).is_some_and(same))
        }
    }
}

impl Matcher {
    fn new(m: &StrMatch, mode: Mode) -> Result<Matcher, String> {
        let fold = match mode {
            Mode::Target => Fold::Ascii,
            Mode::Raw => Fold::Unicode,
        };
        let compile = |text: &str| match mode {
            Mode::Target => re2::kusto(text),
            Mode::Raw => re2::build(text),
        };
        Ok(match m {
            StrMatch::Text { how, value, case } => Matcher::Text {
                how: *how,
                needle: match case {
                    Case::Insensitive => fold.apply(value).into_owned(),
                    Case::Sensitive => value.clone(),
                },
                case: *case,
                fold,
            },
            StrMatch::Pattern { pattern, case } => {
                if let Some(name) = pattern.placeholders().next() {
                    return Err(format!(
                        "placeholder %{name}% has no value: the pipeline does not define it"
                    ));
                }
                if pattern.parts() == [PatternPart::Any] {
                    Matcher::Anything
                } else {
                    Matcher::Regex(compile(&kql::pattern_regex(pattern, *case))?)
                }
            }
            StrMatch::Regex(r) => Matcher::Regex(
                compile(&kql::regex_text(r))
                    .map_err(|e| format!("regex {:?} does not compile: {e}", r.pattern))?,
            ),
        })
    }

    fn is_match(&self, hay: &str) -> bool {
        match self {
            Matcher::Text {
                how,
                needle,
                case: Case::Sensitive,
                ..
            } => text_op(*how, hay, needle),
            // ASCII text against a folded needle: compared folding as it goes, no copy.
            Matcher::Text { how, needle, .. } if hay.is_ascii() => {
                text_op_ascii_folded(*how, hay.as_bytes(), needle.as_bytes())
            }
            Matcher::Text {
                how, needle, fold, ..
            } => text_op(*how, &fold.apply(hay), needle),
            Matcher::Anything => true,
            Matcher::Regex(r) => r.is_match(hay),
        }
    }
}

impl Program {
    /// Compiles a rule's mapped condition (with its route filter) for target mode.
    pub fn target(q: &MappedQuery, e: &Expr) -> Result<Program, String> {
        Ok(Program {
            root: node(e, &Ctx::Target(q))?,
            mode: Mode::Target,
        })
    }

    /// Compiles an unmapped condition for raw mode.
    pub fn raw(e: &Expr) -> Result<Program, String> {
        Ok(Program {
            root: node(e, &Ctx::Raw)?,
            mode: Mode::Raw,
        })
    }

    /// Whether the event satisfies the expression.
    pub fn matches(&self, event: &Value) -> bool {
        eval(&self.root, View::Json(event), self.mode)
    }

    /// [`Program::matches`] on an event however it was read.
    pub fn matches_view(&self, event: View) -> bool {
        eval(&self.root, event, self.mode)
    }
}

enum Ctx<'a> {
    Target(&'a MappedQuery),
    Raw,
}

impl Ctx<'_> {
    /// What `where *` searches: every column of the table, and the joined paths.
    fn every_column(&self) -> Vec<Read> {
        let Ctx::Target(q) = self else {
            return Vec::new();
        };
        let mut reads: Vec<Read> = q
            .table_schema()
            .map(|t| {
                t.column_names()
                    .map(|c| Read::Column(c.to_string(), q.field_type(c)))
                    .collect()
            })
            .unwrap_or_default();
        for (name, d) in &q.derived {
            if !matches!(d, Derived::Json { .. }) {
                reads.push(self.read(name));
            }
        }
        reads
    }

    fn mode(&self) -> Mode {
        match self {
            Ctx::Target(_) => Mode::Target,
            Ctx::Raw => Mode::Raw,
        }
    }

    fn read(&self, field: &str) -> Read {
        match self {
            Ctx::Raw => Read::Raw(field.to_string()),
            Ctx::Target(q) => match q.derived.get(field) {
                Some(Derived::Json { column, path }) => Read::Json(column.clone(), path.clone()),
                Some(Derived::Join { parent, child }) => Read::Join(parent.clone(), child.clone()),
                Some(Derived::FilePath { folder, name }) => {
                    Read::FilePath(folder.clone(), name.clone())
                }
                None => Read::Column(field.to_string(), q.field_type(field)),
            },
        }
    }
}

fn node(e: &Expr, ctx: &Ctx) -> Result<Node, String> {
    Ok(match e {
        Expr::And(v) => Node::All(v.iter().map(|x| node(x, ctx)).collect::<Result<_, _>>()?),
        Expr::Or(v) => any_of(v, ctx)?,
        Expr::Not(x) => Node::Not(Box::new(node(x, ctx)?)),
        Expr::Keyword(m) => Node::Keyword(Matcher::new(m, ctx.mode())?, ctx.every_column()),
        Expr::Field(p) => leaf(p, ctx)?,
    })
}

/// At least this many comparisons of one kind on one field in one `or` are run together.
const MANY: usize = 4;

/// A text comparison with a non-empty literal: its group (field, operator, case) and value.
fn text_test(e: &Expr) -> Option<((&str, TextOp, Case), &str)> {
    match e {
        Expr::Field(FieldPred {
            field,
            op: Op::Str(StrMatch::Text { how, value, case }),
        }) if !value.is_empty() => Some(((field.as_str(), *how, *case), value.as_str())),
        _ => None,
    }
}

/// An `or`: comparisons of one kind on one field (a rule's value list) run together, the
/// field read and folded once: `contains` in target mode as one Aho-Corasick automaton
/// (folding A-Z, as Kusto), equality as a set lookup, the others over the list. The rest are
/// compiled one by one. The order of an `or` does not matter.
fn any_of(v: &[Expr], ctx: &Ctx) -> Result<Node, String> {
    let mut groups: indexmap::IndexMap<(&str, TextOp, Case), Vec<&str>> = indexmap::IndexMap::new();
    for (key, value) in v.iter().filter_map(text_test) {
        groups.entry(key).or_default().push(value);
    }
    groups.retain(|_, values| values.len() >= MANY);
    let mut out = Vec::with_capacity(v.len());
    for e in v {
        if !text_test(e).is_some_and(|(key, _)| groups.contains_key(&key)) {
            out.push(node(e, ctx)?);
        }
    }
    let fold = match ctx.mode() {
        Mode::Target => Fold::Ascii,
        Mode::Raw => Fold::Unicode,
    };
    for ((field, how, case), values) in groups {
        let read = ctx.read(field);
        let insensitive = case == Case::Insensitive;
        if how == TextOp::Contains && fold_is_ascii(fold) {
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(insensitive)
                .build(&values)
                .map_err(|e| {
                    format!("the `contains` values of `{field}` do not fit one automaton: {e}")
                })?;
            out.push(Node::AnyContains(read, ac));
            continue;
        }
        let needles: Vec<String> = values
            .iter()
            .map(|v| {
                if insensitive {
                    fold.apply(v).into_owned()
                } else {
                    (*v).to_string()
                }
            })
            .collect();
        let set = TextSet::new(how, insensitive.then_some(fold), needles)
            .map_err(|e| format!("`{field}`: {e}"))?;
        out.push(Node::AnyText(read, set));
    }
    Ok(Node::Any(out))
}

fn fold_is_ascii(f: Fold) -> bool {
    matches!(f, Fold::Ascii)
}

fn leaf(p: &FieldPred, ctx: &Ctx) -> Result<Node, String> {
    let read = ctx.read(&p.field);
    let test = match (&p.op, ctx) {
        (Op::Str(m), _) => Test::Str(Matcher::new(m, ctx.mode())?),
        (Op::Num(cmp, n), Ctx::Target(q)) if q.number_as_text(&p.field, *cmp) => {
            Test::NumText(n.to_string())
        }
        (Op::Num(cmp, n), _) => Test::Num(*cmp, *n),
        (Op::Bool(b), Ctx::Target(q)) if q.bool_as_text(&p.field) => {
            Test::BoolText(if *b { "true" } else { "false" })
        }
        (Op::Bool(b), _) => Test::Bool(*b),
        (Op::Null | Op::Exists(_), Ctx::Target(q)) => {
            let empty = matches!(p.op, Op::Null | Op::Exists(false));
            if q.null_means_isnull(&p.field) {
                Test::IsNull(empty)
            } else {
                Test::IsEmpty(empty)
            }
        }
        (Op::Null, Ctx::Raw) => Test::Null,
        (Op::Exists(b), Ctx::Raw) => Test::Exists(*b),
        (Op::Cidr(c), _) => Test::Cidr(*c),
        (Op::FieldRef(r), _) => Test::FieldRef(ctx.read(&r.field), r.how, r.case),
        (Op::TimePart(part, n), _) => Test::TimePart(*part, *n),
    };
    Ok(Node::Leaf(read, test))
}

fn eval(n: &Node, event: View, mode: Mode) -> bool {
    match n {
        Node::All(v) => v.iter().all(|x| eval(x, event, mode)),
        Node::Any(v) => v.iter().any(|x| eval(x, event, mode)),
        Node::Not(x) => !eval(x, event, mode),
        Node::Keyword(m, reads) => keyword(event, m, reads, mode),
        Node::AnyText(Read::Raw(field), set) => {
            event.any_value(field, |v| v.text().is_some_and(|t| set.is_match(&t)))
        }
        Node::Leaf(Read::Raw(field), test) => raw_leaf(event, field, test),
        // Target mode reads rows, which are always JSON (flat events are raw mode's).
        Node::AnyContains(read, ac) => {
            let row = event.json();
            ac.is_match(read_cell(&row, read).text().as_ref())
        }
        Node::AnyText(read, set) => {
            let row = event.json();
            set.is_match(&read_cell(&row, read).text())
        }
        Node::Leaf(read, test) => target_leaf(&event.json(), read, test),
    }
}

// ---------------------------------------------------------------------------------------------
// Target mode: Kusto's reading of a row.

/// A cell as Kusto holds it once ingested into its column's type.
enum Cell<'a> {
    Null,
    Str(Cow<'a, str>),
    Int(i64),
    Real(f64),
    Bool(bool),
    /// A datetime, with the text it was read from.
    Time(DateTime, &'a str),
    Dynamic(&'a Value),
}

/// Ingestion: a JSON value put into a typed column (what does not fit is null).
fn cell<'a>(v: Option<&'a Value>, ty: ColumnType) -> Cell<'a> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return match ty {
            ColumnType::String => Cell::Str(Cow::Borrowed("")),
            _ => Cell::Null,
        };
    };
    match ty {
        ColumnType::String | ColumnType::Other => match v {
            Value::String(s) => Cell::Str(Cow::Borrowed(s)),
            Value::Number(n) => Cell::Str(Cow::Owned(n.to_string())),
            Value::Bool(b) => Cell::Str(Cow::Borrowed(if *b { "true" } else { "false" })),
            other if ty == ColumnType::String => Cell::Str(Cow::Owned(other.to_string())),
            _ => Cell::Null,
        },
        ColumnType::Integer => match v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map_or(Cell::Null, Cell::Int),
            Value::String(s) => s.trim().parse().map_or(Cell::Null, Cell::Int),
            _ => Cell::Null,
        },
        ColumnType::Real => match v {
            Value::Number(n) => n.as_f64().map_or(Cell::Null, Cell::Real),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map_or(Cell::Null, Cell::Real),
            _ => Cell::Null,
        },
        ColumnType::Bool => match v {
            Value::Bool(b) => Cell::Bool(*b),
            Value::String(s) => parse_bool(s).map_or(Cell::Null, Cell::Bool),
            Value::Number(n) => n.as_i64().map_or(Cell::Null, |i| Cell::Bool(i != 0)),
            _ => Cell::Null,
        },
        ColumnType::DateTime => match v {
            Value::String(s) => DateTime::parse(s).map_or(Cell::Null, |t| Cell::Time(t, s)),
            _ => Cell::Null,
        },
        ColumnType::Dynamic => Cell::Dynamic(v),
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `tostring()` of a dynamic value: strings as they are, null as "", the rest as JSON.
fn dynamic_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::Null => Cow::Borrowed(""),
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

impl Cell<'_> {
    /// `tostring()`.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Str(s) => Cow::Borrowed(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Real(f) => Cow::Owned(f.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            // A datetime compared as text: the text as given (Kusto would print it as
            // `2026-11-20T09:14:03.5120000Z`; rules do not compare timestamps as text).
            Cell::Time(_, s) => Cow::Borrowed(s),
            Cell::Dynamic(v) => dynamic_text(v),
        }
    }

    /// The number the backend's read gives: a numeric column as it is; anything else through
    /// `tolong()` (`integer`) or `todouble()`; `None` for null.
    fn number(&self, integer: bool) -> Option<Number> {
        match self {
            Cell::Int(i) => Some(Number::Int(*i)),
            Cell::Real(f) => Some(Number::Float(*f)),
            Cell::Bool(b) => Some(Number::Int(i64::from(*b))),
            Cell::Str(s) => text_number(s, integer),
            Cell::Dynamic(v) => match v {
                Value::Number(n) if integer => n
                    .as_i64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| f.is_finite())
                            .map(|f| f.trunc() as i64)
                    })
                    .map(Number::Int),
                Value::Number(n) => n.as_f64().map(Number::Float),
                Value::String(s) => text_number(s, integer),
                Value::Bool(b) => Some(Number::Int(i64::from(*b))),
                _ => None,
            },
            Cell::Null | Cell::Time(..) => None,
        }
    }

    /// `tobool()`: `true`/`false` in any case, or an integer (non-zero is true).
    fn boolean(&self) -> Option<bool> {
        let text = |s: &str| parse_bool(s.trim()).or_else(|| tolong(s).map(|i| i != 0));
        match self {
            Cell::Bool(b) => Some(*b),
            Cell::Int(i) => Some(*i != 0),
            Cell::Str(s) => text(s),
            Cell::Dynamic(Value::Bool(b)) => Some(*b),
            Cell::Dynamic(Value::String(s)) => text(s),
            Cell::Dynamic(Value::Number(n)) => n.as_i64().map(|i| i != 0),
            _ => None,
        }
    }

    /// `todatetime()`.
    fn time(&self) -> Option<DateTime> {
        match self {
            Cell::Time(t, _) => Some(*t),
            Cell::Str(s) => DateTime::parse(s),
            Cell::Dynamic(Value::String(s)) => DateTime::parse(s),
            _ => None,
        }
    }
}

/// `tolong()` of text: an optionally signed decimal integer, or `0x` hexadecimal, spaces
/// around allowed; anything else (`5.7`, `1e3`, an overflow) is null.
fn tolong(s: &str) -> Option<i64> {
    let t = s.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            i64::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None => t.parse().ok(),
    }
}

/// `tolong()` (`integer`) or `todouble()` of text.
fn text_number(s: &str, integer: bool) -> Option<Number> {
    if integer {
        tolong(s).map(Number::Int)
    } else {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Number::Float)
    }
}

fn parse_number(s: &str) -> Option<Number> {
    s.parse::<i64>().map(Number::Int).ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Number::Float)
    })
}

fn column<'a>(row: &'a Value, name: &str, ty: ColumnType) -> Cell<'a> {
    cell(row.get(name), ty)
}

/// The field as Kusto reads it.
fn read_cell<'a>(row: &'a Value, read: &Read) -> Cell<'a> {
    match read {
        Read::Column(name, ty) => column(row, name, *ty),
        Read::Json(col, path) => {
            let root = match row.get(col.as_str()) {
                Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                    Ok(v) => v,
                    Err(_) => return Cell::Null,
                },
                Some(v) => v.clone(),
                None => return Cell::Null,
            };
            let mut at = &root;
            for key in path {
                match at.get(key.as_str()) {
                    Some(v) => at = v,
                    None => return Cell::Null,
                }
            }
            match at {
                Value::Null => Cell::Null,
                Value::String(s) => Cell::Str(Cow::Owned(s.clone())),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => Cell::Int(i),
                    None => n.as_f64().map_or(Cell::Null, Cell::Real),
                },
                Value::Bool(b) => Cell::Bool(*b),
                other => Cell::Str(Cow::Owned(other.to_string())),
            }
        }
        Read::Join(parent, child) => {
            let (p, c) = (
                column(row, parent, ColumnType::String),
                column(row, child, ColumnType::String),
            );
            let (p, c) = (p.text(), c.text());
            Cell::Str(Cow::Owned(match (p.is_empty(), c.is_empty()) {
                (_, true) => p.into_owned(),
                (true, false) => c.into_owned(),
                (false, false) => format!("{p}\\{c}"),
            }))
        }
        Read::FilePath(folder, name) => {
            let (f, n) = (
                column(row, folder, ColumnType::String),
                column(row, name, ColumnType::String),
            );
            let (f, n) = (f.text(), n.text());
            let tail = format!("\\{n}").to_ascii_lowercase();
            Cell::Str(Cow::Owned(
                if n.is_empty() || f.to_ascii_lowercase().ends_with(&tail) {
                    f.into_owned()
                } else if f.is_empty() {
                    n.into_owned()
                } else {
                    format!("{f}\\{n}")
                },
            ))
        }
        Read::Raw(_) => Cell::Null,
    }
}

fn compare(cmp: CmpOp, a: Number, b: Number) -> bool {
    use std::cmp::Ordering;
    let ord = match (a, b) {
        (Number::Int(x), Number::Int(y)) => Some(x.cmp(&y)),
        _ => a.as_f64().partial_cmp(&b.as_f64()),
    };
    let Some(ord) = ord else { return false };
    match cmp {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Gte => ord != Ordering::Less,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Lte => ord != Ordering::Greater,
    }
}

/// An address in a network, Kusto's way: IPv4 text against IPv4 networks, and an address
/// against IPv6 networks with IPv4 seen as IPv4-mapped IPv6 (`::ffff:a.b.c.d`).
fn in_network(net: &Cidr, text: &str) -> bool {
    let Ok(ip) = text.trim().parse::<IpAddr>() else {
        return false;
    };
    match (net.addr, ip) {
        (IpAddr::V4(_), IpAddr::V4(_)) => net.contains(ip),
        (IpAddr::V4(_), IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .is_some_and(|v4| net.contains(IpAddr::V4(v4))),
        (IpAddr::V6(_), IpAddr::V4(v4)) => net.contains(IpAddr::V6(v4.to_ipv6_mapped())),
        (IpAddr::V6(_), IpAddr::V6(_)) => net.contains(ip),
    }
}

fn target_leaf(row: &Value, read: &Read, test: &Test) -> bool {
    let c = read_cell(row, read);
    match test {
        Test::Str(m) => m.is_match(&c.text()),
        Test::NumText(n) => c.text() == n.as_str(),
        Test::Num(cmp, n) => c
            .number(matches!(n, Number::Int(_)))
            .is_some_and(|v| compare(*cmp, v, *n)),
        Test::BoolText(b) => c.text().eq_ignore_ascii_case(b),
        Test::Bool(b) => c.boolean() == Some(*b),
        Test::IsNull(want) => matches!(c, Cell::Null) == *want,
        Test::IsEmpty(want) => c.text().is_empty() == *want,
        Test::Cidr(net) => in_network(net, &c.text()),
        Test::FieldRef(other, how, case) => {
            let o = read_cell(row, other);
            let m = Matcher::Text {
                how: *how,
                needle: match case {
                    Case::Insensitive => o.text().to_ascii_lowercase(),
                    Case::Sensitive => o.text().into_owned(),
                },
                case: *case,
                fold: Fold::Ascii,
            };
            m.is_match(&c.text())
        }
        Test::TimePart(part, n) => c.time().is_some_and(|t| t.part(*part) == *n),
        // Raw-mode tests are never compiled for target mode.
        Test::Null | Test::Exists(_) => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Raw mode: the Sigma spec over JSON values.

fn raw_number(v: Val) -> Option<Number> {
    match v {
        Val::Num(n) => n
            .as_i64()
            .map(Number::Int)
            .or_else(|| n.as_f64().map(Number::Float)),
        Val::Str(s) => parse_number(s.trim()),
        _ => None,
    }
}

fn raw_leaf(event: View, field: &str, test: &Test) -> bool {
    match test {
        // Presence: a field holding `[]` is present (and not null).
        Test::Null => {
            let found = event.found(field);
            found.is_empty() || found.iter().any(|v| v.is_null())
        }
        Test::Exists(want) => event.found(field).is_empty() != *want,
        Test::FieldRef(Read::Raw(other), how, case) => {
            let (values, others) = (event.values(field), event.values(other));
            values.iter().filter_map(|v| v.text()).any(|a| {
                others.iter().filter_map(|v| v.text()).any(|b| {
                    let m = Matcher::Text {
                        how: *how,
                        needle: match case {
                            Case::Insensitive => b.to_lowercase(),
                            Case::Sensitive => b.into_owned(),
                        },
                        case: *case,
                        fold: Fold::Unicode,
                    };
                    m.is_match(&a)
                })
            })
        }
        test => event.any_value(field, |v| raw_value(v, test)),
    }
}

fn raw_value(v: Val, test: &Test) -> bool {
    match test {
        Test::Str(m) => v.text().is_some_and(|t| m.is_match(&t)),
        Test::Num(cmp, n) => raw_number(v).is_some_and(|x| compare(*cmp, x, *n)),
        Test::Bool(b) => match v {
            Val::Bool(x) => x == *b,
            Val::Str(s) => parse_bool(s.trim()) == Some(*b),
            _ => false,
        },
        Test::Cidr(net) => v.as_str().is_some_and(|s| in_network(net, s)),
        Test::TimePart(part, n) => v
            .as_str()
            .and_then(DateTime::parse)
            .is_some_and(|t| t.part(*part) == *n),
        // Target-only tests, and the ones handled on the whole value list.
        Test::NumText(_)
        | Test::BoolText(_)
        | Test::IsNull(_)
        | Test::IsEmpty(_)
        | Test::Null
        | Test::Exists(_)
        | Test::FieldRef(..) => false,
    }
}

/// A keyword holds when it holds for any value of the event: in raw mode any scalar at any
/// depth (metadata keys `_…` left out); in target mode any column of the table or joined path
/// (`where * contains`).
fn keyword(event: View, m: &Matcher, reads: &[Read], mode: Mode) -> bool {
    fn any_scalar(v: Val, m: &Matcher) -> bool {
        match v {
            Val::Json(Value::Object(o)) => o.values().any(|x| any_scalar(Val::of(x), m)),
            Val::Json(Value::Array(a)) => a.iter().any(|x| any_scalar(Val::of(x), m)),
            v => v.text().is_some_and(|t| m.is_match(&t)),
        }
    }
    match (mode, event) {
        (Mode::Raw, View::Json(v)) if !v.is_object() => any_scalar(Val::of(v), m),
        (Mode::Raw, event) => event
            .entries()
            .filter(|(k, _)| !k.starts_with('_'))
            .any(|(_, v)| any_scalar(v, m)),
        (Mode::Target, row) => {
            let row = row.json();
            reads.iter().any(|r| m.is_match(&read_cell(&row, r).text()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kusto_folds_ascii_only_sigma_folds_all() {
        let m = |mode| {
            Matcher::new(
                &StrMatch::Text {
                    how: TextOp::Eq,
                    value: "ÉCOLE.exe".into(),
                    case: Case::Insensitive,
                },
                mode,
            )
            .unwrap()
        };
        // Kusto folds only A-Z: a lower-case é is not the É of the value.
        assert!(!m(Mode::Target).is_match("école.EXE"));
        assert!(m(Mode::Target).is_match("ÉCOLE.EXE"));
        assert!(m(Mode::Target).is_match("École.exe"));
        assert!(m(Mode::Raw).is_match("école.exe"));
    }

    #[test]
    fn networks_see_mapped_addresses() {
        let v4 = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(in_network(&v4, "10.1.2.3"));
        assert!(in_network(&v4, "::ffff:10.1.2.3"));
        assert!(!in_network(&v4, "11.1.2.3"));
        assert!(!in_network(&v4, "not an address"));
        let v6 = Cidr::parse("::ffff:0:0/96").unwrap();
        assert!(in_network(&v6, "192.168.1.1"));
    }

    #[test]
    fn ingestion_types_cells() {
        assert!(matches!(cell(None, ColumnType::String), Cell::Str(s) if s.is_empty()));
        assert!(matches!(
            cell(Some(&json!("12")), ColumnType::Integer),
            Cell::Int(12)
        ));
        assert!(matches!(
            cell(Some(&json!("x")), ColumnType::Integer),
            Cell::Null
        ));
        assert!(matches!(cell(Some(&json!(7)), ColumnType::String), Cell::Str(s) if s == "7"));
        assert!(matches!(
            cell(Some(&json!(null)), ColumnType::Bool),
            Cell::Null
        ));
    }
}
