//! Rows generated from a rule's own values, for differential testing (the evaluator against
//! a KQL engine running the generated query) and as a start for fixtures: rows that satisfy
//! the rule along different branches, and near misses (one value changed, case flipped, a
//! character dropped), typed by the table's schema. Deterministic for a seed.

use serde_json::{Map, Value};

use crate::ir::{CmpOp, Expr, Number, Op, PatternPart, StrMatch, TextOp, TimePart};
use crate::pipeline::{ColumnType, Derived, MappedQuery, Target};

/// A small deterministic generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// `n` rows for the query `q` (route filter, condition and exclusions), each with `_table`
/// and a `ReportId` counting from `first_id`.
pub fn rows(q: &MappedQuery, n: usize, rng: &mut Rng, first_id: i64) -> Vec<Value> {
    let whole = match &q.filter {
        Some(f) => Expr::and(vec![f.clone(), q.expr.clone()]),
        None => q.expr.clone(),
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let g = Gen { q: Some(q) };
        let mut row = g.row(&whole, i, rng);
        // Exclusions: sometimes matched, sometimes not.
        for x in &q.exclusions {
            if rng.chance(40) {
                g.assign(&x.expr, rng.chance(60), &mut row, rng);
            }
        }
        row.insert("_table".into(), Value::String(q.table.clone()));
        row.insert("ReportId".into(), Value::from(first_id + i as i64));
        out.push(Value::Object(row));
    }
    out
}

fn leaves(e: &Expr) -> Vec<&Expr> {
    let mut v = Vec::new();
    e.for_each_leaf(&mut |l| v.push(l));
    v
}

/// Raw events for a rule condition `e` (Sigma field names, as Sysmon writes them), in the
/// channel and with an event id of the rule's Windows log source when it has one (renamed as
/// that source names its fields: Security 4688 for process creation): the same mix as
/// [`rows`], for checking raw mode against itself (the prefilter against `--exhaustive`).
pub fn raw_events(rule: &crate::rule::Rule, e: &Expr, n: usize, rng: &mut Rng) -> Vec<Value> {
    let g = Gen { q: None };
    let sources = super::logsource::sources(&rule.logsource);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut row = g.row(e, i, rng);
        if let Some((channel, ids, fields)) = sources.get(rng.below(sources.len().max(1))) {
            let mut renamed = Map::new();
            for (k, v) in row {
                let k = fields.get(&k).cloned().unwrap_or(k);
                renamed.entry(k).or_insert(v);
            }
            row = renamed;
            row.insert("Channel".into(), Value::String(channel.clone()));
            if let Some(id) = ids.get(rng.below(ids.len().max(1))) {
                row.insert("EventID".into(), Value::from(*id));
            }
        }
        out.push(Value::Object(row));
    }
    out
}

/// Target mode: the mapped query the rows are for; raw mode: none (Sigma names, as written).
struct Gen<'a> {
    q: Option<&'a MappedQuery>,
}

/// Texts that exercise the edges of string matching: case, non-ASCII, LIKE and regex
/// metacharacters, quotes, a newline.
const ODD: &[&str] = &[
    "",
    "x",
    "É",
    "50%_off",
    "a\\b",
    "\"q\"",
    "line1\nline2",
    "C:\\Windows\\",
];

fn flip_case(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn drop_char(s: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return "z".into();
    }
    let at = rng.below(chars.len());
    chars
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, c)| *c)
        .collect()
}

