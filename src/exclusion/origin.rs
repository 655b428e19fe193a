//! Where a scenario's filter is written, character by character, so that a caret can point
//! at any part of it: a plain line of the seeds' format, a YAML scalar on the `filter:` line,
//! quoted (`''`, `\"` escapes) or not, or a block scalar on the lines below.
//!
//! The YAML parser gives the filter's value but not where each character came from; the
//! places are found by aligning the value with the text that follows the `filter:` key: each
//! character of the value is looked for a few characters ahead (past quotes, escapes,
//! indentation and line breaks). A character that an escape produced (`\t`) and that is not
//! found is put where the search started. The places are therefore exact for every filter
//! without escapes, and within an escape's width otherwise.

use crate::condition::Span;

/// How far ahead (in characters of the file) a character of the filter is looked for.
const WINDOW: usize = 64;

/// Where a scenario's filter is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The scenario file.
    pub file: String,
    /// 1-based line of the filter's first character, when known.
    pub line: Option<usize>,
    /// 0-based column (in characters) of the filter's first character on that line.
    pub column: usize,
    /// The text of that line.
    pub text: String,
    /// For each character of the filter (by byte offset in the filter), its 1-based line and
    /// 0-based column in the file; a last entry for the end of the filter.
    places: Vec<(usize, usize, usize)>,
    /// The text of every line the filter spans, by 1-based line number.
    lines: Vec<(usize, String)>,
}

/// A place in the file: 1-based line, 0-based column, length in characters, the line's text.
pub struct Found<'a> {
    /// 1-based line.
    pub line: usize,
    /// 0-based column in characters.
    pub column: usize,
    /// Length in characters (at least 1), within the line.
    pub len: usize,
    /// The line's text.
    pub text: &'a str,
}

impl Origin {
    /// A filter of `file` whose place is not known.
    pub fn unknown(file: &str) -> Origin {
        Origin {
            file: file.into(),
            ..Origin::default()
        }
    }

    /// The origin of `filter`, whose value starts in `file_text` at 1-based line `line`,
    /// 0-based character column `column` (at an opening quote, a block indicator or the
    /// filter's first character).
    pub fn aligned(
        file: &str,
        file_text: &str,
        line: usize,
        column: usize,
        filter: &str,
    ) -> Origin {
        let lines: Vec<&str> = file_text.lines().collect();
        let Some(first) = line.checked_sub(1).and_then(|i| lines.get(i)) else {
            return Origin::unknown(file);
        };
        // The file's characters from the value's start on, with their places.
        let mut source: Vec<(char, usize, usize)> = Vec::new();
        let budget = filter.chars().count() * 4 + WINDOW * 2;
        'lines: for (n, text) in lines.iter().enumerate().skip(line - 1) {
            let skip = if n + 1 == line { column } else { 0 };
            for (col, c) in text.chars().enumerate().skip(skip) {
                source.push((c, n + 1, col));
                if source.len() > budget {
                    break 'lines;
                }
            }
            source.push(('\n', n + 1, text.chars().count()));
        }
        let mut places = Vec::with_capacity(filter.len() + 1);
        let mut at = 0usize;
        let mut last = (line, column);
        for (byte, c) in filter.char_indices() {
            let hit = source
                .iter()
                .enumerate()
                .skip(at)
                .take(WINDOW)
                .find(|(_, (s, _, _))| *s == c)
                .map(|(i, _)| i);
            let i = hit.unwrap_or(at).min(source.len().saturating_sub(1));
            let place = source.get(i).map(|&(_, l, col)| (l, col)).unwrap_or(last);
            places.push((byte, place.0, place.1));
            last = place;
            at = i + 1;
        }
        let end = if filter.is_empty() {
            // An empty value: just inside its quotes, if it has them.
            let quoted = first
                .chars()
                .nth(column)
                .is_some_and(|c| c == '"' || c == '\'');
            (line, column + usize::from(quoted))
        } else {
            (last.0, last.1 + 1)
        };
        places.push((filter.len(), end.0, end.1));
        let (l0, c0) = places.first().map(|&(_, l, c)| (l, c)).unwrap_or(end);
        let spanned: Vec<(usize, String)> = (l0..=last.0.max(end.0))
            .filter_map(|n| lines.get(n - 1).map(|t| (n, t.to_string())))
            .collect();
        Origin {
            file: file.into(),
            line: Some(l0),
            column: c0,
            text: lines.get(l0 - 1).map(|t| t.to_string()).unwrap_or_default(),
            places,
            lines: spanned,
        }
    }

    /// Where `span` of the filter is (the whole filter when `None`); `None` when the filter's
    /// place is unknown.
    pub fn find(&self, span: Option<Span>, filter_len: usize) -> Option<Found<'_>> {
        let line = self.line?;
        let place_of = |byte: usize| {
            let i = self.places.partition_point(|&(b, _, _)| b <= byte);
            self.places
                .get(i.saturating_sub(1))
                .map(|&(_, l, c)| (l, c))
                .unwrap_or((line, self.column))
        };
        let (start, end) = match span {
            Some(s) => (s.start, s.end.max(s.start)),
            None => (0, filter_len),
        };
        let (l, c) = place_of(start);
        let (el, ec) = place_of(end);
        let text = self
            .lines
            .iter()
            .find(|(n, _)| *n == l)
            .map(|(_, t)| t.as_str())
            .unwrap_or(&self.text);
        let len = if el == l && ec > c {
            ec - c
        } else {
            text.chars().count().saturating_sub(c).max(1)
        };
        Some(Found {
            line: l,
            column: c,
            len: len.max(1),
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(
        text: &str,
        line: usize,
        column: usize,
        filter: &str,
        span: Span,
    ) -> (usize, usize, usize) {
        let o = Origin::aligned("f", text, line, column, filter);
        let f = o.find(Some(span), filter.len()).expect("a place");
        (f.line, f.column, f.len)
    }

    #[test]
    fn plain_values_map_one_to_one() {
        let text = "- name: x\n  filter: a == \"b\" and\n";
        assert_eq!(
            at(text, 2, 10, "a == \"b\" and", Span::new(9, 12)),
            (2, 19, 3)
        );
    }

    #[test]
    fn quoted_values_skip_quotes_and_escapes() {
        // 'it''s' in single quotes: the filter has one quote where the file has two.
        let text = "  filter: 'a == \"it''s\" oops'\n";
        let filter = "a == \"it's\" oops";
        assert_eq!(at(text, 1, 10, filter, Span::new(12, 16)), (1, 24, 4));
        let text = "  filter: \"a == \\\"x\\\" oops\"\n";
        let filter = "a == \"x\" oops";
        assert_eq!(at(text, 1, 10, filter, Span::new(9, 13)), (1, 22, 4));
    }

    #[test]
    fn block_scalars_span_lines() {
        let text = "  filter: |\n    a == \"x\"\n    and oops\n";
        let filter = "a == \"x\"\nand oops\n";
        assert_eq!(at(text, 1, 10, filter, Span::new(13, 17)), (3, 8, 4));
    }

    #[test]
    fn empty_values_point_inside_the_quotes() {
        let o = Origin::aligned("f", "  filter: ''\n", 1, 10, "");
        let f = o.find(Some(Span::new(0, 0)), 0).expect("a place");
        assert_eq!((f.line, f.column, f.len), (1, 11, 1));
    }
}
