//! Event files read as a stream, a chunk of events at a time, so that an evaluation's memory
//! does not grow with the number of events.
//!
//! A file up to [`WHOLE_LIMIT`] bytes is read whole, exactly as [`input::read_events`] reads it.
//! A larger one is streamed when its layout allows: JSON Lines (detected from its first two
//! lines), CSV and EVTX; a larger JSON array or run of concatenated objects is read whole.
//! Standard input (`-`) is read the same way.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::evtx::EvtxRecords;
use super::input::{self, CsvRows, Event, InputError, InputFormat};
use super::result::{EventFileSummary, EventsSummary};

/// Files up to this many bytes are read whole (16 MiB).
pub const WHOLE_LIMIT: usize = 16 << 20;

/// Bytes read to decide a streamed file's layout, at least.
const SNIFF: usize = 64 << 10;

/// The longest line of a JSON Lines file read (64 MiB); a longer one is an error.
const MAX_LINE: u64 = 64 << 20;

/// Text parsed at a time from a JSON Lines file, at most.
const BLOCK_BYTES: usize = 8 << 20;

/// JSON's whitespace.
const WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// Event files read in order, a chunk at a time.
pub struct EventStream {
    paths: VecDeque<PathBuf>,
    /// Files up to this many bytes are read whole.
    whole_limit: usize,
    format: InputFormat,
    source: Option<Source>,
    next_index: usize,
    summary: EventsSummary,
    /// Read JSON Lines objects of scalars as flat events.
    flat: bool,
}

/// The file being read.
enum Source {
    /// Read whole, handed out a chunk at a time.
    Whole(std::vec::IntoIter<Event>),
    /// Read a chunk at a time.
    Streamed(Box<dyn ChunkReader>),
}

/// A file read a few events at a time: JSON Lines, CSV, EVTX.
pub(crate) trait ChunkReader: Send {
    /// Reads up to `max` more events onto `events`, numbered from `first_index`, and their
    /// problems onto `errors`; whether there may be more.
    fn next(
        &mut self,
        max: usize,
        first_index: usize,
        events: &mut Vec<Event>,
        errors: &mut Vec<InputError>,
    ) -> bool;

    /// Whether to read JSON objects of scalars as flat events (see [`super::flat`]); readers
    /// of other layouts ignore it.
    fn read_flat(&mut self, _on: bool) {}
}

impl EventStream {
    /// The files to read (`-` is standard input), in order; nothing is read yet.
    pub fn open(paths: &[impl AsRef<Path>], format: InputFormat) -> EventStream {
        EventStream {
            paths: paths.iter().map(|p| p.as_ref().to_path_buf()).collect(),
            whole_limit: WHOLE_LIMIT,
            format,
            source: None,
            next_index: 0,
            summary: EventsSummary {
                count: 0,
                files: Vec::new(),
                errors: Vec::new(),
                unplaced: 0,
            },
            flat: false,
        }
    }

    /// From the next chunk on, reads the JSON Lines objects that hold only scalars as flat
    /// events ([`super::flat`]) rather than JSON values: raw mode's prefiltered path reads them
    /// without a `Value` each.
    pub fn read_flat(&mut self, on: bool) {
        self.flat = on;
        if let Some(Source::Streamed(r)) = &mut self.source {
            r.read_flat(on);
        }
    }

    /// Files up to `bytes` are read whole (default [`WHOLE_LIMIT`]); 0 streams every file
    /// whose layout allows it.
    pub fn whole_limit(mut self, bytes: usize) -> EventStream {
        self.whole_limit = bytes;
        self
    }

