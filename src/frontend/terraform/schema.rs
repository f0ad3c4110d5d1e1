//! The AWS provider's arguments of `aws_ecs_task_definition` and `aws_ecs_service`, and where
//! each lands in the ECS API's input (RegisterTaskDefinition, CreateService). Names follow the
//! provider's documented schema (registry.terraform.io, hashicorp/aws) and the API reference.

/// How a Terraform value becomes the API's.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// A string; Terraform converts a number or bool written for it.
    Str,
    /// A number; Terraform converts a numeric string.
    Int,
    Bool,
    StrList,
    /// A map kept as it is (`driver_opts`, `labels`).
    Map,
    /// A map -> `[{key, value}]` (`tags`).
    Tags,
    /// A map -> `[{name, value}]` (a proxy's `properties`).
    NameValues,
    /// A bool -> `"ENABLED"` / `"DISABLED"` (`assign_public_ip`).
    Enabled,
    /// `container_definitions`: already a tree, or (in a plan) a JSON string.
    Containers,
    /// A block that appears at most once -> an object.
    One(&'static [Field]),
    /// A repeated block -> an array of objects.
    Many(&'static [Field]),
}

/// One argument: its Terraform name, its API path (`a/b` nests `b` in an object `a`), its shape.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub tf: &'static str,
    pub api: &'static str,
    pub shape: Shape,
}

const fn f(tf: &'static str, api: &'static str, shape: Shape) -> Field {
    Field { tf, api, shape }
}

use Shape::*;

const RUNTIME_PLATFORM: &[Field] = &[
    f("operating_system_family", "operatingSystemFamily", Str),
    f("cpu_architecture", "cpuArchitecture", Str),
];

const DOCKER_VOLUME: &[Field] = &[
    f("scope", "scope", Str),
    f("autoprovision", "autoprovision", Bool),
    f("driver", "driver", Str),
    f("driver_opts", "driverOpts", Map),
    f("labels", "labels", Map),
];

const EFS_AUTHORIZATION: &[Field] = &[f("access_point_id", "accessPointId", Str), f("iam", "iam", Str)];

const EFS_VOLUME: &[Field] = &[
    f("file_system_id", "fileSystemId", Str),
    f("root_directory", "rootDirectory", Str),
    f("transit_encryption", "transitEncryption", Str),
    f("transit_encryption_port", "transitEncryptionPort", Int),
    f("authorization_config", "authorizationConfig", One(EFS_AUTHORIZATION)),
];

const FSX_AUTHORIZATION: &[Field] = &[
    f("credentials_parameter", "credentialsParameter", Str),
    f("domain", "domain", Str),
];

const FSX_VOLUME: &[Field] = &[
    f("file_system_id", "fileSystemId", Str),
    f("root_directory", "rootDirectory", Str),
    f("authorization_config", "authorizationConfig", One(FSX_AUTHORIZATION)),
];

const VOLUME: &[Field] = &[
    f("name", "name", Str),
    f("host_path", "host/sourcePath", Str),
    f("configure_at_launch", "configuredAtLaunch", Bool),
    f(
        "docker_volume_configuration",
        "dockerVolumeConfiguration",
        One(DOCKER_VOLUME),
    ),
    f("efs_volume_configuration", "efsVolumeConfiguration", One(EFS_VOLUME)),
    f(
        "fsx_windows_file_server_volume_configuration",
        "fsxWindowsFileServerVolumeConfiguration",
        One(FSX_VOLUME),
    ),
];

const PLACEMENT_CONSTRAINT: &[Field] = &[f("type", "type", Str), f("expression", "expression", Str)];

const PROXY: &[Field] = &[
    f("container_name", "containerName", Str),
    f("properties", "properties", NameValues),
    f("type", "type", Str),
];

const INFERENCE_ACCELERATOR: &[Field] = &[f("device_name", "deviceName", Str), f("device_type", "deviceType", Str)];

pub const TASK_DEFINITION: &[Field] = &[
    f("family", "family", Str),
    f("container_definitions", "containerDefinitions", Containers),
    f("cpu", "cpu", Str),
    f("memory", "memory", Str),
    f("network_mode", "networkMode", Str),
    f("requires_compatibilities", "requiresCompatibilities", StrList),
    f("execution_role_arn", "executionRoleArn", Str),
    f("task_role_arn", "taskRoleArn", Str),
    f("pid_mode", "pidMode", Str),
    f("ipc_mode", "ipcMode", Str),
    f("runtime_platform", "runtimePlatform", One(RUNTIME_PLATFORM)),
    f("volume", "volumes", Many(VOLUME)),
    f(
        "ephemeral_storage",
        "ephemeralStorage",
        One(&[f("size_in_gib", "sizeInGiB", Int)]),
    ),
    f(
        "placement_constraints",
        "placementConstraints",
        Many(PLACEMENT_CONSTRAINT),
    ),
    f("proxy_configuration", "proxyConfiguration", One(PROXY)),
    f(
        "inference_accelerator",
        "inferenceAccelerators",
        Many(INFERENCE_ACCELERATOR),
    ),
    f("enable_fault_injection", "enableFaultInjection", Bool),
    f("tags", "tags", Tags),
];

