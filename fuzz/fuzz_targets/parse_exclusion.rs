#![no_main]

//! Exclusion filters and scenario files: the bytes (as UTF-8, lossily when invalid) go to
//! `syntax::parse_exclusion`, to `exclusion::load_source` as a file (YAML or the seeds' plain
//! format, whichever the text looks like), and as the filter of a plain `Scenario:` block. A
//! filter that parses is displayed and lowered; every diagnostic is rendered; a syntax error's
//! span must lie inside the text, on character boundaries; a filter's display must parse back
//! to the same display.

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use sigma_kql::exclusion::{load_source, lower};
use sigma_kql::syntax::{SyntaxErrorKind, parse_exclusion};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_exclusion(&text) {
        Ok(filter) => {
            let shown = filter.to_string();
            black_box(lower(&filter).to_string());
            match parse_exclusion(&shown) {
                Ok(again) => assert_eq!(
                    again.to_string(),
                    shown,
                    "display is not stable for {text:?}"
                ),
                // The display adds parentheses, which may cross the nesting limit.
                Err(e) if matches!(e.kind, SyntaxErrorKind::TooComplex { .. }) => {}
                Err(e) => panic!("{text:?} displays as {shown:?}, which does not parse: {e:?}"),
            }
        }
        Err(e) => {
            let (s, t) = (e.span.start, e.span.end);
            assert!(s <= t && t <= text.len(), "span {s}..{t} outside {text:?}");
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(t),
                "span {s}..{t} not on character boundaries of {text:?}"
            );
        }
    }
    let plain = format!("Scenario: fuzz\nFilter/Exclusion: {text}\n");
    for file in [
        load_source("fuzz.yml", &text),
        load_source("fuzz.txt", &plain),
    ] {
        for d in &file.diagnostics {
            black_box(d.render());
        }
        for s in &file.scenarios {
            black_box(s.expr.to_string());
        }
    }
});
