//! Finding a field's values in an event.
//!
//! - A dotted name walks nested objects (`process.parent.name`); at every level a key that is
//!   the whole remaining name, dots included, wins over walking (`"process.name": …`).
//! - Arrays on the way or at the end give several values: a predicate holds when it holds for
//!   any of them.
//! - Windows event shapes (raw mode): a name not found at the top is looked up in the event
//!   data, then in the system part: `Event.EventData`, `Event.System` (evtx_dump JSON and the
//!   SigmaHQ regression exports, with `#text` and `#attributes`: `Provider_Name` is
//!   `System.Provider.#attributes.Name`), `EventData.Data` as a list of `Name`/`#text` pairs,
//!   and winlogbeat's `winlog.event_data` / `winlog.*`. NXLog-style flat events need nothing.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::flat::FlatEvent;

/// One value of a field, however the event was read.
#[derive(Debug, Clone, Copy)]
pub enum Val<'a> {
    /// JSON null.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(&'a Number),
    /// A string.
    Str(&'a str),
    /// An array or an object (JSON events only).
    Json(&'a Value),
}

impl<'a> Val<'a> {
    /// The value of a JSON value.
    pub fn of(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n),
            Value::String(s) => Val::Str(s),
            v => Val::Json(v),
        }
    }

    /// Whether the value is null.
    pub fn is_null(self) -> bool {
        matches!(self, Val::Null)
    }

    /// The string, if the value is one.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar's text as Sigma compares it (strings as they are, numbers in JSON's decimal
    /// form, booleans as `true` / `false`); `None` for null, objects and arrays. The evaluator
    /// and the prefilter both read values through this, so that they cannot disagree.
    pub fn text(self) -> Option<Cow<'a, str>> {
        match self {
            Val::Str(s) => Some(Cow::Borrowed(s)),
            Val::Num(n) => Some(Cow::Owned(n.to_string())),
            Val::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
            Val::Null | Val::Json(_) => None,
        }
    }

    /// The value as JSON.
    pub fn to_json(self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Num(n) => Value::Number(n.clone()),
            Val::Str(s) => Value::String(s.to_string()),
            Val::Json(v) => v.clone(),
        }
    }
}

/// A raw event as the evaluator reads it: a JSON value, or a [`FlatEvent`].
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    /// An event read as a JSON value.
    Json(&'a Value),
    /// A JSON Lines event of scalars read as a [`FlatEvent`].
    Flat(&'a FlatEvent),
}

impl<'a> View<'a> {
    /// The values of `name` (see [`values`]).
    pub fn values(self, name: &str) -> Vec<Val<'a>> {
        match self {
            View::Json(v) => values(v, name).into_iter().map(Val::of).collect(),
            View::Flat(f) => f.get(name).into_iter().collect(),
        }
    }

    /// The values of `name` as found, arrays kept whole (see [`found`]).
    pub fn found(self, name: &str) -> Vec<Val<'a>> {
        match self {
            View::Json(v) => found(v, name).into_iter().map(Val::of).collect(),
            View::Flat(f) => f.get(name).into_iter().collect(),
        }
    }

    /// Whether `f` holds for some value of `name` (see [`values`]).
    pub fn any_value(self, name: &str, mut f: impl FnMut(Val<'a>) -> bool) -> bool {
        match self {
            View::Json(v) => values(v, name).into_iter().any(|x| f(Val::of(x))),
            View::Flat(e) => e.get(name).is_some_and(f),
        }
    }

    /// The first value of `name`.
    pub fn first(self, name: &str) -> Option<Val<'a>> {
        match self {
            View::Json(v) => values(v, name).into_iter().next().map(Val::of),
            View::Flat(f) => f.get(name),
        }
    }

    /// The value of the top-level key `key` (no Windows event shapes, no paths).
    pub fn get(self, key: &str) -> Option<Val<'a>> {
        match self {
            View::Json(v) => v.get(key).map(Val::of),
            View::Flat(f) => f.get(key),
        }
    }

    /// The top-level keys and values (none when the event is not an object).
    pub fn entries(self) -> Box<dyn Iterator<Item = (&'a str, Val<'a>)> + 'a> {
        match self {
            View::Json(Value::Object(o)) => {
                Box::new(o.iter().map(|(k, v)| (k.as_str(), Val::of(v))))
            }
            View::Json(_) => Box::new(std::iter::empty()),
            View::Flat(f) => Box::new(f.iter()),
        }
    }

    /// Whether the values of an undotted name are those of its top-level key (see
    /// [`is_flat`]).
    pub fn is_flat(self) -> bool {
        match self {
            View::Json(v) => is_flat(v),
            View::Flat(_) => true,
        }
    }

    /// The event as JSON (built for a flat event).
    pub fn json(self) -> Cow<'a, Value> {
        match self {
            View::Json(v) => Cow::Borrowed(v),
            View::Flat(f) => Cow::Owned(f.to_json()),
        }
    }
}

