//! What `convert` writes, as a set of files: one text for standard output or `-o FILE`, or one
//! file per rule under `-o DIR/`; and `--check`, which compares that set with what is on disk
//! and prints a unified diff for each stale, missing or extra file, writing nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::convert::Format;
use crate::backend::sentinel::{self, Schedule};
use crate::convert::{Conversion, sentinel_arm_resources, sentinel_outputs_yaml};

/// The file extension of a format's per-rule files.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Kql => "kql",
        Format::Json | Format::SentinelArm => "json",
        Format::SentinelRule => "yaml",
    }
}

/// Whether `-o PATH` names a folder: an existing directory, or a path ending with a separator.
pub fn is_dir_output(path: &Path) -> bool {
    path.is_dir() || path.to_string_lossy().ends_with(['/', '\\'])
}

/// ARM's limits for one deployment template.
const ARM_MAX_RESOURCES: usize = 800;
const ARM_MAX_BYTES: usize = 4 << 20;

/// The whole output as one text.
pub fn single(
    results: &mut [Conversion],
    format: Format,
    schedule: &Schedule,
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Kql => super::convert::kql_text(results),
        Format::Json => serde_json::to_string_pretty(results)? + "\n",
        Format::SentinelRule => sentinel_outputs_yaml(results, schedule)
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("---\n"),
        Format::SentinelArm => {
            let resources: Vec<serde_json::Value> = sentinel_arm_resources(results, schedule)
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            let n = resources.len();
            let text = sentinel::arm_template(resources);
            if n > ARM_MAX_RESOURCES || text.len() > ARM_MAX_BYTES {
                anyhow::bail!(
                    "{n} rules make a {} KB ARM template, over ARM's limits of {ARM_MAX_RESOURCES} resources and 4 MB per template: write one template per rule with `-o DIR/`",
                    text.len() / 1024
                );
            }
            text
        }
    })
}

/// One file per converted rule, named after the rule's file (`proc_x.yml` → `proc_x.kql`;
/// a second rule file of the same name gets `-2`, in input order), in a stable order.
pub fn per_rule(
    results: &mut [Conversion],
    format: Format,
    schedule: &Schedule,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut texts: Vec<(usize, String)> = match format {
        Format::Kql => (0..results.len())
            .filter(|&i| results[i].status == "ok")
            .map(|i| (i, super::convert::kql_text(&results[i..=i])))
            .collect(),
        Format::Json => {
            let mut v = Vec::new();
            for (i, r) in results.iter().enumerate().filter(|(_, r)| r.status == "ok") {
                v.push((i, serde_json::to_string_pretty(r)? + "\n"));
            }
            v
        }
        Format::SentinelRule => group(sentinel_outputs_yaml(results, schedule), |docs| {
            docs.join("---\n")
        }),
        Format::SentinelArm => group(
            sentinel_arm_resources(results, schedule),
            sentinel::arm_template,
        ),
    };
    texts.sort_by_key(|(i, _)| *i);
    let names = file_names(results, extension(format));
    Ok(texts
        .into_iter()
        .map(|(i, text)| (names[i].clone(), text))
        .collect())
}

/// A file name per conversion that depends only on the rule's file and its place in it, never
/// on which other rules are converted or in what order: the file's stem; `-N` for the N-th
/// rule of a file holding several; and, where rule files in different folders share a stem
/// (compared without case), a hash of the path.
fn file_names(results: &[Conversion], ext: &str) -> Vec<String> {
    use std::collections::{BTreeMap, HashMap};
    let mut docs: HashMap<&str, usize> = HashMap::new();
    for r in results {
        *docs.entry(r.path.as_str()).or_default() += 1;
    }
    let base = |r: &Conversion| {
        let stem = Path::new(&r.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty() && s != "-")
            .unwrap_or_else(|| "stdin".to_string());
        if docs.get(r.path.as_str()).copied().unwrap_or(0) > 1 {
            format!("{stem}-{}", r.index + 1)
        } else {
            stem
        }
    };
    let mut paths_by_base: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for r in results {
        paths_by_base
            .entry(base(r).to_lowercase())
            .or_default()
            .insert(r.path.as_str());
    }
    results
        .iter()
        .map(|r| {
            let b = base(r);
            let shared = paths_by_base
                .get(&b.to_lowercase())
                .is_some_and(|s| s.len() > 1);
            if shared {
                let hash = sentinel::derived_uuid(&r.path.replace('\\', "/"));
                format!("{b}-{}.{ext}", &hash[..8])
            } else {
                format!("{b}.{ext}")
            }
        })
        .collect()
}

/// Items of the same conversion joined into one text.
fn group<T>(items: Vec<(usize, T)>, join: impl Fn(Vec<T>) -> String) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, Vec<T>)> = None;
    for (i, item) in items {
        match &mut current {
            Some((at, v)) if *at == i => v.push(item),
            _ => {
                if let Some((at, v)) = current.take() {
                    out.push((at, join(v)));
                }
                current = Some((i, vec![item]));
            }
        }
    }
    if let Some((at, v)) = current {
        out.push((at, join(v)));
    }
    out
}

/// Files under `dir` with `ext` that no rule generates (stale outputs of removed rules).
pub fn extra_files(dir: &Path, ext: &str, expected: &[(String, String)]) -> Vec<PathBuf> {
    let mut extra = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return extra;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = p.extension().is_some_and(|x| x == ext) && p.is_file();
        if ours && !expected.iter().any(|(n, _)| *n == name) {
            extra.push(p);
        }
    }
    extra.sort();
    extra
}

/// A unified diff from `old` (what is on disk) to `new` (what would be written).
pub fn diff(path: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{path} (on disk)"), &format!("{path} (generated)"))
        .to_string()
}

/// `--check`: compares the expected files with the disk; returns the report lines (diffs)
/// and whether everything is up to date.
pub fn check(files: &[(PathBuf, String)], extra: &[PathBuf]) -> (String, usize) {
    let mut report = String::new();
    let mut stale = 0;
    for (path, new) in files {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let old = String::from_utf8_lossy(&bytes);
                if old != *new {
                    stale += 1;
                    report.push_str(&format!("stale: {shown}\n"));
                    report.push_str(&diff(&shown, &old, new));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                stale += 1;
                report.push_str(&format!("missing: {shown}\n"));
                report.push_str(&diff(&shown, "", new));
            }
            Err(e) => {
                stale += 1;
                report.push_str(&format!("unreadable: {shown}: {e}\n"));
            }
        }
    }
    for path in extra {
        stale += 1;
        let shown = path.display().to_string();
        let old = std::fs::read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        report.push_str(&format!("extra: {shown} (no rule generates it)\n"));
        report.push_str(&diff(&shown, &old, ""));
    }
    (report, stale)
}
