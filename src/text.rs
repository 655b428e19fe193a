//! Small text helpers shared by the loader, the grammars and the diagnostics.

/// Levenshtein distance between two strings, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidates closest to `name` (case-insensitive edit distance within a third of its
/// length, at least 2), best first, at most `max`.
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let lower = name.to_lowercase();
    let chars = lower.chars().count();
    let limit = (chars / 3).max(2);
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        // The distance is at least the difference in length: most candidates end here.
        .filter(|c| c.chars().count().abs_diff(chars) <= limit)
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// `s` on one line, for a comment in generated KQL or YAML: every character that ends a line
/// there (`\n`, `\r`, U+0085, U+2028, U+2029) or is another control character becomes a
/// space, so no text (a title, a scenario name) can step out of its comment.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Quotes `s` for display in messages and the IR text form: double quotes, with `\`, `"` and
/// control characters escaped, everything else (non-ASCII included) as is.
pub fn quote(s: &str) -> String {
    quote_with(s, |c| format!("\\u{{{:x}}}", c as u32))
}

/// A double-quoted string with `\"`, `\\`, `\n`, `\r` and `\t` escapes, other control
/// characters written by `control`.
pub fn quote_with(s: &str, control: impl Fn(char) -> String) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&control(c)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_leaves_no_line_break() {
        assert_eq!(one_line("a\r| where false"), "a | where false");
        assert_eq!(
            one_line("a\u{85}b\u{2028}c\u{2029}d\ne\u{0}f"),
            "a b c d e f"
        );
        assert_eq!(one_line("é 😀"), "é 😀");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closest_ranks_by_distance() {
        let c = closest(
            "selction",
            ["selection", "filter", "select", "selections"],
            3,
        );
        assert_eq!(c, vec!["selection", "selections"]);
    }

    #[test]
    fn quote_escapes_controls() {
        assert_eq!(quote("a\"b\\c\n\u{1}é"), r#""a\"b\\c\n\u{1}é""#);
    }
}
