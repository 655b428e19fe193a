//! Finding input files: paths given on the command line, directories walked recursively for
//! `.yml`/`.yaml` files in a stable (sorted) order, and `-` for standard input.

use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

/// A command-line path that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    /// The path as given.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Whether `p` has a YAML extension.
pub fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yml" | "yaml")
    )
}

/// Whether `p` is named as an exclusion scenario file (`*.exclusions.yml` or
/// `*.exclusions.yaml`): such files sit next to the rules they are written for, and a folder
/// walk leaves them out (they are read with `--exclusions`, not as rules).
pub fn is_scenario_file(p: &Path) -> bool {
    is_yaml(p)
        && p.file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.to_ascii_lowercase().ends_with(".exclusions"))
}

/// Whether `p` is a rule test file (`*.tests.yml` or `*.tests.yaml`, see `sigma-kql test`):
/// a folder walk for rules leaves them out.
pub fn is_test_file(p: &Path) -> bool {
    is_yaml(p)
        && p.file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.to_ascii_lowercase().ends_with(".tests"))
}

/// Whether a folder walk for rules takes `p`: YAML, and neither a scenario nor a test file.
pub fn is_rule_file(p: &Path) -> bool {
    is_yaml(p) && !is_scenario_file(p) && !is_test_file(p)
}

/// A path spelled one way whatever way it was given (`./rules/x.yml`, `rules//x.yml` and an
/// absolute path under the working folder are all `rules/x.yml`), so that what is derived
/// from it (file headers, Sentinel ids of rules without a UUID) does not depend on spelling.
pub fn normalize(path: &Path) -> PathBuf {
    let mut p: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if p.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = p.strip_prefix(&cwd)
        && !rel.as_os_str().is_empty()
    {
        p = rel.to_path_buf();
    }
    if p.as_os_str().is_empty() {
        path.to_path_buf()
    } else {
        p
    }
}

/// Expands `paths`: files are taken as given (whatever their extension), directories are
/// walked for YAML rule files (sorted; scenario files left out, see
/// [`is_scenario_file`]; symlinked directories are not followed, and only links to
/// regular files are read), `-` is standard input. A file named twice is read once. A folder
/// without any YAML file is a problem: a mistyped folder must not pass as "0 errors".
pub fn collect(paths: &[String]) -> (Vec<Input>, Vec<PathProblem>) {
    collect_with(paths, is_rule_file, ".yml or .yaml file")
}

/// Expands `paths` like [`collect`], but a folder is walked for the files `keep` accepts, and
/// `what` names them in the problem of a folder without any.
pub fn collect_with(
    paths: &[String],
    keep: fn(&Path) -> bool,
    what: &str,
) -> (Vec<Input>, Vec<PathProblem>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |inputs: &mut Vec<Input>, (path, key): (PathBuf, FileKey)| {
        if seen.insert(key) {
            inputs.push(Input::File(path));
        }
    };
    for p in paths {
        if p == "-" {
            if !inputs.contains(&Input::Stdin) {
                inputs.push(Input::Stdin);
            }
            continue;
        }
        let path = PathBuf::from(p);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                walk(&path, keep, &mut found, &mut problems);
                if found.is_empty() {
                    problems.push(PathProblem {
                        path: p.clone(),
                        reason: format!("the folder holds no {what}"),
                    });
                }
                // Sorted as paths (component by component), each path split once rather than
                // in every comparison.
                found.sort_by_cached_key(|f| {
                    f.components()
                        .map(|c| c.as_os_str().to_owned())
                        .collect::<Vec<_>>()
                });
                // A `stat` and a respelling per file: on all cores.
                use rayon::prelude::*;
                let keyed: Vec<(PathBuf, FileKey)> = found
                    .par_iter()
                    .map(|f| (normalize(f), file_key(f)))
                    .collect();
                for f in keyed {
                    add(&mut inputs, f);
                }
            }
            Ok(_) => {
                let key = file_key(&path);
                add(&mut inputs, (normalize(&path), key));
            }
            Err(e) => problems.push(PathProblem {
                path: p.clone(),
                reason: e.to_string(),
            }),
        }
    }
    (inputs, problems)
}

/// What names one file however a path reaches it.
#[derive(Debug, PartialEq, Eq, Hash)]
enum FileKey {
    /// Device and inode (Unix): one `stat`, where a canonical path costs one per component.
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    /// The canonical path (elsewhere, or when the file cannot be read).
    Path(PathBuf),
}

fn file_key(path: &Path) -> FileKey {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = std::fs::metadata(path) {
            return FileKey::Inode(m.dev(), m.ino());
        }
    }
    FileKey::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn walk(
    dir: &Path,
    keep: fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
    problems: &mut Vec<PathProblem>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(PathProblem {
                path: dir.display().to_string(),
                reason: e.to_string(),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(&path, keep, out, problems);
        } else if keep(&path) {
            // A link counts when it leads to a regular file (never a device or a pipe).
            let regular = ft.is_file()
                || (ft.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_file()));
            if regular {
                out.push(path);
            }
        }
    }
}
