//! Reading one YAML document into a `serde_yaml::Value`.
//!
//! Sigma rules are written in a small part of YAML: block mappings and sequences, plain and
//! quoted one-line scalars, literal and folded block scalars, comments. [`fast`] reads exactly
//! that part, in one pass over the lines, and gives the value yaml_serde would give. Any text
//! outside it (flow collections other than `[]` and `{}`, anchors, tags, multi-line quoted
//! scalars, tabs, control characters, ...) and any text yaml_serde would reject make [`fast`]
//! decline, and [`from_str`] hands the document to yaml_serde, which also reports the errors
//! with their places. The YAML parser under yaml_serde was about half of the instructions of
//! converting the SigmaHQ rules; see BENCHMARKS.md.
//!
//! The promise `fast(text) == None || Ok(fast(text)) == serde_yaml::from_str(text)` is
//! tested (`tests/yaml.rs`) on every SigmaHQ rule, on the project's files, on random edits of
//! them and on generated texts; `fuzz/` has a target for it.

use serde_yaml::{Mapping, Number, Value};

/// Parses one YAML document: by [`fast`] when the text is in its subset, else by yaml_serde.
pub fn from_str(text: &str) -> Result<Value, serde_yaml::Error> {
    match fast(text) {
        Some(value) => Ok(value),
        None => serde_yaml::from_str(text),
    }
}

/// The document read by the fast reader, or `None` when the text uses anything outside its
/// subset or is not valid YAML.
pub fn fast(text: &str) -> Option<Value> {
    if !plain_characters(text) {
        return None;
    }
    let mut reader = Reader::new(text)?;
    let Some(first) = reader.peek() else {
        return Some(Value::Null);
    };
    let value = reader.block(first.indent)?;
    match reader.peek() {
        None => Some(value),
        Some(_) => None,
    }
}

/// Nesting deeper than this is left to yaml_serde (which has its own limit).
const MAX_DEPTH: usize = 64;
/// Keys whose `:` is further than this many bytes from their start (quotes included) are left
/// to yaml_serde (libyaml drops a possible key after 1024).
const MAX_KEY: usize = 1000;

/// Whether the text has only characters the reader handles: no tabs, carriage returns or other
/// control characters, and none of the characters YAML treats as breaks or byte order marks.
fn plain_characters(text: &str) -> bool {
    let mut ascii = true;
    for &b in text.as_bytes() {
        if (b < 0x20 && b != b'\n') || b == 0x7f {
            return false;
        }
        ascii &= b < 0x80;
    }
    ascii
        || !text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
}

