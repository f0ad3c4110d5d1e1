//! Property names: the ECS API spells them in camelCase, CloudFormation in PascalCase (with a
//! few of its own spellings), Terraform in snake_case. Keys of free-form maps (Docker labels,
//! log driver options) are data and keep their spelling.

/// Keys whose value is a map of data, not of properties.
pub fn holds_data(key: &str) -> bool {
    matches!(key, "dockerLabels" | "options" | "driverOpts" | "labels")
}

/// CloudFormation spellings that are not the API's with a capital first letter.
const CFN: &[(&str, &str)] = &[
    ("efsVolumeConfiguration", "EFSVolumeConfiguration"),
    ("fileSystemId", "FilesystemId"),
    ("iam", "IAM"),
    (
        "fsxWindowsFileServerVolumeConfiguration",
        "FSxWindowsFileServerVolumeConfiguration",
    ),
    ("placementStrategy", "PlacementStrategies"),
];

/// The CloudFormation name of an API key.
pub fn cfn(key: &str) -> String {
    match CFN.iter().find(|(api, _)| *api == key) {
        Some((_, name)) => (*name).to_owned(),
        None => super::placeholders::capitalize(key),
    }
}

/// The Terraform name of an API key (`sizeInGiB` -> `size_in_gib`, `TaskCount` -> `task_count`).
pub fn snake(key: &str) -> String {
    if key == "sizeInGiB" {
        return "size_in_gib".into();
    }
    let mut out = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || (prev_upper && next_lower)) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Renames every property key of an API value for CloudFormation, leaving data maps alone.
pub fn to_cfn(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if holds_data(k) { v.clone() } else { to_cfn(v) };
                    (cfn(k), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(to_cfn).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(cfn("containerDefinitions"), "ContainerDefinitions");
        assert_eq!(cfn("efsVolumeConfiguration"), "EFSVolumeConfiguration");
        assert_eq!(cfn("TargetValue"), "TargetValue");
        assert_eq!(snake("sizeInGiB"), "size_in_gib");
        assert_eq!(snake("enableECSManagedTags"), "enable_ecs_managed_tags");
        assert_eq!(snake("ScheduleExpressionTimezone"), "schedule_expression_timezone");
        assert_eq!(snake("fileSystemId"), "file_system_id");
        let v = serde_json::json!({"dockerLabels": {"a.b/c": "x"}, "portMappings": [{"containerPort": 80}]});
        assert_eq!(
            to_cfn(&v),
            serde_json::json!({"DockerLabels": {"a.b/c": "x"}, "PortMappings": [{"ContainerPort": 80}]})
        );
    }
}
