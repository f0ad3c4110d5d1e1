//! `cargo +nightly fuzz run lint`: see k2e_fuzz::lint for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k2e_fuzz::lint(data));
