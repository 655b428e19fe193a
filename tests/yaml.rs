//! The fast YAML reader (`sigma_kql::yaml::fast`) against yaml_serde: on every document of the
//! SigmaHQ corpus (when present), on every YAML file of the project, and on random edits of
//! them, it either declines or gives exactly yaml_serde's value; and it reads nearly all real
//! rules itself, or it would not be worth having.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_yaml::Value;
use sigma_kql::source::SourceText;
use sigma_kql::yaml::fast;

/// How one text went: read by the fast reader (and equal), or declined.
fn check(text: &str) -> Result<bool, String> {
    let Some(value) = fast(text) else {
        return Ok(false);
    };
    match serde_yaml::from_str::<Value>(text) {
        Ok(v) if v == value => Ok(true),
        other => Err(format!(
            "fast reader gives {value:?}\nyaml_serde gives {other:?}\nfor {text:?}"
        )),
    }
}

/// Every `.yml` / `.yaml` file under `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Checks every document of every file: (documents, read by the fast reader).
fn check_files(files: &[PathBuf]) -> (usize, usize) {
    let (mut docs, mut read) = (0, 0);
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let src = SourceText::new(&text);
        for i in 0..src.doc_count() {
            let Some((doc, _)) = src.doc_text(i) else {
                continue;
            };
            docs += 1;
            match check(doc) {
                Ok(fast) => read += usize::from(fast),
                Err(e) => panic!("{} document {}: {e}", path.display(), i + 1),
            }
        }
        // Whole files too, as exclusion files are read.
        if let Err(e) = check(&text) {
            panic!("{} (whole file): {e}", path.display());
        }
    }
    (docs, read)
}

#[test]
fn the_fast_reader_agrees_with_yaml_serde_on_every_sigmahq_document() {
    let dir = crate::support::root().join("../shared/sigma");
    if !dir.join("rules").is_dir() {
        eprintln!(
            "notice: SigmaHQ corpus not found at {}; skipped",
            dir.display()
        );
        return;
    }
    let (docs, read) = check_files(&yaml_files(&dir));
    assert!(docs > 3000, "{docs} documents");
    // Nearly all are in the subset (3,405 of 3,428 when written); the rest go to yaml_serde.
    assert!(read * 100 >= docs * 99, "read {read} of {docs}");
}

#[test]
fn the_fast_reader_agrees_with_yaml_serde_on_the_projects_files() {
    let root = crate::support::root();
    let mut files = yaml_files(&root.join("rules"));
    files.extend(yaml_files(&root.join("tests/fixtures")));
    files.extend(yaml_files(&root.join("src")));
    let (docs, read) = check_files(&files);
    assert!(docs > 100, "{docs} documents");
    // The fixtures hold broken YAML on purpose; most of them are still read.
    assert!(read * 10 >= docs * 9, "read {read} of {docs}");
}

/// Texts to edit: the project's rule, exclusion and test files, texts that hold every
/// construct the reader handles (so that edits reach each of its branches), and a sample of
/// the SigmaHQ rules when they are there.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds: Vec<String> = yaml_files(&crate::support::root().join("rules"))
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        seeds.extend(CONSTRUCTS.iter().map(|s| s.to_string()));
        // Every 25th SigmaHQ file, when the corpus is there.
        let corpus = yaml_files(&crate::support::root().join("../shared/sigma/rules"));
        seeds.extend(
            corpus
                .iter()
                .step_by(25)
                .filter_map(|p| std::fs::read_to_string(p).ok()),
        );
        seeds
    })
}

const CONSTRUCTS: [&str; 4] = [
    "title: Plain # comment\ndescription: first line\n    second line\n\n    after a blank\n  \
     third\nid: 0123\nlevel: 4688\nratio: -1.5e3\nflag: True\nnone: ~\nempty:\n",
    "detection:\n    sel:\n        'A|contains':\n            - 'it''s'\n            - \"t\\tx\\x41\\u00e9\"\n\
     \x20       B: \\x\n    list:\n    - a\n    -   b\n    - c: d\n      e: f\n    -\n      g: h\n\
     \x20   condition: sel and not list\n",
    "literal: |\n    one\n      two\n\n    # three\n\nstripped: |-\n  a\n\n  b\n\nfolded: >\n  x\n  y\n\n\
     \x20 z\nfolded_strip: >-\n  p\n  q\nlead: |\n\n  l\nafter: [] # x\nmap: {}\n",
    "# before\n---\n- x\n- k: |\n    block in a compact map\n  other: 1\n-   z: 2\n",
];

