//! Rows keyed by other names, put onto a route's columns: an ECS-keyed fixture
//! (`process.name`, or nested `{"process": {"name": …}}`) or a Sysmon-keyed event (`Image`)
//! becomes the Defender row the same taxonomy maps those names to (`FileName`, `FolderPath`).
//! The inverse of the pipeline's field mapping, for the mappings that have one: a column
//! takes the value; a file path is split into folder and name; a joined `DOMAIN\user` into
//! its two columns; a JSON key goes into its JSON column; a hexadecimal number becomes a
//! number; a full path on a file-name column becomes the file name. Names without an inverse
//! (value maps, hashes lists, registry hive rewrites) are left out, and the caller is told.

use serde_json::{Map, Value};

use super::lookup;
use crate::pipeline::{Derived, Route, Target, Transform};

/// The row for `route` of an event keyed by the names `names` (ECS or Sigma field names of
/// the route); `None` when the event has none of them. Columns already in the event stay; the
/// names that could not be put onto columns are returned.
pub fn translate(
    event: &Value,
    route: &Route,
    names: impl Fn(&str) -> bool,
) -> Option<(Value, Vec<String>)> {
    let mut row: Map<String, Value> = Map::new();
    let mut skipped = Vec::new();
    let mut any = false;
    for (name, mapping) in &route.fields {
        if !names(name) {
            continue;
        }
        let Some(v) = lookup::values(event, name).into_iter().next().cloned() else {
            continue;
        };
        any = true;
        if !put(&mut row, &mapping.target, mapping.transform, v) {
            skipped.push(name.clone());
        }
    }
    if !any {
        return None;
    }
    // Keys that are columns (or metadata) are kept where no translated name set them (a
    // Sigma name can be a column name too: Sysmon's hexadecimal `LogonId`).
    if let Some(o) = event.as_object() {
        for (k, v) in o {
            if k.starts_with('_') || route.table.column(k).is_some() {
                row.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Some((Value::Object(row), skipped))
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn put(
    row: &mut Map<String, Value>,
    target: &Target,
    transform: Option<Transform>,
    v: Value,
) -> bool {
    let mut set = |k: &str, v: Value| {
        row.entry(k.to_string()).or_insert(v);
    };
    match (target, transform) {
        (Target::Column(c), None) => set(c, v),
        (Target::Column(c), Some(Transform::HexNumber)) => {
            let parsed = text(&v).and_then(|t| {
                let t = t.trim();
                match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    Some(hex) => i64::from_str_radix(hex, 16).ok(),
                    None => t.parse().ok(),
                }
            });
            match parsed {
                Some(n) => set(c, Value::from(n)),
                None => return false,
            }
        }
        (Target::Column(c), Some(Transform::FileName)) => {
            let Some(t) = text(&v) else { return false };
            let name = t.rsplit(['\\', '/']).next().unwrap_or(&t).to_string();
            set(c, Value::String(name));
        }
        (Target::Derived(Derived::FilePath { folder, name }), None) => {
            let Some(t) = text(&v) else { return false };
            match t.rsplit_once('\\') {
                Some((f, n)) => {
                    set(folder, Value::String(f.to_string()));
                    set(name, Value::String(n.to_string()));
                }
                None => set(name, Value::String(t)),
            }
        }
        (Target::Derived(Derived::Join { parent, child }), None) => {
            let Some(t) = text(&v) else { return false };
            match t.split_once('\\') {
                Some((p, c)) => {
                    set(parent, Value::String(p.to_string()));
                    set(child, Value::String(c.to_string()));
                }
                None => set(child, Value::String(t)),
            }
        }
        (Target::Derived(Derived::Json { column, path }), None) => {
            let slot = row
                .entry(column.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(mut at) = slot.as_object_mut() else {
                return false;
            };
            let Some((last, parents)) = path.split_last() else {
                return false;
            };
            for key in parents {
                let next = at
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                let Some(o) = next.as_object_mut() else {
                    return false;
                };
                at = o;
            }
            at.entry(last.clone()).or_insert(v);
        }
        _ => return false,
    }
    true
}

/// The Defender table an ECS-keyed event belongs to: by its `event.category` (`process`,
/// `file`, `registry`, `network`, `authentication`, `library`, `driver`), else by the field
/// sets it uses (`registry.*` → DeviceRegistryEvents, `file.*` → DeviceFileEvents, `dll.*` →
/// DeviceImageLoadEvents, `destination.*` / `source.*` / `network.*` → DeviceNetworkEvents,
/// `dns.*` → DeviceEvents), else a process creation (DeviceProcessEvents).
pub fn ecs_table(event: &Value) -> &'static str {
    const CATEGORIES: &[(&str, &str)] = &[
        ("process", "DeviceProcessEvents"),
        ("file", "DeviceFileEvents"),
        ("registry", "DeviceRegistryEvents"),
        ("network", "DeviceNetworkEvents"),
        ("authentication", "DeviceLogonEvents"),
        ("library", "DeviceImageLoadEvents"),
        ("driver", "DeviceEvents"),
    ];
    for v in lookup::values(event, "event.category") {
        if let Some((_, t)) = v
            .as_str()
            .and_then(|c| CATEGORIES.iter().find(|(k, _)| k.eq_ignore_ascii_case(c)))
        {
            return t;
        }
    }
    const SETS: &[(&str, &str)] = &[
        ("registry", "DeviceRegistryEvents"),
        ("file", "DeviceFileEvents"),
        ("dll", "DeviceImageLoadEvents"),
        ("destination", "DeviceNetworkEvents"),
        ("source", "DeviceNetworkEvents"),
        ("network", "DeviceNetworkEvents"),
        ("dns", "DeviceEvents"),
    ];
    let uses = |set: &str| {
        event.as_object().is_some_and(|o| {
            o.keys()
                .any(|k| k == set || k.starts_with(&format!("{set}.")))
        })
    };
    SETS.iter()
        .find(|(set, _)| uses(set))
        .map_or("DeviceProcessEvents", |(_, t)| t)
}

/// Whether a key names an ECS field (dotted, or a nested object under an ECS field set).
pub fn is_ecs_key(key: &str, value: &Value) -> bool {
    const SETS: &[&str] = &[
        "process",
        "host",
        "user",
        "event",
        "file",
        "registry",
        "destination",
        "source",
        "dns",
        "network",
        "dll",
        "url",
    ];
    let head = key.split('.').next().unwrap_or(key);
    SETS.contains(&head) && (key.contains('.') || value.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;
    use crate::rule::LogSource;

    fn route(category: &str) -> Route {
        let p = Pipeline::builtin("microsoft_xdr").unwrap();
        let ls = LogSource {
            product: Some("windows".into()),
            category: Some(category.into()),
            ..LogSource::default()
        };
        let rule_expr = crate::ir::Expr::And(vec![]);
        let rule = crate::rule::load_source(
            "t.yml",
            &format!(
                "title: t\nlogsource: {{product: windows, category: {category}}}\ndetection:\n  s: {{a: 1}}\n  condition: s\n"
            ),
        );
        let Some(crate::rule::Document::Rule(r)) = rule.documents[0].document.clone() else {
            panic!("test rule")
        };
        assert_eq!(r.logsource, ls);
        p.route_for(&r, &rule_expr).unwrap().clone()
    }

    #[test]
    fn ecs_names_become_columns() {
        let r = route("process_creation").for_exclusions();
        let e = serde_json::json!({"process": {"name": "a.exe", "parent": {"name": "b.exe"}},
                                   "host.name": "pc1", "ReportId": 3});
        let (row, skipped) = translate(&e, &r, |n| n.contains('.')).unwrap();
        assert_eq!(row["FileName"], "a.exe");
        assert_eq!(row["InitiatingProcessFileName"], "b.exe");
        assert_eq!(row["DeviceName"], "pc1");
        assert_eq!(row["ReportId"], 3);
        assert!(skipped.is_empty());
    }

    #[test]
    fn sysmon_names_become_columns() {
        let r = route("process_creation");
        let e = serde_json::json!({"Image": "C:\\x\\a.exe", "User": "CORP\\bob", "LogonId": "0x3e7",
                                   "GrandParentImage": "C:\\w\\explorer.exe"});
        let (row, _) = translate(&e, &r, |n| !n.contains('.')).unwrap();
        assert_eq!(row["FolderPath"], "C:\\x\\a.exe");
        assert_eq!(row["AccountDomain"], "CORP");
        assert_eq!(row["AccountName"], "bob");
        assert_eq!(row["LogonId"], 999);
        assert_eq!(row["InitiatingProcessParentFileName"], "explorer.exe");
    }
}
