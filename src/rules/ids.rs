//! Rule ids used by the built-in checks. Each has a data file `rules/{ID}.yaml`.

pub const INTERNAL: &str = "K2E000";
pub const UNREADABLE: &str = "K2E001";
pub const ENCODING: &str = "K2E002";
pub const TOO_LARGE: &str = "K2E003";
pub const TOO_MANY_DOCUMENTS: &str = "K2E004";
pub const BAD_USER_SCHEMA: &str = "K2E020";

pub const INVALID_SUPPRESSION: &str = "K2E010";
pub const UNUSED_SUPPRESSION: &str = "K2E011";
pub const EXPIRED_SUPPRESSION: &str = "K2E012";
pub const MISPLACED_SUPPRESSION: &str = "K2E013";

pub const SYNTAX: &str = "YML001";
pub const DUPLICATE_KEY: &str = "YML002";
pub const TOO_DEEP: &str = "YML003";
pub const ALIAS_LIMIT: &str = "YML004";
pub const TEMPLATE: &str = "YML005";
pub const YAML11_AMBIGUOUS: &str = "YML006";
pub const ANCHORS: &str = "YML007";
pub const YAML11_UNSCHEMAED: &str = "YML008";

pub const K8S_UNKNOWN_FIELD: &str = "K8S001";
pub const K8S_WRONG_TYPE: &str = "K8S002";
pub const K8S_MISSING_REQUIRED: &str = "K8S003";
pub const K8S_INVALID_VALUE: &str = "K8S004";
pub const K8S_NO_SCHEMA: &str = "K8S005";
pub const K8S_UNKNOWN_API: &str = "K8S006";

pub const ECS_UNKNOWN_FIELD: &str = "ECS001";
pub const ECS_WRONG_TYPE: &str = "ECS002";
pub const ECS_MISSING_REQUIRED: &str = "ECS003";
pub const ECS_INVALID_VALUE: &str = "ECS004";
pub const ECS_CONTAINER_ARRAY: &str = "ECS005";

pub const FG_SIZE: &str = "FG001";
pub const FG_SIZE_MISSING: &str = "FG002";
pub const FG_NETWORK_MODE: &str = "FG003";
pub const FG_HOST_PORT: &str = "FG004";
pub const FG_PRIVILEGED: &str = "FG005";
pub const FG_UNSUPPORTED: &str = "FG006";

pub const FG_CAPABILITIES: &str = "FG007";
pub const FG_PID_MODE: &str = "FG008";
pub const FG_VOLUME: &str = "FG009";
pub const FG_LOGGING: &str = "FG010";
pub const FG_TIMEOUT: &str = "FG011";
pub const FG_EPHEMERAL_STORAGE: &str = "FG012";
pub const FG_CONTAINER_COUNT: &str = "FG013";
pub const FG_CONTAINER_SIZE: &str = "FG014";
pub const FG_GPU: &str = "FG015";
pub const FG_WINDOWS: &str = "FG016";
pub const FG_EBS: &str = "FG017";

pub const EKS_FG_DAEMONSET: &str = "FG101";
pub const EKS_FG_PRIVILEGED: &str = "FG102";
pub const EKS_FG_HOST_NETWORK: &str = "FG103";
pub const EKS_FG_HOST_PORT: &str = "FG104";
pub const EKS_FG_HOST_NAMESPACES: &str = "FG105";
pub const EKS_FG_VOLUME: &str = "FG106";
pub const EKS_FG_EBS: &str = "FG107";
pub const EKS_FG_NODE_SELECTION: &str = "FG108";
pub const EKS_FG_EPHEMERAL_STORAGE: &str = "FG109";
pub const EKS_FG_SIZE: &str = "FG110";
pub const EKS_FG_SIZE_JUMP: &str = "FG111";
pub const EKS_FG_TOO_LARGE: &str = "FG112";
pub const EKS_FG_EFS_DYNAMIC: &str = "FG113";
pub const EKS_FG_CSI_STORAGE: &str = "FG114";
pub const EKS_FG_SPOT: &str = "FG115";
pub const EKS_FG_POD_IDENTITY: &str = "FG117";
pub const EKS_FG_CNI: &str = "FG118";
pub const EKS_FG_LB_TARGET: &str = "FG119";
pub const EKS_FG_NO_PROFILE: &str = "FG116";

/// Every id above, for the test that each has a rule file.
pub const ALL: &[&str] = &[
    YAML11_AMBIGUOUS,
    ANCHORS,
    YAML11_UNSCHEMAED,
    EKS_FG_NO_PROFILE,
    INVALID_SUPPRESSION,
    UNUSED_SUPPRESSION,
    EXPIRED_SUPPRESSION,
    MISPLACED_SUPPRESSION,
    EKS_FG_SIZE,
    EKS_FG_SIZE_JUMP,
    EKS_FG_TOO_LARGE,
    FG_CAPABILITIES,
    FG_PID_MODE,
    FG_VOLUME,
    FG_LOGGING,
    FG_TIMEOUT,
    FG_EPHEMERAL_STORAGE,
    FG_CONTAINER_COUNT,
    FG_CONTAINER_SIZE,
    FG_GPU,
    FG_WINDOWS,
    FG_EBS,
    EKS_FG_DAEMONSET,
    EKS_FG_PRIVILEGED,
    EKS_FG_HOST_NETWORK,
    EKS_FG_HOST_PORT,
    EKS_FG_HOST_NAMESPACES,
    EKS_FG_VOLUME,
    EKS_FG_EBS,
    EKS_FG_NODE_SELECTION,
    EKS_FG_EPHEMERAL_STORAGE,
    EKS_FG_EFS_DYNAMIC,
    EKS_FG_CSI_STORAGE,
    EKS_FG_SPOT,
    EKS_FG_POD_IDENTITY,
    EKS_FG_CNI,
    EKS_FG_LB_TARGET,
    FG_SIZE,
    FG_SIZE_MISSING,
    FG_NETWORK_MODE,
    FG_HOST_PORT,
    FG_PRIVILEGED,
    FG_UNSUPPORTED,
    INTERNAL,
    UNREADABLE,
    ENCODING,
    TOO_LARGE,
    TOO_MANY_DOCUMENTS,
    BAD_USER_SCHEMA,
    SYNTAX,
    DUPLICATE_KEY,
    TOO_DEEP,
    ALIAS_LIMIT,
    TEMPLATE,
    K8S_UNKNOWN_FIELD,
    K8S_WRONG_TYPE,
    K8S_MISSING_REQUIRED,
    K8S_INVALID_VALUE,
    K8S_NO_SCHEMA,
    K8S_UNKNOWN_API,
    ECS_UNKNOWN_FIELD,
    ECS_WRONG_TYPE,
    ECS_MISSING_REQUIRED,
    ECS_INVALID_VALUE,
    ECS_CONTAINER_ARRAY,
];

/// Every rule id: the ones above and those the rule packs declare beside their code.
pub fn all() -> Vec<&'static str> {
    let mut ids: Vec<&str> = ALL.to_vec();
    ids.extend_from_slice(super::k8s::IDS);
    ids.extend_from_slice(super::ecs::IDS);
    ids.extend_from_slice(super::ecs_service::IDS);
    ids.sort_unstable();
    ids
}
