//! Metadata of Sigma documents (title, id, status, level, dates, tags …) and detection rules as
//! a whole. Required keys that are missing or of the wrong type are errors; metadata that is
//! merely malformed is a warning, because the rule still works.

use std::sync::LazyLock;

use serde_yaml::{Mapping, Value};

use super::load::{Ctx, yaml_kind};
use super::{Level, LogSource, Meta, Related, Rule, Status, detection};
use crate::diag::Problem;
use crate::source::KeyPath;

/// The keys of the specification that [`load_meta`] reads; everything else is custom.
const META_KEYS: &[&str] = &[
    "title",
    "id",
    "name",
    "status",
    "description",
    "references",
    "author",
    "date",
    "modified",
    "level",
    "tags",
    "falsepositives",
    "related",
    "taxonomy",
    "license",
];

static UUID: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    )
    .expect("constant regex")
});
static DATE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$").expect("constant regex")
});
static TAG: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^[a-z0-9_-]+\.[a-z0-9._-]+$").expect("constant regex"));
static LOGSOURCE_VALUE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^[a-z0-9_.-]+$").expect("constant regex"));

/// Whether `s` is a UUID (any version).
pub fn is_uuid(s: &str) -> bool {
    UUID.is_match(s)
}

/// Reads a required string key; reports a missing key or a wrong type.
pub(crate) fn required_str(
    map: &Mapping,
    key: &str,
    path: &KeyPath,
    ctx: &mut Ctx<'_>,
) -> Option<String> {
    match map.get(key) {
        None | Some(Value::Null) => {
            ctx.report(
                Problem::MissingKey {
                    key: path.key(key).to_string(),
                },
                path,
            );
            None
        }
        Some(v) => scalar_string(v).or_else(|| {
            ctx.report(
                Problem::WrongType {
                    key: key.into(),
                    expected: "a string",
                    found: yaml_kind(v),
                },
                &path.key(key),
            );
            None
        }),
    }
}

/// A string, or a number or boolean read as its text.
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads an optional string key; a value of another type is a warning and is ignored.
pub(crate) fn optional_str(
    map: &Mapping,
    key: &str,
    path: &KeyPath,
    ctx: &mut Ctx<'_>,
) -> Option<String> {
    match map.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => scalar_string(v).or_else(|| {
            ctx.report(
                Problem::IgnoredMetadata {
                    key: key.into(),
                    expected: "a string",
                    found: yaml_kind(v),
                },
                &path.key(key),
            );
            None
        }),
    }
}

/// Reads an optional list of strings. A single string is taken as a one-item list.
pub(crate) fn string_list(
    map: &Mapping,
    key: &str,
    path: &KeyPath,
    ctx: &mut Ctx<'_>,
) -> Vec<String> {
    match map.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match scalar_string(item) {
                    Some(s) => out.push(s),
                    None if item.is_null() => {}
                    None => ctx.report(
                        Problem::IgnoredMetadata {
                            key: format!("{key}[{i}]"),
                            expected: "a string",
                            found: yaml_kind(item),
                        },
                        &path.key(key).index(i),
                    ),
                }
            }
            out
        }
        Some(v) => match scalar_string(v) {
            Some(s) => vec![s],
            None => {
                ctx.report(
                    Problem::IgnoredMetadata {
                        key: key.into(),
                        expected: "a list of strings",
                        found: yaml_kind(v),
                    },
                    &path.key(key),
                );
                Vec::new()
            }
        },
    }
}

