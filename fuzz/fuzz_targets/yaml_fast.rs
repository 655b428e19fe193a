#![no_main]

//! The fast YAML reader against yaml_serde: for any text, `yaml::fast` declines, or gives
//! exactly the value yaml_serde gives (never a value where yaml_serde reports an error).

use libfuzzer_sys::fuzz_target;
use serde_yaml::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = sigma_kql::yaml::fast(text) {
        let slow = serde_yaml::from_str::<Value>(text);
        assert!(
            matches!(&slow, Ok(v) if *v == fast),
            "fast reader: {fast:?}\nyaml_serde: {slow:?}\ntext: {text:?}"
        );
    }
});
