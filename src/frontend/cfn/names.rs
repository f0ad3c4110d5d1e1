//! CloudFormation property names -> ECS API member names, and JSON pointer tokens.
//!
//! The resource schemas of `AWS::ECS::TaskDefinition` and `AWS::ECS::Service` (cfn-lint 1.58.0)
//! were compared with the API's RegisterTaskDefinition and CreateService input: every property is
//! the API member with its first letter upper-cased, except the ones in `RENAMED`.

/// CloudFormation spellings that are not the API's name with its first letter upper-cased.
const RENAMED: &[(&str, &str)] = &[
    ("EFSVolumeConfiguration", "efsVolumeConfiguration"),
    ("FilesystemId", "fileSystemId"),
    ("IAM", "iam"),
    (
        "FSxWindowsFileServerVolumeConfiguration",
        "fsxWindowsFileServerVolumeConfiguration",
    ),
    ("S3FilesVolumeConfiguration", "s3filesVolumeConfiguration"),
    // ProxyConfiguration's name-value list.
    ("ProxyConfigurationProperties", "properties"),
    // A service's placement strategies (the API's member is singular).
    ("PlacementStrategies", "placementStrategy"),
];

/// Maps whose keys belong to the user (Docker labels, log driver options), not to the schema.
const FREE_FORM: &[&str] = &["DockerLabels", "Options", "DriverOpts", "Labels"];

/// The API's name for a CloudFormation property.
pub fn api_key(key: &str) -> String {
    if let Some((_, api)) = RENAMED.iter().find(|(cfn, _)| *cfn == key) {
        return (*api).to_owned();
    }
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether the keys of the map under this property are kept as written.
pub fn is_free_form(key: &str) -> bool {
    FREE_FORM.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_letter_is_lowered() {
        assert_eq!(api_key("ContainerDefinitions"), "containerDefinitions");
        assert_eq!(api_key("AwsvpcConfiguration"), "awsvpcConfiguration");
        assert_eq!(api_key("ManagedEBSVolume"), "managedEBSVolume");
        assert_eq!(api_key("cpu"), "cpu");
        assert_eq!(api_key(""), "");
    }

    #[test]
    fn exceptions_follow_the_api() {
        assert_eq!(api_key("EFSVolumeConfiguration"), "efsVolumeConfiguration");
        assert_eq!(api_key("FilesystemId"), "fileSystemId");
        assert_eq!(api_key("IAM"), "iam");
        assert_eq!(
            api_key("FSxWindowsFileServerVolumeConfiguration"),
            "fsxWindowsFileServerVolumeConfiguration"
        );
        assert_eq!(api_key("S3FilesVolumeConfiguration"), "s3filesVolumeConfiguration");
        assert_eq!(api_key("ProxyConfigurationProperties"), "properties");
        assert_eq!(api_key("PlacementStrategies"), "placementStrategy");
    }

    #[test]
    fn free_form_maps() {
        assert!(is_free_form("DockerLabels"));
        assert!(is_free_form("Options"));
        assert!(!is_free_form("LogConfiguration"));
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(crate::parse::pointer_token("a/b~c"), "a~1b~0c");
        assert_eq!(crate::parse::pointer_token("Plain"), "Plain");
    }
}
