#![no_main]

//! Event files and the evaluator: the bytes (as UTF-8, lossily when invalid) are read in every
//! layout, then evaluated in both modes by rules covering each IR construct (strings, patterns,
//! regexes, numbers, booleans, null, exists, CIDR, field references, time parts, keywords,
//! derived fields) with an ECS exclusion, and the report is rendered in every format. Every
//! error's line must lie inside the text.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigma_kql::convert::{Conversion, convert_files};
use sigma_kql::eval::input::InputFormat;
use sigma_kql::eval::{Events, Mode, Options, evaluate};
use sigma_kql::exclusion::Scenario;
use sigma_kql::pipeline::Pipeline;
use sigma_kql::report::{Format, render};

const RULES: &str = r#"
title: every construct
logsource: {product: windows, category: process_creation}
detection:
    a: {Image|endswith: '\x.exe', CommandLine|contains|all: [a, b], ParentImage: 'C:\*\p?.exe'}
    b: {CommandLine|re|i: '\d+\s', ProcessId|gt: 3, IntegrityLevel: null, User|startswith: 'CORP\'}
    c: {OriginalFileName|exists: true, LogonId: '0x3e7', Timestamp|hour: 3, CommandLine|fieldref: Image}
    k: [mimikatz]
    condition: 1 of a* or (b and not c) or k
---
title: network
logsource: {product: windows, category: network_connection}
detection:
    s: {DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10'], DestinationPort: 443, Initiated: 'true'}
    condition: s
---
title: pipes
logsource: {product: windows, category: pipe_created}
detection:
    s: {PipeName|endswith: '\srvsvc'}
    condition: s
"#;

fn setup() -> &'static (Pipeline, Vec<Scenario>, Vec<Conversion>) {
    static SETUP: OnceLock<(Pipeline, Vec<Scenario>, Vec<Conversion>)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let p = Pipeline::builtin("microsoft_xdr").expect("pipeline");
        let x = sigma_kql::exclusion::load_source(
            "x.yml",
            "- name: x\n  filter: process.name == \"a.exe\" or host.name startswith \"pc\"\n",
        )
        .scenarios;
        let conv = convert_files(&[sigma_kql::rule::load_source("r.yml", RULES)], &p, &x);
        (p, x, conv)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count() + 1;
    let (p, x, conv) = setup();
    for format in [
        InputFormat::Auto,
        InputFormat::Array,
        InputFormat::Object,
        InputFormat::Lines,
        InputFormat::Concatenated,
    ] {
        let events = Events::parse("f.json", &text, format);
        for e in &events.summary.errors {
            assert!(e.line >= 1 && e.line <= lines, "{e} outside the text");
        }
        for mode in [None, Some(Mode::Target), Some(Mode::Raw)] {
            let r = evaluate(conv, p, x, &events, &Options { mode, ..Options::default() });
            for f in [Format::Text, Format::Json, Format::Markdown] {
                std::hint::black_box(render(&r, f, true));
            }
        }
    }
});
