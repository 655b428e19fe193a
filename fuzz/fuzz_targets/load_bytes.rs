#![no_main]

use libfuzzer_sys::fuzz_target;
use sigma_kql::rule::load::load_bytes;

fuzz_target!(|data: &[u8]| {
    let file = load_bytes("fuzz.yml", data);
    for d in file.all_diagnostics() {
        std::hint::black_box(d.render());
    }
});
