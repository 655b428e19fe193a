//! Static lint of an exclusion against a rule, on what the IR can decide:
//!
//! - a comparison whose value cannot occur in its column (Defender's file-name columns hold a
//!   Windows file name with its extension: `process.name == "RustDesk"` never matches);
//! - from those, an exclusion that can never match, or one that is always true (and would
//!   suppress every alert: `process.name != "RustDesk"`);
//! - an exclusion that swallows the rule, or part of it: every event the rule (or one of its
//!   alternatives) matches also matches the exclusion.
//!
//! What the IR cannot decide, the evaluator's report shows on fixtures.

use crate::condition::Span;
use crate::exclusion::Scenario;
use crate::exclusion::ast::{Filter, Literal, OpKind, Test};
use crate::ir::{Case, Expr, FieldPred, Op, StrMatch, TextOp};
use crate::pipeline::{Route, Target};

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `never-matches`, `always-true`, `impossible-value`, `swallows-rule`, `swallows-part`.
    pub kind: &'static str,
    /// The finding in plain words.
    pub message: String,
    /// Where in the filter, when it is about one comparison.
    pub span: Option<Span>,
}

/// Defender columns that hold a file name (for Windows log sources: with its extension).
const FILE_NAME_COLUMNS: &[&str] = &[
    "FileName",
    "InitiatingProcessFileName",
    "InitiatingProcessParentFileName",
];

/// Columns holding a full path, and the column holding the same file's name.
const PATH_AND_NAME: &[(&str, &str)] = &[
    ("FolderPath", "FileName"),
    ("InitiatingProcessFolderPath", "InitiatingProcessFileName"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// Why `value` cannot be a Windows file name in Defender, if it cannot. No file name holds a
/// folder; the image of a process or a loaded module always has an extension (Windows adds
/// `.exe` / `.dll` to a name without one), while other files (`hosts`) may have none.
fn not_a_file_name(value: &str, image: bool) -> Option<&'static str> {
    if value.is_empty() {
        // Defender leaves a column empty when it has no value.
        None
    } else if value.contains('\\') {
        Some("a file name, without a folder")
    } else if image && !value.contains('.') {
        Some("a file name with its extension")
    } else {
        None
    }
}

struct Ctx<'a> {
    route: &'a Route,
    windows: bool,
    notes: Vec<Note>,
}

/// Why a comparison of the filter is decided.
struct Note {
    span: Span,
    text: String,
    /// The comparison itself always holds (`!=` an impossible value), else it never does.
    holds: bool,
    /// What it makes of the filter where it stands (after the `not`s around it).
    effect: bool,
}

impl Ctx<'_> {
    /// The column a field resolves to on the route (plain columns only).
    fn column(&self, field: &str) -> Option<String> {
        match self
            .route
            .fields
            .get(field)
            .map(|m| (&m.target, m.transform))
        {
            Some((Target::Column(c), None)) => Some(c.clone()),
            None if self.route.table.column(field).is_some() => Some(field.to_string()),
            _ => None,
        }
    }

    /// Why an equality with `value` on `field` can never hold on Defender rows, if it cannot.
    fn impossible(&self, field: &str, value: &Literal) -> Option<String> {
        let column = self.column(field)?;
        if !self.windows || !FILE_NAME_COLUMNS.contains(&column.as_str()) {
            return None;
        }
        let Literal::Str(v) = value else {
            return None;
        };
        // The initiating process columns name process images in every table; `FileName` does
        // only where the row is about a process or a loaded module.
        let image = column != "FileName"
            || matches!(
                self.route.table.name.as_str(),
                "DeviceProcessEvents" | "DeviceImageLoadEvents"
            );
        not_a_file_name(v, image)
            .map(|what| format!("{field} (Defender's {column}) holds {what}, so it is never {v:?}"))
    }

    /// Records why a comparison is decided: `holds` when it always holds; `negated` when an
    /// odd number of `not`s stand around it.
    fn note(&mut self, span: Span, text: String, holds: bool, negated: bool) -> Truth {
        self.notes.push(Note {
            span,
            text,
            holds,
            effect: holds != negated,
        });
        if holds { Truth::True } else { Truth::False }
    }

    /// What the filter is on every row of the table, as far as the notes decide it; `negated`
    /// when an odd number of `not`s stand around `f`.
    fn truth(&mut self, f: &Filter, negated: bool) -> Truth {
        match f {
            Filter::Or(v) => {
                let all: Vec<Truth> = v.iter().map(|x| self.truth(x, negated)).collect();
                if all.contains(&Truth::True) {
                    Truth::True
                } else if all.iter().all(|t| *t == Truth::False) {
                    Truth::False
                } else {
                    Truth::Unknown
                }
            }
            Filter::And(v) => {
                let all: Vec<Truth> = v.iter().map(|x| self.truth(x, negated)).collect();
                if all.contains(&Truth::False) {
                    Truth::False
                } else if all.iter().all(|t| *t == Truth::True) {
                    Truth::True
                } else {
                    Truth::Unknown
                }
            }
            Filter::Not(x) => self.truth(x, !negated).not(),
            Filter::Cmp(c) => match &c.test {
                Test::Compare { op, value, .. } if op.kind == OpKind::Eq => {
                    match self.impossible(&c.field, value) {
                        Some(text) => self.note(c.span, text, op.negated, negated),
                        None => Truth::Unknown,
                    }
                }
                Test::In {
                    negated: not_in,
                    values,
                    ..
                } if !values.is_empty() => {
                    let why: Vec<String> = values
                        .iter()
                        .filter_map(|(v, _)| self.impossible(&c.field, v))
                        .collect();
                    if why.len() == values.len() {
                        self.note(c.span, why.join("; "), *not_in, negated)
                    } else {
                        Truth::Unknown
                    }
                }
                _ => Truth::Unknown,
            },
        }
    }
}