/// Reads the metadata every document kind shares. `title` is required.
pub(crate) fn load_meta(map: &Mapping, ctx: &mut Ctx<'_>) -> Meta {
    let root = KeyPath::root();
    let title = required_str(map, "title", &root, ctx).unwrap_or_default();
    if title.chars().count() > 256 {
        ctx.report(
            Problem::TooLong {
                key: "title".into(),
                len: title.chars().count(),
                limit: 256,
            },
            &root.key("title"),
        );
    }
    let id = optional_str(map, "id", &root, ctx);
    if let Some(id) = &id
        && !is_uuid(id)
    {
        ctx.report(
            Problem::BadId {
                key: "id".into(),
                value: id.clone(),
            },
            &root.key("id"),
        );
    }
    let status = optional_str(map, "status", &root, ctx).and_then(|s| {
        let parsed = Status::parse(&s);
        if parsed.is_none() {
            ctx.report(Problem::UnknownStatus { value: s }, &root.key("status"));
        }
        parsed
    });
    let level = optional_str(map, "level", &root, ctx).and_then(|s| {
        let parsed = Level::parse(&s);
        if parsed.is_none() {
            ctx.report(Problem::UnknownLevel { value: s }, &root.key("level"));
        }
        parsed
    });
    let description = optional_str(map, "description", &root, ctx);
    if let Some(d) = &description
        && d.chars().count() > 65535
    {
        ctx.report(
            Problem::TooLong {
                key: "description".into(),
                len: d.chars().count(),
                limit: 65535,
            },
            &root.key("description"),
        );
    }
    let mut dates = [None, None];
    for (slot, key) in dates.iter_mut().zip(["date", "modified"]) {
        *slot = optional_str(map, key, &root, ctx);
        if let Some(d) = slot.as_ref()
            && !DATE.is_match(d)
        {
            ctx.report(
                Problem::BadDate {
                    key: key.into(),
                    value: d.clone(),
                },
                &root.key(key),
            );
        }
    }
    let [date, modified] = dates;
    let tags = string_list(map, "tags", &root, ctx);
    for (i, t) in tags.iter().enumerate() {
        if !TAG.is_match(t) {
            ctx.report(
                Problem::BadTag { value: t.clone() },
                &root.key("tags").index(i),
            );
        }
    }
    let related = load_related(map, ctx);
    let mut custom = indexmap::IndexMap::new();
    for (k, v) in map {
        let Some(k) = k.as_str() else { continue };
        if !META_KEYS.contains(&k) && !NON_META_KEYS.contains(&k) {
            custom.insert(k.to_string(), v.clone());
        }
    }
    Meta {
        title,
        id,
        name: optional_str(map, "name", &root, ctx),
        status,
        description,
        references: string_list(map, "references", &root, ctx),
        author: optional_str(map, "author", &root, ctx),
        date,
        modified,
        level,
        tags,
        falsepositives: string_list(map, "falsepositives", &root, ctx),
        related,
        taxonomy: optional_str(map, "taxonomy", &root, ctx),
        license: optional_str(map, "license", &root, ctx),
        custom,
    }
}

/// Keys the document loaders read themselves (not metadata, not custom).
const NON_META_KEYS: &[&str] = &[
    "logsource",
    "detection",
    "fields",
    "scope",
    "correlation",
    "filter",
    "generate",
];

