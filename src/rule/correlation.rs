//! Correlation rules (Sigma correlation specification v2.1): recognised and validated here;
//! what a backend makes of them comes later.

use serde_yaml::{Mapping, Value};

use super::Meta;
use super::load::{Ctx, yaml_kind};
use super::meta::{load_meta, scalar_string};
use crate::diag::Problem;
use crate::source::KeyPath;

/// The correlation types of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorrelationType {
    /// Number of events per group.
    EventCount,
    /// Number of distinct values of a field per group.
    ValueCount,
    /// All rules match within the timespan, in any order.
    Temporal,
    /// All rules match within the timespan, in the order listed.
    TemporalOrdered,
    /// Sum of a numeric field.
    ValueSum,
    /// Average of a numeric field.
    ValueAvg,
    /// Percentile of a numeric field.
    ValuePercentile,
}

/// The correlation types, by name.
const TYPES: &[(&str, CorrelationType)] = &[
    ("event_count", CorrelationType::EventCount),
    ("value_count", CorrelationType::ValueCount),
    ("temporal", CorrelationType::Temporal),
    ("temporal_ordered", CorrelationType::TemporalOrdered),
    ("value_sum", CorrelationType::ValueSum),
    ("value_avg", CorrelationType::ValueAvg),
    ("value_percentile", CorrelationType::ValuePercentile),
];

impl CorrelationType {
    /// Whether the type aggregates a field (and so needs `condition.field`).
    pub fn needs_field(self) -> bool {
        matches!(
            self,
            CorrelationType::ValueCount
                | CorrelationType::ValueSum
                | CorrelationType::ValueAvg
                | CorrelationType::ValuePercentile
        )
    }

    /// Whether the type needs a `condition`.
    pub fn needs_condition(self) -> bool {
        !matches!(
            self,
            CorrelationType::Temporal | CorrelationType::TemporalOrdered
        )
    }
}

/// A comparison in a correlation condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountOp {
    /// `gt`.
    Gt,
    /// `gte`.
    Gte,
    /// `lt`.
    Lt,
    /// `lte`.
    Lte,
    /// `eq`.
    Eq,
    /// `neq`.
    Neq,
}

/// A correlation's `timespan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timespan {
    /// As written, e.g. `90m`.
    pub text: String,
    /// In seconds.
    pub seconds: u64,
}

/// A correlation's `condition`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CorrelationCondition {
    /// The comparisons (ANDed).
    pub comparisons: Vec<(CountOp, f64)>,
    /// The aggregated field(s), for the value types.
    pub field: Vec<String>,
}

/// A correlation rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// Title, id and the other metadata.
    pub meta: Meta,
    /// The type.
    pub kind: CorrelationType,
    /// The correlated rules, by id or name.
    pub rules: Vec<String>,
    /// Group-by fields.
    pub group_by: Vec<String>,
    /// The time window.
    pub timespan: Timespan,
    /// The threshold condition.
    pub condition: Option<CorrelationCondition>,
    /// `alias → (rule → field)`.
    pub aliases: Vec<(String, Vec<(String, String)>)>,
    /// Whether the referenced rules are also emitted on their own.
    pub generate: bool,
}

/// Parses a timespan such as `90m`, `1h`, `7d` (units s, m, h, d).
pub fn parse_timespan(s: &str) -> Option<Timespan> {
    let unit = s.chars().last()?;
    let mult = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86400,
        _ => return None,
    };
    let n: u64 = s[..s.len() - 1].parse().ok()?;
    Some(Timespan {
        text: s.to_string(),
        seconds: n.checked_mul(mult)?,
    })
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Sequence(items) => items.iter().map(scalar_string).collect(),
        other => scalar_string(other).map(|s| vec![s]),
    }
}

