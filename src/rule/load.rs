//! Reading Sigma files: YAML documents → [`Document`]s, every problem a [`Diagnostic`] with
//! its place. One bad document never stops the others.

use std::path::Path;

use serde::Deserialize as _;
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

/// Reads and loads a file from disk.
pub fn load_file(path: &Path) -> LoadedFile {
    let name = path.display().to_string();
    let fail = |problem| LoadedFile {
        path: name.clone(),
        documents: Vec::new(),
        diagnostics: vec![Diagnostic::new(problem, name.clone())],
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_SIZE => {
            return fail(Problem::TooLarge {
                size: m.len(),
                limit: MAX_FILE_SIZE,
            });
        }
        Ok(_) => {}
        Err(e) => {
            return fail(Problem::Io {
                reason: e.to_string(),
            });
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => load_bytes(&name, &bytes),
        Err(e) => fail(Problem::Io {
            reason: e.to_string(),
        }),
    }
}

/// Loads a file's bytes (which must be UTF-8).
pub fn load_bytes(name: &str, bytes: &[u8]) -> LoadedFile {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return LoadedFile {
            path: name.to_string(),
            documents: Vec::new(),
            diagnostics: vec![Diagnostic::new(
                Problem::TooLarge {
                    size: bytes.len() as u64,
                    limit: MAX_FILE_SIZE,
                },
                name,
            )],
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => load_source(name, text),
        Err(e) => {
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
            LoadedFile {
                path: name.to_string(),
                documents: Vec::new(),
                diagnostics: vec![d],
            }
        }
    }
}

/// Loads every YAML document of `text` (named `name` in diagnostics).
pub fn load_source(name: &str, text: &str) -> LoadedFile {
    let src = SourceText::new(text);
    let mut file = LoadedFile {
        path: name.to_string(),
        documents: Vec::new(),
        diagnostics: Vec::new(),
    };
    if text.len() as u64 > MAX_FILE_SIZE {
        file.diagnostics.push(Diagnostic::new(
            Problem::TooLarge {
                size: text.len() as u64,
                limit: MAX_FILE_SIZE,
            },
            name,
        ));
        return file;
    }
    let mut index = 0usize;
    // The document that opened a v1 rule collection (`action: global`), if any.
    let mut collection: Option<usize> = None;
    for de in serde_yaml::Deserializer::from_str(text) {
        let value = match Value::deserialize(de) {
            Ok(v) => v,
            Err(e) => {
                file.diagnostics.push(yaml_error(name, &src, &e));
                // The YAML stream cannot be resumed after a syntax error.
                break;
            }
        };
        if value.is_null() {
            continue;
        }
        let mut ctx = Ctx::new(name, &src, index, None);
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
        file.documents.push(LoadedDocument {
            index,
            kind,
            label: ctx
                .label
                .clone()
                .unwrap_or_else(|| format!("document {}", index + 1)),
            id: ctx.id.clone(),
            id_place: ctx
                .id
                .as_ref()
                .and_then(|_| src.locate(index, &KeyPath::root().key("id")))
                .map(|p| (p.line, p.column)),
            document: if ctx.has_errors() { None } else { document },
            diagnostics: ctx.diags,
        });
        index += 1;
    }
    file
}

fn yaml_error(name: &str, src: &SourceText<'_>, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    // The message ends with " at line L column C"; the position goes into the diagnostic.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let mut d = Diagnostic::new(Problem::YamlSyntax { message }, name);
    if let Some(loc) = e.location() {
        d.line = Some(loc.line());
        d.column = Some(loc.column());
        if let Some(text) = src.line(loc.line()) {
            d.excerpt = Some(Excerpt {
                line: Some(loc.line()),
                text: text.to_string(),
                start: loc.column().saturating_sub(1),
                len: 1,
            });
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
        let doc = meta::load_rule(map, ctx).map(Document::Rule);
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

/// What a document's loader needs to report problems with their place.
pub struct Ctx<'a> {
    file: &'a str,
    src: &'a SourceText<'a>,
    doc: usize,
    /// The document's title or id, for diagnostics.
    pub label: Option<String>,
    /// The document's id.
    pub id: Option<String>,
    /// What was found so far.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// A context for document `doc` of `file`.
    pub fn new(file: &'a str, src: &'a SourceText<'a>, doc: usize, label: Option<String>) -> Self {
        Ctx {
            file,
            src,
            doc,
            label,
            id: None,
            diags: Vec::new(),
        }
    }

    /// Whether an error was reported.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The number of errors reported so far (to tell whether a step added one).
    pub fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn base(&self, problem: Problem, path: &KeyPath) -> Diagnostic {
        let mut d = Diagnostic::new(problem, self.file);
        if !path.is_root() {
            d.key_path = Some(path.to_string());
        }
        d.rule = self.label.clone();
        d
    }

    /// Reports `problem` at the key `path` (its line found in the source, best effort).
    pub fn report(&mut self, problem: Problem, path: &KeyPath) {
        let mut d = self.base(problem, path);
        if let Some(place) = self.src.locate(self.doc, path) {
            d.line = Some(place.line);
            d.column = Some(place.column);
            if let Some(text) = self.src.line(place.line) {
                d.excerpt = Some(Excerpt {
                    line: Some(place.line),
                    text: text.to_string(),
                    start: place.column - 1,
                    len: place.len,
                });
            }
        }
        self.diags.push(d);
    }

    /// Reports `problem` at `span` inside `text`, the string value of the key `path` (a
    /// condition). The caret lands on the file's line when the text is found there, else on
    /// the text itself.
    pub fn report_span(&mut self, problem: Problem, path: &KeyPath, text: &str, span: Span) {
        let mut d = self.base(problem, path);
        d.span = Some((span.start, span.end));
        let start = crate::source::floor_char_boundary(text, span.start);
        let end = crate::source::floor_char_boundary(text, span.end.max(span.start));
        let caret_start = text[..start].chars().count();
        let caret_len = text[start..end].chars().count().max(1);
        let place = self.src.locate(self.doc, path);
        let on_line = place.and_then(|p| {
            // The value usually sits on the key's line; for block scalars, on the next lines.
            (p.line..p.line + 4).find_map(|n| {
                let line = self.src.line(n)?;
                let first_line = text.lines().next().filter(|l| !l.is_empty())?;
                let at = line.find(first_line)?;
                (start <= first_line.len()).then_some((n, line, line[..at].chars().count()))
            })
        });
        match on_line {
            Some((n, line, col0)) => {
                d.line = Some(n);
                d.column = Some(col0 + caret_start + 1);
                d.excerpt = Some(Excerpt {
                    line: Some(n),
                    text: line.to_string(),
                    start: col0 + caret_start,
                    len: caret_len,
                });
            }
            None => {
                if let Some(p) = place {
                    d.line = Some(p.line);
                    d.column = Some(p.column);
                }
                d.excerpt = Some(Excerpt {
                    line: None,
                    text: text.replace('\n', " "),
                    start: caret_start,
                    len: caret_len,
                });
            }
        }
        self.diags.push(d);
    }
}