    /// The next events, up to `max` (fewer at the end of the input; none once it is all read).
    pub fn next_chunk(&mut self, max: usize) -> Vec<Event> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        while out.len() < max {
            let Some(source) = &mut self.source else {
                match self.paths.pop_front() {
                    Some(path) => self.source = self.start(&path),
                    None => break,
                }
                continue;
            };
            let before = out.len();
            let want = max - out.len();
            let more = match source {
                Source::Whole(events) => {
                    out.extend(events.by_ref().take(want));
                    events.len() > 0
                }
                Source::Streamed(r) => r.next(want, self.next_index, &mut out, &mut errors),
            };
            let n = out.len() - before;
            if !matches!(source, Source::Whole(_)) {
                self.next_index += n;
            }
            if let Some(f) = self.summary.files.last_mut() {
                f.events += n;
            }
            if !more {
                self.source = None;
            }
        }
        for e in &out {
            if let Some(problem) = super::label_problem(e.view()) {
                errors.push(InputError {
                    file: e.file.to_string(),
                    line: e.line,
                    column: 1,
                    message: problem,
                });
            }
        }
        self.summary.errors.extend(errors);
        self.summary.count += out.len();
        out
    }

    /// What was read: files, layouts, counts and problems.
    pub fn finish(self) -> EventsSummary {
        self.summary
    }

    /// Opens a file and decides how to read it; `None` when there is nothing to read (the
    /// problem is recorded).
    fn start(&mut self, path: &Path) -> Option<Source> {
        let stdin = path == Path::new("-");
        let name: Arc<str> = if stdin {
            Arc::from("<stdin>")
        } else {
            Arc::from(path.display().to_string())
        };
        self.summary.files.push(EventFileSummary {
            path: path.display().to_string(),
            format: self.format.name(),
            events: 0,
        });
        let fail = |s: &mut EventStream, message: String| {
            s.summary.errors.push(InputError {
                file: name.to_string(),
                line: 1,
                column: 1,
                message,
            });
            None
        };
        let mut reader: Box<dyn Read + Send> = if stdin {
            Box::new(std::io::stdin())
        } else {
            match std::fs::File::open(path) {
                Ok(f) => Box::new(f),
                Err(e) => return fail(self, format!("cannot read the file: {e}")),
            }
        };
        let mut head = Vec::new();
        if let Err(e) = reader
            .by_ref()
            .take(self.whole_limit.max(SNIFF) as u64 + 1)
            .read_to_end(&mut head)
        {
            return fail(self, format!("cannot read the file: {e}"));
        }
        let evtx_named = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("evtx"));
        let format = match self.format {
            InputFormat::Auto if head.starts_with(super::evtx::MAGIC) || evtx_named => {
                InputFormat::Evtx
            }
            f => input::csv_or(f, path),
        };
        if format == InputFormat::Evtx {
            self.set_format(format);
            let data = Cursor::new(head).chain(reader);
            return match EvtxRecords::open(name.clone(), data) {
                Ok(records) => Some(Source::Streamed(Box::new(records))),
                Err(e) => {
                    self.summary.errors.push(e);
                    None
                }
            };
        }
        if head.len() <= self.whole_limit {
            return Some(self.whole(&name, &head, format));
        }
        let format = match format {
            InputFormat::Auto => sniff(&head),
            f => f,
        };
        let rest: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(reader));
        match format {
            InputFormat::Lines => {
                self.set_format(format);
                Some(Source::Streamed(Box::new(Lines {
                    reader: Box::new(BufReader::with_capacity(256 << 10, rest)),
                    name,
                    line: 0,
                    flat: self.flat,
                })))
            }
            InputFormat::Csv => {
                self.set_format(format);
                match CsvRows::open(name, rest) {
                    Ok(rows) => Some(Source::Streamed(Box::new(rows))),
                    Err(e) => {
                        self.summary.errors.push(e);
                        None
                    }
                }
            }
            // A large array or run of objects: read whole.
            _ => {
                let mut bytes = Vec::new();
                if let Err(e) = rest.take(input::MAX_SIZE + 1).read_to_end(&mut bytes) {
                    return fail(self, format!("cannot read the file: {e}"));
                }
                if bytes.len() as u64 > input::MAX_SIZE {
                    let limit = input::MAX_SIZE >> 30;
                    return fail(self, format!("larger than {limit} GiB; split the file"));
                }
                Some(self.whole(&name, &bytes, format))
            }
        }
    }

    /// A file read whole.
    fn whole(&mut self, name: &str, bytes: &[u8], format: InputFormat) -> Source {
        let f = input::parse_bytes(name, bytes, format, self.next_index, self.flat);
        self.next_index += f.events.len();
        self.set_format(f.format);
        self.summary.errors.extend(f.errors);
        Source::Whole(f.events.into_iter())
    }

    fn set_format(&mut self, format: InputFormat) {
        if let Some(f) = self.summary.files.last_mut() {
            f.format = format.name();
        }
    }
}

