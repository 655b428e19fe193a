#![no_main]

use libfuzzer_sys::fuzz_target;
use sigma_kql::syntax::parse_condition;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cond) = parse_condition(text) {
        let printed = cond.to_string();
        if let Err(e) = parse_condition(&printed) {
            panic!("round trip failed: {text:?} printed as {printed:?} does not parse again: {e:?}");
        }
    }
});