/// Loads a correlation document. Problems are reported; `None` when it has an error.
pub(crate) fn load(map: &Mapping, ctx: &mut Ctx<'_>) -> Option<Correlation> {
    let meta = load_meta(map, ctx);
    let root = KeyPath::root().key("correlation");
    let bad = |ctx: &mut Ctx<'_>, msg: String, path: &KeyPath| {
        ctx.report(Problem::BadCorrelation(msg), path);
    };
    let Some(c) = map.get("correlation").and_then(Value::as_mapping) else {
        let found = map.get("correlation").map(yaml_kind).unwrap_or("nothing");
        bad(
            ctx,
            format!("`correlation` must be a mapping, found {found}"),
            &root,
        );
        return None;
    };
    let kind = match c.get("type").and_then(Value::as_str) {
        Some(t) => match TYPES.iter().find(|(n, _)| *n == t) {
            Some((_, k)) => Some(*k),
            None => {
                let names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
                bad(
                    ctx,
                    format!(
                        "unknown correlation type {t:?}; use one of {}",
                        names.join(", ")
                    ),
                    &root.key("type"),
                );
                None
            }
        },
        None => {
            bad(ctx, "missing `correlation.type`".into(), &root);
            None
        }
    };
    let rules = match c.get("rules").and_then(strings) {
        Some(r) if !r.is_empty() => r,
        _ => {
            bad(
                ctx,
                "`correlation.rules` must list the ids or names of the correlated rules".into(),
                &root.key("rules"),
            );
            Vec::new()
        }
    };
    let group_by = match c.get("group-by") {
        None => Vec::new(),
        Some(v) => strings(v).unwrap_or_else(|| {
            bad(
                ctx,
                "`correlation.group-by` must be a list of field names".into(),
                &root.key("group-by"),
            );
            Vec::new()
        }),
    };
    let timespan = match c.get("timespan").and_then(scalar_string) {
        Some(t) => parse_timespan(&t).or_else(|| {
            bad(
                ctx,
                format!("`correlation.timespan` {t:?} is not a number followed by s, m, h or d (e.g. `90m`)"),
                &root.key("timespan"),
            );
            None
        }),
        None => {
            bad(ctx, "missing `correlation.timespan` (e.g. `1h`)".into(), &root);
            None
        }
    };
    let condition = match c.get("condition") {
        None => None,
        Some(v) => load_condition(v, &root.key("condition"), ctx),
    };
    if let Some(k) = kind {
        if k.needs_condition() && c.get("condition").is_none() {
            bad(
                ctx,
                "this correlation type needs `correlation.condition` (e.g. `gte: 10`)".into(),
                &root,
            );
        }
        if k.needs_field() && condition.as_ref().is_some_and(|c| c.field.is_empty()) {
            bad(
                ctx,
                "this correlation type needs `condition.field`, the field it aggregates".into(),
                &root.key("condition"),
            );
        }
    }
    let mut aliases = Vec::new();
    if let Some(a) = c.get("aliases") {
        match a.as_mapping() {
            Some(m) => {
                for (alias, per_rule) in m {
                    let alias = scalar_string(alias).unwrap_or_default();
                    let pairs = per_rule
                        .as_mapping()
                        .map(|pr| {
                            pr.iter()
                                .filter_map(|(r, f)| Some((scalar_string(r)?, scalar_string(f)?)))
                                .collect()
                        })
                        .unwrap_or_default();
                    aliases.push((alias, pairs));
                }
            }
            None => bad(
                ctx,
                "`correlation.aliases` must map each alias to `rule: field` pairs".into(),
                &root.key("aliases"),
            ),
        }
    }
    let generate = match map.get("generate").or_else(|| c.get("generate")) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            bad(
                ctx,
                format!("`generate` must be true or false, found {}", yaml_kind(v)),
                &KeyPath::root().key("generate"),
            );
            false
        }
    };
    if ctx.has_errors() {
        return None;
    }
    Some(Correlation {
        meta,
        kind: kind?,
        rules,
        group_by,
        timespan: timespan?,
        condition,
        aliases,
        generate,
    })
}

fn load_condition(v: &Value, path: &KeyPath, ctx: &mut Ctx<'_>) -> Option<CorrelationCondition> {
    let Some(m) = v.as_mapping() else {
        ctx.report(
            Problem::BadCorrelation(format!(
                "`correlation.condition` must be a mapping such as `gte: 10`, found {}",
                yaml_kind(v)
            )),
            path,
        );
        return None;
    };
    let mut cond = CorrelationCondition::default();
    for (k, val) in m {
        let key = k.as_str().unwrap_or("");
        let op = match key {
            "gt" => CountOp::Gt,
            "gte" => CountOp::Gte,
            "lt" => CountOp::Lt,
            "lte" => CountOp::Lte,
            "eq" => CountOp::Eq,
            "neq" => CountOp::Neq,
            "field" => {
                match strings(val) {
                    Some(f) => cond.field = f,
                    None => ctx.report(
                        Problem::BadCorrelation("`condition.field` must be a field name".into()),
                        &path.key("field"),
                    ),
                }
                continue;
            }
            other => {
                ctx.report(
                    Problem::BadCorrelation(format!(
                        "unknown key `{other}` in `correlation.condition`; use gt, gte, lt, lte, eq, neq and field"
                    )),
                    &path.key(other),
                );
                continue;
            }
        };
        match val.as_f64() {
            Some(n) => cond.comparisons.push((op, n)),
            None => ctx.report(
                Problem::BadCorrelation(format!("`condition.{key}` must be a number")),
                &path.key(key),
            ),
        }
    }
    if cond.comparisons.is_empty() {
        ctx.report(
            Problem::BadCorrelation(
                "`correlation.condition` needs a comparison such as `gte: 10`".into(),
            ),
            path,
        );
    }
    Some(cond)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("90m").map(|t| t.seconds), Some(5400));
        assert_eq!(parse_timespan("1d").map(|t| t.seconds), Some(86400));
        assert_eq!(parse_timespan("10").map(|t| t.seconds), None);
        assert_eq!(parse_timespan("1y"), None);
        assert_eq!(parse_timespan("m"), None);
    }
}
