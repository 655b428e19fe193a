//! Raw mode's literal prefilter: for each rule, literals one of which must occur in a field's
//! text for the rule to match, found in every field at once with one Aho-Corasick automaton
//! per field, so that an event is checked only against the few rules it could match.
//!
//! Soundness: a rule's needles are taken only from comparisons its condition cannot do
//! without (every branch of an `or`, one operand of an `and`, nothing under `not`), and only
//! their ASCII runs, lower-cased. A comparison that holds on a value (case folded or not)
//! holds on its Unicode-lower-cased text, which then holds the ASCII run lower-cased; the scan
//! looks for it in the text lower-cased (ASCII text byte by byte, any other with Unicode's
//! rules). So a rule the prefilter drops cannot match, and the evaluator's verdicts are the
//! ones it gives without the prefilter (`--exhaustive`), which the tests compare.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;

use super::lookup::{Val, View};
use crate::backend::kql;
use crate::ir::{CmpOp, Expr, Number, Op, PatternPart, StrMatch};

/// What must be in a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lit {
    /// This text, lower-case ASCII, inside the field's text.
    Text(String),
    /// This integer, as the field's value read as a number.
    Int(i64),
}

/// Needles, one of which must be found: `(field, needle)`; the field [`ANY`] stands for every
/// value of the event (a keyword search).
pub type Needles = Vec<(String, Lit)>;

/// The "field" of a keyword's needle: any scalar of the event, as keyword searches read them
/// (not a Sigma field name, which cannot hold a NUL).
pub const ANY: &str = "\0any";

/// What a rule's matching requires: groups of needles, one needle of every group found in its
/// field; at most [`GROUPS`] groups, the most selective. Empty when nothing can be said (a
/// regex, a number, a `not` …).
pub type Requirement = Vec<Needles>;

/// Groups kept per requirement (an `and` of an image and a command line needs both).
pub const GROUPS: usize = 2;

/// What matching `e` requires.
pub fn required(e: &Expr) -> Requirement {
    match e {
        // Every operand's groups hold: the most selective of them.
        Expr::And(v) => {
            let mut groups: Vec<Needles> = v.iter().flat_map(required).collect();
            groups.sort_by_key(|g| std::cmp::Reverse(selectivity(g)));
            groups.truncate(GROUPS);
            groups
        }
        // The branch that holds has its groups hold: group `j` is every branch's `j`-th.
        Expr::Or(v) => {
            let branches: Vec<Requirement> = v.iter().map(required).collect();
            let k = branches.iter().map(Vec::len).min().unwrap_or(0);
            (0..k)
                .map(|j| {
                    branches
                        .iter()
                        .filter_map(|b| b.get(j))
                        .flatten()
                        .cloned()
                        .collect()
                })
                .collect()
        }
        Expr::Not(_) => Vec::new(),
        Expr::Keyword(m) => texts(m)
            .map(|ns| {
                vec![
                    ns.into_iter()
                        .map(|n| (ANY.to_string(), Lit::Text(n)))
                        .collect(),
                ]
            })
            .unwrap_or_default(),
        Expr::Field(p) => match &p.op {
            Op::Str(m) => texts(m)
                .map(|ns| {
                    vec![
                        ns.into_iter()
                            .map(|n| (p.field.clone(), Lit::Text(n)))
                            .collect(),
                    ]
                })
                .unwrap_or_default(),
            Op::Num(CmpOp::Eq, Number::Int(n)) => vec![vec![(p.field.clone(), Lit::Int(*n))]],
            _ => Vec::new(),
        },
    }
}

/// Longer needles hit fewer events; fewer alternatives, fewer rules to check.
fn selectivity(n: &Needles) -> (usize, std::cmp::Reverse<usize>) {
    let len = |l: &Lit| match l {
        Lit::Text(s) => s.len(),
        Lit::Int(_) => 8,
    };
    let shortest = n.iter().map(|(_, l)| len(l)).min().unwrap_or(0);
    (shortest.min(12), std::cmp::Reverse(n.len()))
}

