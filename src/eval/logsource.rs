//! Whether an event can be one a rule's log source describes, so that a rule is evaluated
//! only on events of its kind and never matched blindly.
//!
//! - Raw mode: the event's `Channel` and `EventID` against the Windows table in
//!   `data/windows_logsources.yml` (e.g. `process_creation` is Sysmon EventID 1 or Security
//!   4688). An event with neither field cannot be placed and is evaluated for every rule (the
//!   report counts such events). A rule for another product never fits a Windows event.
//! - Target mode: the row's table, from its `_table` key, its `Type` column (Sentinel), or the
//!   `--table` option; without any, the row fits a table that has every column the row names.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::lookup;
use crate::pipeline::Table;
use crate::rule::LogSource;

#[derive(Debug, Deserialize)]
struct Data {
    #[allow(dead_code)]
    sysmon: String,
    categories: BTreeMap<String, Vec<Source>>,
    services: BTreeMap<String, Vec<String>>,
}

/// Where the events of a category come from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Source {
    /// The channel.
    pub channel: String,
    /// Its event ids.
    pub event_ids: Vec<i64>,
    /// Sigma field → the name these events use for it.
    #[serde(default)]
    pub fields: IndexMap<String, String>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        // The file is part of the binary and tested; a broken copy is a build defect.
        serde_yaml::from_str(include_str!("data/windows_logsources.yml"))
            .unwrap_or_else(|e| panic!("embedded windows_logsources.yml: {e}"))
    })
}

/// Where a raw event says it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EventOrigin {
    /// `Channel`.
    pub channel: Option<String>,
    /// `EventID`.
    pub event_id: Option<i64>,
}

impl EventOrigin {
    /// Reads `Channel` and `EventID` from an event (any of the shapes [`lookup`] reads).
    pub fn of(event: lookup::View) -> EventOrigin {
        EventOrigin {
            channel: event
                .first("Channel")
                .and_then(lookup::Val::as_str)
                .map(str::to_string),
            event_id: event.first("EventID").and_then(|v| match v {
                lookup::Val::Num(n) => n.as_i64(),
                lookup::Val::Str(s) => s.trim().parse().ok(),
                _ => None,
            }),
        }
    }

    /// Whether the event names neither a channel nor an event id.
    pub fn is_unknown(&self) -> bool {
        self.channel.is_none() && self.event_id.is_none()
    }
}

/// How a rule's log source meets a raw event.
#[derive(Debug, Clone, PartialEq)]
pub enum RawFit<'a> {
    /// The event is of the rule's kind; rename fields as the source says.
    Yes(Option<&'a Source>),
    /// The event says nothing about its origin: evaluated as it is.
    Unknown,
    /// Another kind of event.
    No,
}

/// Whether a rule's log source can be known from a raw event at all: `None` when the rule's
/// log source is outside the table (the reason is returned).
pub fn raw_checkable(ls: &LogSource) -> Result<(), String> {
    let d = data();
    match (&ls.product, &ls.category, &ls.service) {
        (Some(p), _, _) if p != "windows" => Ok(()),
        (_, Some(c), _) if !d.categories.contains_key(c) => Err(format!(
            "category {c} has no Windows channel and event ids in sigma-kql's table"
        )),
        (_, _, Some(s)) if !d.services.contains_key(s) => Err(format!(
            "service {s} has no known Windows channel in sigma-kql's table"
        )),
        _ => Ok(()),
    }
}

/// The Windows sources of a rule's log source, for generating its events: per source, its
/// channel, event ids and field renames (empty for a log source outside the table).
pub fn sources(ls: &LogSource) -> Vec<(String, Vec<i64>, IndexMap<String, String>)> {
    let d = data();
    if ls.product.as_deref().is_some_and(|p| p != "windows") {
        return Vec::new();
    }
    if let Some(c) = &ls.category {
        return d
            .categories
            .get(c)
            .into_iter()
            .flatten()
            .map(|s| (s.channel.clone(), s.event_ids.clone(), s.fields.clone()))
            .collect();
    }
    ls.service
        .as_ref()
        .and_then(|s| d.services.get(s))
        .into_iter()
        .flatten()
        .map(|c| (c.clone(), Vec::new(), IndexMap::new()))
        .collect()
}