/// A line: its indentation in spaces and the rest (trailing spaces kept).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// Blank, or a comment.
    fn is_skipped(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// Splits the text into lines. A `---` marker is accepted as the first content line (it is
    /// then skipped); any other marker or directive is left to yaml_serde.
    fn new(text: &'a str) -> Option<Self> {
        let mut lines = Vec::with_capacity(text.len() / 24 + 1);
        // Content seen; a `---` marker seen.
        let (mut started, mut marked) = (false, false);
        for raw in text.split('\n') {
            let text = raw.trim_start_matches(' ');
            let indent = raw.len() - text.len();
            let mut line = Line { indent, text };
            if indent == 0 && (text.starts_with("---") || text.starts_with("...")) {
                let after = &text[3..];
                let marker_only = after.is_empty()
                    || (after.starts_with(' ') && after.trim_start_matches(' ').starts_with('#'))
                    || after.trim_start_matches(' ').is_empty();
                if started || marked || !marker_only || text.starts_with("...") {
                    return None;
                }
                marked = true;
                line.text = "";
            } else if indent == 0 && text.starts_with('%') {
                return None;
            }
            started |= !line.is_skipped();
            lines.push(line);
        }
        Some(Reader {
            lines,
            pos: 0,
            depth: 0,
        })
    }

    /// The next content line (skipping blanks and comments), without taking it.
    fn peek(&mut self) -> Option<Line<'a>> {
        while let Some(line) = self.lines.get(self.pos) {
            if !line.is_skipped() {
                return Some(*line);
            }
            self.pos += 1;
        }
        None
    }

    /// The block node whose first line is the next content line, at indentation `indent`.
    fn block(&mut self, indent: usize) -> Option<Value> {
        let line = self.peek()?;
        if is_entry(line.text) {
            self.deeper(|r| r.sequence(indent))
        } else if split_key(line.text).is_some() {
            self.deeper(|r| r.mapping(indent))
        } else {
            // A scalar on lines of its own: left to yaml_serde.
            None
        }
    }

    /// `read` one level deeper; nesting past [`MAX_DEPTH`] is left to yaml_serde.
    fn deeper(&mut self, read: impl FnOnce(&mut Self) -> Option<Value>) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn mapping(&mut self, indent: usize) -> Option<Value> {
        let mut map = Mapping::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_entry(line.text) {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            self.pos += 1;
            let value = self.value(rest, indent, true)?;
            if map.insert(key, value).is_some() {
                // yaml_serde refuses repeated keys, and says where.
                return None;
            }
        }
        Some(Value::Mapping(map))
    }

    fn sequence(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && !is_entry(line.text)) {
                // The end, or the next key of the mapping this sequence is the value of.
                break;
            }
            if line.indent > indent {
                return None;
            }
            let rest = &line.text[1..];
            let item = rest.trim_start_matches(' ');
            if !item.starts_with('#') && split_key(item).is_some() {
                // `- key: value`: a mapping whose indentation is the column of its first key.
                let column = indent + 1 + (rest.len() - item.len());
                self.lines[self.pos] = Line {
                    indent: column,
                    text: item,
                };
                items.push(self.deeper(|r| r.mapping(column))?);
            } else {
                self.pos += 1;
                items.push(self.value(rest, indent, false)?);
            }
        }
        Some(Value::Sequence(items))
    }

    /// The value that follows `key:` or `-` (`rest` is the text after the indicator) in a
    /// collection at indentation `indent`; `in_map` when it is a mapping's value, which may
    /// then be a sequence at the mapping's own indentation.
    fn value(&mut self, rest: &'a str, indent: usize, in_map: bool) -> Option<Value> {
        // `rest` is empty or starts with a space (`split_key`, `is_entry`).
        let text = rest.trim_start_matches(' ');
        if text.is_empty() || text.starts_with('#') {
            return match self.peek() {
                Some(next) if next.indent > indent => self.block(next.indent),
                Some(next) if in_map && next.indent == indent && is_entry(next.text) => {
                    self.deeper(|r| r.sequence(indent))
                }
                _ => Some(Value::Null),
            };
        }
        match text.as_bytes()[0] {
            b'\'' | b'"' => {
                let (value, after) = quoted(text)?;
                end_of_line(after).then_some(Value::String(value))
            }
            b'|' | b'>' => self.block_scalar(text, indent),
            // Of flow collections, only the empty ones.
            b'[' => end_of_line(text.strip_prefix("[]")?).then(|| Value::Sequence(Vec::new())),
            b'{' => end_of_line(text.strip_prefix("{}")?).then(|| Value::Mapping(Mapping::new())),
            _ => self.plain_scalar(text, indent),
        }
    }

    /// A plain scalar starting at `text`, with its continuation lines (more indented than the
    /// collection at `indent`), folded as YAML folds them.
    fn plain_scalar(&mut self, text: &str, indent: usize) -> Option<Value> {
        let first = plain_part(text)?;
        // A comment ends the scalar: a continuation line after it is an error.
        let commented = first.len() != text.trim_end_matches(' ').len();
        let mut folded: Option<String> = None;
        let mut blanks = 0;
        let mut at = self.pos;
        while let Some(line) = self.lines.get(at) {
            if line.is_blank() {
                blanks += 1;
                at += 1;
                continue;
            }
            if line.indent <= indent {
                break;
            }
            // A comment, or a line that would be a key or an indicator, inside a multi-line
            // scalar: left to yaml_serde.
            let more = line.text;
            if more.starts_with(INDICATORS) || more.starts_with(['-', '?', ':']) {
                return None;
            }
            let part = plain_part(more)?;
            if commented || part.len() != more.trim_end_matches(' ').len() {
                return None;
            }
            let s = folded.get_or_insert_with(|| first.to_string());
            if blanks == 0 {
                s.push(' ');
            } else {
                s.extend(std::iter::repeat_n('\n', blanks));
            }
            s.push_str(part);
            blanks = 0;
            at += 1;
            self.pos = at;
        }
        resolve(folded.as_deref().unwrap_or(first))
    }

    /// A literal (`|`) or folded (`>`) block scalar, with clip or strip (`-`) chomping.
    fn block_scalar(&mut self, header: &str, indent: usize) -> Option<Value> {
        let literal = header.starts_with('|');
        let mut rest = &header[1..];
        let strip = rest.starts_with('-');
        if strip {
            rest = &rest[1..];
        }
        if !end_of_line(rest) {
            // Keep chomping, an indentation indicator, or text after the header.
            return None;
        }
        // The content's indentation is that of its first non-blank line.
        let mut at = self.pos;
        let mut leading = 0;
        let content = loop {
            let line = self.lines.get(at)?;
            if !line.is_blank() {
                break line.indent;
            }
            leading += 1;
            at += 1;
        };
        if content <= indent
            || self.lines[self.pos..at].iter().any(|l| l.indent > content)
            || (!literal && leading > 0)
        {
            return None;
        }
        let mut out = String::new();
        out.extend(std::iter::repeat_n('\n', leading));
        let mut blanks = 0;
        let mut first = true;
        while let Some(line) = self.lines.get(at) {
            if line.is_blank() {
                if line.indent > content {
                    return None;
                }
                blanks += 1;
                at += 1;
                continue;
            }
            if line.indent < content {
                break;
            }
            if !first {
                if literal {
                    out.extend(std::iter::repeat_n('\n', blanks + 1));
                } else if blanks == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', blanks));
                }
            }
            if line.indent > content {
                if !literal {
                    // More-indented lines of a folded scalar keep their breaks: left to
                    // yaml_serde.
                    return None;
                }
                out.extend(std::iter::repeat_n(' ', line.indent - content));
            }
            out.push_str(line.text);
            first = false;
            blanks = 0;
            at += 1;
            self.pos = at;
        }
        // Clip keeps the last line's break, if it has one: the text's last line has none.
        if !strip && self.pos < self.lines.len() {
            out.push('\n');
        }
        Some(Value::String(out))
    }
}