/// The layout of a large file from its first bytes, as [`input::parse_events`] would detect
/// it: their first 64 KiB, cut after the last whole line.
fn sniff(head: &[u8]) -> InputFormat {
    let head = head.get(..SNIFF).unwrap_or(head);
    let whole_lines = head
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(&[][..], |end| &head[..=end]);
    input::detect_layout(&String::from_utf8_lossy(whole_lines))
}

/// A JSON Lines file read a block of lines at a time.
struct Lines {
    reader: Box<dyn BufRead + Send>,
    name: Arc<str>,
    /// Lines read so far.
    line: usize,
    /// Read objects of scalars as flat events.
    flat: bool,
}

impl ChunkReader for Lines {
    fn next(
        &mut self,
        max: usize,
        first_index: usize,
        events: &mut Vec<Event>,
        errors: &mut Vec<InputError>,
    ) -> bool {
        let base = self.line;
        let mut block = String::new();
        let mut values = 0;
        let mut more = true;
        let mut buf = Vec::new();
        while values < max && block.len() < BLOCK_BYTES {
            buf.clear();
            match self
                .reader
                .by_ref()
                .take(MAX_LINE)
                .read_until(b'\n', &mut buf)
            {
                Ok(0) => {
                    more = false;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    errors.push(self.error(self.line + 1, format!("cannot read the file: {e}")));
                    more = false;
                    break;
                }
            }
            self.line += 1;
            if buf.len() as u64 == MAX_LINE && !buf.ends_with(b"\n") {
                self.skip_line();
                let limit = MAX_LINE >> 20;
                let message =
                    format!("a line longer than {limit} MiB; split the event or remove it");
                errors.push(self.error(self.line, message));
                block.push('\n');
                continue;
            }
            match std::str::from_utf8(&buf) {
                Ok(line) => {
                    if !line.trim_matches(WS).is_empty() {
                        values += 1;
                    }
                    block.push_str(line);
                    if !line.ends_with('\n') {
                        block.push('\n');
                    }
                }
                Err(e) => {
                    let message = format!(
                        "not UTF-8 text (invalid byte at column {}); convert the file to UTF-8",
                        e.valid_up_to() + 1
                    );
                    errors.push(self.error(self.line, message));
                    block.push('\n');
                }
            }
        }
        let lines = InputFormat::Lines;
        let f = input::parse_events_with(&self.name, &block, lines, first_index, self.flat);
        events.extend(f.events.into_iter().map(|mut e| {
            e.line += base;
            e
        }));
        errors.extend(f.errors.into_iter().map(|mut e| {
            e.line += base;
            e
        }));
        more
    }

    fn read_flat(&mut self, on: bool) {
        self.flat = on;
    }
}

impl Lines {
    /// Reads past the rest of an over-long line.
    fn skip_line(&mut self) {
        let mut scratch = Vec::new();
        loop {
            scratch.clear();
            match self
                .reader
                .by_ref()
                .take(MAX_LINE)
                .read_until(b'\n', &mut scratch)
            {
                Ok(n) if n > 0 && !scratch.ends_with(b"\n") => continue,
                _ => return,
            }
        }
    }

    fn error(&self, line: usize, message: String) -> InputError {
        InputError {
            file: self.name.to_string(),
            line,
            column: 1,
            message,
        }
    }
}
