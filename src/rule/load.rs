//! Reading Sigma files: YAML documents → [`Document`]s, every problem a [`Diagnostic`] with
//! its place. One bad document never stops the others.

use std::path::Path;

use std::io::Read as _;

use serde_yaml::Value;

use super::{Document, DocumentKind, correlation, filter, meta};
use crate::condition::Span;
use crate::diag::{Diagnostic, Excerpt, Problem};
use crate::source::{KeyPath, SourceText, line_col};

/// The largest rule file accepted, in bytes (SigmaHQ's largest rule is under 40 KiB).
pub const MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// One YAML document of a file, loaded or not.
#[derive(Debug, Clone)]
pub struct LoadedDocument {
    /// 0-based index of the document in its file.
    pub index: usize,
    /// What it is (decided from its keys even when it has errors).
    pub kind: DocumentKind,
    /// Title, or id, or `document N` when it has neither.
    pub label: String,
    /// The id, when it has one.
    pub id: Option<String>,
    /// Line and column of the `id` key, when it could be found.
    pub id_place: Option<(usize, usize)>,
    /// The document, when it has no errors.
    pub document: Option<Document>,
    /// Its errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

/// A loaded file.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// The path as given (or `<stdin>`).
    pub path: String,
    /// Its documents, in order.
    pub documents: Vec<LoadedDocument>,
    /// Problems of the file as a whole (unreadable, too large, invalid YAML).
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedFile {
    /// Every diagnostic, file-level first, then per document.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.documents.iter().flat_map(|d| d.diagnostics.iter()))
    }

    /// Whether the file or any document has an error.
    pub fn has_errors(&self) -> bool {
        self.all_diagnostics().any(Diagnostic::is_error)
    }
}

/// Reads and loads a file from disk. Only regular files are read (a device or a pipe named
/// `*.yml` is refused), and never more than [`MAX_FILE_SIZE`] bytes plus one.
pub fn load_file(path: &Path) -> LoadedFile {
    let name = path.display().to_string();
    match read_text(path) {
        Ok(text) => load_source(&name, &text),
        Err(d) => LoadedFile {
            path: name,
            documents: Vec::new(),
            diagnostics: vec![*d],
        },
    }
}

/// Reads `path` as the text of a file to load (rules, exclusion scenarios): a regular file of
/// at most [`MAX_FILE_SIZE`] bytes, in UTF-8. Otherwise the problem, named by the path (with
/// the line and column of an invalid byte).
pub fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    let name = path.display().to_string();
    let fail = |reason: String| Box::new(Diagnostic::new(Problem::Io { reason }, name.clone()));
    // Checked before opening: opening a named pipe would wait for a writer.
    let size = match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(fail("not a regular file".into())),
        Ok(m) => m.len().min(MAX_FILE_SIZE + 1),
        Err(e) => return Err(fail(e.to_string())),
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(e.to_string()))?;
    match String::from_utf8(bytes) {
        Ok(text) if text.len() as u64 <= MAX_FILE_SIZE => Ok(text),
        // Too large, or not UTF-8: `decode` says so, and where.
        Ok(text) => decode(&name, text.as_bytes()).map(str::to_string),
        Err(e) => decode(&name, e.as_bytes()).map(str::to_string),
    }
}

/// Loads a file's bytes (named `name` in diagnostics): see [`load_source`].
pub fn load_bytes(name: &str, bytes: &[u8]) -> LoadedFile {
    match decode(name, bytes) {
        Ok(text) => load_source(name, text),
        Err(d) => LoadedFile {
            path: name.to_string(),
            documents: Vec::new(),
            diagnostics: vec![*d],
        },
    }
}

/// The bytes as text: at most [`MAX_FILE_SIZE`] bytes of UTF-8.
fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Box<Diagnostic>> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Box::new(Diagnostic::new(
            Problem::TooLarge {
                size: bytes.len() as u64,
                limit: MAX_FILE_SIZE,
            },
            name,
        )));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(&String::from_utf8_lossy(bytes), e.valid_up_to());
        let mut d = Diagnostic::new(
            Problem::Io {
                reason: format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            },
            name,
        );
        d.line = Some(line);
        d.column = Some(column);
        Box::new(d)
    })
}