/// Characters that cannot start a plain scalar (`-`, `?` and `:` can when a non-space follows).
const INDICATORS: [char; 16] = [
    ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
];

/// Whether `text` can start a plain scalar (or a plain key).
fn starts_plain(text: &str) -> bool {
    let spaced = matches!(text.as_bytes().get(1), None | Some(b' '));
    !(text.starts_with(INDICATORS) || (spaced && text.starts_with(['-', '?', ':'])))
}

/// Whether a line is a sequence entry (`-` then a space or the end of the line).
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Only spaces, or a comment after at least one space.
fn end_of_line(after: &str) -> bool {
    let t = after.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < after.len())
}

/// The plain scalar at the start of `text` on its line: up to a comment, trailing spaces
/// removed. `None` when it could not be a plain scalar in a block value (it starts with an
/// indicator or holds `: `).
fn plain_part(text: &str) -> Option<&str> {
    if !starts_plain(text) {
        return None;
    }
    let end = text.find(" #").unwrap_or(text.len());
    let part = text[..end].trim_end_matches(' ');
    if part.contains(": ") || part.ends_with(':') {
        return None;
    }
    Some(part)
}

/// The key of a mapping line and the text after its `:`, or `None` when the line is not a
/// `key:` line in the reader's subset.
fn split_key(text: &str) -> Option<(Value, &str)> {
    if text.starts_with(['\'', '"']) {
        let (key, after) = quoted(text)?;
        let after = after.trim_start_matches(' ');
        let rest = after.strip_prefix(':')?;
        let colon = text.len() - rest.len() - 1;
        return ((rest.is_empty() || rest.starts_with(' ')) && colon <= MAX_KEY)
            .then_some((Value::String(key), rest));
    }
    if !starts_plain(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => break,
            b'#' if bytes[i - 1] == b' ' => return None,
            _ => i += 1,
        }
    }
    if i == bytes.len() || i > MAX_KEY {
        return None;
    }
    let key = resolve(text[..i].trim_end_matches(' '))?;
    Some((key, &text[i + 1..]))
}

