//! Reading event fixtures: a JSON array, one object, JSON Lines, or objects one after another
//! (the SigmaHQ regression data, `evtx_dump -o json`). Each event keeps the line it starts on;
//! each problem is an [`InputError`] with its place, and the rest of the file is still read
//! where the layout allows it.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use serde::de::IgnoredAny;
use serde_json::Value;

use super::flat::{self, FlatEvent};
use super::lookup::View;
use super::stream::ChunkReader;
use crate::source::{floor_char_boundary, line_col};

/// The largest events file read, in bytes.
pub(crate) const MAX_SIZE: u64 = 4 << 30;

/// JSON's whitespace (not Unicode's).
const WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// How an events file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// Decided from the text: see [`parse_events`].
    #[default]
    Auto,
    /// One JSON array of objects.
    Array,
    /// One JSON object.
    Object,
    /// JSON Lines: one object per line; blank lines and `//` lines are skipped.
    Lines,
    /// Objects one after another, pretty-printed or not (`evtx_dump`'s `Record N` lines skipped).
    Concatenated,
    /// CSV with a header row of field names (Defender's advanced hunting export): every cell is
    /// text, typed by the table's schema in target mode; an empty cell is the empty string.
    Csv,
    /// A Windows event log file (`.evtx`), read with the `evtx` crate: each record is an event
    /// in the `Event.System` / `Event.EventData` shape, placed by its record number.
    Evtx,
}

impl InputFormat {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Array => "array",
            InputFormat::Object => "object",
            InputFormat::Lines => "lines",
            InputFormat::Concatenated => "concatenated",
            InputFormat::Csv => "csv",
            InputFormat::Evtx => "evtx",
        }
    }
}

/// One event read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event: always a JSON object.
    pub body: Body,
    /// The file name as given (or `<stdin>`).
    pub file: Arc<str>,
    /// 1-based line where the event's text starts.
    pub line: usize,
    /// 0-based position among all events returned by one call (from its `first_index`).
    pub index: usize,
}

/// What an event holds: a JSON object, read one of two ways.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON object.
    Json(Value),
    /// A JSON object of scalars read without a `Value` (raw mode's fast path over JSON Lines;
    /// see [`super::flat`]).
    Flat(FlatEvent),
}

impl Event {
    /// The event as the evaluator reads it.
    pub fn view(&self) -> View<'_> {
        match &self.body {
            Body::Json(v) => View::Json(v),
            Body::Flat(f) => View::Flat(f),
        }
    }

    /// The event as JSON (built for a flat event).
    pub fn json(&self) -> Cow<'_, Value> {
        self.view().json()
    }
}

/// A problem in an events file (the rest of the file is still read where possible).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputError {
    /// The file name as given (or `<stdin>`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for InputError {}

/// What a file held.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFile {
    /// The events, in file order.
    pub events: Vec<Event>,
    /// The problems, in file order.
    pub errors: Vec<InputError>,
    /// The layout read: the detected one for [`InputFormat::Auto`] (`Auto` only when the file
    /// holds no JSON at all).
    pub format: InputFormat,
}

/// Reads the events of `text` (named `file` in errors), numbering them from `first_index`.
///
/// A leading BOM, `//` lines and `Record N` lines are ignored. [`InputFormat::Auto`] picks:
/// `[` first → array; else every non-blank line a JSON value and at least two → lines; else one
/// value → object; else concatenated (or lines, when that reads past a bad line and
/// concatenated cannot).
///
/// ```
/// use sigma_kql::eval::input::{InputFormat, parse_events};
/// let file = parse_events("a.json", "{\"A\": 1}\n{\"A\": 2}\n", InputFormat::Auto, 10);
/// assert_eq!(file.format, InputFormat::Lines);
/// assert_eq!((file.events[1].line, file.events[1].index), (2, 11));
/// ```
pub fn parse_events(file: &str, text: &str, format: InputFormat, first_index: usize) -> EventFile {
    parse_events_with(file, text, format, first_index, false)
}