const NETWORK: &[Field] = &[
    f("subnets", "subnets", StrList),
    f("security_groups", "securityGroups", StrList),
    f("assign_public_ip", "assignPublicIp", Enabled),
];

const CAPACITY_PROVIDER: &[Field] = &[
    f("capacity_provider", "capacityProvider", Str),
    f("weight", "weight", Int),
    f("base", "base", Int),
];

const PLACEMENT_STRATEGY: &[Field] = &[f("type", "type", Str), f("field", "field", Str)];

const LOAD_BALANCER: &[Field] = &[
    f("target_group_arn", "targetGroupArn", Str),
    f("elb_name", "loadBalancerName", Str),
    f("container_name", "containerName", Str),
    f("container_port", "containerPort", Int),
];

const SERVICE_REGISTRY: &[Field] = &[
    f("registry_arn", "registryArn", Str),
    f("port", "port", Int),
    f("container_name", "containerName", Str),
    f("container_port", "containerPort", Int),
];

const CIRCUIT_BREAKER: &[Field] = &[f("enable", "enable", Bool), f("rollback", "rollback", Bool)];

const ALARMS: &[Field] = &[
    f("alarm_names", "alarmNames", StrList),
    f("enable", "enable", Bool),
    f("rollback", "rollback", Bool),
];

const EBS_TAG_SPECIFICATION: &[Field] = &[
    f("resource_type", "resourceType", Str),
    f("propagate_tags", "propagateTags", Str),
    f("tags", "tags", Tags),
];

const MANAGED_EBS_VOLUME: &[Field] = &[
    f("role_arn", "roleArn", Str),
    f("encrypted", "encrypted", Bool),
    f("file_system_type", "filesystemType", Str),
    f("iops", "iops", Int),
    f("kms_key_id", "kmsKeyId", Str),
    f("size_in_gb", "sizeInGiB", Int),
    f("snapshot_id", "snapshotId", Str),
    f("throughput", "throughput", Int),
    f("volume_type", "volumeType", Str),
    f("tag_specifications", "tagSpecifications", Many(EBS_TAG_SPECIFICATION)),
];

const VOLUME_CONFIGURATION: &[Field] = &[
    f("name", "name", Str),
    f("managed_ebs_volume", "managedEBSVolume", One(MANAGED_EBS_VOLUME)),
];

pub const SERVICE: &[Field] = &[
    f("name", "serviceName", Str),
    f("cluster", "cluster", Str),
    f("task_definition", "taskDefinition", Str),
    f("desired_count", "desiredCount", Int),
    f("launch_type", "launchType", Str),
    f("platform_version", "platformVersion", Str),
    f("scheduling_strategy", "schedulingStrategy", Str),
    f("iam_role", "role", Str),
    f(
        "health_check_grace_period_seconds",
        "healthCheckGracePeriodSeconds",
        Int,
    ),
    f("enable_ecs_managed_tags", "enableECSManagedTags", Bool),
    f("enable_execute_command", "enableExecuteCommand", Bool),
    f("propagate_tags", "propagateTags", Str),
    f("availability_zone_rebalancing", "availabilityZoneRebalancing", Str),
    f(
        "network_configuration",
        "networkConfiguration/awsvpcConfiguration",
        One(NETWORK),
    ),
    f(
        "capacity_provider_strategy",
        "capacityProviderStrategy",
        Many(CAPACITY_PROVIDER),
    ),
    f(
        "ordered_placement_strategy",
        "placementStrategy",
        Many(PLACEMENT_STRATEGY),
    ),
    f(
        "placement_constraints",
        "placementConstraints",
        Many(PLACEMENT_CONSTRAINT),
    ),
    f("load_balancer", "loadBalancers", Many(LOAD_BALANCER)),
    f("service_registries", "serviceRegistries", Many(SERVICE_REGISTRY)),
    f(
        "deployment_maximum_percent",
        "deploymentConfiguration/maximumPercent",
        Int,
    ),
    f(
        "deployment_minimum_healthy_percent",
        "deploymentConfiguration/minimumHealthyPercent",
        Int,
    ),
    f(
        "deployment_circuit_breaker",
        "deploymentConfiguration/deploymentCircuitBreaker",
        One(CIRCUIT_BREAKER),
    ),
    f("alarms", "deploymentConfiguration/alarms", One(ALARMS)),
    f(
        "deployment_controller",
        "deploymentController",
        One(&[f("type", "type", Str)]),
    ),
    f(
        "volume_configuration",
        "volumeConfigurations",
        Many(VOLUME_CONFIGURATION),
    ),
    f("tags", "tags", Tags),
];

/// Arguments and attributes that only Terraform reads (meta-arguments, computed attributes of
/// a plan, provider-side switches): left out without a note.
pub const TERRAFORM_ONLY: &[&str] = &[
    "arn",
    "arn_without_revision",
    "count",
    "depends_on",
    "for_each",
    "force_delete",
    "force_new_deployment",
    "id",
    "lifecycle",
    "provider",
    "region",
    "revision",
    "skip_destroy",
    "tags_all",
    "timeouts",
    "track_latest",
    "triggers",
    "wait_for_steady_state",
];
