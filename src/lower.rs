//! Lowering: a rule's detection and condition(s) → IR, one [`Expr`] per condition.
//!
//! Each definition is lowered once: items apply their modifiers (value expansions included)
//! and become predicates; a map is their `and`, a list of maps their `or`. The condition's
//! identifiers and `x of` selectors are then replaced by those expressions.

use indexmap::IndexMap;

use crate::condition::{Cond, OfTarget, Quantifier, pattern_matches};
use crate::diag::Problem;
use crate::ir::Expr;
use crate::rule::Condition;
use crate::rule::detection::{ConditionText, Definition, Detection, Item};
use crate::rule::load::Ctx;
use crate::rule::value::{self, ChainError};
use crate::source::KeyPath;
use crate::syntax::{SyntaxErrorKind, parse_condition};

/// The most predicates one condition may expand into (SigmaHQ's largest rule has 4,432):
/// a bound on memory for rules that multiply expansions by referring to them many times.
pub const MAX_PREDICATES: usize = 100_000;

/// Lowers every condition of `detection`. Problems are reported; `None` if any is an error.
pub(crate) fn lower_detection(
    detection: &Detection,
    base: &KeyPath,
    ctx: &mut Ctx<'_>,
) -> Option<Vec<Condition>> {
    let errors_before = ctx.error_count();
    let defs: IndexMap<&str, Option<Expr>> = detection
        .definitions
        .iter()
        .map(|(name, def)| (name.as_str(), lower_definition(def, ctx)))
        .collect();
    let mut used = vec![false; defs.len()];
    let mut out = Vec::new();
    for cond in &detection.conditions {
        if let Some(expr) = lower_condition(cond, &defs, &mut used, ctx) {
            out.push(Condition {
                text: cond.text.clone(),
                expr,
            });
        }
    }
    if ctx.error_count() == errors_before {
        for ((name, _), used) in defs.iter().zip(&used) {
            if !used {
                ctx.report(
                    Problem::UnusedIdentifier {
                        identifier: name.to_string(),
                    },
                    &base.key(name),
                );
            }
        }
    }
    (ctx.error_count() == errors_before).then_some(out)
}

fn lower_definition(def: &Definition, ctx: &mut Ctx<'_>) -> Option<Expr> {
    match def {
        Definition::AllOf(items) => {
            let mut parts = Vec::with_capacity(items.len());
            let mut ok = true;
            for item in items {
                match lower_item(item, ctx) {
                    Some(e) => parts.push(e),
                    None => ok = false,
                }
            }
            ok.then(|| Expr::and(parts))
        }
        Definition::AnyOf(alts) => {
            let mut parts = Vec::with_capacity(alts.len());
            let mut ok = true;
            for a in alts {
                match lower_definition(a, ctx) {
                    Some(e) => parts.push(e),
                    None => ok = false,
                }
            }
            ok.then(|| Expr::or(parts))
        }
    }
}

fn chain_problem(e: ChainError, raw: &value::RawValue) -> Problem {
    match e {
        ChainError::Misplaced { modifier, reason } => Problem::MisplacedModifier {
            modifier: modifier.to_string(),
            reason,
        },
        ChainError::Invalid(reason) => Problem::InvalidValue {
            value: raw.describe(),
            reason,
        },
    }
}

/// Lowers one item: each value through the modifiers (variants ORed), values ORed or ANDed
/// (`|all`), the whole negated with `|neq`.
fn lower_item(item: &Item, ctx: &mut Ctx<'_>) -> Option<Expr> {
    let mods = &item.modifiers;
    if let Err(e) = value::check_chain_shape(mods, item.field.is_some()) {
        let raw = item
            .values
            .first()
            .cloned()
            .unwrap_or(value::RawValue::Null);
        ctx.report(chain_problem(e, &raw), &item.path);
        return None;
    }
    let flags = value::chain_flags(mods);
    if item.values.len() > 1 && item.values.contains(&value::RawValue::Null) {
        let i = item
            .values
            .iter()
            .position(|v| *v == value::RawValue::Null)
            .unwrap_or(0);
        ctx.report(Problem::NullInList, &item.path.index(i));
        return None;
    }
    if flags.all && item.values.len() == 1 {
        ctx.report(Problem::AllOnSingleValue, &item.path);
    }
    let mut per_value = Vec::with_capacity(item.values.len());
    let mut ok = true;
    for (i, raw) in item.values.iter().enumerate() {
        let lowered = match &item.field {
            Some(field) => value::lower_value(raw, mods, false).map(|ops| {
                ops.into_iter()
                    .map(|op| Expr::field(field.clone(), op))
                    .collect()
            }),
            None => value::lower_keyword(raw, mods)
                .map(|ms| ms.into_iter().map(Expr::Keyword).collect::<Vec<_>>()),
        };
        match lowered {
            Ok(variants) => per_value.push(Expr::or(variants)),
            Err(e) => {
                ok = false;
                let path = if item.listed {
                    item.path.index(i)
                } else {
                    item.path.clone()
                };
                ctx.report(chain_problem(e, raw), &path);
            }
        }
    }
    if !ok {
        return None;
    }
    let linked = if flags.all {
        Expr::and(per_value)
    } else {
        Expr::or(per_value)
    };
    Some(if flags.neq { Expr::not(linked) } else { linked })
}