/// [`parse_events`]; with `flat`, a JSON Lines line that is an object of scalars is read as a
/// [`FlatEvent`] rather than a `Value` (raw mode's fast path; see [`super::flat`]).
pub(crate) fn parse_events_with(
    file: &str,
    text: &str,
    format: InputFormat,
    first_index: usize,
    flat: bool,
) -> EventFile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = blank_skipped_lines(text);
    let mut reader = Reader {
        text: &text,
        file: Arc::from(file),
        events: Vec::new(),
        errors: Vec::new(),
        next_index: first_index,
        values: 0,
        seen: (0, 1, 1),
        flat,
    };
    let format = match format {
        InputFormat::Auto => detect(&text),
        forced => forced,
    };
    if format == InputFormat::Evtx {
        let message = "an EVTX file is binary: give its path (`--events FILE.evtx`)".to_string();
        return EventFile {
            events: Vec::new(),
            errors: vec![InputError {
                file: file.to_string(),
                line: 1,
                column: 1,
                message,
            }],
            format,
        };
    }
    if format == InputFormat::Csv {
        let (events, errors) = csv_events(file, &text, first_index);
        return EventFile {
            events,
            errors,
            format,
        };
    }
    match format {
        _ if text.trim_matches(WS).is_empty() => {}
        InputFormat::Auto | InputFormat::Csv | InputFormat::Evtx => {}
        InputFormat::Array => reader.array(),
        InputFormat::Object => reader.values(true),
        InputFormat::Lines => reader.lines(),
        InputFormat::Concatenated => reader.values(false),
    }
    let Reader { events, errors, .. } = reader;
    EventFile {
        events,
        errors,
        format,
    }
}

/// Reads the events of a file (`-` for standard input): see [`parse_events`]. An unreadable or
/// non-UTF-8 file is one error.
pub fn read_events(path: &Path, format: InputFormat, first_index: usize) -> EventFile {
    let stdin = path == Path::new("-");
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let failed = |(line, column), message| EventFile {
        events: Vec::new(),
        errors: vec![InputError {
            file: name.clone(),
            line,
            column,
            message,
        }],
        format,
    };
    let mut bytes = Vec::new();
    let read = if stdin {
        std::io::stdin()
            .lock()
            .take(MAX_SIZE + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_SIZE + 1).read_to_end(&mut bytes))
    };
    if let Err(e) = read {
        return failed((1, 1), format!("cannot read the file: {e}"));
    }
    if bytes.len() as u64 > MAX_SIZE {
        let limit = MAX_SIZE >> 30;
        return failed((1, 1), format!("larger than {limit} GiB; split the file"));
    }
    let evtx_named = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("evtx"));
    match format {
        InputFormat::Evtx => super::evtx::read_all(&name, bytes, first_index),
        InputFormat::Auto if evtx_named || bytes.starts_with(super::evtx::MAGIC) => {
            super::evtx::read_all(&name, bytes, first_index)
        }
        _ => parse_bytes(&name, &bytes, csv_or(format, path), first_index, false),
    }
}

/// The format to read `path` with: CSV when detecting and the name ends in `.csv`.
pub(crate) fn csv_or(format: InputFormat, path: &Path) -> InputFormat {
    let csv_file = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    match format {
        InputFormat::Auto if csv_file => InputFormat::Csv,
        f => f,
    }
}

/// Reads the events of a file's bytes (named `name` in errors): see [`parse_events`]; text that
/// is not UTF-8 is one error.
pub(crate) fn parse_bytes(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    first_index: usize,
    flat: bool,
) -> EventFile {
    let failed = |(line, column), message| EventFile {
        events: Vec::new(),
        errors: vec![InputError {
            file: name.to_string(),
            line,
            column,
            message,
        }],
        format,
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_events_with(name, text, format, first_index, flat),
        Err(_) if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) => failed(
            (1, 1),
            "UTF-16 text, not UTF-8; save it as UTF-8 (PowerShell: `Out-File -Encoding utf8`)"
                .into(),
        ),
        Err(e) => {
            let valid = std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default());
            let valid = valid.unwrap_or_default();
            let message = format!(
                "not UTF-8 text (invalid byte at offset {}); convert it to UTF-8",
                e.valid_up_to()
            );
            failed(line_col(valid, valid.len()), message)
        }
    }
}

/// CSV rows as events: the header row names the fields; each later row is one event of text
/// cells. A row with another number of cells is an error at its line, and the rest is read.
fn csv_events(file: &str, text: &str, first_index: usize) -> (Vec<Event>, Vec<InputError>) {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    match CsvRows::open(Arc::from(file), text.as_bytes()) {
        Ok(mut rows) => while rows.next(usize::MAX, first_index, &mut events, &mut errors) {},
        Err(e) => errors.push(e),
    }
    (events, errors)
}

