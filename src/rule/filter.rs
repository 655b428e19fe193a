//! Sigma filters (meta-filter documents): a logsource, the rules they apply to, and
//! selections with a condition that is ANDed to each of those rules' conditions.

use serde_yaml::{Mapping, Value};

use super::detection::{self, Detection};
use super::load::{Ctx, yaml_kind};
use super::meta::{load_logsource, load_meta, scalar_string};
use super::{Condition, LogSource, Meta};
use crate::diag::Problem;
use crate::source::KeyPath;

/// Which rules a filter applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterRules {
    /// Every rule whose logsource the filter's contains (`rules: any`, or an empty list).
    Any,
    /// The rules with these ids or names.
    Listed(Vec<String>),
}

/// A filter document.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// Title, id and the other metadata.
    pub meta: Meta,
    /// The logsource the filter covers.
    pub logsource: LogSource,
    /// The rules it applies to.
    pub rules: FilterRules,
    /// Its selections and condition as written.
    pub detection: Detection,
    /// Its condition(s), lowered.
    pub conditions: Vec<Condition>,
}

/// Loads a filter document. Problems are reported; `None` when it has an error.
pub(crate) fn load(map: &Mapping, ctx: &mut Ctx<'_>) -> Option<Filter> {
    let meta = load_meta(map, ctx);
    let logsource = load_logsource(map, ctx);
    let path = KeyPath::root().key("filter");
    let Some(f) = map.get("filter").and_then(Value::as_mapping) else {
        let found = map.get("filter").map(yaml_kind).unwrap_or("nothing");
        ctx.report(
            Problem::BadFilter(format!(
                "`filter` must be a mapping with `rules`, selections and `condition`, found {found}"
            )),
            &path,
        );
        return None;
    };
    let rules = match f.get("rules") {
        None => {
            ctx.report(
                Problem::BadFilter("missing `filter.rules`: list the ids or names of the rules to filter, or `any`".into()),
                &path,
            );
            FilterRules::Any
        }
        Some(Value::String(s)) if s == "any" => FilterRules::Any,
        Some(Value::Sequence(items)) if items.is_empty() => FilterRules::Any,
        Some(Value::Sequence(items)) => match items.iter().map(scalar_string).collect() {
            Some(v) => FilterRules::Listed(v),
            None => {
                ctx.report(
                    Problem::BadFilter("`filter.rules` must be a list of rule ids or names".into()),
                    &path.key("rules"),
                );
                FilterRules::Any
            }
        },
        Some(v) => match scalar_string(v) {
            Some(s) => FilterRules::Listed(vec![s]),
            None => {
                ctx.report(
                    Problem::BadFilter("`filter.rules` must be a list of rule ids or names".into()),
                    &path.key("rules"),
                );
                FilterRules::Any
            }
        },
    };
    let mut selections = f.clone();
    selections.remove("rules");
    let detection = detection::load(&Value::Mapping(selections), &path, ctx);
    if ctx.has_errors() {
        return None;
    }
    let detection = detection?;
    let conditions = crate::lower::lower_detection(&detection, &path, ctx)?;
    Some(Filter {
        meta,
        logsource: logsource?,
        rules,
        detection,
        conditions,
    })
}

impl Filter {
    /// Whether the filter applies to `rule`: the rule is named (by id or name) or the filter
    /// names `any`, and the filter's logsource contains the rule's (pySigma's rules).
    pub fn applies_to(&self, rule: &super::Rule) -> bool {
        let named = match &self.rules {
            FilterRules::Any => true,
            FilterRules::Listed(list) => list.iter().any(|r| {
                rule.meta.id.as_deref() == Some(r.as_str())
                    || rule.meta.name.as_deref() == Some(r.as_str())
            }),
        };
        named && self.logsource.contains(&rule.logsource)
    }
}

/// `rule` with every filter of `filters` that applies to it ANDed to each of its conditions,
/// each filter exactly once (a filter listed twice in the batch is still applied once).
pub fn apply_filters(rule: &super::Rule, filters: &[&Filter]) -> super::Rule {
    let mut applied: Vec<&Filter> = Vec::new();
    let mut out = rule.clone();
    for f in filters {
        // The same filter is applied once: the same id, or (without an id) the same document.
        let again = applied.iter().any(|a| match (&a.meta.id, &f.meta.id) {
            (Some(x), Some(y)) => x == y,
            _ => *a == *f,
        });
        if again || !f.applies_to(rule) {
            continue;
        }
        applied.push(f);
        for c in &mut out.conditions {
            let mut parts = vec![c.expr.clone()];
            parts.extend(f.conditions.iter().map(|fc| fc.expr.clone()));
            c.expr = crate::ir::Expr::and(parts);
        }
    }
    out
}
