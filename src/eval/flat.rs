//! Flat events read without building a JSON value: the fast way to read a JSON Lines line
//! whose object holds only scalars (what NXLog, Sysmon-to-JSON shippers and `sample --mode
//! raw` write), for raw mode's prefiltered path.
//!
//! A [`serde_json::Value`] object costs an allocation per key and per string, and a SipHash per
//! key; a [`FlatEvent`] keeps all its unescaped text in one buffer and its fields in one list,
//! in the file's order. serde_json still does the reading (escapes, numbers, errors), through
//! a visitor, so a flat event holds exactly the keys and scalars `Value` would: the same
//! numbers, a repeated key's last value in its first place.
//!
//! A line that is not a flat object (an array or object inside, a Windows event shape's key,
//! an `_expect` label, a syntax error) is not read here: [`parse`] says `None` and the caller
//! reads it as a `Value`, with that reader's error messages.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::lookup::Val;

/// Top-level keys that make an event more than flat: the Windows event shapes of
/// [`super::lookup`] (their lookups search inside them) and the `_expect` label (labelled
/// events take the general path).
const NOT_FLAT: [&str; 6] = [
    "Event",
    "EventData",
    "UserData",
    "System",
    "winlog",
    "_expect",
];

/// A JSON object of scalars, read without a `Value`.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatEvent {
    /// The unescaped keys and strings, one after another.
    text: String,
    fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
struct Field {
    key: Span,
    /// The key's [`sig`], compared before the key.
    sig: u64,
    value: Scalar,
}

/// A key's length and first seven bytes: equal keys have equal signatures, and keys of one
/// event rarely share one, so a lookup compares one integer per field.
fn sig(key: &str) -> u64 {
    let b = key.as_bytes();
    let mut x = [0u8; 8];
    let n = b.len().min(7);
    x[..n].copy_from_slice(&b[..n]);
    x[7] = b.len() as u8;
    u64::from_le_bytes(x)
}

/// A range of [`FlatEvent::text`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Num(Number),
    Str(Span),
}

impl FlatEvent {
    fn slice(&self, s: Span) -> &str {
        self.text
            .get(s.start as usize..s.end as usize)
            .unwrap_or("")
    }

    fn val<'a>(&'a self, s: &'a Scalar) -> Val<'a> {
        match s {
            Scalar::Null => Val::Null,
            Scalar::Bool(b) => Val::Bool(*b),
            Scalar::Num(n) => Val::Num(n),
            Scalar::Str(span) => Val::Str(self.slice(*span)),
        }
    }

    /// The value of the top-level key `key`.
    pub fn get(&self, key: &str) -> Option<Val<'_>> {
        let want = sig(key);
        self.fields
            .iter()
            .find(|f| f.sig == want && self.slice(f.key) == key)
            .map(|f| self.val(&f.value))
    }

    /// The keys and values, in the file's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Val<'_>)> + '_ {
        self.fields
            .iter()
            .map(|f| (self.slice(f.key), self.val(&f.value)))
    }

    /// The event as the JSON object it was read from.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        for (k, v) in self.iter() {
            map.insert(k.to_string(), v.to_json());
        }
        Value::Object(map)
    }
}

/// Reads a line as a flat event; `None` when it is not one (see the module's documentation).
pub fn parse(line: &str) -> Option<FlatEvent> {
    let mut event = FlatEvent {
        text: String::with_capacity(line.len()),
        fields: Vec::with_capacity(32),
    };
    let mut de = serde_json::Deserializer::from_str(line);
    de::Deserializer::deserialize_map(&mut de, Object(&mut event)).ok()?;
    de.end().ok()?;
    Some(event)
}

/// Appends a string to the event's text and gives its span.
fn append(text: &mut String, s: &str) -> Span {
    let start = text.len();
    text.push_str(s);
    // A line is at most 64 MiB (the stream's limit), so offsets fit; saturating is a guard.
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span {
        start: at(start),
        end: at(text.len()),
    }
}