fn too_large(name: &str, size: usize) -> LoadedFile {
    LoadedFile {
        path: name.to_string(),
        documents: Vec::new(),
        diagnostics: vec![Diagnostic::new(
            Problem::TooLarge {
                size: size as u64,
                limit: MAX_FILE_SIZE,
            },
            name,
        )],
    }
}

/// Loads every YAML document of `text` (named `name` in diagnostics). Each document is parsed
/// on its own, so a broken one does not hide the others.
pub fn load_source(name: &str, text: &str) -> LoadedFile {
    if text.len() as u64 > MAX_FILE_SIZE {
        return too_large(name, text.len());
    }
    let src = SourceText::new(text);
    let mut file = LoadedFile {
        path: name.to_string(),
        documents: Vec::new(),
        diagnostics: Vec::new(),
    };

    // The document that opened a v1 rule collection (`action: global`), if any.
    let mut collection: Option<usize> = None;
    for index in 0..src.doc_count() {
        let Some((doc_text, first_line)) = src.doc_text(index) else {
            continue;
        };
        let label = format!("document {}", index + 1);
        let value: Value = match crate::yaml::from_str(doc_text) {
            Ok(v) => v,
            Err(e) => {
                let mut d = yaml_error(name, &src, &e, first_line);
                d.rule = Some(label.clone());
                file.documents.push(LoadedDocument {
                    index,
                    kind: DocumentKind::Rule,
                    label,
                    id: None,
                    id_place: None,
                    document: None,
                    diagnostics: vec![d],
                });
                continue;
            }
        };
        if value.is_null() {
            continue;
        }
        let mut ctx = Ctx::new(name, &src, index);
        let (kind, document) = match collection {
            Some(first) => {
                ctx.label = value
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                ctx.report(
                    Problem::CollectionPart { first: first + 1 },
                    &KeyPath::root(),
                );
                (DocumentKind::Rule, None)
            }
            None => {
                if value.get("action").is_some() {
                    collection = Some(index);
                }
                load_document(&value, &mut ctx)
            }
        };
        let ok = !ctx.has_errors();
        file.documents.push(LoadedDocument {
            index,
            kind,
            label: ctx.label.clone().unwrap_or(label),
            id: ctx.id.clone(),
            id_place: ctx
                .id
                .as_ref()
                .and_then(|_| src.locate(index, &KeyPath::root().key("id")))
                .map(|p| (p.line, p.column)),
            document: if ok { document } else { None },
            diagnostics: ctx.finish(),
        });
    }
    if file.documents.is_empty() {
        file.diagnostics
            .push(Diagnostic::new(Problem::EmptyFile, name));
    }
    file
}

