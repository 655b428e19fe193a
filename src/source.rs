//! Source text of a YAML file: document boundaries, and the best-effort search for the line of a
//! YAML key path (the YAML parser reports positions only for syntax errors, so semantic
//! diagnostics find their line by walking the key path through the indentation of the text).

use std::fmt;

/// One step of a key path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A 0-based list index.
    Index(usize),
}

/// A path of keys and indices inside one YAML document, e.g. `detection.selection[1].Image|endswith`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(Vec<Seg>);

impl KeyPath {
    /// The empty path (the document itself).
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        KeyPath(v)
    }

    /// This path extended by a list index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }

    /// The segments.
    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// Whether the path is the document root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A place found in the source: 1-based line and column, and the length of the key found there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Length in characters of the thing found (the key), at least 1.
    pub len: usize,
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 0-based line number.
    no: usize,
    /// Indentation in characters (spaces) before the content.
    indent: usize,
    /// Content after the indentation, never empty, never a comment.
    content: &'a str,
}

/// The text of a YAML file, split into lines and documents.
///
/// Documents are split on document markers at the start of a line (`---`, `...`), which YAML
/// forbids inside content, so each document can be parsed on its own: a broken document does
/// not hide the ones after it, and diagnostics find their lines in the right document.
#[derive(Debug)]
pub struct SourceText<'a> {
    text: &'a str,
    lines: Vec<&'a str>,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    /// The content lines (not blank, not comments) of the whole file.
    content: Vec<Line<'a>>,
    /// Per document: its range of 0-based line numbers, and its range in `content`.
    docs: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl<'a> SourceText<'a> {
    /// Splits `text` into lines and YAML documents.
    pub fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut starts = Vec::new();
        let mut offset = 0;
        for l in text.split_inclusive('\n') {
            starts.push(offset);
            offset += l.len();
            lines.push(
                l.strip_suffix('\n')
                    .map(|x| x.strip_suffix('\r').unwrap_or(x))
                    .unwrap_or(l),
            );
        }
        let mut content = Vec::new();
        let mut line_ranges = Vec::new();
        let mut start = 0;
        let mut has_content = false;
        for (i, l) in lines.iter().enumerate() {
            let is_content = is_content(l);
            let begins = *l == "---" || l.starts_with("--- ") || l.starts_with("---\t");
            let ends = *l == "..." || l.starts_with("... ");
            if begins || ends {
                if has_content {
                    line_ranges.push(start..i);
                    // The `---` line belongs to the document it opens.
                    start = if begins { i } else { i + 1 };
                    has_content = false;
                } else if ends {
                    start = i + 1;
                }
                // Otherwise: directives or comments before `---` stay with the next document.
            } else if is_content && !l.starts_with('%') {
                has_content = true;
            }
            if is_content {
                let indent = l.len() - l.trim_start_matches(' ').len();
                content.push(Line {
                    no: i,
                    indent,
                    content: &l[indent..],
                });
            }
        }
        if has_content {
            line_ranges.push(start..lines.len());
        }
        let docs = line_ranges
            .into_iter()
            .map(|r| {
                let a = content.partition_point(|c| c.no < r.start);
                let b = content.partition_point(|c| c.no < r.end);
                (r, a..b)
            })
            .collect();
        SourceText {
            text,
            lines,
            starts,
            content,
            docs,
        }
    }

    /// The whole text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The 1-based line `n`, if it exists.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        n.checked_sub(1).and_then(|i| self.lines.get(i).copied())
    }

    /// Number of documents (including any that hold only a null scalar such as `~`).
    pub fn doc_count(&self) -> usize {
        self.docs.len()
    }

    /// The text of document `doc` and the 0-based line number it starts at.
    pub fn doc_text(&self, doc: usize) -> Option<(&'a str, usize)> {
        let (r, _) = self.docs.get(doc)?;
        let from = self.starts.get(r.start).copied()?;
        let to = self.starts.get(r.end).copied().unwrap_or(self.text.len());
        Some((&self.text[from..to], r.start))
    }

    /// Finds the line of `path` inside document `doc` (0-based), falling back to the deepest
    /// ancestor that could be found. `None` if not even the first key can be found. The root
    /// path gives the document's first line.
    pub fn locate(&self, doc: usize, path: &KeyPath) -> Option<Place> {
        let (_, range) = self.docs.get(doc)?;
        let lines = &self.content[range.clone()];
        let first = *lines.iter().find(|l| !l.content.starts_with("---"))?;
        if path.is_root() {
            return Some(Place {
                line: first.no + 1,
                column: first.indent + 1,
                len: first.content.chars().count().max(1),
            });
        }
        // `pos` is the index in `lines` where the current block starts, `parent` the column of
        // its owner (-1 for the document), `inline` the column of content that sits on the
        // owner's own line (after `- `), if any.
        let mut pos = lines.iter().position(|l| l.no == first.no).unwrap_or(0);
        let mut parent: isize = -1;
        let mut inline: Option<usize> = None;
        let mut found: Option<Place> = None;
        for seg in path.segs() {
            match seg {
                Seg::Key(k) => {
                    let Some((idx, col)) = find_key(lines, pos, parent, inline, k) else {
                        break;
                    };
                    found = Some(Place {
                        line: lines[idx].no + 1,
                        column: col + 1,
                        len: k.chars().count().max(1),
                    });
                    pos = idx;
                    parent = col as isize;
                    inline = None;
                }
                Seg::Index(n) => {
                    // A document that is itself a sequence starts with its first item.
                    let from = if found.is_none() && parent < 0 {
                        pos
                    } else {
                        pos + 1
                    };
                    let Some((idx, col)) = find_item(lines, from, parent, *n) else {
                        break;
                    };
                    found = Some(Place {
                        line: lines[idx].no + 1,
                        column: col + 1,
                        len: 1,
                    });
                    pos = idx;
                    parent = col as isize;
                    inline = Some(col + 2);
                }
            }
        }
        found
    }
}