/// A CSV file read a few rows at a time.
pub(crate) struct CsvRows<R> {
    file: Arc<str>,
    reader: csv::Reader<R>,
    headers: csv::StringRecord,
}

impl<R: Read> CsvRows<R> {
    /// Reads the header row.
    pub(crate) fn open(file: Arc<str>, reader: R) -> Result<CsvRows<R>, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let error = |message: String| InputError {
            file: file.to_string(),
            line: 1,
            column: 1,
            message,
        };
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(error(format!(
                    "not a CSV header row ({e}); the first line must name the fields"
                )));
            }
        };
        if headers.iter().any(str::is_empty) {
            return Err(error(
                "the header row has an empty field name; name every column".into(),
            ));
        }
        Ok(CsvRows {
            file,
            reader,
            headers,
        })
    }
}

impl<R: Read + Send> ChunkReader for CsvRows<R> {
    fn next(
        &mut self,
        max: usize,
        first_index: usize,
        events: &mut Vec<Event>,
        errors: &mut Vec<InputError>,
    ) -> bool {
        let line_of = |p: Option<&csv::Position>| {
            usize::try_from(p.map_or(0, csv::Position::line))
                .unwrap_or(usize::MAX)
                .max(1)
        };
        let mut record = csv::StringRecord::new();
        let mut read = 0;
        let start = events.len();
        while read < max {
            match self.reader.read_record(&mut record) {
                Ok(false) => return false,
                Ok(true) => {
                    read += 1;
                    let mut obj = serde_json::Map::new();
                    for (k, v) in self.headers.iter().zip(record.iter()) {
                        obj.entry(k.to_string())
                            .or_insert_with(|| Value::String(v.to_string()));
                    }
                    events.push(Event {
                        body: Body::Json(Value::Object(obj)),
                        file: self.file.clone(),
                        line: line_of(record.position()),
                        index: first_index + events.len() - start,
                    });
                }
                Err(e) => {
                    let what = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!(
                            "{len} cells where the header names {expected_len}; fix the row or remove it"
                        ),
                        csv::ErrorKind::Io(io) => {
                            errors.push(InputError {
                                file: self.file.to_string(),
                                line: line_of(e.position()),
                                column: 1,
                                message: format!("cannot read the file: {io}"),
                            });
                            return false;
                        }
                        _ => format!("not valid CSV ({e}); fix the row or remove it"),
                    };
                    errors.push(InputError {
                        file: self.file.to_string(),
                        line: line_of(e.position()),
                        column: 1,
                        message: what,
                    });
                }
            }
        }
        true
    }
}

/// The layout [`parse_events`] detects for `text` (which may be the start of a larger file,
/// cut after a line).
pub(crate) fn detect_layout(text: &str) -> InputFormat {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    detect(&blank_skipped_lines(text))
}

/// The layout of non-empty `text` (see [`parse_events`]).
fn detect(text: &str) -> InputFormat {
    match text.trim_start_matches(WS).chars().next() {
        None => return InputFormat::Auto,
        Some('[') => return InputFormat::Array,
        Some('{') => {}
        // JSON events start with `{` or `[`: anything else with a header line is CSV.
        Some(_) if text.lines().next().is_some_and(|l| l.contains(',')) => {
            return InputFormat::Csv;
        }
        Some(_) => {}
    }
    let parses = |s: &str| serde_json::from_str::<IgnoredAny>(s).is_ok();
    let mut lines = text.split('\n').filter(|l| !l.trim_matches(WS).is_empty());
    let first_parses = lines.next().is_some_and(parses);
    let mut rest = lines.peekable();
    let several = rest.peek().is_some();
    if first_parses && several && rest.all(parses) {
        InputFormat::Lines
    } else if parses(text) {
        InputFormat::Object
    } else if serde_json::Deserializer::from_str(text)
        .into_iter::<IgnoredAny>()
        .all(|r| r.is_ok())
    {
        InputFormat::Concatenated
    } else if first_parses && several {
        InputFormat::Lines
    } else {
        InputFormat::Concatenated
    }
}