fn load_related(map: &Mapping, ctx: &mut Ctx<'_>) -> Vec<Related> {
    let path = KeyPath::root().key("related");
    let Some(v) = map.get("related") else {
        return Vec::new();
    };
    let Some(items) = v.as_sequence() else {
        if !v.is_null() {
            ctx.report(
                Problem::IgnoredMetadata {
                    key: "related".into(),
                    expected: "a list of {id, type}",
                    found: yaml_kind(v),
                },
                &path,
            );
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let Some(m) = item.as_mapping() else {
            ctx.report(
                Problem::IgnoredMetadata {
                    key: format!("related[{i}]"),
                    expected: "a mapping with `id` and `type`",
                    found: yaml_kind(item),
                },
                &p,
            );
            continue;
        };
        let id = m.get("id").and_then(scalar_string).unwrap_or_default();
        let kind = m.get("type").and_then(scalar_string).unwrap_or_default();
        if !is_uuid(&id) {
            ctx.report(
                Problem::BadId {
                    key: format!("related[{i}].id"),
                    value: id.clone(),
                },
                &p.key("id"),
            );
        }
        if !matches!(
            kind.as_str(),
            "derived" | "obsolete" | "merged" | "renamed" | "similar"
        ) {
            ctx.report(
                Problem::BadRelatedType {
                    value: kind.clone(),
                },
                &p.key("type"),
            );
        }
        out.push(Related { id, kind });
    }
    out
}

/// Reads `logsource` (required): a mapping of string values.
pub(crate) fn load_logsource(map: &Mapping, ctx: &mut Ctx<'_>) -> Option<LogSource> {
    let path = KeyPath::root().key("logsource");
    let v = match map.get("logsource") {
        None | Some(Value::Null) => {
            ctx.report(
                Problem::MissingKey {
                    key: "logsource".into(),
                },
                &KeyPath::root(),
            );
            return None;
        }
        Some(v) => v,
    };
    let Some(m) = v.as_mapping() else {
        ctx.report(
            Problem::WrongType {
                key: "logsource".into(),
                expected: "a mapping (category, product, service)",
                found: yaml_kind(v),
            },
            &path,
        );
        return None;
    };
    let mut ls = LogSource::default();
    for (k, v) in m {
        let Some(key) = k.as_str() else { continue };
        let Some(value) = scalar_string(v) else {
            if !v.is_null() {
                ctx.report(
                    Problem::IgnoredMetadata {
                        key: format!("logsource.{key}"),
                        expected: "a string",
                        found: yaml_kind(v),
                    },
                    &path.key(key),
                );
            }
            continue;
        };
        let checked = |ctx: &mut Ctx<'_>, value: &String| {
            if !LOGSOURCE_VALUE.is_match(value) {
                ctx.report(
                    Problem::LogsourceCase {
                        key: key.into(),
                        value: value.clone(),
                    },
                    &path.key(key),
                );
            }
        };
        match key {
            "category" => {
                checked(ctx, &value);
                ls.category = Some(value);
            }
            "product" => {
                checked(ctx, &value);
                ls.product = Some(value);
            }
            "service" => {
                checked(ctx, &value);
                ls.service = Some(value);
            }
            "definition" => ls.definition = Some(value),
            _ => ls.custom.push((key.to_string(), value)),
        }
    }
    Some(ls)
}

/// Loads a detection rule.
pub(crate) fn load_rule(map: &Mapping, ctx: &mut Ctx<'_>) -> Option<Rule> {
    let meta = load_meta(map, ctx);
    let root = KeyPath::root();
    let logsource = load_logsource(map, ctx);
    let detection = match map.get("detection") {
        None | Some(Value::Null) => {
            ctx.report(
                Problem::MissingKey {
                    key: "detection".into(),
                },
                &root,
            );
            None
        }
        Some(v) => detection::load(v, &root.key("detection"), ctx),
    };
    let fields = string_list(map, "fields", &root, ctx);
    let scope = string_list(map, "scope", &root, ctx);
    let detection = detection?;
    let conditions = crate::lower::lower_detection(&detection, &root.key("detection"), ctx)?;
    Some(Rule {
        meta,
        logsource: logsource?,
        detection,
        fields,
        scope,
        conditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_check() {
        assert!(is_uuid("a06c66b9-35be-4b73-9b9a-4f8710c52c94"));
        assert!(!is_uuid("a06c66b9-35be-4b73-9b9a-4f8710c52c9"));
        assert!(!is_uuid("not-a-uuid"));
    }

    #[test]
    fn date_and_tag_shapes() {
        assert!(DATE.is_match("2025-08-02"));
        assert!(!DATE.is_match("2025/08/02"));
        assert!(!DATE.is_match("2025-13-02"));
        assert!(TAG.is_match("attack.t1219"));
        assert!(TAG.is_match("attack.command-and-control"));
        assert!(!TAG.is_match("Attack.T1219"));
        assert!(!TAG.is_match("t1219"));
    }
}
