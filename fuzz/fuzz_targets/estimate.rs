//! `cargo +nightly fuzz run estimate`: see k2e_fuzz::estimate for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k2e_fuzz::estimate(data));