/// Texts one of which a text comparison cannot match without: its value's (or its pattern's
/// longest literal's) longest ASCII run; for a regex, the longest ASCII run of each literal
/// a match must start with, when there are few.
fn texts(m: &StrMatch) -> Option<Vec<String>> {
    match m {
        StrMatch::Text { value, .. } => ascii_run(value).map(|n| vec![n]),
        StrMatch::Pattern { pattern, .. } => pattern
            .parts()
            .iter()
            .filter_map(|part| match part {
                PatternPart::Lit(s) => ascii_run(s),
                _ => None,
            })
            .max_by_key(String::len)
            .map(|n| vec![n]),
        StrMatch::Regex(r) => regex_prefixes(&kql::regex_text(r)),
    }
}

/// The ASCII runs of the literals every match of a regex starts with (regex-syntax's literal
/// extraction over the pattern the evaluator compiles): `None` when they are not few and
/// finite, or one of them has no ASCII.
fn regex_prefixes(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::parse(pattern).ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 64 {
        return None;
    }
    let mut out: Vec<String> = literals
        .iter()
        .map(|l| ascii_run(&String::from_utf8_lossy(l.as_bytes())))
        .collect::<Option<_>>()?;
    out.sort();
    out.dedup();
    Some(out)
}

/// The longest run of ASCII characters in `s`, lower-cased (`None` when there is none).
fn ascii_run(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_ascii())
        .max_by_key(|run| run.len())
        .filter(|run| !run.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Needle → the rules it stands for, in first-seen order.
type Postings<'a> = indexmap::IndexMap<&'a Lit, Vec<Post>>;

/// The prefilter for one kind of event: the rules of its log source, their needles by field.
#[derive(Debug, Default)]
pub struct Plan {
    fields: Vec<PlanField>,
    /// Undotted field names → `fields` index.
    by_name: HashMap<String, usize>,
    /// Fields whose names have dots (looked up as paths).
    dotted: Vec<usize>,
    /// Keywords' needles, searched in every value of the event.
    any: Option<usize>,
    /// Rules (with their variant) that say nothing: always checked.
    always: Vec<(u32, u32)>,
    /// Text needles over all fields.
    needles: usize,
}

/// A needle's rule: which of its groups the needle is in (a bit), and all its groups' bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Post {
    rule: u32,
    variant: u32,
    bit: u8,
    full: u8,
}

#[derive(Debug)]
struct PlanField {
    name: String,
    /// The number of its first text needle among the plan's.
    first: usize,
    /// The text needles, searched for in the lower-cased text (every match, overlapping).
    ac: Option<AhoCorasick>,
    /// The same needles for a quick first look, when they are few enough for a SIMD search
    /// (aho-corasick's packed searcher takes at most 64, leftmost and case-sensitive only):
    /// most values hold none of a small set, and the every-match search above costs a few
    /// nanoseconds a byte.
    quick: Option<AhoCorasick>,
    /// Per text needle, the rules it stands for.
    postings: Vec<Vec<Post>>,
    /// Integer needles: the rules each stands for.
    numbers: HashMap<i64, Vec<Post>>,
}

/// The most needles a field's quick first look takes (see [`PlanField`]).
const QUICK_NEEDLES: usize = 64;

/// Marks a rule already made a candidate for the current event.
const DONE: u8 = 0x80;

/// Per thread: per rule, the groups found so far for the current event.
#[derive(Debug, Default)]
pub struct Scratch {
    stamp: Vec<u32>,
    found: Vec<u8>,
    epoch: u32,
    /// Per text needle (numbered across the plan's fields): the event it was last found in,
    /// so that a needle found again in the same event is not marked again.
    seen: Vec<u32>,
    /// The value being searched, lower-cased.
    lower: String,
}

