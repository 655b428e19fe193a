//! KQL literals and names, written so that no rule value can change the query's structure.

/// Whether `c` must be escaped (it cannot appear in a verbatim literal, or would be invisible).
fn is_special(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A KQL string literal whose value is exactly `s`: verbatim (`@"…"`, quotes doubled) when `s`
/// holds backslashes and nothing that needs an escape, else `"…"` with `\\`, `\"`, `\n`, `\r`,
/// `\t` and `\uXXXX` for other control characters.
pub fn string(s: &str) -> String {
    if s.contains('\\') && !s.chars().any(is_special) {
        let mut out = String::with_capacity(s.len() + 3);
        out.push_str("@\"");
        for c in s.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
        return out;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_special(c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A column name: bare when it is an identifier, else `['…']`.
pub fn name(n: &str) -> String {
    let plain = n
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain && !RESERVED.contains(&n) {
        n.to_string()
    } else {
        let mut out = String::from("['");
        for c in n.chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push_str("']");
        out
    }
}

/// Words that must be bracketed when used as names.
const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "has",
    "contains",
    "startswith",
    "endswith",
    "matches",
    "regex",
    "between",
    "where",
    "project",
    "extend",
    "let",
    "true",
    "false",
    "null",
    "first",
    "last",
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Decodes a KQL string literal as the Kusto documentation defines it (independent of
    /// `string`): `@"…"` verbatim with `""` for a quote; `"…"` with backslash escapes.
    pub(crate) fn decode(lit: &str) -> Option<String> {
        if let Some(body) = lit.strip_prefix("@\"").and_then(|r| r.strip_suffix('"')) {
            let mut out = String::new();
            let mut chars = body.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.next() != Some('"') {
                        return None;
                    }
                } else if c == '\n' {
                    return None;
                }
                out.push(c);
            }
            return Some(out);
        }
        let body = lit.strip_prefix('"')?.strip_suffix('"')?;
        let mut units: Vec<u16> = Vec::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return None,
                '\\' => match chars.next()? {
                    '\\' => units.push('\\' as u16),
                    '"' => units.push('"' as u16),
                    '\'' => units.push('\'' as u16),
                    'n' => units.push('\n' as u16),
                    'r' => units.push('\r' as u16),
                    't' => units.push('\t' as u16),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        units.push(u16::from_str_radix(&hex, 16).ok()?);
                    }
                    _ => return None,
                },
                c => {
                    let mut buf = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buf));
                }
            }
        }
        String::from_utf16(&units).ok()
    }

    #[test]
    fn examples() {
        assert_eq!(string(r"C:\Windows\x.exe"), r#"@"C:\Windows\x.exe""#);
        assert_eq!(string(r#"a\"b"#), r#"@"a\""b""#);
        assert_eq!(string("plain"), r#""plain""#);
        assert_eq!(string("say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(string("a\\b\nc"), r#""a\\b\nc""#);
        assert_eq!(string("\u{1}"), r#""\u0001""#);
        assert_eq!(string("é😀"), "\"é😀\"");
        assert_eq!(name("FolderPath"), "FolderPath");
        assert_eq!(name("c-uri"), "['c-uri']");
        assert_eq!(name("it's"), r"['it\'s']");
        assert_eq!(name("first"), "['first']");
        assert_eq!(name("1x"), "['1x']");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Any string, quotes, backslashes, newlines, controls and non-ASCII included,
        /// renders to a literal that decodes to exactly that string and is one token.
        #[test]
        fn literals_round_trip(s in "(\\PC|[\"\\\\\n\r\t\u{0}-\u{1f}\u{7f}\u{2028}@'])*") {
            let lit = string(&s);
            prop_assert_eq!(decode(&lit), Some(s.clone()), "{}", lit);
            prop_assert!(!lit[1..lit.len() - 1].contains('\n'));
        }
    }
}
