//! The `detection` section as written: named definitions (selections and keyword lists) and
//! the condition(s). Shapes follow the specification: a map is AND, a list of maps is OR, a
//! list of values under a field is OR (AND with `|all`), a list of plain values is a keyword
//! search.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::load::{Ctx, yaml_kind};
use super::modifier::{self, Modifier};
use super::value::RawValue;
use crate::diag::Problem;
use crate::ir::Number;
use crate::source::KeyPath;

/// A parsed `detection` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The named definitions, in the order written.
    pub definitions: IndexMap<String, Definition>,
    /// The condition(s): one string, or a list whose conditions each give a query.
    pub conditions: Vec<ConditionText>,
}

/// A condition as written, with its key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionText {
    /// The condition.
    pub text: String,
    /// `detection.condition` or `detection.condition[i]`.
    pub path: KeyPath,
}

/// A named definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Definition {
    /// A map: every item must match.
    AllOf(Vec<Item>),
    /// A list of maps (or of keyword lists): any one must match.
    AnyOf(Vec<Definition>),
}

/// One `field|modifiers: values` entry, or a keyword list (no field).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The field, `None` for keywords.
    pub field: Option<String>,
    /// The modifiers, in order.
    pub modifiers: Vec<Modifier>,
    /// The values (ORed, or ANDed with `|all`).
    pub values: Vec<RawValue>,
    /// Whether the values were written as a list (for diagnostics' key paths).
    pub listed: bool,
    /// Where the item is.
    pub path: KeyPath,
}

/// Reads the detection section. Problems are reported; `None` when it cannot be used.
pub(crate) fn load(v: &Value, path: &KeyPath, ctx: &mut Ctx<'_>) -> Option<Detection> {
    let Some(map) = v.as_mapping() else {
        ctx.report(
            Problem::WrongType {
                key: "detection".into(),
                expected: "a mapping of identifiers and `condition`",
                found: yaml_kind(v),
            },
            path,
        );
        return None;
    };
    let mut errors_before = ctx.error_count();
    let mut definitions = IndexMap::new();
    let mut conditions = Vec::new();
    let mut has_condition = false;
    for (k, v) in map {
        let key = match k {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                ctx.report(
                    Problem::WrongType {
                        key: "detection key".into(),
                        expected: "a string",
                        found: yaml_kind(other),
                    },
                    path,
                );
                continue;
            }
        };
        let p = path.key(&key);
        match key.as_str() {
            "condition" => {
                has_condition = true;
                conditions = load_conditions(v, &p, ctx);
            }
            "timeframe" => {
                // Reported, but the rest is still checked so that every problem shows at once;
                // the document keeps its error.
                ctx.report(Problem::ObsoleteKey { key }, &p);
                errors_before += 1;
            }
            _ => {
                if let Some(def) = load_definition(&key, v, &p, ctx) {
                    definitions.insert(key, def);
                }
            }
        }
    }
    if !has_condition {
        ctx.report(
            Problem::MissingKey {
                key: path.key("condition").to_string(),
            },
            path,
        );
    }
    (ctx.error_count() == errors_before).then_some(Detection {
        definitions,
        conditions,
    })
}

fn load_conditions(v: &Value, path: &KeyPath, ctx: &mut Ctx<'_>) -> Vec<ConditionText> {
    let wrong = |ctx: &mut Ctx<'_>, v: &Value, p: &KeyPath| {
        ctx.report(
            Problem::WrongType {
                key: "condition".into(),
                expected: "a string (or a list of strings)",
                found: yaml_kind(v),
            },
            p,
        )
    };
    match v {
        Value::String(s) => vec![ConditionText {
            text: s.clone(),
            path: path.clone(),
        }],
        Value::Sequence(items) if !items.is_empty() => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push(ConditionText {
                        text: s.to_string(),
                        path: path.index(i),
                    }),
                    None => wrong(ctx, item, &path.index(i)),
                }
            }
            out
        }
        other => {
            wrong(ctx, other, path);
            Vec::new()
        }
    }
}

/// Reads a YAML scalar as a Sigma value; `None` for lists and mappings.
fn raw_value(v: &Value) -> Option<RawValue> {
    Some(match v {
        Value::Null => RawValue::Null,
        Value::Bool(b) => RawValue::Bool(*b),
        Value::String(s) => RawValue::Str(s.clone()),
        Value::Number(n) => RawValue::Num(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Number::Int(i),
            (None, Some(f)) => Number::Float(f),
            (None, None) => return None,
        }),
        _ => return None,
    })
}