/// The values of `name` in `event` (empty when absent; JSON null is a value; an array
/// stands for its elements).
pub fn values<'a>(event: &'a Value, name: &str) -> Vec<&'a Value> {
    find(event, name, true)
}

/// The values of `name` as found, arrays kept whole: whether the field is present (`[]` is
/// present, with no element).
pub fn found<'a>(event: &'a Value, name: &str) -> Vec<&'a Value> {
    find(event, name, false)
}

fn find<'a>(event: &'a Value, name: &str, flat: bool) -> Vec<&'a Value> {
    let mut out = Vec::new();
    walk(event, name, flat, &mut out);
    if !out.is_empty() {
        return out;
    }
    for scope in windows_scopes(event) {
        walk_scope(scope, name, flat, &mut out);
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// Whether the event is an object with none of the Windows event shapes: then the values of an
/// undotted name are those of its top-level key of that name, and nothing else.
pub fn is_flat(event: &Value) -> bool {
    event.is_object() && windows_scopes(event).is_empty()
}

/// The objects a Windows event keeps its fields in, most specific first.
fn windows_scopes(event: &Value) -> Vec<Scope<'_>> {
    let mut scopes = Vec::new();
    let root = event.get("Event").unwrap_or(event);
    if let Some(data) = root.get("EventData") {
        scopes.push(Scope::Data(data));
    }
    if let Some(data) = root.get("UserData") {
        // UserData holds one element named after the event's schema.
        if let Some(inner) = data.as_object().and_then(|o| o.values().next()) {
            scopes.push(Scope::Plain(inner));
        }
    }
    if let Some(system) = root.get("System") {
        scopes.push(Scope::System(system));
    }
    if let Some(w) = event.get("winlog") {
        if let Some(data) = w.get("event_data") {
            scopes.push(Scope::Plain(data));
        }
        scopes.push(Scope::Winlog(w));
    }
    scopes
}

enum Scope<'a> {
    /// Field names are keys (`EventData`), or `Data: [{"#attributes": {"Name"}, "#text"}]`.
    Data(&'a Value),
    /// Field names are keys.
    Plain(&'a Value),
    /// `System`: `EventID` may be `{"#text": 1}`, `Provider_Name` is an attribute.
    System(&'a Value),
    /// winlogbeat: `winlog.channel`, `winlog.event_id`, `winlog.provider_name`, …
    Winlog(&'a Value),
}

fn walk_scope<'a>(scope: Scope<'a>, name: &str, flat: bool, out: &mut Vec<&'a Value>) {
    match scope {
        Scope::Plain(v) => walk(v, name, flat, out),
        Scope::Data(v) => {
            walk(v, name, flat, out);
            if out.is_empty()
                && let Some(items) = v.get("Data").and_then(Value::as_array)
            {
                for item in items {
                    let named = item
                        .get("#attributes")
                        .and_then(|a| a.get("Name"))
                        .and_then(Value::as_str);
                    if named == Some(name) {
                        out.push(item.get("#text").unwrap_or(&Value::Null));
                    }
                }
            }
        }
        Scope::System(v) => {
            let Some(obj) = v.as_object() else { return };
            if let Some(x) = obj.get(name) {
                out.push(text_node(x));
                return;
            }
            // `Provider_Name` → `Provider.#attributes.Name`, `TimeCreated_SystemTime` …
            if let Some((element, attribute)) = name.split_once('_')
                && let Some(a) = obj
                    .get(element)
                    .and_then(|e| e.get("#attributes"))
                    .and_then(|a| a.get(attribute))
            {
                out.push(a);
            }
        }
        Scope::Winlog(v) => {
            let key = match name {
                "Channel" => "channel",
                "EventID" => "event_id",
                "Provider_Name" => "provider_name",
                "Computer" => "computer_name",
                "EventRecordID" => "record_id",
                _ => return,
            };
            if let Some(x) = v.get(key) {
                out.push(x);
            }
        }
    }
}

/// An element's text: `{"#text": 1, "#attributes": …}` is `1`.
fn text_node(v: &Value) -> &Value {
    match v {
        Value::Object(o) => o.get("#text").unwrap_or(v),
        v => v,
    }
}

fn walk<'a>(v: &'a Value, name: &str, flat: bool, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(o) => walk_object(o, name, flat, out),
        Value::Array(items) => items.iter().for_each(|x| walk(x, name, flat, out)),
        _ => {}
    }
}