fn lower_condition(
    cond: &ConditionText,
    defs: &IndexMap<&str, Option<Expr>>,
    used: &mut [bool],
    ctx: &mut Ctx<'_>,
) -> Option<Expr> {
    let ast = match parse_condition(&cond.text) {
        Ok(ast) => ast,
        Err(e) => {
            let problem = match e.kind {
                SyntaxErrorKind::Syntax(message) => Problem::ConditionSyntax { message },
                SyntaxErrorKind::Obsolete(construct) => Problem::ObsoleteAggregation { construct },
                SyntaxErrorKind::TooComplex { what, limit } => {
                    Problem::ConditionTooComplex { what, limit }
                }
            };
            ctx.report_span(problem, &cond.path, &cond.text, e.span);
            return None;
        }
    };
    // Mark what the condition uses, even when a definition failed (no spurious "unused").
    ast.for_each_ref(&mut |leaf| {
        for (i, name) in defs.keys().enumerate() {
            let hit = match leaf {
                Cond::Ident { name: n, .. } => n == name,
                Cond::Of {
                    target: OfTarget::Them,
                    ..
                } => !name.starts_with('_'),
                Cond::Of {
                    target: OfTarget::Pattern(p),
                    ..
                } => pattern_matches(p, name),
                _ => false,
            };
            if hit {
                used[i] = true;
            }
        }
    });
    let weight = predicates(&ast, defs);
    if weight > MAX_PREDICATES {
        ctx.report_span(
            Problem::ConditionTooComplex {
                what: format!("{weight} predicates once expanded"),
                limit: MAX_PREDICATES,
            },
            &cond.path,
            &cond.text,
            crate::condition::Span::new(0, cond.text.len()),
        );
        return None;
    }
    let mut undefined = Vec::new();
    resolve(&ast, defs, cond, &mut undefined, ctx)
}

/// How many predicates the condition expands into, computed before anything is copied.
fn predicates(c: &Cond, defs: &IndexMap<&str, Option<Expr>>) -> usize {
    let of = |name: &str| {
        defs.get(name)
            .and_then(|d| d.as_ref())
            .map_or(0, Expr::leaf_count)
    };
    match c {
        Cond::Or(v) | Cond::And(v) => v
            .iter()
            .fold(0usize, |acc, x| acc.saturating_add(predicates(x, defs))),
        Cond::Not(x) => predicates(x, defs),
        Cond::Ident { name, .. } => of(name),
        Cond::Of { target, .. } => defs
            .keys()
            .filter(|n| match target {
                OfTarget::Them => !n.starts_with('_'),
                OfTarget::Pattern(p) => pattern_matches(p, n),
            })
            .fold(0usize, |acc, n| acc.saturating_add(of(n))),
    }
}

/// Replaces identifiers and selectors by their definitions. `undefined` collects the names
/// already reported, so that each is reported once.
fn resolve(
    c: &Cond,
    defs: &IndexMap<&str, Option<Expr>>,
    cond: &ConditionText,
    undefined: &mut Vec<String>,
    ctx: &mut Ctx<'_>,
) -> Option<Expr> {
    let mut all = |items: &[Cond], ctx: &mut Ctx<'_>| -> Option<Vec<Expr>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for i in items {
            match resolve(i, defs, cond, undefined, ctx) {
                Some(e) => out.push(e),
                None => ok = false,
            }
        }
        ok.then_some(out)
    };
    match c {
        Cond::Or(items) => all(items, ctx).map(Expr::or),
        Cond::And(items) => all(items, ctx).map(Expr::and),
        Cond::Not(inner) => resolve(inner, defs, cond, undefined, ctx).map(Expr::not),
        Cond::Ident { name, span } => match defs.get(name.as_str()) {
            // A definition with errors was reported where it is defined.
            Some(def) => def.clone(),
            None if undefined.contains(name) => None,
            None => {
                undefined.push(name.clone());
                let near = crate::text::closest(name, defs.keys().copied(), 1);
                let mut defined: Vec<String> = near
                    .iter()
                    .map(|best| format!("{best} (closest)"))
                    .collect();
                defined.extend(
                    defs.keys()
                        .filter(|k| !near.contains(k))
                        .take(8)
                        .map(|k| k.to_string()),
                );
                if defs.len() > defined.len() {
                    defined.push(format!("and {} more", defs.len() - defined.len()));
                }
                ctx.report_span(
                    Problem::UndefinedIdentifier {
                        name: name.clone(),
                        defined,
                    },
                    &cond.path,
                    &cond.text,
                    *span,
                );
                None
            }
        },
        Cond::Of {
            quantifier,
            target,
            span,
        } => {
            let names: Vec<&&str> = defs
                .keys()
                .filter(|name| match target {
                    OfTarget::Them => !name.starts_with('_'),
                    OfTarget::Pattern(p) => pattern_matches(p, name),
                })
                .collect();
            if names.is_empty() {
                let pattern = match target {
                    OfTarget::Them => "them".to_string(),
                    OfTarget::Pattern(p) => p.clone(),
                };
                ctx.report_span(
                    Problem::PatternMatchesNothing { pattern },
                    &cond.path,
                    &cond.text,
                    *span,
                );
                return None;
            }
            let mut parts = Vec::with_capacity(names.len());
            for name in names {
                parts.push(defs.get(*name)?.clone()?);
            }
            Some(match quantifier {
                Quantifier::One => Expr::or(parts),
                Quantifier::All => Expr::and(parts),
            })
        }
    }
}
