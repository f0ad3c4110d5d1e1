//! `cargo +nightly fuzz run convert`: see k2e_fuzz::convert for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k2e_fuzz::convert(data));