/// A quoted scalar on one line: its value and the text after the closing quote. `None` when
/// it does not close on the line, or uses an escape the reader leaves to yaml_serde.
fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    let mut out = String::new();
    if quote == b'\'' {
        let mut from = 0;
        loop {
            let at = from + body[from..].find('\'')?;
            out.push_str(&body[from..at]);
            if body[at + 1..].starts_with('\'') {
                out.push('\'');
                from = at + 2;
            } else {
                return Some((out, &body[at + 1..]));
            }
        }
    }
    let bytes = body.as_bytes();
    let (mut i, mut from) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                out.push_str(&body[from..i]);
                return Some((out, &body[i + 1..]));
            }
            b'\\' => {
                out.push_str(&body[from..i]);
                let (c, len) = escape(body, i + 1)?;
                out.push(c);
                i += 1 + len;
                from = i;
            }
            _ => i += 1,
        }
    }
    None
}

/// The character of the escape after a backslash at byte `at` of a double-quoted scalar, and
/// how many bytes the escape takes. `None` for an escaped line break (left to yaml_serde) or an
/// escape YAML does not have.
fn escape(body: &str, at: usize) -> Option<(char, usize)> {
    let hex = |n: usize| {
        let digits = body.get(at + 1..at + 1 + n)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some((
            char::from_u32(u32::from_str_radix(digits, 16).ok()?)?,
            1 + n,
        ))
    };
    let c = match *body.as_bytes().get(at)? {
        b'x' => return hex(2),
        b'u' => return hex(4),
        b'U' => return hex(8),
        b'0' => '\0',
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\u{b}',
        b'f' => '\u{c}',
        b'r' => '\r',
        b'e' => '\u{1b}',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        _ => return None,
    };
    Some((c, 1))
}

/// A plain scalar's value under YAML 1.2's core schema, as yaml_serde resolves it; `None` for
/// the integers yaml_serde reads as 128-bit (which a `Value` cannot hold) and for radix
/// prefixes, left to yaml_serde.
fn resolve(s: &str) -> Option<Value> {
    let value = match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        // Only a scalar starting with a digit, a sign or a dot can be a number.
        _ if s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => {
            return number(s)
                .map(|n| n.map_or_else(|| Value::String(s.to_string()), Value::Number));
        }
        _ => Value::String(s.to_string()),
    };
    Some(value)
}

