//! The form the ECS outputs are written in (`--emit`): the API JSON the converters produce, or
//! the same set as one CloudFormation template or one Terraform `.tf.json` file.

use super::options::Emit;
use super::outcome::{Conversion, Output};

/// The outputs in the form `emit` asks for. Kubernetes outputs are always YAML.
pub fn outputs(emit: Emit, conversion: &Conversion) -> Result<Vec<Output>, String> {
    match emit {
        Emit::Api => Ok(conversion.outputs.clone()),
        Emit::CloudFormation | Emit::Terraform => Err("not yet".into()),
    }
}