fn load_definition(
    ident: &str,
    v: &Value,
    path: &KeyPath,
    ctx: &mut Ctx<'_>,
) -> Option<Definition> {
    let bad = |ctx: &mut Ctx<'_>, reason: String, p: &KeyPath| {
        ctx.report(
            Problem::BadDetection {
                identifier: ident.to_string(),
                reason,
            },
            p,
        );
        None
    };
    match v {
        Value::Mapping(m) => {
            if m.is_empty() {
                return bad(ctx, "is an empty mapping".into(), path);
            }
            let mut items = Vec::new();
            let mut ok = true;
            for (k, val) in m {
                let key = match k {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => {
                        ok = false;
                        bad(
                            ctx,
                            format!(
                                "has a key that is {} instead of a field name",
                                yaml_kind(other)
                            ),
                            path,
                        );
                        continue;
                    }
                };
                match load_item(ident, &key, val, &path.key(&key), ctx) {
                    Some(item) => items.push(item),
                    None => ok = false,
                }
            }
            ok.then_some(Definition::AllOf(items))
        }
        Value::Sequence(seq) => {
            if seq.is_empty() {
                return bad(ctx, "is an empty list".into(), path);
            }
            if seq.iter().all(|x| raw_value(x).is_some()) {
                // A list of plain values: keywords, ORed.
                let values = seq.iter().filter_map(raw_value).collect();
                return Some(Definition::AllOf(vec![Item {
                    field: None,
                    modifiers: Vec::new(),
                    values,
                    listed: true,
                    path: path.clone(),
                }]));
            }
            let mut alts = Vec::new();
            let mut ok = true;
            for (i, x) in seq.iter().enumerate() {
                let p = path.index(i);
                let def = match x {
                    Value::Mapping(_) => load_definition(ident, x, &p, ctx),
                    Value::Sequence(_) => bad(ctx, "has a list nested inside a list".into(), &p),
                    Value::Tagged(_) => bad(ctx, "has a tagged value in its list".into(), &p),
                    // A plain value among maps is a keyword (as pySigma reads it).
                    scalar => raw_value(scalar).map(|value| {
                        Definition::AllOf(vec![Item {
                            field: None,
                            modifiers: Vec::new(),
                            values: vec![value],
                            listed: false,
                            path: p.clone(),
                        }])
                    }),
                };
                match def {
                    Some(d) => alts.push(d),
                    None => ok = false,
                }
            }
            ok.then_some(Definition::AnyOf(alts))
        }
        Value::Null => bad(ctx, "is empty".into(), path),
        Value::Tagged(_) => bad(ctx, "is a tagged value".into(), path),
        scalar => raw_value(scalar).map(|value| {
            Definition::AllOf(vec![Item {
                field: None,
                modifiers: Vec::new(),
                values: vec![value],
                listed: false,
                path: path.clone(),
            }])
        }),
    }
}

fn load_item(ident: &str, key: &str, v: &Value, path: &KeyPath, ctx: &mut Ctx<'_>) -> Option<Item> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or("");
    let mut modifiers = Vec::new();
    let mut ok = true;
    for name in parts {
        match Modifier::from_name(name) {
            Some(m) => modifiers.push(m),
            None => {
                ok = false;
                let problem = Problem::UnknownModifier {
                    name: name.to_string(),
                    suggestion: modifier::suggestions(name).first().copied(),
                };
                ctx.report(problem, path);
            }
        }
    }
    let (values, listed) = match v {
        Value::Sequence(seq) if seq.is_empty() => (vec![RawValue::Null], false),
        Value::Sequence(seq) => {
            let mut values = Vec::with_capacity(seq.len());
            for (i, x) in seq.iter().enumerate() {
                match raw_value(x) {
                    Some(r) => values.push(r),
                    None => {
                        ok = false;
                        ctx.report(
                            Problem::BadDetection {
                                identifier: ident.into(),
                                reason: format!(
                                    "has {} as a value of `{key}`; values are strings, numbers, booleans or null",
                                    yaml_kind(x)
                                ),
                            },
                            &path.index(i),
                        );
                    }
                }
            }
            (values, true)
        }
        other => match raw_value(other) {
            Some(r) => (vec![r], false),
            None => {
                ctx.report(
                    Problem::BadDetection {
                        identifier: ident.into(),
                        reason: format!(
                            "has {} as the value of `{key}`; values are strings, numbers, booleans, null or a list of them",
                            yaml_kind(other)
                        ),
                    },
                    path,
                );
                return None;
            }
        },
    };
    ok.then(|| Item {
        field: (!field.is_empty()).then(|| field.to_string()),
        modifiers,
        values,
        listed,
        path: path.clone(),
    })
}