/// Lints `scenario` (its filter mapped onto the rule's table as `exclusion`) against the
/// rule's mapped condition `rule_expr` on `route`. `windows`: the rule's log source is Windows.
pub fn lint(
    scenario: &Scenario,
    route: &Route,
    windows: bool,
    rule_expr: &Expr,
    exclusion: &Expr,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut ctx = Ctx {
        route,
        windows,
        notes: Vec::new(),
    };
    let truth = ctx.truth(&scenario.filter, false);
    let notes = ctx.notes;
    // The notes that decide the whole filter: those whose effect is its value.
    let because = |value: bool| {
        notes
            .iter()
            .filter(|n| n.effect == value)
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    match truth {
        Truth::True => out.push(Finding {
            kind: "always-true",
            message: format!(
                "the exclusion is always true on {} data, so it would suppress every alert: {}",
                route.table.name,
                because(true)
            ),
            span: None,
        }),
        Truth::False => out.push(Finding {
            kind: "never-matches",
            message: format!(
                "the exclusion can never match on {} data, so it suppresses nothing: {}",
                route.table.name,
                because(false)
            ),
            span: None,
        }),
        Truth::Unknown => {
            for n in &notes {
                let what = if n.holds {
                    "this comparison always holds, so it narrows nothing"
                } else {
                    "this part of the exclusion can never match"
                };
                out.push(Finding {
                    kind: "impossible-value",
                    message: format!("{what}: {}", n.text),
                    span: Some(n.span),
                });
            }
        }
    }
    if truth != Truth::True {
        out.extend(swallows(rule_expr, exclusion));
    }
    out
}

/// The rule's alternatives (disjunctive normal form, positive leaves only: dropping the
/// negated ones only weakens what an alternative is known to imply). `None` when too large.
fn alternatives(e: &Expr) -> Option<Vec<Vec<&FieldPred>>> {
    const MAX: usize = 256;
    Some(match e {
        Expr::Field(p) => vec![vec![p]],
        Expr::Not(_) | Expr::Keyword(_) => vec![vec![]],
        Expr::Or(v) => {
            let mut out = Vec::new();
            for x in v {
                out.extend(alternatives(x)?);
                if out.len() > MAX {
                    return None;
                }
            }
            out
        }
        Expr::And(v) => {
            let mut out: Vec<Vec<&FieldPred>> = vec![vec![]];
            for x in v {
                let next = alternatives(x)?;
                let mut product = Vec::new();
                for a in &out {
                    for b in &next {
                        product.push(a.iter().chain(b.iter()).copied().collect());
                        if product.len() > MAX {
                            return None;
                        }
                    }
                }
                out = product;
            }
            out
        }
    })
}

/// Whether every event with all of `facts` satisfies `e`.
fn implied(e: &Expr, facts: &[&FieldPred]) -> bool {
    match e {
        Expr::Or(v) => v.iter().any(|x| implied(x, facts)),
        Expr::And(v) => v.iter().all(|x| implied(x, facts)),
        Expr::Field(p) => facts.iter().any(|f| leaf_implies(f, p)),
        Expr::Not(_) | Expr::Keyword(_) => false,
    }
}

fn text(op: &Op) -> Option<(TextOp, &str, Case)> {
    match op {
        Op::Str(StrMatch::Text { how, value, case }) => Some((*how, value.as_str(), *case)),
        _ => None,
    }
}

/// Whether `fact` (a leaf the rule requires) implies `goal` (a leaf of the exclusion).
fn leaf_implies(fact: &FieldPred, goal: &FieldPred) -> bool {
    if fact == goal {
        return true;
    }
    let (Some((fh, fv, fc)), Some((gh, gv, gc))) = (text(&fact.op), text(&goal.op)) else {
        return false;
    };
    // A case-sensitive goal needs a case-sensitive fact.
    if gc == Case::Sensitive && fc == Case::Insensitive {
        return false;
    }
    let fold = |s: &str| {
        if gc == Case::Insensitive {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    let (fv, gv) = (fold(fv), fold(gv));
    if fact.field == goal.field {
        return match (fh, gh) {
            (TextOp::Eq, TextOp::Eq) => fv == gv,
            (TextOp::Eq, TextOp::Contains) | (TextOp::Contains, TextOp::Contains) => {
                fv.contains(&gv)
            }
            (TextOp::Eq | TextOp::StartsWith, TextOp::StartsWith) => fv.starts_with(&gv),
            (TextOp::Eq | TextOp::EndsWith, TextOp::EndsWith) => fv.ends_with(&gv),
            (TextOp::StartsWith | TextOp::EndsWith, TextOp::Contains) => fv.contains(&gv),
            _ => false,
        };
    }
    // A path that ends with `\name` has the file name `name`.
    if PATH_AND_NAME.contains(&(fact.field.as_str(), goal.field.as_str()))
        && matches!(fh, TextOp::Eq | TextOp::EndsWith)
        && let Some(name) = fv.rsplit_once('\\').map(|(_, n)| n)
        && !name.is_empty()
    {
        return match gh {
            TextOp::Eq => name == gv,
            TextOp::EndsWith => name.ends_with(&gv),
            TextOp::Contains => name.contains(&gv),
            TextOp::StartsWith => fh == TextOp::Eq && name.starts_with(&gv) || name == gv,
        };
    }
    false
}

/// A rule's condition as a reviewer reads it: text comparisons with KQL literals
/// (`FolderPath endswith @"\rustdesk.exe"`), anything else in the IR's text form.
fn readable(p: &FieldPred) -> String {
    match &p.op {
        Op::Str(StrMatch::Text { how, value, case }) => format!(
            "{} {} {}",
            p.field,
            crate::backend::kql::text_op(*how, *case),
            crate::backend::kql::literal::string(value)
        ),
        _ => p.to_string(),
    }
}

fn swallows(rule: &Expr, exclusion: &Expr) -> Vec<Finding> {
    let Some(alts) = alternatives(rule) else {
        return Vec::new();
    };
    let hit: Vec<&Vec<&FieldPred>> = alts
        .iter()
        .filter(|facts| !facts.is_empty() && implied(exclusion, facts))
        .collect();
    if hit.is_empty() {
        return Vec::new();
    }
    let show = |facts: &Vec<&FieldPred>| {
        facts
            .iter()
            .map(|p| readable(p))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    if hit.len() == alts.len() {
        vec![Finding {
            kind: "swallows-rule",
            message: format!(
                "every event the rule matches also matches the exclusion, so it suppresses every alert (the rule requires {})",
                hit.iter()
                    .map(|f| show(f))
                    .collect::<Vec<_>>()
                    .join(", or ")
            ),
            span: None,
        }]
    } else {
        vec![Finding {
            kind: "swallows-part",
            message: format!(
                "the exclusion suppresses every alert of {} of the rule's {} alternatives: {}",
                hit.len(),
                alts.len(),
                hit.iter().map(|f| show(f)).collect::<Vec<_>>().join("; ")
            ),
            span: None,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Case;

    fn leaf(field: &str, how: TextOp, v: &str) -> FieldPred {
        FieldPred {
            field: field.into(),
            op: Op::Str(StrMatch::Text {
                how,
                value: v.into(),
                case: Case::Insensitive,
            }),
        }
    }

    #[test]
    fn leaf_implications() {
        let f = leaf("FolderPath", TextOp::EndsWith, "\\rustdesk.exe");
        assert!(leaf_implies(
            &f,
            &leaf("FileName", TextOp::Eq, "RustDesk.exe")
        ));
        assert!(leaf_implies(
            &f,
            &leaf("FolderPath", TextOp::EndsWith, ".exe")
        ));
        assert!(leaf_implies(
            &f,
            &leaf("FolderPath", TextOp::Contains, "desk")
        ));
        assert!(!leaf_implies(
            &f,
            &leaf("FileName", TextOp::Eq, "rustdesk-service.exe")
        ));
        assert!(!leaf_implies(
            &f,
            &leaf("FolderPath", TextOp::StartsWith, "C:")
        ));
        let e = leaf("FileName", TextOp::Eq, "a.exe");
        assert!(leaf_implies(&e, &leaf("FileName", TextOp::StartsWith, "A")));
        assert!(!leaf_implies(
            &leaf("FolderPath", TextOp::Contains, "\\x.exe"),
            &leaf("FileName", TextOp::Eq, "x.exe")
        ));
    }

    #[test]
    fn file_names() {
        assert_eq!(
            not_a_file_name("RustDesk", true),
            Some("a file name with its extension")
        );
        assert_eq!(
            not_a_file_name("Remote Desktop Services", true),
            Some("a file name with its extension")
        );
        // Files other than images may have no extension (`hosts`).
        assert_eq!(not_a_file_name("hosts", false), None);
        assert_eq!(
            not_a_file_name("C:\\x.exe", false),
            Some("a file name, without a folder")
        );
        assert_eq!(not_a_file_name("svchost.exe", true), None);
        assert_eq!(not_a_file_name("", true), None);
    }
}