impl Plan {
    /// The plan for rules `(rule, variant, requirement)`.
    pub fn build(items: &[(u32, u32, &Requirement)]) -> Plan {
        let mut plan = Plan::default();
        // Per field: needle → postings, in first-seen order.
        let mut grouped: indexmap::IndexMap<&str, Postings> = indexmap::IndexMap::new();
        for &(rule, variant, groups) in items {
            if groups.is_empty() {
                plan.always.push((rule, variant));
                continue;
            }
            let groups = &groups[..groups.len().min(GROUPS)];
            let full = (1u8 << groups.len()) - 1;
            for (g, needles) in groups.iter().enumerate() {
                let post = Post {
                    rule,
                    variant,
                    bit: 1 << g,
                    full,
                };
                for (field, needle) in needles {
                    let list = grouped.entry(field).or_default().entry(needle).or_default();
                    if list.last() != Some(&post) {
                        list.push(post);
                    }
                }
            }
        }
        for (field, needles) in grouped {
            let mut texts: Vec<&str> = Vec::new();
            let mut postings = Vec::new();
            let mut numbers: HashMap<i64, Vec<Post>> = HashMap::new();
            for (lit, posts) in needles {
                match lit {
                    Lit::Text(t) => {
                        texts.push(t);
                        postings.push(posts);
                    }
                    Lit::Int(n) => numbers.entry(*n).or_default().extend(posts),
                }
            }
            // The needles are lower-case ASCII; the text is lower-cased before the search.
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&texts);
            let quick = (texts.len() <= QUICK_NEEDLES)
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostFirst)
                        .build(&texts)
                        .ok()
                })
                .flatten();
            let ac = match ac {
                Ok(ac) if !texts.is_empty() => Some(ac),
                Ok(_) => None,
                Err(_) => {
                    // Too many needles for one automaton: their rules are always checked.
                    let posts = postings.into_iter().flatten();
                    plan.always.extend(posts.map(|p| (p.rule, p.variant)));
                    postings = Vec::new();
                    None
                }
            };
            let at = plan.fields.len();
            if field == ANY {
                plan.any = Some(at);
            } else if field.contains('.') {
                plan.dotted.push(at);
            } else {
                plan.by_name.insert(field.to_string(), at);
            }
            let first = plan.needles;
            plan.needles += postings.len();
            plan.fields.push(PlanField {
                name: field.to_string(),
                first,
                ac,
                quick,
                postings,
                numbers,
            });
        }
        plan.always.sort_unstable();
        plan.always.dedup();
        plan
    }

    /// The rules (with their variant) the event could match, each once, into `out`.
    pub fn candidates(
        &self,
        event: View,
        rules: usize,
        scratch: &mut Scratch,
        out: &mut Vec<(u32, u32)>,
    ) {
        out.clear();
        out.extend_from_slice(&self.always);
        if self.fields.is_empty() {
            return;
        }
        if scratch.stamp.len() < rules {
            scratch.stamp.resize(rules, 0);
            scratch.found.resize(rules, 0);
        }
        if scratch.seen.len() < self.needles {
            scratch.seen.resize(self.needles, 0);
        }
        scratch.epoch = scratch.epoch.wrapping_add(1);
        if scratch.epoch == 0 {
            scratch.stamp.iter_mut().for_each(|s| *s = 0);
            scratch.seen.iter_mut().for_each(|s| *s = 0);
            scratch.epoch = 1;
        }
        let mut scan = |field: &PlanField, v: Val| {
            field.scan(v, scratch, out);
        };
        // Keywords read every value but the metadata (`_…`) at the top (see
        // `compile::keyword`).
        if let Some(f) = self.any.and_then(|i| self.fields.get(i)) {
            match event {
                View::Json(Value::Object(o)) => {
                    for (_, v) in o.iter().filter(|(k, _)| !k.starts_with('_')) {
                        scan(f, Val::of(v));
                    }
                }
                View::Flat(e) => {
                    for (_, v) in e.iter().filter(|(k, _)| !k.starts_with('_')) {
                        scan(f, v);
                    }
                }
                View::Json(_) => {}
            }
        }
        // A flat event: a field is its top-level key (see `lookup::is_flat`).
        let named = |k: &str| self.by_name.get(k).and_then(|&i| self.fields.get(i));
        match event {
            View::Flat(e) => {
                for (k, v) in e.iter() {
                    if let Some(f) = named(k) {
                        scan(f, v);
                    }
                }
            }
            View::Json(Value::Object(o)) if event.is_flat() => {
                for (k, v) in o {
                    if let Some(f) = named(k) {
                        scan(f, Val::of(v));
                    }
                }
            }
            _ => {
                for f in self.fields.iter().filter(|f| f.name != ANY) {
                    for v in event.values(&f.name) {
                        scan(f, v);
                    }
                }
                return;
            }
        }
        for f in self.dotted.iter().filter_map(|&i| self.fields.get(i)) {
            for v in event.values(&f.name) {
                scan(f, v);
            }
        }
    }
}

