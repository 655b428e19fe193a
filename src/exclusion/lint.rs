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

/// Why `value` cannot be a Windows file name in Defender, if it cannot.
fn not_a_file_name(value: &str) -> Option<&'static str> {
    if value.contains('\\') {
        Some("a file name, without a folder")
    } else if !value.contains('.') {
        Some("a file name with its extension")
    } else {
        None
    }
}

struct Ctx<'a> {
    route: &'a Route,
    windows: bool,
    notes: Vec<(Span, String)>,
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

    /// Whether an equality with `value` on `field` can hold on Defender rows.
    fn impossible(&mut self, field: &str, value: &Literal, span: Span) -> bool {
        let Some(column) = self.column(field) else {
            return false;
        };
        if !self.windows || !FILE_NAME_COLUMNS.contains(&column.as_str()) {
            return false;
        }
        let Literal::Str(v) = value else {
            return false;
        };
        match not_a_file_name(v) {
            Some(what) => {
                self.notes.push((
                    span,
                    format!("{field} (Defender's {column}) holds {what}, so it is never {v:?}"),
                ));
                true
            }
            None => false,
        }
    }

    fn truth(&mut self, f: &Filter) -> Truth {
        match f {
            Filter::Or(v) => {
                let all: Vec<Truth> = v.iter().map(|x| self.truth(x)).collect();
                if all.contains(&Truth::True) {
                    Truth::True
                } else if all.iter().all(|t| *t == Truth::False) {
                    Truth::False
                } else {
                    Truth::Unknown
                }
            }
            Filter::And(v) => {
                let all: Vec<Truth> = v.iter().map(|x| self.truth(x)).collect();
                if all.contains(&Truth::False) {
                    Truth::False
                } else if all.iter().all(|t| *t == Truth::True) {
                    Truth::True
                } else {
                    Truth::Unknown
                }
            }
            Filter::Not(x) => self.truth(x).not(),
            Filter::Cmp(c) => match &c.test {
                Test::Compare { op, value, .. } if op.kind == OpKind::Eq => {
                    let never = self.impossible(&c.field, value, c.span);
                    match (never, op.negated) {
                        (true, false) => Truth::False,
                        (true, true) => Truth::True,
                        _ => Truth::Unknown,
                    }
                }
                Test::In {
                    negated, values, ..
                } if !values.is_empty() => {
                    // Every value is looked at, so that each impossible one gets its note.
                    let each: Vec<bool> = values
                        .iter()
                        .map(|(v, _)| self.impossible(&c.field, v, c.span))
                        .collect();
                    let all = each.iter().all(|b| *b);
                    match (all, negated) {
                        (true, false) => Truth::False,
                        (true, true) => Truth::True,
                        _ => Truth::Unknown,
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
    let truth = ctx.truth(&scenario.filter);
    let notes = ctx.notes;
    let because = |notes: &[(Span, String)]| {
        notes
            .iter()
            .map(|(_, n)| n.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    match truth {
        Truth::True => out.push(Finding {
            kind: "always-true",
            message: format!(
                "the exclusion is always true on {} data, so it would suppress every alert: {}",
                route.table.name,
                because(&notes)
            ),
            span: None,
        }),
        Truth::False => out.push(Finding {
            kind: "never-matches",
            message: format!(
                "the exclusion can never match on {} data, so it suppresses nothing: {}",
                route.table.name,
                because(&notes)
            ),
            span: None,
        }),
        Truth::Unknown => {
            for (span, note) in &notes {
                out.push(Finding {
                    kind: "impossible-value",
                    message: format!("this part of the exclusion can never match: {note}"),
                    span: Some(*span),
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
            .map(|p| p.to_string())
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
            not_a_file_name("RustDesk"),
            Some("a file name with its extension")
        );
        assert_eq!(
            not_a_file_name("Remote Desktop Services"),
            Some("a file name with its extension")
        );
        assert_eq!(
            not_a_file_name("C:\\x.exe"),
            Some("a file name, without a folder")
        );
        assert_eq!(not_a_file_name("svchost.exe"), None);
    }
}