/// A scalar starting with a digit, a sign or a dot: `Some(None)` when it is a string.
fn number(s: &str) -> Option<Option<Number>> {
    let (negative, digits) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.starts_with('0') && digits[1..].starts_with(['x', 'o', 'b']) {
        return None;
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.len() > 1 && digits.starts_with('0') {
            // Leading zeros: a string in YAML 1.2.
            return Some(None);
        }
        return Some(Some(if negative {
            Number::from(s.parse::<i64>().ok()?)
        } else {
            Number::from(digits.parse::<u64>().ok()?)
        }));
    }
    let unsigned = s.strip_prefix('+').unwrap_or(s);
    if s.starts_with('+') && unsigned.starts_with(['+', '-']) {
        return Some(None);
    }
    let special = match (s, unsigned) {
        (_, ".inf" | ".Inf" | ".INF") => Some(f64::INFINITY),
        ("-.inf" | "-.Inf" | "-.INF", _) => Some(f64::NEG_INFINITY),
        (".nan" | ".NaN" | ".NAN", _) => Some(f64::NAN.copysign(1.0)),
        _ => None,
    };
    let float = special.or_else(|| unsigned.parse::<f64>().ok().filter(|f| f.is_finite()));
    Some(float.map(Number::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader's promise on one text: it declines, or it gives what yaml_serde gives.
    fn agrees(text: &str) -> Option<Value> {
        let fast = fast(text);
        if let Some(v) = &fast {
            let slow: Result<Value, _> = serde_yaml::from_str(text);
            assert_eq!(
                slow.as_ref().ok(),
                Some(v),
                "{text:?}: yaml_serde gives {slow:?}"
            );
        }
        fast
    }

    #[track_caller]
    fn read(text: &str) -> Value {
        match agrees(text) {
            Some(v) => v,
            None => panic!("declined: {text:?}"),
        }
    }

    #[track_caller]
    fn declined(text: &str) {
        assert_eq!(agrees(text), None, "{text:?}");
    }

    #[test]
    fn plain_scalars_resolve_as_yaml_serde_resolves_them() {
        for s in [
            "1",
            "-2",
            "+5",
            "-0",
            "0",
            "0123",
            "-0123",
            "00",
            "1.5",
            "-.5",
            "1.",
            "1e3",
            "1E-3",
            "+.inf",
            ".Inf",
            "-.INF",
            ".nan",
            "+.nan",
            "-inf",
            "nan",
            "inf",
            "1e400",
            "~",
            "null",
            "Null",
            "NULL",
            "nul",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "FALSE",
            "yes",
            "no",
            "on",
            "2023-01-15",
            "2023/01/15",
            "10.0.0.1",
            "1_000",
            "+",
            "+-1",
            "++1",
            ".",
            "18446744073709551615",
            "-9223372036854775808",
            "4688",
            "C:\\Windows",
            "a:b",
            "x#y",
        ] {
            read(&format!("k: {s}\n"));
            read(&format!("{s}: v\n"));
            read(&format!("- {s}\n"));
        }
        assert_eq!(read("a: 1\n")["a"], Value::Number(1.into()));
        assert_eq!(read("a: 0123\n")["a"], Value::String("0123".into()));
    }

    #[test]
    fn integers_a_value_cannot_hold_and_radix_prefixes_are_left_to_yaml_serde() {
        for s in [
            "18446744073709551616",
            "-9223372036854775809",
            "0x1F",
            "0o17",
            "-0b1",
        ] {
            declined(&format!("k: {s}\n"));
        }
    }

    #[test]
    fn block_collections_in_the_forms_sigma_rules_use() {
        let v = read(concat!(
            "# leading comment\n",
            "---\n",
            "title: Test  # trailing comment\n",
            "tags:\n",
            "- attack.t1059\n",
            "-   attack.execution\n",
            "detection:\n",
            "    selection:\n",
            "        'CommandLine|contains':\n",
            "            - 'it''s'\n",
            "            - \"a\\tb\\x41\\u00e9\\\\\"\n",
            "        Image|endswith: '\\cmd.exe'\n",
            "\n",
            "    # a comment between keys\n",
            "    filter:\n",
            "      - User: SYSTEM\n",
            "        Level: 4\n",
            "      -\n",
            "        User: other\n",
            "    condition: selection and not filter\n",
            "empty:\n",
            "none: []\n",
            "nomap: {}  # flow, empty\n",
        ));
        let sel = &v["detection"]["selection"];
        assert_eq!(sel["CommandLine|contains"][0], Value::String("it's".into()));
        assert_eq!(
            sel["CommandLine|contains"][1],
            Value::String("a\tbAé\\".into())
        );
        assert_eq!(
            v["detection"]["filter"][1]["User"],
            Value::String("other".into())
        );
        assert_eq!(v["empty"], Value::Null);
        assert_eq!(v["tags"][1], Value::String("attack.execution".into()));
    }

    #[test]
    fn multi_line_and_block_scalars_fold_as_yaml_folds_them() {
        let v = read(concat!(
            "description: Detects a thing\n",
            "    that spans lines\n",
            "\n",
            "    and paragraphs\n",
            "literal: |\n",
            "    first\n",
            "      indented\n",
            "\n",
            "    # not a comment\n",
            "\n",
            "stripped: |-\n",
            "  a\n",
            "  b\n",
            "folded: >\n",
            "  one\n",
            "  two\n",
            "\n",
            "  three\n",
            "folded_strip: >-\n",
            "  x\n",
            "lead: |\n",
            "\n",
            "  after a blank\n",
            "seq:\n",
            "  - first line\n",
            "    second line\n",
            "  - key: |\n",
            "      in a compact map\n",
        ));
        assert_eq!(
            v["description"],
            Value::String("Detects a thing that spans lines\nand paragraphs".into())
        );
        assert_eq!(
            v["literal"],
            Value::String("first\n  indented\n\n# not a comment\n".into())
        );
        assert_eq!(v["folded"], Value::String("one two\nthree\n".into()));
        assert_eq!(v["stripped"], Value::String("a\nb".into()));
    }

    #[test]
    fn a_block_scalar_on_the_texts_last_line_has_no_break_to_keep() {
        assert_eq!(read("a: |\n  x")["a"], Value::String("x".into()));
        assert_eq!(read("a: |\n  x\n")["a"], Value::String("x\n".into()));
        assert_eq!(read("a: >\n  x\n  y")["a"], Value::String("x y".into()));
        assert_eq!(read("- |\n  z\n  ")[0], Value::String("z\n".into()));
    }

    #[test]
    fn documents_without_content_are_null() {
        assert_eq!(read(""), Value::Null);
        assert_eq!(read("# only a comment\n\n"), Value::Null);
        assert_eq!(read("---\n"), Value::Null);
    }

    #[test]
    fn valid_yaml_outside_the_subset_is_declined() {
        for text in [
            "a: [x, y]\n",
            "a: {b: c}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 'two\n  lines'\n",
            "a: \"two\\\n  lines\"\n",
            "a: |+\n  kept\n\n",
            "a: |2\n   indented\n",
            "a: >\n  x\n    more\n",
            "a:\tb\n",
            "a: b\r\n",
            "just a scalar\n",
            "? complex\n: key\n",
            "%YAML 1.2\n---\na: b\n",
            "a: b\n...\n",
            "a: \u{85}\n",
            "\u{feff}a: b\n",
            "a:\n  plain on its own line\n",
            "- a\n  - continued\n",
            "- - nested\n",
            "foo #bar: baz\n",
            "- a\n - b\n",
            "a: 'x'#y\n",
        ] {
            declined(text);
        }
    }

    #[test]
    fn invalid_yaml_is_always_declined() {
        for text in [
            "a: 1\na: 2\n",
            "a: b: c\n",
            "a: b:\n",
            "a:\n  b: 1\n c: 2\n",
            "a: 'x' y\n",
            "- a\nb: c\n",
            "a: 1\n- b\n",
            "a: b # comment\n  continued\n",
            "a: \"\\q\"\n",
            "a: - b\n",
            "a:\n  - b\n  c: d\n",
            "a: 'open\n",
            "a: |\nnot indented\n",
            "a: x\n   # comment\n   y\n",
            "a: b\n---\nc: d\n",
            "---\n---\na: b\n",
            "a:\n    b: 1\n  c: 2\n",
        ] {
            assert!(
                serde_yaml::from_str::<Value>(text).is_err(),
                "valid: {text:?}"
            );
            declined(text);
        }
    }

    #[test]
    fn from_str_gives_yaml_serde_errors_with_their_places() {
        let e = from_str("a: 1\na: 2\n").unwrap_err();
        assert!(e.to_string().contains("duplicate entry"), "{e}");
        assert!(e.location().is_some());
        assert_eq!(
            from_str("a: [1, 2]\n").ok(),
            serde_yaml::from_str("a: [1, 2]\n").ok()
        );
    }

    #[test]
    fn keys_past_libyamls_limit_are_declined() {
        for key in [
            format!("'{}'", "a".repeat(1023)),
            format!("\"{}\"", "\\x41".repeat(256)),
            format!("'a'{}", " ".repeat(1022)),
            format!("'{}'", "é".repeat(512)),
        ] {
            assert!(serde_yaml::from_str::<Value>(&format!("{key}: b\n")).is_err());
            declined(&format!("{key}: b\n"));
            declined(&format!("- {key}: b\n"));
        }
        read(&format!("'{}': b\n", "a".repeat(900)));
        declined(&format!("{}: b\n", "a".repeat(1030)));
    }

    #[test]
    fn deep_nesting_is_left_to_yaml_serde() {
        let mut text = String::new();
        for depth in 0..(MAX_DEPTH + 2) {
            text.push_str(&" ".repeat(depth));
            text.push_str("k:\n");
        }
        declined(&text);
    }
}