impl PlanField {
    /// Marks the rules of every needle found in the value's text (arrays: each element; for
    /// keywords, objects too: every scalar inside).
    fn scan(&self, v: Val, scratch: &mut Scratch, out: &mut Vec<(u32, u32)>) {
        let text: Cow<str> = match v {
            Val::Json(Value::Array(items)) => {
                for x in items {
                    self.scan(Val::of(x), scratch, out);
                }
                return;
            }
            Val::Json(Value::Object(o)) if self.name == ANY => {
                for x in o.values() {
                    self.scan(Val::of(x), scratch, out);
                }
                return;
            }
            // A scalar's text as the evaluator reads it.
            v => match v.text() {
                Some(text) => text,
                None => return,
            },
        };
        if !self.numbers.is_empty() {
            self.scan_number(v, scratch, out);
        }
        let Some(ac) = &self.ac else { return };
        let mut lower = std::mem::take(&mut scratch.lower);
        lower.clear();
        if text.is_ascii() {
            lower.push_str(&text);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&text.to_lowercase());
        }
        if self.quick.as_ref().is_none_or(|q| q.is_match(&lower)) {
            self.mark_found(ac, &lower, scratch, out);
        }
        scratch.lower = lower;
    }

    /// Marks the rules of every needle in `text`.
    fn mark_found(
        &self,
        ac: &AhoCorasick,
        text: &str,
        scratch: &mut Scratch,
        out: &mut Vec<(u32, u32)>,
    ) {
        for m in ac.find_overlapping_iter(text) {
            let k = m.pattern().as_usize();
            // A needle found again in this event changes nothing.
            match scratch.seen.get_mut(self.first + k) {
                Some(seen) if *seen == scratch.epoch => continue,
                Some(seen) => *seen = scratch.epoch,
                None => {}
            }
            if let Some(list) = self.postings.get(k) {
                mark(list, scratch, out);
            }
        }
    }

    /// Marks the rules of the integer the value reads as (raw mode's reading of a number: a
    /// JSON number, or text that parses as one); a float too large to tell marks them all.
    fn scan_number(&self, v: Val, scratch: &mut Scratch, out: &mut Vec<(u32, u32)>) {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        let number = match v {
            Val::Num(n) => n
                .as_i64()
                .map(Number::Int)
                .or(n.as_f64().map(Number::Float)),
            Val::Str(s) => {
                let t = s.trim();
                t.parse::<i64>().ok().map(Number::Int).or_else(|| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(Number::Float)
                })
            }
            _ => None,
        };
        let key = match number {
            Some(Number::Int(i)) => Some(i),
            Some(Number::Float(f)) if f.abs() >= EXACT => {
                for list in self.numbers.values() {
                    mark(list, scratch, out);
                }
                return;
            }
            Some(Number::Float(f)) if f.fract() == 0.0 => Some(f as i64),
            _ => None,
        };
        if let Some(list) = key.and_then(|k| self.numbers.get(&k)) {
            mark(list, scratch, out);
        }
    }
}

