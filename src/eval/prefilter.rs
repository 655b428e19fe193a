//! Raw mode's literal prefilter: for each rule, literals one of which must occur in a field's
//! text for the rule to match, found in every field at once with one Aho-Corasick automaton
//! per field, so that an event is checked only against the few rules it could match.
//!
//! Soundness: a rule's needles are taken only from comparisons its condition cannot do
//! without (every branch of an `or`, one operand of an `and`, nothing under `not`), and only
//! their ASCII runs, lower-cased. A comparison that holds on a value (case folded or not)
//! holds on its Unicode-lower-cased text, which then holds the ASCII run lower-cased; the scan
//! looks for it ASCII-case-insensitively in the text as it is (ASCII text) or lower-cased (any
//! other). So a rule the prefilter drops cannot match, and the evaluator's verdicts are the
//! ones it gives without the prefilter (`--exhaustive`), which the tests compare.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;

use super::lookup;
use crate::ir::{Expr, Op, PatternPart, StrMatch};

/// Literals, one of which must occur in its field: `(field, needle)`, the needle lower-case
/// ASCII; the field [`ANY`] stands for every value of the event (a keyword search).
pub type Needles = Vec<(String, String)>;

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
        Expr::Keyword(m) => needle(m)
            .map(|n| vec![vec![(ANY.to_string(), n)]])
            .unwrap_or_default(),
        Expr::Field(p) => match &p.op {
            Op::Str(m) => needle(m)
                .map(|n| vec![vec![(p.field.clone(), n)]])
                .unwrap_or_default(),
            _ => Vec::new(),
        },
    }
}

/// Longer needles hit fewer events; fewer alternatives, fewer rules to check.
fn selectivity(n: &Needles) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = n.iter().map(|(_, s)| s.len()).min().unwrap_or(0);
    (shortest.min(12), std::cmp::Reverse(n.len()))
}

/// The literal a text comparison cannot match without: its value's (or its pattern's longest
/// literal's) longest ASCII run; none for a regex.
fn needle(m: &StrMatch) -> Option<String> {
    match m {
        StrMatch::Text { value, .. } => ascii_run(value),
        StrMatch::Pattern { pattern, .. } => pattern
            .parts()
            .iter()
            .filter_map(|part| match part {
                PatternPart::Lit(s) => ascii_run(s),
                _ => None,
            })
            .max_by_key(String::len),
        StrMatch::Regex(_) => None,
    }
}

/// The longest run of ASCII characters in `s`, lower-cased (`None` when there is none).
fn ascii_run(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_ascii())
        .max_by_key(|run| run.len())
        .filter(|run| !run.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Needle → the rules it stands for, in first-seen order.
type Postings<'a> = indexmap::IndexMap<&'a str, Vec<Post>>;

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
    ac: AhoCorasick,
    /// Per needle, the rules it stands for.
    postings: Vec<Vec<Post>>,
}

/// Marks a rule already made a candidate for the current event.
const DONE: u8 = 0x80;

/// Per thread: per rule, the groups found so far for the current event.
#[derive(Debug, Default)]
pub struct Scratch {
    stamp: Vec<u32>,
    found: Vec<u8>,
    epoch: u32,
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
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(needles.keys());
            let Ok(ac) = ac else {
                // Too many needles for one automaton: their rules are always checked.
                let posts = needles.into_values().flatten();
                plan.always.extend(posts.map(|p| (p.rule, p.variant)));
                continue;
            };
            let at = plan.fields.len();
            if field == ANY {
                plan.any = Some(at);
            } else if field.contains('.') {
                plan.dotted.push(at);
            } else {
                plan.by_name.insert(field.to_string(), at);
            }
            plan.fields.push(PlanField {
                name: field.to_string(),
                ac,
                postings: needles.into_values().collect(),
            });
        }
        plan.always.sort_unstable();
        plan.always.dedup();
        plan
    }

    /// The rules (with their variant) the event could match, each once, into `out`.
    pub fn candidates(
        &self,
        event: &Value,
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
        scratch.epoch = scratch.epoch.wrapping_add(1);
        if scratch.epoch == 0 {
            scratch.stamp.iter_mut().for_each(|s| *s = 0);
            scratch.epoch = 1;
        }
        let mut scan = |field: &PlanField, v: &Value| {
            field.scan(v, scratch, out);
        };
        // Keywords read every value but the metadata (`_…`) at the top (see
        // `compile::keyword`).
        if let (Some(f), Some(o)) = (self.any.and_then(|i| self.fields.get(i)), event.as_object()) {
            for (_, v) in o.iter().filter(|(k, _)| !k.starts_with('_')) {
                scan(f, v);
            }
        }
        match event.as_object() {
            // A flat event: a field is its top-level key (see `lookup::is_flat`).
            Some(o) if lookup::is_flat(event) => {
                for (k, v) in o {
                    if let Some(f) = self
                        .by_name
                        .get(k.as_str())
                        .and_then(|&i| self.fields.get(i))
                    {
                        scan(f, v);
                    }
                }
                for f in self.dotted.iter().filter_map(|&i| self.fields.get(i)) {
                    for v in lookup::values(event, &f.name) {
                        scan(f, v);
                    }
                }
            }
            _ => {
                for f in self.fields.iter().filter(|f| f.name != ANY) {
                    for v in lookup::values(event, &f.name) {
                        scan(f, v);
                    }
                }
            }
        }
    }
}

impl PlanField {
    /// Marks the rules of every needle found in the value's text (arrays: each element; for
    /// keywords, objects too: every scalar inside).
    fn scan(&self, v: &Value, scratch: &mut Scratch, out: &mut Vec<(u32, u32)>) {
        let text: Cow<str> = match v {
            Value::String(s) => Cow::Borrowed(s),
            Value::Number(n) => Cow::Owned(n.to_string()),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::Array(items) => {
                for x in items {
                    self.scan(x, scratch, out);
                }
                return;
            }
            Value::Object(o) if self.name == ANY => {
                for x in o.values() {
                    self.scan(x, scratch, out);
                }
                return;
            }
            _ => return,
        };
        let text = if text.is_ascii() {
            text
        } else {
            Cow::Owned(text.to_lowercase())
        };
        for m in self.ac.find_overlapping_iter(text.as_ref()) {
            let Some(list) = self.postings.get(m.pattern().as_usize()) else {
                continue;
            };
            for p in list {
                let r = p.rule as usize;
                let (Some(stamp), Some(found)) =
                    (scratch.stamp.get_mut(r), scratch.found.get_mut(r))
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
            return vec![vec![("no rule".into(), String::new())]];
        };
        rule.conditions
            .first()
            .map(|c| required(&c.expr))
            .unwrap_or_default()
    }

    fn group(pairs: &[(&str, &str)]) -> Needles {
        pairs
            .iter()
            .map(|(f, n)| (f.to_string(), n.to_string()))
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
        // `not`, regexes and numbers say nothing; an `or` with such a branch says nothing.
        assert!(needles("  s: {Image|re: 'a.b'}\n  condition: s").is_empty());
        assert!(needles("  a: {Image: x.exe}\n  b: {EventID: 4}\n  condition: a or b").is_empty());
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
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        let mut run = |ev: serde_json::Value| {
            plan.candidates(&ev, 5, &mut scratch, &mut out);
            out.sort_unstable();
            out.clone()
        };
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
        // Windows-shaped events are read as the rules read them.
        assert_eq!(
            run(json!({"Event": {"EventData": {"Image": "c:\\cmd.exe"}}})),
            [(0, 0), (2, 1)]
        );
    }
}