#[test]
fn the_edit_seeds_are_read_by_the_fast_reader() {
    for text in CONSTRUCTS {
        assert_eq!(check(text), Ok(true), "{text}");
    }
}

/// One random edit at a place given as a fraction of the text's length.
#[derive(Debug, Clone)]
enum Edit {
    Insert(u16, String),
    Delete(u16, u8),
    DuplicateLine(u16),
    Indent(u16, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop_oneof![
        proptest::sample::select(vec![
            " ", "  ", "\n", "\n  ", "- ", ": ", ":", "#", " #", "'", "''", "\"", "\\", "|", "|-",
            ">", "[", "]", "{", "}", ",", "&a ", "*a", "!", "?", "%", "@", "`", "~", "0x1", "0",
            "-", ".", "1e3", "+", "null", "true", "\t", "\r", "\u{85}", "é", "---", "...",
        ])
        .prop_map(str::to_string),
        "[a-z0-9 :#'\"\\-\n]{1,6}",
    ];
    prop_oneof![
        (any::<u16>(), piece).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<u16>(), 1u8..8).prop_map(|(at, n)| Edit::Delete(at, n)),
        any::<u16>().prop_map(Edit::DuplicateLine),
        (any::<u16>(), 0u8..6).prop_map(|(at, n)| Edit::Indent(at, n)),
    ]
}

/// A char boundary at fraction `at` of `text`.
fn place(text: &str, at: u16) -> usize {
    let mut i = text.len() * usize::from(at) / usize::from(u16::MAX);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Insert(at, s) => text.insert_str(place(text, *at), s),
        Edit::Delete(at, n) => {
            let from = place(text, *at);
            let mut to = (from + usize::from(*n)).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            text.replace_range(from..to, "");
        }
        Edit::DuplicateLine(at) => {
            let i = place(text, *at);
            let start = text[..i].rfind('\n').map_or(0, |p| p + 1);
            let end = text[i..].find('\n').map_or(text.len(), |p| i + p + 1);
            let line = text[start..end].to_string();
            text.insert_str(start, &line);
        }
        Edit::Indent(at, n) => {
            let i = place(text, *at);
            let start = text[..i].rfind('\n').map_or(0, |p| p + 1);
            let spaces = text[start..].len() - text[start..].trim_start_matches(' ').len();
            text.replace_range(start..start + spaces, &" ".repeat(usize::from(*n) * 2));
        }
    }
}

/// The number of cases: `default`, or `PROPTEST_CASES` for a longer run.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(1500))]

    /// Random edits of real files, most of them turning valid YAML into invalid or unusual
    /// YAML: the reader declines or agrees, document by document and on the whole text.
    #[test]
    fn edited_files_are_declined_or_read_as_yaml_serde_reads_them(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let mut text = seed.get(seeds).clone();
        for e in &edits {
            apply(&mut text, e);
        }
        check(&text).map_err(TestCaseError::fail)?;
        let src = SourceText::new(&text);
        for i in 0..src.doc_count() {
            if let Some((doc, _)) = src.doc_text(i) {
                check(doc).map_err(TestCaseError::fail)?;
            }
        }
    }
}

/// One line of a generated text: a collection head, a scalar or a blank, at some indentation.
fn generated_line() -> impl Strategy<Value = String> {
    let piece = proptest::sample::select(vec![
        "a:",
        "a: |",
        "a: >",
        "a: |-",
        "a: >-",
        "a: x",
        "a: 'x'",
        "a: \"q\\tr\"",
        "a: 1",
        "b:",
        "b: y # c",
        "- |",
        "- >-",
        "- x",
        "-",
        "- a: |",
        "- a: x",
        "- a:",
        "- - x",
        "x",
        "y z",
        "# c",
        "#",
        "'q'",
        "x:",
        "x #c",
        "x  ",
        "1",
        "0123",
        "~",
        "? x",
        ":x",
        "-x",
        "x: y",
        "[]",
        "{}",
        "c: []",
        "",
    ]);
    (0usize..6, piece).prop_map(|(indent, p)| format!("{}{p}", " ".repeat(indent)))
}

proptest! {
    #![proptest_config(cases(3000))]

    /// Short texts made of random lines, which reach the reader's rules on indentation,
    /// folding, block scalars and compact collections more often than edits of whole files.
    #[test]
    fn generated_texts_are_declined_or_read_as_yaml_serde_reads_them(
        lines in prop::collection::vec(generated_line(), 1..10),
        newline in any::<bool>(),
    ) {
        let mut text = lines.join("\n");
        if newline {
            text.push('\n');
        }
        check(&text).map_err(TestCaseError::fail)?;
    }
}