struct Object<'e>(&'e mut FlatEvent);

impl<'de> Visitor<'de> for Object<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of scalars")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let event = self.0;
        while let Some(key) = map.next_key_seed(Text(&mut event.text))? {
            let value = map.next_value_seed(Item(&mut event.text))?;
            let name = event.slice(key);
            if NOT_FLAT.contains(&name) {
                return Err(de::Error::custom("not a flat event"));
            }
            // A repeated key keeps its first place and takes the last value, as `Value` does.
            let sig = sig(name);
            let at = (event.fields.iter()).position(|f| f.sig == sig && event.slice(f.key) == name);
            match at {
                Some(i) => {
                    if let Some(f) = event.fields.get_mut(i) {
                        f.value = value;
                    }
                }
                None => event.fields.push(Field { key, sig, value }),
            }
        }
        Ok(())
    }
}

/// A key: its text appended.
struct Text<'t>(&'t mut String);

impl<'de> DeserializeSeed<'de> for Text<'_> {
    type Value = Span;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Span, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text<'_> {
    type Value = Span;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Span, E> {
        Ok(append(self.0, s))
    }
}

/// A value: a scalar, or an error for an array or object.
struct Item<'t>(&'t mut String);

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = Scalar;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Item<'_> {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(append(self.0, s)))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Scalar, E> {
        Ok(Scalar::Num(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Scalar, E> {
        Ok(Scalar::Num(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Scalar, E> {
        // As `Value` reads a float: one that is not finite is null.
        Ok(Number::from_f64(n).map_or(Scalar::Null, Scalar::Num))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flat reading, as JSON, is the `Value` reading.
    fn same(line: &str) {
        let flat = parse(line).unwrap_or_else(|| panic!("not read as flat: {line}"));
        let value: Value = serde_json::from_str(line).expect("valid JSON");
        assert_eq!(flat.to_json(), value, "{line}");
        // Key order too.
        let keys: Vec<&str> = flat.iter().map(|(k, _)| k).collect();
        let want: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, want, "{line}");
    }

    #[test]
    fn scalars_read_as_value_reads_them() {
        same(r#"{"Image":"C:\\Windows\\cmd.exe","EventID":1,"n":-5,"big":18446744073709551615}"#);
        same(r#"{"f":1.5,"e":2e3,"t":true,"x":false,"z":null,"u":"\u00e9\ud83d\ude00"}"#);
        same(r#"{"a":1,"b":2,"a":"last"}"#);
        same(r#"  {}  "#);
        same("{\"key with \\\"quote\\\"\": \"\"}\n");
    }

    #[test]
    fn anything_else_is_left_to_the_value_reader() {
        for line in [
            r#"{"a":[1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"[1,2]"#,
            r#""text""#,
            r#"{"Event":"x"}"#,
            r#"{"winlog":1}"#,
            r#"{"_expect":"alert"}"#,
            r#"{"a":1"#,
            r#"{"a":1} {"b":2}"#,
            r#"{"a":01}"#,
            "",
        ] {
            assert!(parse(line).is_none(), "{line}");
        }
    }

    #[test]
    fn lookups() {
        let e = parse(r#"{"Image":"a.exe","EventID":1,"Image ":"x","N":null,"ImageXYZ":2}"#)
            .expect("flat");
        assert!(matches!(e.get("Image"), Some(Val::Str("a.exe"))));
        assert!(matches!(e.get("EventID"), Some(Val::Num(n)) if n.as_i64() == Some(1)));
        assert!(matches!(e.get("N"), Some(Val::Null)));
        assert!(e.get("image").is_none());
        // Same length and first seven bytes: told apart by the key itself.
        assert!(matches!(e.get("ImageXYZ"), Some(Val::Num(_))));
        assert!(e.get("ImageXYW").is_none());
    }
}