/// `text` with `//` lines and `evtx_dump`'s `Record N` lines turned into spaces (no such line
/// can be inside a JSON value), so that every offset, line and column stays the same.
fn blank_skipped_lines(text: &str) -> Cow<'_, str> {
    let skipped = |line: &str| {
        let line = line.trim_matches(WS);
        let record = line.strip_prefix("Record ");
        line.starts_with("//")
            || record.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if !text.split('\n').any(skipped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if skipped(line) {
            let body = line.trim_end_matches('\n');
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// `pos` moved past JSON whitespace.
fn skip_ws(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or_default();
    pos + rest.len() - rest.trim_start_matches(WS).len()
}

/// The byte offset in `slice` of serde_json's error (its line and byte column; the end of the
/// text for a value cut short).
fn error_offset(slice: &str, e: &serde_json::Error) -> usize {
    if e.is_eof() {
        return slice.trim_end_matches(WS).len();
    }
    let lines_before = e.line().saturating_sub(1);
    let line_start: usize = slice
        .split_inclusive('\n')
        .take(lines_before)
        .map(str::len)
        .sum();
    (line_start + e.column().saturating_sub(1)).min(slice.len())
}

/// serde_json's message without its ` at line L column C`.
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&place).unwrap_or(&text).to_string()
}

/// The reading of one text.
struct Reader<'t> {
    text: &'t str,
    file: Arc<str>,
    events: Vec<Event>,
    errors: Vec<InputError>,
    next_index: usize,
    /// Top-level values read so far (events or not).
    values: usize,
    /// The last offset placed, with its line and column: placing in file order is linear.
    seen: (usize, usize, usize),
    /// JSON Lines: read objects of scalars as [`FlatEvent`]s.
    flat: bool,
}

