// Each test binary uses its own part of these helpers.
#![allow(dead_code)]

pub mod corpus;
pub mod estimate;
pub mod peers;
pub mod rng;
pub mod run;
