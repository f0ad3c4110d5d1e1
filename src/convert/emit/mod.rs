//! The form the ECS outputs are written in (`--emit`): the API JSON the converters produce, or
//! the same set as CloudFormation templates or one Terraform `.tf.json` file. The templates are
//! built from the API JSON outputs themselves, so every form holds the same values.

mod cloudformation;
mod keys;
pub mod placeholders;
mod pointers;
mod set;
mod split;
mod terraform;
mod terraform_blocks;

use super::options::Emit;
use super::outcome::{Conversion, Output};

/// Puts the ECS outputs of `conversion` in the form `emit` asks for, and points the report's
/// `OUTPUT#/pointer`s, the objects' output lists and the checklist into what will be written.
/// Kubernetes outputs are always YAML and are left alone.
pub fn apply(emit: Emit, conversion: &mut Conversion) -> Result<(), String> {
    if emit == Emit::Api || conversion.outputs.is_empty() {
        return Ok(());
    }
    let pieces = set::Piece::all(&conversion.outputs)?;
    let ((outputs, places), key): (_, fn(&str) -> String) = match emit {
        Emit::CloudFormation => (cloudformation::templates(&pieces), keys::cfn),
        Emit::Terraform => (terraform::file(&pieces), terraform_blocks::key),
        Emit::Api => return Ok(()),
    };
    let written: Vec<(&str, serde_json::Value)> = outputs
        .iter()
        .map(|o| (o.file.as_str(), serde_json::from_str(&o.text).unwrap_or_default()))
        .collect();
    let map = pointers::Map::new(&pieces, &places, &written, key);
    map.rewrite(conversion);
    conversion.outputs = outputs;
    Ok(())
}

/// Where an API output went: the file it is now part of and the pointer of its properties.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: String,
    pub pointer: String,
}

/// The outputs as they would be written, for tests and tools (`apply` on a copy).
pub fn outputs(emit: Emit, conversion: &Conversion) -> Result<Vec<Output>, String> {
    let mut copy = Conversion {
        outputs: conversion.outputs.clone(),
        ..Conversion::default()
    };
    apply(emit, &mut copy)?;
    Ok(copy.outputs)
}
