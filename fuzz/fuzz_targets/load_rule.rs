#![no_main]

use libfuzzer_sys::fuzz_target;
use sigma_kql::rule::{Document, load_source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = load_source("fuzz.yml", text);
    for d in file.all_diagnostics() {
        std::hint::black_box(d.render());
    }
    for doc in &file.documents {
        let conditions = match &doc.document {
            Some(Document::Rule(r)) => &r.conditions,
            Some(Document::Filter(f)) => &f.conditions,
            Some(Document::Correlation(_)) | None => continue,
        };
        for c in conditions {
            std::hint::black_box(c.expr.to_string());
            std::hint::black_box(c.expr.pretty(80));
        }
    }
});
