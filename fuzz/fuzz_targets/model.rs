#![no_main]

#[allow(dead_code)] // each binary uses one of the shared targets
#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::model(data));