/// A YAML error of the document starting at 0-based line `first_line`.
fn yaml_error(
    name: &str,
    src: &SourceText<'_>,
    e: &serde_yaml::Error,
    first_line: usize,
) -> Diagnostic {
    let full = e.to_string();
    // The message ends with " at line L column C"; the position goes into the diagnostic.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let duplicate = message
        .split_once("duplicate entry with key \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(key, _)| key.to_string());
    let mut d = Diagnostic::new(Problem::YamlSyntax { message }, name);
    if let Some(loc) = e.location() {
        let (mut line, mut column) = (loc.line() + first_line, loc.column());
        // The parser points at the mapping; point at the repeated key instead.
        if let Some(key) = duplicate {
            let col0 = column.saturating_sub(1);
            let repeated = (line + 1..line + 10_000)
                .map_while(|n| src.line(n).map(|l| (n, l)))
                .find(|(_, l)| {
                    l.get(col0..).is_some_and(|rest| {
                        l[..col0].trim().is_empty()
                            && (rest.starts_with(&format!("{key}:"))
                                || rest.starts_with(&format!("'{key}':"))
                                || rest.starts_with(&format!("\"{key}\":")))
                    })
                });
            if let Some((n, _)) = repeated {
                line = n;
            }
            column = col0 + 1;
        }
        d.line = Some(line);
        d.column = Some(column);
        if let Some(text) = src.line(line) {
            d.excerpt = Some(Excerpt::new(Some(line), text, column.saturating_sub(1), 1));
        }
    }
    d
}

fn load_document(value: &Value, ctx: &mut Ctx<'_>) -> (DocumentKind, Option<Document>) {
    let Some(map) = value.as_mapping() else {
        ctx.report(
            Problem::NotAMapping {
                found: yaml_kind(value),
            },
            &KeyPath::root(),
        );
        return (DocumentKind::Rule, None);
    };
    ctx.label = map
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| map.get("id").and_then(Value::as_str).map(str::to_string));
    ctx.id = map.get("id").and_then(Value::as_str).map(str::to_string);
    if let Some(action) = map.get("action") {
        let action = action.as_str().unwrap_or("?").to_string();
        ctx.report(
            Problem::ObsoleteCollection { action },
            &KeyPath::root().key("action"),
        );
        return (DocumentKind::Rule, None);
    }
    if map.contains_key("correlation") {
        let doc = correlation::load(map, ctx).map(Document::Correlation);
        (DocumentKind::Correlation, doc)
    } else if map.contains_key("filter") {
        let doc = filter::load(map, ctx).map(Document::Filter);
        (DocumentKind::Filter, doc)
    } else {
        let doc = meta::load_rule(map, ctx).map(|r| Document::Rule(std::sync::Arc::new(r)));
        (DocumentKind::Rule, doc)
    }
}

/// A short name for a YAML value's type, for messages.
pub fn yaml_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The most diagnostics kept for one document; the rest are counted in a last one.
pub const MAX_DIAGNOSTICS_PER_DOCUMENT: usize = 100;

/// What a document's loader needs to report problems with their place.
pub struct Ctx<'a> {
    file: &'a str,
    src: &'a SourceText<'a>,
    doc: usize,
    /// The document's title or id, for diagnostics.
    pub label: Option<String>,
    /// The document's id.
    pub id: Option<String>,
    diags: Vec<Diagnostic>,
    /// Errors and warnings beyond [`MAX_DIAGNOSTICS_PER_DOCUMENT`].
    more: (usize, usize),
}

impl<'a> Ctx<'a> {
    /// A context for document `doc` (0-based) of `file`.
    pub fn new(file: &'a str, src: &'a SourceText<'a>, doc: usize) -> Self {
        Ctx {
            file,
            src,
            doc,
            label: None,
            id: None,
            diags: Vec::new(),
            more: (0, 0),
        }
    }