/// Whether a raw event fits a rule's log source.
pub fn raw_fit<'a>(ls: &LogSource, origin: &EventOrigin) -> RawFit<'a> {
    if origin.is_unknown() {
        return RawFit::Unknown;
    }
    let d = data();
    if ls.product.as_deref().is_some_and(|p| p != "windows") {
        return RawFit::No;
    }
    let channel_is = |c: &str| {
        origin
            .channel
            .as_deref()
            .is_none_or(|have| have.eq_ignore_ascii_case(c))
    };
    if let Some(s) = &ls.service {
        let Some(channels) = d.services.get(s) else {
            return RawFit::No;
        };
        if !channels.iter().any(|c| channel_is(c)) {
            return RawFit::No;
        }
    }
    let Some(c) = &ls.category else {
        return RawFit::Yes(None);
    };
    let Some(sources) = d.categories.get(c) else {
        return RawFit::No;
    };
    let found = sources.iter().find(|s| {
        channel_is(&s.channel) && origin.event_id.is_none_or(|id| s.event_ids.contains(&id))
    });
    match found {
        Some(s) if s.fields.is_empty() => RawFit::Yes(None),
        Some(s) => RawFit::Yes(Some(s)),
        None => RawFit::No,
    }
}

/// The events a log source stands for, for notes (`Sysmon EventID 1 or Security EventID 4688`).
pub fn describe(ls: &LogSource) -> String {
    let d = data();
    let mut parts = Vec::new();
    if let Some(c) = ls.category.as_ref().and_then(|c| d.categories.get(c)) {
        let alts: Vec<String> = c
            .iter()
            .map(|s| {
                let ids: Vec<String> = s.event_ids.iter().map(i64::to_string).collect();
                format!("{} EventID {}", short(&s.channel), ids.join("/"))
            })
            .collect();
        parts.push(alts.join(" or "));
    }
    if let Some(s) = ls.service.as_ref().and_then(|s| d.services.get(s)) {
        parts.push(format!("channel {}", s.join(" or ")));
    }
    if parts.is_empty() {
        return "any event".to_string();
    }
    parts.join(", ")
}

fn short(channel: &str) -> &str {
    if channel == data().sysmon {
        "Sysmon"
    } else {
        channel
    }
}

/// The table a target-mode row names (`_table`, or Sentinel's `Type` column).
pub fn row_table(row: &Value) -> Option<&str> {
    row.get("_table")
        .or_else(|| row.get("Type"))
        .and_then(Value::as_str)
}

/// Whether a row can be a row of `table`: it names the table, or (naming none) every key
/// that is not metadata (`_…`) is a column of the table.
pub fn target_fit(table: &Table, row: &Value, forced: Option<&str>) -> bool {
    if let Some(t) = forced.or_else(|| row_table(row)) {
        return t.eq_ignore_ascii_case(&table.name);
    }
    row.as_object().is_some_and(|o| {
        o.keys()
            .filter(|k| !k.starts_with('_'))
            .all(|k| table.column(k).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ls(category: Option<&str>, service: Option<&str>) -> LogSource {
        LogSource {
            product: Some("windows".into()),
            category: category.map(Into::into),
            service: service.map(Into::into),
            ..LogSource::default()
        }
    }

    fn origin(e: Value) -> EventOrigin {
        let origin = EventOrigin::of(lookup::View::Json(&e));
        if let Some(flat) = crate::eval::flat::parse(&e.to_string()) {
            assert_eq!(
                EventOrigin::of(lookup::View::Flat(&flat)),
                origin,
                "read flat: {e}"
            );
        }
        origin
    }

    #[test]
    fn process_creation_is_sysmon_1_or_security_4688() {
        let pc = ls(Some("process_creation"), None);
        let sysmon =
            origin(json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1}));
        assert_eq!(raw_fit(&pc, &sysmon), RawFit::Yes(None));
        let sec = origin(json!({"Channel": "Security", "EventID": "4688"}));
        assert!(
            matches!(raw_fit(&pc, &sec), RawFit::Yes(Some(s)) if s.fields["Image"] == "NewProcessName")
        );
        let other =
            origin(json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 3}));
        assert_eq!(raw_fit(&pc, &other), RawFit::No);
        assert_eq!(
            raw_fit(&pc, &origin(json!({"Image": "x"}))),
            RawFit::Unknown
        );
        // An event id alone is enough to place an event.
        assert_eq!(
            raw_fit(&pc, &origin(json!({"EventID": 1}))),
            RawFit::Yes(None)
        );
    }

    #[test]
    fn services_are_channels() {
        let sec = ls(None, Some("security"));
        assert_eq!(
            raw_fit(
                &sec,
                &origin(json!({"Channel": "security", "EventID": 4624}))
            ),
            RawFit::Yes(None)
        );
        assert_eq!(
            raw_fit(&sec, &origin(json!({"Channel": "System", "EventID": 7045}))),
            RawFit::No
        );
        let linux = LogSource {
            product: Some("linux".into()),
            ..LogSource::default()
        };
        assert_eq!(
            raw_fit(&linux, &origin(json!({"Channel": "Security"}))),
            RawFit::No
        );
        assert!(raw_checkable(&ls(Some("webserver"), None)).is_err());
        assert!(raw_checkable(&ls(None, Some("nope"))).is_err());
        assert_eq!(
            describe(&ls(Some("process_creation"), None)),
            "Sysmon EventID 1 or Security EventID 4688"
        );
    }
}