impl Gen<'_> {
    /// The `i`-th of a rule's rows: it satisfies `e` along a random branch (`i` % 4 = 0, 1),
    /// satisfies it with one value then broken (a near miss, 2), or falsifies it (3).
    fn row(&self, e: &Expr, i: usize, rng: &mut Rng) -> Map<String, Value> {
        let mut row = Map::new();
        match i % 4 {
            0 | 1 => self.assign(e, true, &mut row, rng),
            2 => {
                self.assign(e, true, &mut row, rng);
                let leaves = leaves(e);
                if !leaves.is_empty() {
                    let l = leaves[rng.below(leaves.len())];
                    if let Expr::Field(p) = l {
                        for c in self.columns(&p.field) {
                            row.remove(&c);
                        }
                    }
                    self.assign(l, false, &mut row, rng);
                }
            }
            _ => self.assign(e, false, &mut row, rng),
        }
        row
    }

    /// The columns a field is stored in.
    fn columns(&self, field: &str) -> Vec<String> {
        match self.q.and_then(|q| q.derived.get(field)) {
            Some(d) => d.columns().into_iter().map(str::to_string).collect(),
            None => vec![field.to_string()],
        }
    }

    /// Sets what makes `e` come out as `want` (first assignment of a column wins; later
    /// leaves on the same column may then not hold, which is a test case too).
    fn assign(&self, e: &Expr, want: bool, row: &mut Map<String, Value>, rng: &mut Rng) {
        match (e, want) {
            (Expr::And(v), true) | (Expr::Or(v), false) => {
                for x in v {
                    self.assign(x, want, row, rng);
                }
            }
            (Expr::And(v), false) | (Expr::Or(v), true) => {
                if !v.is_empty() {
                    let x = &v[rng.below(v.len())];
                    self.assign(x, want, row, rng);
                }
            }
            (Expr::Not(x), w) => self.assign(x, !w, row, rng),
            (Expr::Keyword(m), w) => {
                let v = text_for(m, w, rng);
                let field = if self.q.is_some() {
                    "ProcessCommandLine"
                } else {
                    "CommandLine"
                };
                row.entry(field).or_insert(Value::String(v));
            }
            (Expr::Field(p), w) => {
                // A second substring test on a column already set: grow the text so that both
                // can hold (`contains a` and `endswith b` → `…a…b`).
                if let (true, Op::Str(StrMatch::Text { how, value, .. }), None) =
                    (w, &p.op, self.q.and_then(|q| q.derived.get(&p.field)))
                    && let Some(Value::String(have)) = row.get(&p.field)
                {
                    let grown = match how {
                        TextOp::Eq => return,
                        TextOp::Contains | TextOp::EndsWith => format!("{have}{value}"),
                        TextOp::StartsWith => format!("{value}{have}"),
                    };
                    row.insert(p.field.clone(), Value::String(grown));
                    return;
                }
                let value = self.value(&p.field, &p.op, w, row, rng);
                if let Some(v) = value {
                    self.set(&p.field, v, row);
                }
            }
        }
    }

    fn set(&self, field: &str, v: Value, row: &mut Map<String, Value>) {
        let Some(q) = self.q else {
            // Raw: the name as written (a dotted name as one key, which lookups read first).
            row.entry(field).or_insert(v);
            return;
        };
        let target = match q.derived.get(field) {
            Some(d @ (Derived::FilePath { .. } | Derived::Join { .. } | Derived::Json { .. })) => {
                Target::Derived(d.clone())
            }
            None => Target::Column(field.to_string()),
        };
        if let Target::Derived(Derived::Json { column, .. }) = &target {
            // JSON columns are stored as JSON text in Defender: build the object, then write it.
            let mut obj = match row.remove(column) {
                Some(Value::String(s)) => {
                    serde_json::from_str::<Map<String, Value>>(&s).unwrap_or_default()
                }
                _ => Map::new(),
            };
            let mut tmp = Map::new();
            tmp.insert(column.clone(), Value::Object(std::mem::take(&mut obj)));
            super::row::put(&mut tmp, &target, None, v);
            if let Some(o) = tmp.remove(column) {
                row.insert(column.clone(), Value::String(o.to_string()));
            }
            return;
        }
        super::row::put(row, &target, None, v);
    }

    fn ty(&self, field: &str) -> ColumnType {
        // Raw events hold what the source wrote: any JSON type.
        self.q.map_or(ColumnType::Dynamic, |q| q.field_type(field))
    }

    fn value(
        &self,
        field: &str,
        op: &Op,
        want: bool,
        row: &Map<String, Value>,
        rng: &mut Rng,
    ) -> Option<Value> {
        let ty = self.ty(field);
        Some(match op {
            Op::Str(m) => Value::String(text_for(m, want, rng)),
            Op::Num(cmp, n) => {
                let x = number_for(*cmp, *n, want, rng);
                // The number's other spellings: text that is not a number, spaces, hexadecimal,
                // a fraction, numeric text in a numeric column (Kusto ingests it as a number).
                let text = match (x, rng.below(8)) {
                    (_, 0) => "not a number".to_string(),
                    (Number::Int(i), 1) => format!(" {i}"),
                    (Number::Int(i), 2) if i >= 0 => format!("0x{i:x}"),
                    (Number::Int(i), 3) => format!("{i}.7"),
                    (x, _) => x.to_string(),
                };
                match (ty, rng.below(4)) {
                    (ColumnType::String, _) => Value::String(text),
                    (_, 0) => Value::String(x.to_string()),
                    (_, 1) if matches!(x, Number::Int(_)) => Value::from(x.as_f64() + 0.5),
                    _ => match x {
                        Number::Int(i) => Value::from(i),
                        Number::Float(f) => Value::from(f),
                    },
                }
            }
            Op::Bool(b) => {
                let v = if want { *b } else { !*b };
                match ty {
                    ColumnType::String => Value::String(if rng.chance(50) {
                        v.to_string()
                    } else {
                        flip_case(&v.to_string())
                    }),
                    _ => Value::Bool(v),
                }
            }
            Op::Null | Op::Exists(false) => {
                if want {
                    return None;
                }
                self.some_value(ty, rng)
            }
            Op::Exists(true) => {
                if !want {
                    return None;
                }
                self.some_value(ty, rng)
            }
            Op::Cidr(c) => {
                let inside = c.addr.to_string();
                Value::String(match (want, c.addr.is_ipv4(), rng.below(3)) {
                    (true, true, 0) => format!("::ffff:{inside}"),
                    (true, _, _) => inside,
                    (false, _, 0) => "not-an-address".into(),
                    (false, true, _) => "203.0.113.250".into(),
                    (false, false, _) => "2001:db8:ffff::1".into(),
                })
            }
            Op::FieldRef(r) => {
                let other = row
                    .get(&r.field)
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let base = other.unwrap_or_else(|| "shared-value".into());
                if want {
                    Value::String(base)
                } else {
                    Value::String(format!("{base}-other"))
                }
            }
            Op::TimePart(part, n) => {
                let n = if want { *n } else { *n + 1 };
                let (mut y, mut mo, mut d, mut h, mut mi) = (2026, 11, 20, 9, 14);
                match part {
                    TimePart::Minute => mi = n.clamp(0, 59),
                    TimePart::Hour => h = n.clamp(0, 23),
                    TimePart::Day => d = n.clamp(1, 28),
                    TimePart::Month => mo = n.clamp(1, 12),
                    TimePart::Year => y = n.clamp(1900, 2999),
                    TimePart::Week => d = (n * 7 % 28).clamp(1, 28),
                }
                Value::String(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z"))
            }
        })
    }

    fn some_value(&self, ty: ColumnType, rng: &mut Rng) -> Value {
        match ty {
            ColumnType::Integer | ColumnType::Real => Value::from(rng.below(5000) as i64),
            ColumnType::Bool => Value::Bool(rng.chance(50)),
            ColumnType::DateTime => Value::String("2026-11-20T09:14:03Z".into()),
            _ => Value::String(ODD[1 + rng.below(ODD.len() - 1)].to_string()),
        }
    }
}

