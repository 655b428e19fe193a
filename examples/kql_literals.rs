//! Prints KQL string-literal cases as JSON Lines (`{"id", "literal", "value"}`) for
//! `tools/kqlcheck/check.js`, which checks with Microsoft's parser that every literal the
//! backend writes parses back to exactly its value. Strings are generated from a fixed seed
//! over the characters that matter: quotes, backslashes, `@`, newlines, control characters,
//! line separators, non-ASCII letters and emoji.
//!
//!     cargo run --example kql_literals | node tools/kqlcheck/check.js

use sigma_kql::backend::kql::literal;

const ALPHABET: &[char] = &[
    'a', 'Z', '0', ' ', '"', '\'', '\\', '@', '*', '?', '%', '$', '\n', '\r', '\t', '\u{0}',
    '\u{1}', '\u{1f}', '\u{7f}', '\u{85}', '\u{2028}', '\u{2029}', 'é', 'ß', 'İ', '日', '😀', '{',
    '}', '(', ')', ';', '|',
];

fn main() {
    // xorshift64*: a fixed, dependency-free sequence.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut cases: Vec<String> = vec![
        String::new(),
        "\\".into(),
        "\"".into(),
        "@\"".into(),
        "C:\\Windows\\System32\\".into(),
        "\\\\*\\IPC$".into(),
        "say \"hi\"\\".into(),
    ];
    for _ in 0..2000 {
        let len = (next() % 12) as usize;
        cases.push(
            (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect(),
        );
    }
    for (i, value) in cases.iter().enumerate() {
        let line = serde_json::json!({
            "id": format!("literal-{i}"),
            "literal": literal::string(value),
            "value": value,
        });
        println!("{line}");
    }
}