    /// Whether an error was reported.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// The number of errors reported so far (to tell whether a step added one).
    pub fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count() + self.more.0
    }

    /// The diagnostics, with a last one counting those beyond the limit.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let (errors, warnings) = self.more;
        if errors + warnings > 0 {
            let d = self.base(Problem::MoreProblems { errors, warnings }, &KeyPath::root());
            self.diags.push(d);
        }
        self.diags
    }

    fn base(&self, problem: Problem, path: &KeyPath) -> Diagnostic {
        let mut d = Diagnostic::new(problem, self.file);
        if !path.is_root() {
            d.key_path = Some(path.to_string());
        }
        d.rule = self.label.clone();
        d
    }

    /// Keeps `d`, or only counts it once the document has many.
    fn push(&mut self, d: Diagnostic) {
        if self.diags.len() < MAX_DIAGNOSTICS_PER_DOCUMENT {
            self.diags.push(d);
        } else if d.is_error() {
            self.more.0 += 1;
        } else {
            self.more.1 += 1;
        }
    }

    /// Reports `problem` at the key `path` (its line found in the source, best effort).
    pub fn report(&mut self, problem: Problem, path: &KeyPath) {
        let mut d = self.base(problem, path);
        if self.diags.len() < MAX_DIAGNOSTICS_PER_DOCUMENT
            && let Some(place) = self.src.locate(self.doc, path)
        {
            d.line = Some(place.line);
            d.column = Some(place.column);
            if let Some(text) = self.src.line(place.line) {
                d.excerpt = Some(Excerpt::new(
                    Some(place.line),
                    text,
                    place.column - 1,
                    place.len,
                ));
            }
        }
        self.push(d);
    }

    /// Reports `problem` at `span` inside `text`, the string value of the key `path` (a
    /// condition). The caret lands on the file's line when the value can be followed there
    /// (plain, quoted or block scalar), else under the text itself.
    pub fn report_span(&mut self, problem: Problem, path: &KeyPath, text: &str, span: Span) {
        let mut d = self.base(problem, path);
        let start = crate::source::floor_char_boundary(text, span.start);
        let end = crate::source::floor_char_boundary(text, span.end.max(span.start));
        d.span = Some((start, end.max(start)));
        let caret_len = text[start..end].chars().count().max(1);
        let place = self.src.locate(self.doc, path);
        match place.and_then(|p| self.value_position(p, text, start)) {
            Some((line_no, col0)) => {
                d.line = Some(line_no);
                d.column = Some(col0 + 1);
                if let Some(line) = self.src.line(line_no) {
                    d.excerpt = Some(Excerpt::new(Some(line_no), line, col0, caret_len));
                }
            }
            None => {
                if let Some(p) = place {
                    d.line = Some(p.line);
                    d.column = Some(p.column);
                }
                let flat = text.replace('\n', " ");
                d.excerpt = Some(Excerpt::new(
                    None,
                    &flat,
                    text[..start].chars().count(),
                    caret_len,
                ));
            }
        }
        self.push(d);
    }

    /// Where byte `offset` of a scalar value lies in the file: (1-based line, 0-based column
    /// in characters). Follows the value from the key at `key` over its continuation lines.
    fn value_position(
        &self,
        key: crate::source::Place,
        text: &str,
        offset: usize,
    ) -> Option<(usize, usize)> {
        let line = self.src.line(key.line)?;
        let key_start = line.char_indices().nth(key.column - 1).map(|(i, _)| i)?;
        let colon = key_start + line[key_start..].find(':')?;
        let rest_start =
            colon + 1 + (line[colon + 1..].len() - line[colon + 1..].trim_start().len());
        let rest = &line[rest_start..];
        // The segments of the value: the rest of the key's line (unless a block indicator),
        // then every following line indented deeper than the key.
        let mut segments: Vec<(usize, usize, &str)> = Vec::new();
        if !rest.is_empty() && !rest.starts_with('|') && !rest.starts_with('>') {
            segments.push((key.line, rest_start, rest));
        }
        for n in key.line + 1.. {
            let Some(l) = self.src.line(n) else { break };
            if l.trim().is_empty() {
                continue;
            }
            let indent = l.len() - l.trim_start().len();
            if indent <= key_start {
                break;
            }
            segments.push((n, indent, l[indent..].trim_end()));
        }
        let chars_to = |l: &str, byte: usize| l[..byte].chars().count();
        // A quoted or plain value on one line: find the text itself.
        if let [(n, at, seg)] = segments.as_slice()
            && let Some(i) = seg.find(text)
        {
            let l = self.src.line(*n)?;
            return Some((*n, chars_to(l, at + i) + text[..offset].chars().count()));
        }
        // Otherwise walk the lines: each contributes its text and one joining character.
        let mut pos = 0usize;
        for (n, at, seg) in segments {
            if !text.get(pos..).is_some_and(|t| t.starts_with(seg)) {
                return None;
            }
            if offset <= pos + seg.len() {
                let l = self.src.line(n)?;
                return Some((n, chars_to(l, at) + text[pos..offset].chars().count()));
            }
            pos += seg.len() + 1;
        }
        None
    }
}