fn walk_object<'a>(o: &'a Map<String, Value>, name: &str, flat: bool, out: &mut Vec<&'a Value>) {
    if let Some(v) = o.get(name) {
        if flat {
            push_flat(v, out);
        } else {
            out.push(v);
        }
        return;
    }
    // The longest key prefix first, so `a.b` as a key wins over `a` → `b`.
    let dots: Vec<usize> = name.match_indices('.').map(|(i, _)| i).collect();
    for &i in dots.iter().rev() {
        if let Some(child) = o.get(&name[..i]) {
            walk(child, &name[i + 1..], flat, out);
            if !out.is_empty() {
                return;
            }
        }
    }
}

/// An array value stands for its elements.
fn push_flat<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|x| push_flat(x, out)),
        v => out.push(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(event: &Value, name: &str) -> Vec<String> {
        values(event, name).iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn dotted_paths_and_literal_keys() {
        let e = json!({"process": {"name": "a.exe", "parent": {"name": "b.exe"}},
                       "process.name": "literal.exe", "x": {"y.z": 1, "y": {"z": 2}}});
        assert_eq!(texts(&e, "process.name"), [r#""literal.exe""#]);
        assert_eq!(texts(&e, "process.parent.name"), [r#""b.exe""#]);
        assert_eq!(texts(&e, "x.y.z"), ["1"]);
        assert!(texts(&e, "process.nope").is_empty());
    }

    #[test]
    fn arrays_give_every_element() {
        let e = json!({"dns": {"answers": [{"data": "1.2.3.4"}, {"data": "5.6.7.8"}]},
                       "tags": ["a", ["b"]]});
        assert_eq!(
            texts(&e, "dns.answers.data"),
            [r#""1.2.3.4""#, r#""5.6.7.8""#]
        );
        assert_eq!(texts(&e, "tags"), [r#""a""#, r#""b""#]);
        let empty = json!({"Hashes": []});
        assert!(values(&empty, "Hashes").is_empty());
        assert_eq!(
            found(&empty, "Hashes").len(),
            1,
            "present, without elements"
        );
    }

    #[test]
    fn evtx_dump_shape() {
        let e = json!({"Event": {
            "System": {"EventID": {"#attributes": {"Qualifiers": 0}, "#text": 4688},
                       "Channel": "Security",
                       "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}}},
            "EventData": {"NewProcessName": "C:\\x.exe", "Channel": "shadowed"}}});
        assert_eq!(texts(&e, "EventID"), ["4688"]);
        assert_eq!(texts(&e, "NewProcessName"), [r#""C:\\x.exe""#]);
        // Event data first, then the system part.
        assert_eq!(texts(&e, "Channel"), [r#""shadowed""#]);
        assert_eq!(
            texts(&e, "Provider_Name"),
            [r#""Microsoft-Windows-Security-Auditing""#]
        );
        assert_eq!(texts(&e, "Event.System.Channel"), [r#""Security""#]);
    }

    #[test]
    fn data_lists_and_winlogbeat() {
        let e = json!({"Event": {"EventData": {"Data": [
            {"#attributes": {"Name": "Image"}, "#text": "C:\\a.exe"},
            {"#attributes": {"Name": "User"}}]}}});
        assert_eq!(texts(&e, "Image"), [r#""C:\\a.exe""#]);
        assert_eq!(texts(&e, "User"), ["null"]);
        let w = json!({"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational",
                                  "event_id": 1, "event_data": {"Image": "C:\\b.exe"}}});
        assert_eq!(texts(&w, "Image"), [r#""C:\\b.exe""#]);
        assert_eq!(texts(&w, "EventID"), ["1"]);
    }
}
