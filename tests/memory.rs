//! Streaming evaluation holds a bounded number of events: the heap's peak while a generated
//! events file is evaluated does not grow with the file. A test binary of its own, so that its
//! counting allocator sees no other test's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use sigma_kql::convert::convert_files;
use sigma_kql::eval::input::InputFormat;
use sigma_kql::eval::stream::EventStream;
use sigma_kql::eval::{Mode, Options, evaluate_stream};
use sigma_kql::pipeline::Pipeline;
use sigma_kql::rule::load_source;

/// The system allocator, counting the bytes held and their peak.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = HELD.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RULE: &str = r"title: Whoami
id: 7b0e9f0c-3333-4c3a-9b1e-000000000001
logsource: {category: process_creation, product: windows}
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
";

/// Writes `n` Sysmon process-creation events as JSON Lines; every tenth runs whoami.exe.
fn write_events(path: &std::path::Path, n: usize) -> u64 {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for i in 0..n {
        let image = if i % 10 == 0 { "whoami" } else { "svchost" };
        writeln!(
            f,
            r#"{{"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": "ws{h}.corp.example", "Image": "C:\\Windows\\System32\\{image}.exe", "CommandLine": "{image}.exe /run {i}", "ParentImage": "C:\\Windows\\explorer.exe", "User": "CORP\\user{h}"}}"#,
            h = i % 97
        )
        .expect("write");
    }
    f.flush().expect("flush");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[test]
fn memory_stays_flat_in_the_number_of_events() {
    let dir = std::env::temp_dir().join(format!("sigma-kql-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pipeline = Pipeline::builtin("microsoft_xdr").expect("pipeline");
    let conv = convert_files(&[load_source("whoami.yml", RULE)], &pipeline, &[]);
    let opts = Options {
        mode: Some(Mode::Raw),
        threads: Some(2),
        list_limit: Some(100),
        ..Options::default()
    };
    let mut peaks = Vec::new();
    for n in [25_000, 200_000] {
        let path = dir.join(format!("{n}.jsonl"));
        let size = write_events(&path, n);
        let base = HELD.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let stream = EventStream::open(&[&path], InputFormat::Auto).whole_limit(0);
        let report = evaluate_stream(&conv, &pipeline, &[], stream, &opts, &|_| {});
        let peak = PEAK.load(Ordering::Relaxed) - base;
        // The result, not just the memory: every tenth event alerts, 100 are listed.
        assert_eq!(report.events.count, n);
        assert_eq!(report.rules[0].considered, n);
        assert_eq!(report.rules[0].alert_count, n / 10);
        assert_eq!(report.rules[0].alerts.len(), 100);
        assert_eq!(report.events.files[0].format, "lines");
        drop(report);
        peaks.push((n, size, peak));
    }
    let (_, _, small) = peaks[0];
    let (_, big_size, big) = peaks[1];
    // Eight times the events: the peak stays within a chunk's worth of the smaller run's, and
    // well under the larger file's size (the events are never all held).
    assert!(
        big < small + (4 << 20),
        "peak heap grew with the events: {peaks:?}"
    );
    assert!(
        (big as u64) < big_size / 2,
        "peak heap {big} near the file's size {big_size}: {peaks:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