/// Marks a needle's rules found; a rule whose every group is found becomes a candidate.
fn mark(list: &[Post], scratch: &mut Scratch, out: &mut Vec<(u32, u32)>) {
    for p in list {
        let r = p.rule as usize;
        let (Some(stamp), Some(found)) = (scratch.stamp.get_mut(r), scratch.found.get_mut(r))
        else {
            continue;
        };
        if *stamp != scratch.epoch {
            *stamp = scratch.epoch;
            *found = 0;
        }
        if *found & DONE == 0 {
            *found |= p.bit;
            if *found & p.full == p.full {
                *found |= DONE;
                out.push((p.rule, p.variant));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::load_source;
    use serde_json::json;

    fn needles(detection: &str) -> Requirement {
        let text = format!(
            "title: t\nlogsource: {{product: windows, category: process_creation}}\ndetection:\n{detection}\n"
        );
        let file = load_source("t.yml", &text);
        let Some(Some(crate::rule::Document::Rule(rule))) =
            file.documents.first().map(|d| d.document.as_ref())
        else {
            return vec![vec![("no rule".into(), Lit::Int(0))]];
        };
        rule.conditions
            .first()
            .map(|c| required(&c.expr))
            .unwrap_or_default()
    }

    fn group(pairs: &[(&str, &str)]) -> Needles {
        pairs
            .iter()
            .map(|(f, n)| (f.to_string(), Lit::Text(n.to_string())))
            .collect()
    }

    #[test]
    fn needles_come_from_what_a_match_cannot_do_without() {
        // An `and`: its two most selective groups; an `or`: every branch.
        let n = needles(
            "  s: {Image|endswith: ['\\\\cmd.exe', '\\\\pwsh.exe'], CommandLine|contains: ' /c '}\n  condition: s",
        );
        assert_eq!(
            n,
            [
                group(&[("Image", "\\cmd.exe"), ("Image", "\\pwsh.exe")]),
                group(&[("CommandLine", " /c ")])
            ]
        );
        // An `or` of `and`s: group j is every branch's j-th.
        let n = needles(
            "  a: {Image|endswith: '\\\\a.exe', CommandLine|contains: 'xx'}\n  b: {Image|endswith: '\\\\b.exe', User: 'yyy'}\n  condition: a or b",
        );
        assert_eq!(
            n,
            [
                group(&[("Image", "\\a.exe"), ("Image", "\\b.exe")]),
                group(&[("CommandLine", "xx"), ("User", "yyy")])
            ]
        );
        // Keywords: a needle in any value.
        assert_eq!(
            needles("  k: ['Mimikatz', 'sekurlsa::']\n  condition: k"),
            [group(&[(ANY, "mimikatz"), (ANY, "sekurlsa::")])]
        );
        // Integers are looked up as numbers; regexes by the literals their matches start with.
        assert_eq!(
            needles("  a: {Image: x.exe}\n  b: {EventID: 4}\n  condition: a or b"),
            [vec![
                ("Image".to_string(), Lit::Text("x.exe".into())),
                ("EventID".to_string(), Lit::Int(4))
            ]]
        );
        assert_eq!(
            needles("  s: {CommandLine|re: '(Invoke|iex)-Obf'}\n  condition: s"),
            [group(&[
                ("CommandLine", "iex-obf"),
                ("CommandLine", "invoke-obf")
            ])]
        );
        // `not`, regexes that can start anywhere, other comparisons say nothing; an `or` with
        // such a branch says nothing.
        assert!(needles("  s: {Image|re: '.*a.b'}\n  condition: s").is_empty());
        assert!(
            needles("  a: {Image: x.exe}\n  b: {EventID|gt: 4}\n  condition: a or b").is_empty()
        );
        assert_eq!(
            needles("  a: {Image: x.exe}\n  b: {User: y}\n  condition: not a and b"),
            [group(&[("User", "y")])]
        );
        // Wildcards: the longest literal; non-ASCII: the longest ASCII run, lower-cased.
        assert_eq!(
            needles("  s: {CommandLine: '*-ENC*base64*'}\n  condition: s"),
            [group(&[("CommandLine", "base64")])]
        );
        assert_eq!(
            needles("  s: {Image|endswith: 'Ünïcode.EXE'}\n  condition: s"),
            [group(&[("Image", "code.exe")])]
        );
    }

    /// The candidates of events for a plan of up to 5 rules, sorted; an event of scalars has
    /// the same ones read flat.
    fn candidates_of(plan: &Plan) -> impl FnMut(serde_json::Value) -> Vec<(u32, u32)> + '_ {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        move |ev| {
            plan.candidates(View::Json(&ev), 5, &mut scratch, &mut out);
            out.sort_unstable();
            let json = out.clone();
            if let Some(flat) = crate::eval::flat::parse(&ev.to_string()) {
                plan.candidates(View::Flat(&flat), 5, &mut scratch, &mut out);
                out.sort_unstable();
                assert_eq!(out, json, "read flat: {ev}");
            }
            json
        }
    }

    #[test]
    fn candidates_are_the_rules_whose_groups_are_all_found() {
        let a = vec![group(&[("Image", "\\cmd.exe")])];
        let b = vec![group(&[("CommandLine", " -enc")])];
        let k = vec![group(&[(ANY, "lsass")])];
        // Both groups needed: an image and a command line.
        let ab = vec![
            group(&[("Image", "\\cmd.exe")]),
            group(&[("CommandLine", "/c")]),
        ];
        let none = Vec::new();
        let plan = Plan::build(&[
            (0, 0, &a),
            (1, 0, &b),
            (2, 1, &none),
            (3, 0, &k),
            (4, 0, &ab),
        ]);
        let mut run = candidates_of(&plan);
        let both = json!({"Image": "C:\\Windows\\CMD.EXE", "CommandLine": ["a", "X ÜNÏ -ENC /C"]});
        assert_eq!(run(both), [(0, 0), (1, 0), (2, 1), (4, 0)]);
        let image_only = json!({"Image": "C:\\Windows\\CMD.EXE", "CommandLine": "dir"});
        assert_eq!(run(image_only), [(0, 0), (2, 1)]);
        // A keyword's needle anywhere but in `_` metadata at the top.
        assert_eq!(
            run(json!({"a": {"b": [1, "x LSASS.exe"]}, "_name": "lsass"})),
            [(2, 1), (3, 0)]
        );
        assert_eq!(run(json!({"_name": "lsass"})), [(2, 1)]);
        // Integers: read as raw mode reads numbers (JSON numbers, numeric text).
        let id = vec![vec![("EventID".to_string(), Lit::Int(255))]];
        let plan = Plan::build(&[(0, 0, &id)]);
        let mut run = candidates_of(&plan);
        let mut ids = |ev: serde_json::Value| run(ev).len();
        assert_eq!(ids(json!({"EventID": 255})), 1);
        assert_eq!(ids(json!({"EventID": " 255"})), 1);
        assert_eq!(ids(json!({"EventID": 255.0})), 1);
        assert_eq!(ids(json!({"EventID": [1, 255]})), 1);
        assert_eq!(ids(json!({"EventID": 1})), 0);
        assert_eq!(ids(json!({"EventID": 255.5})), 0);
        // Too large to tell an integer from: kept.
        assert_eq!(ids(json!({"EventID": 1e300})), 1);
    }

    #[test]
    fn windows_shaped_events_are_read_as_the_rules_read_them() {
        let a = vec![group(&[("Image", "\\cmd.exe")])];
        let none = Vec::new();
        let plan = Plan::build(&[(0, 0, &a), (2, 1, &none)]);
        let mut run = candidates_of(&plan);
        assert_eq!(
            run(json!({"Event": {"EventData": {"Image": "c:\\cmd.exe"}}})),
            [(0, 0), (2, 1)]
        );
    }
}
