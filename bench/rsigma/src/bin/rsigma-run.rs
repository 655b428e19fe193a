//! Evaluate every Sigma rule of a folder on every event of a JSON Lines file with the peer
//! `rsigma-eval` crate, and print per-rule match counts as JSON.
//!
//! ```text
//! rsigma-run [--rules DIR] [--threads N] [--pipeline NAME|FILE|none]... [-o OUT] EVENTS.jsonl
//! ```
//!
//! * `--rules` defaults to `/work/shared/sigma/rules/windows` (read recursively, `*.yml`/`*.yaml`).
//! * `--pipeline` defaults to rsigma's built-in `sysmon` pipeline; it may be repeated, and takes a
//!   built-in name (`sysmon`, `ecs_windows`, `fibratus_windows`), a pipeline YAML file, or `none`.
//! * `--threads 1` reads, parses and evaluates on the calling thread with `Engine::evaluate`.
//!   `--threads N` (N > 1): a reader thread cuts the file into chunks of lines (`--chunk`,
//!   default 8192), and inside a rayon pool of N threads each chunk is parsed in parallel and
//!   evaluated with rsigma's own `Engine::evaluate_batch` (its `parallel` feature: a rayon
//!   `par_iter` over the events).
//! * `--parse-only` reads and parses the events without evaluating (the JSON baseline).
//!
//! The timed `seconds` covers reading, JSON parsing and evaluation of the events; loading and
//! compiling the rules is timed apart as `load_seconds`.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use rsigma_eval::event::JsonEvent;
use rsigma_eval::{parse_pipeline_file, resolve_builtin_pipeline, Engine, Pipeline};
use serde_json::{json, Value};

struct Args {
    rules: PathBuf,
    events: PathBuf,
    threads: usize,
    pipelines: Vec<String>,
    out: Option<PathBuf>,
    chunk: usize,
    parse_only: bool,
    show_errors: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: rsigma-run [--rules DIR] [--threads N] [--pipeline NAME|FILE|none]... \
         [--chunk LINES] [--parse-only] [--show-errors] [-o OUT.json] EVENTS.jsonl"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        rules: PathBuf::from("/work/shared/sigma/rules/windows"),
        events: PathBuf::new(),
        threads: 1,
        pipelines: Vec::new(),
        out: None,
        chunk: 8192,
        parse_only: false,
        show_errors: false,
    };
    let mut events = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |name: &str| {
            it.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value");
                usage()
            })
        };
        match arg.as_str() {
            "--rules" | "-r" => a.rules = PathBuf::from(val("--rules")),
            "--threads" | "-t" => {
                a.threads = val("--threads").parse().unwrap_or_else(|_| usage());
            }
            "--pipeline" | "-p" => a.pipelines.push(val("--pipeline")),
            "--out" | "-o" => a.out = Some(PathBuf::from(val("--out"))),
            "--chunk" => a.chunk = val("--chunk").parse().unwrap_or_else(|_| usage()),
            "--events" | "-e" => events = Some(PathBuf::from(val("--events"))),
            "--parse-only" => a.parse_only = true,
            "--show-errors" => a.show_errors = true,
            "-h" | "--help" => usage(),
            s if s.starts_with('-') => {
                eprintln!("unknown option {s}");
                usage()
            }
            s => events = Some(PathBuf::from(s)),
        }
    }
    a.events = events.unwrap_or_else(|| usage());
    if a.threads == 0 || a.chunk == 0 {
        usage()
    }
    if a.pipelines.is_empty() {
        a.pipelines.push("sysmon".into());
    }
    a
}

fn load_pipeline(spec: &str) -> Result<Option<Pipeline>, String> {
    if spec == "none" {
        return Ok(None);
    }
    if let Some(p) = resolve_builtin_pipeline(spec) {
        return p
            .map(Some)
            .map_err(|e| format!("built-in pipeline {spec}: {e}"));
    }
    parse_pipeline_file(Path::new(spec))
        .map(Some)
        .map_err(|e| format!("pipeline {spec}: {e}"))
}

