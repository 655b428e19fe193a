//! Windows event log files (`.evtx`) read a 64 KiB chunk at a time with the `evtx` crate: each
//! record becomes an event in the `Event.System` / `Event.EventData` shape that
//! [`super::lookup`] reads, placed by its record number (reported as its "line").
//!
//! Chunks are checked against their CRC32s: a damaged chunk is reported and skipped rather
//! than read with wrong values.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use evtx::{EvtxChunkData, ParserSettings};

use super::input::{Event, InputError};
use super::stream::ChunkReader;

/// The file signature.
pub const MAGIC: &[u8] = b"ElfFile\0";

const HEADER_SIZE: usize = 4096;
const CHUNK_SIZE: usize = 65536;
const CHUNK_MAGIC: &[u8] = b"ElfChnk\0";

/// An EVTX file's records, read in order.
pub struct EvtxRecords {
    name: Arc<str>,
    reader: Box<dyn Read + Send>,
    settings: Arc<ParserSettings>,
    /// Chunks read so far.
    chunk: u64,
    /// The current chunk's events not handed out yet.
    pending: VecDeque<Event>,
    done: bool,
}

impl EvtxRecords {
    /// Reads the file header.
    pub fn open(name: Arc<str>, reader: impl Read + Send + 'static) -> Result<Self, InputError> {
        let mut reader: Box<dyn Read + Send> = Box::new(reader);
        let mut header = vec![0u8; HEADER_SIZE];
        let error = |message: String| InputError {
            file: name.to_string(),
            line: 1,
            column: 1,
            message,
        };
        let got = read_full(&mut reader, &mut header)
            .map_err(|e| error(format!("cannot read the file: {e}")))?;
        if !header.starts_with(MAGIC) {
            return Err(error(
                "not an EVTX file (no `ElfFile` signature); export the log again, or name its layout with --input-format"
                    .into(),
            ));
        }
        if got < HEADER_SIZE {
            return Err(error(format!(
                "an EVTX file cut short: its header is {got} of {HEADER_SIZE} bytes"
            )));
        }
        let settings = ParserSettings::new()
            .validate_checksums(true)
            .indent(false)
            .num_threads(1);
        Ok(EvtxRecords {
            name,
            reader,
            settings: Arc::new(settings),
            chunk: 0,
            pending: VecDeque::new(),
            done: false,
        })
    }

    /// Reads and parses the next chunk into `pending`.
    fn read_chunk(&mut self, errors: &mut Vec<InputError>) {
        let mut data = vec![0u8; CHUNK_SIZE];
        let n = self.chunk;
        let got = match read_full(&mut self.reader, &mut data) {
            Ok(got) => got,
            Err(e) => {
                errors.push(self.error(0, format!("cannot read chunk {n}: {e}")));
                self.done = true;
                return;
            }
        };
        if got == 0 {
            self.done = true;
            return;
        }
        self.chunk += 1;
        if got < CHUNK_SIZE {
            self.done = true;
            errors.push(self.error(
                0,
                format!(
                    "the file is cut short: chunk {n} has {got} of {CHUNK_SIZE} bytes; its records were not read"
                ),
            ));
            return;
        }
        if !data.starts_with(CHUNK_MAGIC) {
            // Space the log has not used yet is zeros; anything else is damage.
            if data.iter().any(|b| *b != 0) {
                errors.push(self.error(
                    0,
                    format!("chunk {n} has no `ElfChnk` signature: the file is damaged; its records were not read"),
                ));
            }
            return;
        }
        let mut chunk = match EvtxChunkData::new(data, true) {
            Ok(c) => c,
            Err(e) => {
                errors.push(self.error(
                    0,
                    format!("chunk {n} cannot be read ({e}): the file is damaged; its records were not read"),
                ));
                return;
            }
        };
        let mut parsed = match chunk.parse(self.settings.clone()) {
            Ok(p) => p,
            Err(e) => {
                errors.push(self.error(
                    0,
                    format!("chunk {n} cannot be read ({e}); its records were not read"),
                ));
                return;
            }
        };
        for record in parsed.iter() {
            let value = record.and_then(|r| r.into_json_value());
            match value {
                Ok(r) => {
                    let line = usize::try_from(r.event_record_id).unwrap_or(usize::MAX);
                    if r.data.is_object() {
                        self.pending.push_back(Event {
                            body: super::input::Body::Json(r.data),
                            file: self.name.clone(),
                            line,
                            index: 0,
                        });
                    }
                }
                Err(e) => errors.push(self.error(
                    0,
                    format!("a record of chunk {n} cannot be read ({e}); it was skipped"),
                )),
            }
        }
    }

    fn error(&self, line: usize, message: String) -> InputError {
        InputError {
            file: self.name.to_string(),
            line: line.max(1),
            column: 1,
            message,
        }
    }
}

impl ChunkReader for EvtxRecords {
    fn next(
        &mut self,
        max: usize,
        first_index: usize,
        events: &mut Vec<Event>,
        errors: &mut Vec<InputError>,
    ) -> bool {
        let mut taken = 0;
        while taken < max {
            if let Some(mut e) = self.pending.pop_front() {
                e.index = first_index + taken;
                events.push(e);
                taken += 1;
                continue;
            }
            if self.done {
                return false;
            }
            self.read_chunk(errors);
        }
        !(self.done && self.pending.is_empty())
    }
}

/// Reads until `buf` is full or the input ends: how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(buf.get_mut(got..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// All the events of an EVTX file's bytes.
pub fn read_all(name: &str, bytes: Vec<u8>, first_index: usize) -> super::input::EventFile {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    match EvtxRecords::open(Arc::from(name), std::io::Cursor::new(bytes)) {
        Ok(mut records) => while records.next(usize::MAX, first_index, &mut events, &mut errors) {},
        Err(e) => errors.push(e),
    }
    super::input::EventFile {
        events,
        errors,
        format: super::input::InputFormat::Evtx,
    }
}
