//! The rule ids: one constant per data file `rules/{ID}.yaml`, named by its `const_name` field,
//! and the list of them all. build.rs generates them, so a new rule needs no line here.

include!(concat!(env!("OUT_DIR"), "/rule_ids.rs"));