fn main() -> ExitCode {
    let args = parse_args();

    // ---- load and compile the rules -------------------------------------------------------
    let t_load = Instant::now();
    let collection = match rsigma_parser::parse_sigma_directory(&args.rules) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read {}: {e}", args.rules.display());
            return ExitCode::FAILURE;
        }
    };
    let mut engine = Engine::new();
    let mut pipeline_names = Vec::new();
    for spec in &args.pipelines {
        match load_pipeline(spec) {
            Ok(Some(p)) => {
                pipeline_names.push(p.name.clone());
                engine.add_pipeline(p);
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let compile_errors = engine.add_rules(collection.rules.iter());
    // Filters (none in rules/windows today) are applied like rsigma's add_collection does.
    let mut filter_errors = 0usize;
    for f in &collection.filters {
        if engine.apply_filter(f).is_err() {
            filter_errors += 1;
        }
    }
    let load_seconds = t_load.elapsed().as_secs_f64();

    // Slot per loaded rule, keyed by Sigma id (title when a rule has none).
    let failed: std::collections::HashSet<usize> = compile_errors.iter().map(|(i, _)| *i).collect();
    let mut slot_of: HashMap<String, usize> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    let mut duplicate_ids = 0usize;
    for (i, r) in collection.rules.iter().enumerate() {
        if failed.contains(&i) {
            continue;
        }
        let key = r.id.clone().unwrap_or_else(|| r.title.clone());
        if slot_of.contains_key(&key) {
            duplicate_ids += 1;
            continue;
        }
        slot_of.insert(key.clone(), keys.len());
        keys.push(key);
    }
    if args.show_errors {
        for e in &collection.errors {
            eprintln!("parse error: {e}");
        }
        for (i, e) in &compile_errors {
            let r = &collection.rules[*i];
            eprintln!(
                "compile error: {} ({}): {e}",
                r.id.as_deref().unwrap_or("-"),
                r.title
            );
        }
    }
    eprintln!(
        "loaded {} rules ({} parse errors, {} compile errors) in {:.3} s; pipelines: {:?}",
        engine.rule_count(),
        collection.errors.len(),
        compile_errors.len(),
        load_seconds,
        pipeline_names
    );

    // ---- evaluate -------------------------------------------------------------------------
    let file = match File::open(&args.events) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open {}: {e}", args.events.display());
            return ExitCode::FAILURE;
        }
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut counts = vec![0u64; keys.len()];
    let mut unknown_results = 0u64;
    let mut bad_lines = 0u64;
    let mut events = 0u64;
    let mut matched_events = 0u64;

    let slot = |id: &Option<String>, title: &str| -> Option<usize> {
        match id {
            Some(id) => slot_of.get(id.as_str()).copied(),
            None => slot_of.get(title).copied(),
        }
    };

    let t_eval = Instant::now();
    if args.threads == 1 {
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("read error: {e}");
                    return ExitCode::FAILURE;
                }
            }
            let text = line.trim_end();
            if text.is_empty() {
                continue;
            }
            let v: Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(_) => {
                    bad_lines += 1;
                    continue;
                }
            };
            events += 1;
            if args.parse_only {
                continue;
            }
            let ev = JsonEvent::borrow(&v);
            let results = engine.evaluate(&ev);
            if !results.is_empty() {
                matched_events += 1;
            }
            for r in &results {
                match slot(&r.header.rule_id, &r.header.rule_title) {
                    Some(s) => counts[s] += 1,
                    None => unknown_results += 1,
                }
            }
        }
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads)
            .build()
            .expect("thread pool");
        // A reader thread fills chunks of lines while the pool works on the previous one.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<String>>(2);
        let chunk = args.chunk;
        let reader_thread = std::thread::spawn(move || -> std::io::Result<()> {
            loop {
                let mut lines = Vec::with_capacity(chunk);
                while lines.len() < chunk {
                    let mut l = String::new();
                    if reader.read_line(&mut l)? == 0 {
                        break;
                    }
                    if !l.trim_end().is_empty() {
                        lines.push(l);
                    }
                }
                let last = lines.len() < chunk;
                if !lines.is_empty() && tx.send(lines).is_err() {
                    return Ok(());
                }
                if last {
                    return Ok(());
                }
            }
        });
        for lines in rx {
            let engine = &engine;
            let parse_only = args.parse_only;
            let batch: Vec<Vec<(Option<String>, String)>> = pool.install(|| {
                let parsed: Vec<Option<Value>> = lines
                    .par_iter()
                    .map(|l| serde_json::from_str::<Value>(l.trim_end()).ok())
                    .collect();
                let evs: Vec<JsonEvent<'_>> =
                    parsed.iter().flatten().map(JsonEvent::borrow).collect();
                bad_lines += (parsed.len() - evs.len()) as u64;
                events += evs.len() as u64;
                if parse_only {
                    return Vec::new();
                }
                let refs: Vec<&JsonEvent<'_>> = evs.iter().collect();
                engine
                    .evaluate_batch(&refs)
                    .into_iter()
                    .map(|rs| {
                        rs.into_iter()
                            .map(|r| (r.header.rule_id, r.header.rule_title))
                            .collect()
                    })
                    .collect()
            });
            for rs in &batch {
                if !rs.is_empty() {
                    matched_events += 1;
                }
                for (id, title) in rs {
                    match slot(id, title) {
                        Some(s) => counts[s] += 1,
                        None => unknown_results += 1,
                    }
                }
            }
        }
        match reader_thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("read error: {e}");
                return ExitCode::FAILURE;
            }
            Err(_) => {
                eprintln!("reader thread panicked");
                return ExitCode::FAILURE;
            }
        }
    }
    let seconds = t_eval.elapsed().as_secs_f64();

    // ---- report ---------------------------------------------------------------------------
    let total: u64 = counts.iter().sum();
    let rules_fired = counts.iter().filter(|&&c| c > 0).count();
    let by_key: BTreeMap<&str, u64> = keys
        .iter()
        .map(String::as_str)
        .zip(counts.iter().copied())
        .collect();
    let out = json!({
        "engine": "rsigma-eval 0.21.0",
        "rules_dir": args.rules.display().to_string(),
        "events_file": args.events.display().to_string(),
        "pipelines": pipeline_names,
        "threads": args.threads,
        "parse_only": args.parse_only,
        "rules_loaded": engine.rule_count(),
        "rules_failed": collection.errors.len() + compile_errors.len(),
        "parse_errors": collection.errors.len(),
        "compile_errors": compile_errors.len(),
        "correlations_ignored": collection.correlations.len(),
        "filters": collection.filters.len(),
        "filter_errors": filter_errors,
        "duplicate_ids": duplicate_ids,
        "events": events,
        "bad_lines": bad_lines,
        "load_seconds": load_seconds,
        "seconds": seconds,
        "events_per_second": if seconds > 0.0 { events as f64 / seconds } else { 0.0 },
        "total_matches": total,
        "matched_events": matched_events,
        "rules_fired": rules_fired,
        "unknown_results": unknown_results,
        "counts": by_key,
    });
    let text = serde_json::to_string_pretty(&out).expect("json");
    eprintln!(
        "{events} events in {seconds:.3} s ({:.0} events/s, {} threads); {total} matches on \
         {matched_events} events by {rules_fired} rules",
        if seconds > 0.0 {
            events as f64 / seconds
        } else {
            0.0
        },
        args.threads
    );
    match &args.out {
        Some(p) => {
            if let Err(e) = std::fs::write(p, text + "\n") {
                eprintln!("cannot write {}: {e}", p.display());
                return ExitCode::FAILURE;
            }
        }
        None => {
            let mut so = std::io::stdout().lock();
            let _ = writeln!(so, "{text}");
        }
    }
    ExitCode::SUCCESS
}