fn is_content(l: &str) -> bool {
    let t = l.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// Strips leading `- ` markers from a line, returning the column of the remaining content.
fn strip_dashes<'a>(line: &Line<'a>) -> (usize, &'a str) {
    let mut col = line.indent;
    let mut rest = line.content;
    while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
        let trimmed = r.trim_start();
        col += rest.len() - trimmed.len();
        rest = trimmed;
    }
    (col, rest)
}

/// Whether `content` starts with the mapping key `k` (plain, single- or double-quoted).
fn starts_with_key(content: &str, k: &str) -> bool {
    let after = if let Some(r) = content.strip_prefix(k) {
        r
    } else if let Some(r) = content
        .strip_prefix('\'')
        .and_then(|r| r.strip_prefix(k))
        .and_then(|r| r.strip_prefix('\''))
    {
        r
    } else if let Some(r) = content
        .strip_prefix('"')
        .and_then(|r| r.strip_prefix(k))
        .and_then(|r| r.strip_prefix('"'))
    {
        r
    } else {
        return false;
    };
    let after = after.trim_start_matches([' ', '\t']);
    after.starts_with(':')
}

/// Finds key `k` among the children of the block that starts at `pos`.
fn find_key(
    lines: &[Line<'_>],
    pos: usize,
    parent: isize,
    inline: Option<usize>,
    k: &str,
) -> Option<(usize, usize)> {
    let mut child_col = inline;
    let first = match inline {
        // The content of a `- key: v` item starts on the dash line itself.
        Some(col) => {
            let (c, rest) = strip_dashes(&lines[pos]);
            if c == col && starts_with_key(rest, k) {
                return Some((pos, c));
            }
            pos + 1
        }
        None if parent < 0 => pos,
        None => pos + 1,
    };
    for (idx, line) in lines.iter().enumerate().skip(first) {
        let block_ended = match inline {
            Some(col) => line.indent < col,
            None => line.indent as isize <= parent,
        };
        if block_ended {
            return None;
        }
        let (col, rest) = strip_dashes(line);
        let want = *child_col.get_or_insert(col);
        if col == want && starts_with_key(rest, k) {
            return Some((idx, col));
        }
    }
    None
}

/// Finds the `n`-th `- ` item of a sequence whose items start at line index `from` or later.
fn find_item(lines: &[Line<'_>], from: usize, parent: isize, n: usize) -> Option<(usize, usize)> {
    let mut count = 0usize;
    let mut item_col: Option<usize> = None;
    for (idx, line) in lines.iter().enumerate().skip(from) {
        if (line.indent as isize) < parent
            || ((line.indent as isize) == parent && !line.content.starts_with('-'))
        {
            return None;
        }
        if !line.content.starts_with('-') {
            continue;
        }
        let col = *item_col.get_or_insert(line.indent);
        if line.indent < col {
            return None;
        }
        if line.indent == col {
            if count == n {
                return Some((idx, col));
            }
            count += 1;
        }
    }
    None
}

/// Converts a byte offset in `text` into a 1-based (line, column in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The largest char boundary not above `i`.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "title: t
logsource:
    product: windows
detection:
    selection:
        Image|endswith: '\\a.exe'
    sel_list:
        - Image: a
          CommandLine: b
        - Image: c
          CommandLine|contains: d
    compact:
    - x: 1
    - y: 2
    condition: selection
---
title: second
detection:
    condition: x
";

    fn path(parts: &[&str]) -> KeyPath {
        let mut p = KeyPath::root();
        for s in parts {
            p = match s.parse::<usize>() {
                Ok(n) => p.index(n),
                Err(_) => p.key(s),
            };
        }
        p
    }

    #[test]
    fn finds_nested_keys_and_list_items() {
        let src = SourceText::new(RULE);
        assert_eq!(src.doc_count(), 2);
        let at = |parts: &[&str]| src.locate(0, &path(parts)).map(|p| (p.line, p.column));
        assert_eq!(at(&["title"]), Some((1, 1)));
        assert_eq!(at(&["logsource", "product"]), Some((3, 5)));
        assert_eq!(
            at(&["detection", "selection", "Image|endswith"]),
            Some((6, 9))
        );
        assert_eq!(at(&["detection", "sel_list", "0", "Image"]), Some((8, 11)));
        assert_eq!(
            at(&["detection", "sel_list", "1", "CommandLine|contains"]),
            Some((11, 11))
        );
        assert_eq!(at(&["detection", "compact", "1", "y"]), Some((14, 7)));
        assert_eq!(at(&["detection", "condition"]), Some((15, 5)));
        // A missing key falls back to its deepest ancestor.
        assert_eq!(at(&["detection", "nope"]), Some((4, 1)));
        assert_eq!(
            src.locate(1, &path(&["detection", "condition"]))
                .map(|p| p.line),
            Some(19)
        );
    }

    #[test]
    fn a_document_that_is_a_sequence_starts_with_its_first_item() {
        let src = SourceText::new("# note\n- name: a\n  filter: x\n- name: b\n  filter: y\n");
        let at = |parts: &[&str]| src.locate(0, &path(parts)).map(|p| (p.line, p.column));
        assert_eq!(at(&["0", "filter"]), Some((3, 3)));
        assert_eq!(at(&["1", "name"]), Some((4, 3)));
        assert_eq!(at(&["1", "filter"]), Some((5, 3)));
    }

    #[test]
    fn key_path_display() {
        assert_eq!(
            path(&["detection", "sel", "2", "Image|endswith"]).to_string(),
            "detection.sel[2].Image|endswith"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