impl Reader<'_> {
    /// The 1-based line and column (in characters) of a byte offset.
    fn place(&mut self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let (start, mut line, mut column) = match self.seen {
            seen if seen.0 <= offset => seen,
            _ => (0, 1, 1),
        };
        let between = self.text.get(start..offset).unwrap_or_default();
        match between.rfind('\n') {
            Some(i) => {
                line += between.matches('\n').count();
                column = between.get(i + 1..).unwrap_or_default().chars().count() + 1;
            }
            None => column += between.chars().count(),
        }
        self.seen = (offset, line, column);
        (line, column)
    }

    fn error(&mut self, offset: usize, message: String) {
        let (line, column) = self.place(offset);
        let file = self.file.to_string();
        self.errors.push(InputError {
            file,
            line,
            column,
            message,
        });
    }

    /// A syntax error that stops the file.
    fn syntax(&mut self, offset: usize, what: &str) {
        let stop = "fix it (the rest of the file was not read)";
        self.error(offset, format!("not valid JSON ({what}); {stop}"));
    }

    /// Keeps an object starting at `offset` as an event.
    fn keep(&mut self, body: Body, offset: usize) {
        self.values += 1;
        let (line, _) = self.place(offset);
        let (file, index) = (self.file.clone(), self.next_index);
        self.events.push(Event {
            body,
            file,
            line,
            index,
        });
        self.next_index += 1;
    }

    /// Keeps a top-level value starting at `offset` as an event, or reports that it is none.
    fn push(&mut self, value: Value, offset: usize) {
        let kind = match value {
            Value::Object(_) => return self.keep(Body::Json(value), offset),
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
        };
        self.values += 1;
        let n = self.values;
        let message = format!("event {n} is {kind}, not an object; events must be JSON objects");
        self.error(offset, message);
    }

    /// Reads and keeps the value at `pos`: the offset of what follows it, or `None` after a
    /// syntax error.
    fn value_at(&mut self, pos: usize) -> Option<usize> {
        let slice = self.text.get(pos..).unwrap_or_default();
        let mut stream = serde_json::Deserializer::from_str(slice).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                self.push(value, pos);
                Some(skip_ws(self.text, pos + stream.byte_offset()))
            }
            Some(Err(e)) => {
                self.syntax(pos + error_offset(slice, &e), &describe(&e));
                None
            }
            None => {
                self.syntax(self.text.len(), "EOF while parsing a value");
                None
            }
        }
    }

    fn lines(&mut self) {
        let mut start = 0;
        for line in self.text.split_inclusive('\n') {
            let pos = start;
            start += line.len();
            if line.trim_matches(WS).is_empty() {
                continue;
            }
            if self.flat
                && let Some(event) = flat::parse(line)
            {
                self.keep(Body::Flat(event), skip_ws(self.text, pos));
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(value) => self.push(value, skip_ws(self.text, pos)),
                Err(e) => {
                    let what = describe(&e);
                    let message = format!("not valid JSON ({what}); fix the line or remove it");
                    self.error(pos + error_offset(line, &e), message);
                }
            }
        }
    }

    /// Values one after another (`single`: only one).
    fn values(&mut self, single: bool) {
        let mut pos = skip_ws(self.text, 0);
        while pos < self.text.len() {
            if single && self.values > 0 {
                let more = "more than one JSON value; read the file as `concatenated` or `lines`";
                return self.error(pos, more.into());
            }
            let Some(next) = self.value_at(pos) else {
                return;
            };
            pos = next;
        }
    }

    fn array(&mut self) {
        let byte = |pos: usize| self.text.as_bytes().get(pos).copied();
        let mut pos = skip_ws(self.text, 0);
        if byte(pos) != Some(b'[') {
            return self.syntax(pos, "expected `[` to start an array of events");
        }
        pos = skip_ws(self.text, pos + 1);
        if byte(pos) != Some(b']') {
            loop {
                let Some(next) = self.value_at(pos) else {
                    return;
                };
                match self.text.as_bytes().get(next) {
                    Some(b',') => pos = skip_ws(self.text, next + 1),
                    Some(b']') => break pos = next,
                    Some(_) => return self.syntax(next, "expected `,` or `]`"),
                    None => return self.syntax(next, "the array has no closing `]`"),
                }
            }
        }
        let rest = skip_ws(self.text, pos + 1);
        if rest < self.text.len() {
            let after = "text after the array's closing `]`; remove it or use `concatenated`";
            self.error(rest, after.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InputFormat::{Array, Auto, Concatenated, Lines, Object};
    use super::*;
    use proptest::prelude::*;

    /// Reads `text`: the layout, each event's line, each error as text.
    fn read(text: &str, format: InputFormat) -> (InputFormat, Vec<usize>, Vec<String>) {
        let file = parse_events("t", text, format, 0);
        let lines = file.events.iter().map(|e| e.line).collect();
        (
            file.format,
            lines,
            file.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn detects_each_layout_with_lines() {
        let cases: [(&str, InputFormat, &[usize]); 5] = [
            ("\n[\n  {\"A\": 1},\n\n  {\"A\": 2}\n]\n", Array, &[3, 5]),
            ("\n{\n  \"A\": 1\n}\n", Object, &[2]),
            ("{\"A\": 1}\n\n{\"A\": 2}\n{\"A\": 3}", Lines, &[1, 3, 4]),
            (
                "{\n  \"A\": 1\n}\n{\n  \"A\": 2\n}{\"A\": 3}\n",
                Concatenated,
                &[1, 4, 6],
            ),
            ("{\"A\": 1}\n{\n  \"A\": 2\n}\n", Concatenated, &[1, 2]),
        ];
        for (text, format, lines) in cases {
            assert_eq!(
                read(text, Auto),
                (format, lines.to_vec(), vec![]),
                "{text:?}"
            );
        }
    }

    #[test]
    fn forced_formats() {
        assert_eq!(read("{\"A\": 1}", Lines), (Lines, vec![1], vec![]));
        assert_eq!(
            read("{}\n{}", Concatenated),
            (Concatenated, vec![1, 2], vec![])
        );
        let more = "t:2:1: more than one JSON value; read the file as `concatenated` or `lines`";
        assert_eq!(read("{}\n{}", Object), (Object, vec![1], vec![more.into()]));
        let (_, events, errors) = read("  {\"A\": 1}", Array);
        assert!(events.is_empty() && errors[0].starts_with("t:1:3: not valid JSON (expected `[`"));
    }

    #[test]
    fn bom_crlf_and_empty_files() {
        assert_eq!(read("\u{feff}[{\"A\": 1}]", Auto), (Array, vec![1], vec![]));
        assert_eq!(read("{}\r\n\r\n{}\r\n", Auto), (Lines, vec![1, 3], vec![]));
        let pretty = "{\r\n \"A\": 1\r\n}\r\n{\r\n \"A\": 2\r\n}\r\n";
        assert_eq!(read(pretty, Auto), (Concatenated, vec![1, 4], vec![]));
        for format in [Auto, Array, Object, Lines, Concatenated] {
            assert_eq!(
                read(" \n\t\r\n// nothing\n", format),
                (format, vec![], vec![])
            );
        }
    }

    #[test]
    fn bad_line_in_json_lines_is_reported_and_skipped() {
        let eof = "t:2:8: not valid JSON (EOF while parsing an object); fix the line or remove it";
        for format in [Auto, Lines] {
            let text = "{\"A\": 1}\n{\"A\": 2\n{\"A\": 3}\n";
            assert_eq!(read(text, format), (Lines, vec![1, 3], vec![eof.into()]));
        }
        let colon = "t:2:6: not valid JSON (expected `:`); fix the line or remove it";
        assert_eq!(
            read("{}\n{\"A\" 2}\n{}", Lines),
            (Lines, vec![1, 3], vec![colon.into()])
        );
    }

    #[test]
    fn syntax_errors_in_array_and_concatenated_stop_the_file() {
        let (format, lines, errors) = read("[\n{\"A\": 1},\n{\"A\": 2,}\n]", Auto);
        assert_eq!((format, lines), (Array, vec![2]));
        assert!(errors[0].starts_with("t:3:9: not valid JSON (trailing comma); fix it"));
        let (format, lines, errors) = read("{\n \"A\": 1\n}\n{\n \"A\" 2\n}\n{}", Auto);
        assert_eq!((format, lines), (Concatenated, vec![1]));
        assert!(
            errors[0].starts_with("t:5:6: not valid JSON (expected `:`)"),
            "{errors:?}"
        );
        let (_, _, errors) = read("[{}, {}", Array);
        assert!(errors[0].starts_with("t:1:8: not valid JSON (the array has no closing `]`)"));
    }

    #[test]
    fn non_object_values_are_errors() {
        let (_, lines, errors) = read("[{\"A\": 1},\n 2, \"x\",\n null, [], {}]", Auto);
        assert_eq!(lines, [1, 3]);
        let starts = [
            "2:2: event 2 is a number",
            "2:5: event 3 is a string",
            "3:2: event 4 is null",
        ];
        for (error, start) in errors
            .iter()
            .zip(starts.iter().chain(&["3:8: event 5 is an array"]))
        {
            assert!(
                error.starts_with(&format!("t:{start}, not an object")),
                "{error}"
            );
        }
        let (format, lines, errors) = read("{}\n[1]\ntrue\n", Auto);
        assert_eq!((format, lines, errors.len()), (Lines, vec![1], 2));
        assert!(errors[1].starts_with("t:3:1: event 3 is a boolean, not an object"));
    }

    #[test]
    fn evtx_dump_record_headers_are_skipped() {
        let text = "Record 1\n{\n  \"Event\": {\"System\": {\"EventID\": 4688}}\n}\nRecord 2\n{}\n";
        assert_eq!(read(text, Auto), (Concatenated, vec![2, 6], vec![]));
        let file = parse_events("t", text, Auto, 0);
        assert_eq!(file.events[0].json()["Event"]["System"]["EventID"], 4688);
    }

    #[test]
    fn comment_lines_are_skipped() {
        let text = "// two events\n{\"A\": 1}\n  // é\n{\"A\": 2}\n";
        assert_eq!(read(text, Auto), (Lines, vec![2, 4], vec![]));
    }

    #[test]
    fn index_continues_from_first_index() {
        let file = parse_events("t", "[{}, 1, {}]", Auto, 7);
        let indices: Vec<(&str, usize)> = file.events.iter().map(|e| (&*e.file, e.index)).collect();
        assert_eq!(indices, [("t", 7), ("t", 8)]);
    }

    #[test]
    fn unreadable_and_non_utf8_files_are_one_error() {
        let path = std::env::temp_dir().join(format!("sigma-kql-input-{}", std::process::id()));
        std::fs::write(&path, b"{\"A\": 1}\n{\"A\": \"\xff\"}\n").unwrap();
        let file = read_events(&path, Auto, 0);
        std::fs::remove_file(&path).unwrap();
        assert!(file.events.is_empty());
        let error = &file.errors[..];
        assert_eq!((error.len(), error[0].line, error[0].column), (1, 2, 8));
        let missing = read_events(&path, Auto, 0);
        assert!(
            missing.errors[0]
                .message
                .starts_with("cannot read the file")
        );
    }

    /// No panic, and every error on a line of the text (or just past its end).
    fn check_no_panic(text: &str) {
        let line_count = text.lines().count();
        for format in [Auto, Array, Object, Lines, Concatenated] {
            for error in parse_events("p", text, format, 0).errors {
                assert!(
                    (1..=line_count + 1).contains(&error.line),
                    "{error} in {text:?}"
                );
                assert!(error.column >= 1);
            }
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_text(text in "\\PC*|[\\[\\]{}\":,0-9a-z \\n\\r/\u{feff}é-]{0,60}") {
            check_no_panic(&text);
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            check_no_panic(&String::from_utf8_lossy(&bytes));
        }
    }
}