fn number_for(cmp: CmpOp, n: Number, want: bool, rng: &mut Rng) -> Number {
    let delta = match (cmp, want) {
        (CmpOp::Eq, true) => 0,
        (CmpOp::Eq, false) => 1 + rng.below(3) as i64,
        (CmpOp::Gt, true) | (CmpOp::Gte, true) | (CmpOp::Lt, false) | (CmpOp::Lte, false) => {
            rng.below(3) as i64 + i64::from(matches!(cmp, CmpOp::Gt | CmpOp::Lte))
        }
        _ => -(rng.below(3) as i64) - i64::from(matches!(cmp, CmpOp::Lt | CmpOp::Gte)),
    };
    match n {
        Number::Int(i) => Number::Int(i.saturating_add(delta)),
        Number::Float(f) => Number::Float(f + delta as f64),
    }
}

/// A text that makes the match hold (`want`) or a near miss of it.
fn text_for(m: &StrMatch, want: bool, rng: &mut Rng) -> String {
    match m {
        StrMatch::Text { how, value, case } => {
            let v = match (case, rng.below(3)) {
                (crate::ir::Case::Insensitive, 0) => flip_case(value),
                _ => value.clone(),
            };
            if want {
                let pre = ODD[rng.below(ODD.len())].to_string();
                let post = ODD[rng.below(ODD.len())].to_string();
                match how {
                    TextOp::Eq => v,
                    TextOp::Contains => format!("{pre}{v}{post}"),
                    TextOp::StartsWith => format!("{v}{post}"),
                    TextOp::EndsWith => format!("{pre}{v}"),
                }
            } else {
                match rng.below(4) {
                    0 => drop_char(&v, rng),
                    1 => format!("{v}_"),
                    2 => format!("_{v}"),
                    _ => flip_case(&v),
                }
            }
        }
        StrMatch::Pattern { pattern, .. } => {
            let mut s = String::new();
            for p in pattern.parts() {
                match p {
                    PatternPart::Lit(l) => s.push_str(l),
                    PatternPart::Any => s.push_str(["", "mid", "\n", "É"][rng.below(4)]),
                    PatternPart::One => s.push(['Z', '\\', '.', 'é'][rng.below(4)]),
                    PatternPart::Placeholder(_) => {}
                }
            }
            if want { s } else { drop_char(&s, rng) }
        }
        StrMatch::Regex(r) => {
            // No general inverse of a regex: its literal characters, which match often enough.
            let lit: String = r
                .pattern
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | ':'))
                .collect();
            if want { lit } else { drop_char(&lit, rng) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::compile::Program;
    use crate::pipeline::Pipeline;

    #[test]
    fn rows_are_deterministic_and_hit_both_outcomes() {
        let f = crate::rule::load_source(
            "t.yml",
            r#"
title: t
logsource: {product: windows, category: process_creation}
detection:
    a: {Image|endswith: '\x.exe', CommandLine|contains: ' -enc '}
    b: {ParentImage|endswith: '\explorer.exe'}
    condition: a and not b
"#,
        );
        let Some(crate::rule::Document::Rule(rule)) = &f.documents[0].document else {
            panic!("fixture")
        };
        let p = Pipeline::builtin("microsoft_xdr").unwrap();
        let q = p.map(rule, &rule.conditions[0].expr).unwrap();
        let a = rows(&q, 40, &mut Rng::new(7), 0);
        let b = rows(&q, 40, &mut Rng::new(7), 0);
        assert_eq!(a, b);
        let prog = Program::target(&q, &q.expr).unwrap();
        let hits = a.iter().filter(|r| prog.matches(r)).count();
        assert!(hits > 5 && hits < 35, "{hits} of 40 rows match");
    }
}
