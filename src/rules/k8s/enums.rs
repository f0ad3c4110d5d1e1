//! K8S020: values outside the set the API server accepts, for string fields whose OpenAPI schema
//! declares no enum (so the schema rules let `ifNotPresent` or `loadbalancer` through), and the
//! restart policies each workload kind allows.

use super::{Pod, Workload, closest, quoted_list};
use crate::finding::Finding;
use crate::finding::ids::UNSUPPORTED_VALUE;
use crate::parse::Node;
use crate::rules::fargate_eks::Check;

/// A field (a `/`-separated path, `*` for every item of a list) and the values it accepts.
struct Field {
    path: &'static str,
    values: &'static [&'static str],
}

const fn f(path: &'static str, values: &'static [&'static str]) -> Field {
    Field { path, values }
}

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const SCHEMES: &[&str] = &["HTTP", "HTTPS"];
const PROFILE_TYPES: &[&str] = &["Localhost", "RuntimeDefault", "Unconfined"];
const LABEL_OPERATORS: &[&str] = &["DoesNotExist", "Exists", "In", "NotIn"];
const NODE_OPERATORS: &[&str] = &["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"];
const ACCESS_MODES: &[&str] = &["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const VOLUME_MODES: &[&str] = &["Block", "Filesystem"];
const POLICY_HONOR: &[&str] = &["Honor", "Ignore"];

/// Fields of a container (every container list).
const CONTAINER: &[Field] = &[
    f("imagePullPolicy", &["Always", "IfNotPresent", "Never"]),
    f("terminationMessagePolicy", &["FallbackToLogsOnError", "File"]),
    f("restartPolicy", &["Always", "Never", "OnFailure"]),
    f("ports/*/protocol", PROTOCOLS),
    f("securityContext/seccompProfile/type", PROFILE_TYPES),
    f("securityContext/appArmorProfile/type", PROFILE_TYPES),
    f("securityContext/procMount", &["Default", "Unmasked"]),
    f("livenessProbe/httpGet/scheme", SCHEMES),
    f("readinessProbe/httpGet/scheme", SCHEMES),
    f("startupProbe/httpGet/scheme", SCHEMES),
    f("lifecycle/postStart/httpGet/scheme", SCHEMES),
    f("lifecycle/preStop/httpGet/scheme", SCHEMES),
    f(
        "volumeMounts/*/mountPropagation",
        &["Bidirectional", "HostToContainer", "None"],
    ),
    f(
        "volumeMounts/*/recursiveReadOnly",
        &["Disabled", "Enabled", "IfPossible"],
    ),
    f("resizePolicy/*/restartPolicy", &["NotRequired", "RestartContainer"]),
];

/// Fields of a pod spec, except restartPolicy (it depends on the workload).
const POD: &[Field] = &[
    f(
        "dnsPolicy",
        &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    ),
    f("preemptionPolicy", &["Never", "PreemptLowerPriority"]),
    f("securityContext/seccompProfile/type", PROFILE_TYPES),
    f("securityContext/appArmorProfile/type", PROFILE_TYPES),
    f("securityContext/fsGroupChangePolicy", &["Always", "OnRootMismatch"]),
    f("securityContext/supplementalGroupsPolicy", &["Merge", "Strict"]),
    f("tolerations/*/operator", &["Equal", "Exists"]),
    f("tolerations/*/effect", &["NoExecute", "NoSchedule", "PreferNoSchedule"]),
    f(
        "topologySpreadConstraints/*/whenUnsatisfiable",
        &["DoNotSchedule", "ScheduleAnyway"],
    ),
    f("topologySpreadConstraints/*/nodeAffinityPolicy", POLICY_HONOR),
    f("topologySpreadConstraints/*/nodeTaintsPolicy", POLICY_HONOR),
    f(
        "affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/*/matchExpressions/*/operator",
        NODE_OPERATORS,
    ),
    f(
        "affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution/*/preference/matchExpressions/*/operator",
        NODE_OPERATORS,
    ),
    f(
        "affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/*/labelSelector/matchExpressions/*/operator",
        LABEL_OPERATORS,
    ),
    f(
        "affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/*/labelSelector/matchExpressions/*/operator",
        LABEL_OPERATORS,
    ),
    f(
        "affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/*/podAffinityTerm/labelSelector/matchExpressions/*/operator",
        LABEL_OPERATORS,
    ),
    f(
        "affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/*/podAffinityTerm/labelSelector/matchExpressions/*/operator",
        LABEL_OPERATORS,
    ),
    f(
        "volumes/*/hostPath/type",
        &[
            "BlockDevice",
            "CharDevice",
            "Directory",
            "DirectoryOrCreate",
            "File",
            "FileOrCreate",
            "Socket",
        ],
    ),
    f("volumes/*/emptyDir/medium", &["HugePages", "Memory"]),
    f(
        "volumes/*/ephemeral/volumeClaimTemplate/spec/accessModes/*",
        ACCESS_MODES,
    ),
    f("volumes/*/ephemeral/volumeClaimTemplate/spec/volumeMode", VOLUME_MODES),
];

/// Fields of whole objects, by (API group, kind).
const OBJECTS: &[(&str, &str, &[Field])] = &[
    (
        "",
        "Service",
        &[
            f("spec/type", &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]),
            f("spec/ports/*/protocol", PROTOCOLS),
            f("spec/sessionAffinity", &["ClientIP", "None"]),
            f("spec/externalTrafficPolicy", &["Cluster", "Local"]),
            f("spec/internalTrafficPolicy", &["Cluster", "Local"]),
            f(
                "spec/ipFamilyPolicy",
                &["PreferDualStack", "RequireDualStack", "SingleStack"],
            ),
            f("spec/ipFamilies/*", &["IPv4", "IPv6"]),
        ],
    ),
    (
        "",
        "PersistentVolumeClaim",
        &[
            f("spec/accessModes/*", ACCESS_MODES),
            f("spec/volumeMode", VOLUME_MODES),
        ],
    ),
    (
        "",
        "PersistentVolume",
        &[
            f("spec/accessModes/*", ACCESS_MODES),
            f("spec/volumeMode", VOLUME_MODES),
            f("spec/persistentVolumeReclaimPolicy", &["Delete", "Recycle", "Retain"]),
        ],
    ),
    (
        "apps",
        "Deployment",
        &[
            f("spec/strategy/type", &["Recreate", "RollingUpdate"]),
            f("spec/selector/matchExpressions/*/operator", LABEL_OPERATORS),
        ],
    ),
    (
        "apps",
        "ReplicaSet",
        &[f("spec/selector/matchExpressions/*/operator", LABEL_OPERATORS)],
    ),
    (
        "apps",
        "DaemonSet",
        &[
            f("spec/updateStrategy/type", &["OnDelete", "RollingUpdate"]),
            f("spec/selector/matchExpressions/*/operator", LABEL_OPERATORS),
        ],
    ),
    (
        "apps",
        "StatefulSet",
        &[
            f("spec/podManagementPolicy", &["OrderedReady", "Parallel"]),
            f("spec/updateStrategy/type", &["OnDelete", "RollingUpdate"]),
            f(
                "spec/persistentVolumeClaimRetentionPolicy/whenDeleted",
                &["Delete", "Retain"],
            ),
            f(
                "spec/persistentVolumeClaimRetentionPolicy/whenScaled",
                &["Delete", "Retain"],
            ),
            f("spec/volumeClaimTemplates/*/spec/accessModes/*", ACCESS_MODES),
            f("spec/volumeClaimTemplates/*/spec/volumeMode", VOLUME_MODES),
            f("spec/selector/matchExpressions/*/operator", LABEL_OPERATORS),
        ],
    ),
    (
        "batch",
        "Job",
        &[
            f("spec/completionMode", &["Indexed", "NonIndexed"]),
            f("spec/podReplacementPolicy", &["Failed", "TerminatingOrFailed"]),
        ],
    ),
    (
        "batch",
        "CronJob",
        &[
            f("spec/concurrencyPolicy", &["Allow", "Forbid", "Replace"]),
            f("spec/jobTemplate/spec/completionMode", &["Indexed", "NonIndexed"]),
            f(
                "spec/jobTemplate/spec/podReplacementPolicy",
                &["Failed", "TerminatingOrFailed"],
            ),
        ],
    ),
    (
        "storage.k8s.io",
        "StorageClass",
        &[
            f("reclaimPolicy", &["Delete", "Retain"]),
            f("volumeBindingMode", &["Immediate", "WaitForFirstConsumer"]),
        ],
    ),
    (
        "networking.k8s.io",
        "Ingress",
        &[f(
            "spec/rules/*/http/paths/*/pathType",
            &["Exact", "ImplementationSpecific", "Prefix"],
        )],
    ),
    (
        "networking.k8s.io",
        "NetworkPolicy",
        &[
            f("spec/policyTypes/*", &["Egress", "Ingress"]),
            f("spec/ingress/*/ports/*/protocol", PROTOCOLS),
            f("spec/egress/*/ports/*/protocol", PROTOCOLS),
        ],
    ),
    (
        "policy",
        "PodDisruptionBudget",
        &[f(
            "spec/unhealthyPodEvictionPolicy",
            &["AlwaysAllow", "IfHealthyBudget"],
        )],
    ),
];

pub(super) fn object(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    for (g, kind, fields) in OBJECTS {
        if *g == group && *kind == check.obj.kind {
            for field in *fields {
                fields_at(check, check.obj.node, "", field, out);
            }
        }
    }
}

pub(super) fn pod(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for field in POD {
        fields_at(check, pod.spec, pod.at, field, out);
    }
    for c in &pod.containers {
        for field in CONTAINER {
            fields_at(check, c.node, &c.pointer, field, out);
        }
    }
    restart_policy(check, pod, out);
}

/// Every value a field path reaches under `node`, checked against its values.
fn fields_at(check: &Check<'_>, node: &Node, at: &str, field: &Field, out: &mut Vec<Finding>) {
    let segments: Vec<&str> = field.path.split('/').collect();
    let name = segments.iter().rev().find(|s| **s != "*").copied().unwrap_or("value");
    visit(node, &segments, at.to_owned(), &mut |value, pointer| {
        let Some(text) = value.as_str() else {
            return;
        };
        // An empty string is the zero value: the API server applies the default.
        if text.is_empty() || field.values.contains(&text) {
            return;
        }
        if name == "medium" && text.starts_with("HugePages-") {
            return;
        }
        out.push(unsupported(check, value, &pointer, name, text, field.values, None));
    });
}

fn visit<'a>(node: &'a Node, segments: &[&str], pointer: String, f: &mut dyn FnMut(&'a Node, String)) {
    let Some((first, rest)) = segments.split_first() else {
        f(node, pointer);
        return;
    };
    if *first == "*" {
        for (i, item) in node.as_seq().unwrap_or_default().iter().enumerate() {
            visit(item, rest, format!("{pointer}/{i}"), f);
        }
    } else if let Some(child) = node.get(first) {
        visit(child, rest, format!("{pointer}/{first}"), f);
    }
}

fn unsupported(
    check: &Check<'_>,
    value: &Node,
    pointer: &str,
    name: &str,
    text: &str,
    values: &[&str],
    note: Option<&str>,
) -> Finding {
    let help = match closest(text, values) {
        Some(meant) => format!("did you mean \"{meant}\"? (values are case-sensitive)"),
        None => format!("use one of {}", quoted_list(values)),
    };
    check
        .finding(
            UNSUPPORTED_VALUE,
            value.span,
            pointer,
            format!(
                "{name}: Unsupported value: \"{text}\": supported values: {}{}",
                quoted_list(values),
                note.unwrap_or("")
            ),
        )
        .with_label("unsupported value")
        .with_help(help)
}

/// Deployments, ReplicaSets, StatefulSets, DaemonSets and ReplicationControllers restart their
/// pods' containers always; Jobs never with Always (the default, so a Job must set it).
fn restart_policy(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    let allowed: &[&str] = match pod.workload {
        Workload::Pod => &["Always", "OnFailure", "Never"],
        Workload::LongRunning => &["Always"],
        Workload::Batch => &["OnFailure", "Never"],
    };
    let pointer = format!("{}/restartPolicy", pod.at);
    match pod.spec.get("restartPolicy") {
        Some(value) => {
            let Some(text) = value.as_str() else {
                return;
            };
            if allowed.contains(&text) || (text.is_empty() && pod.workload != Workload::Batch) {
                return;
            }
            let mut finding = unsupported(check, value, &pointer, "restartPolicy", text, allowed, None);
            // A valid pod restart policy the workload does not allow: no typo to fix.
            if ["Always", "OnFailure", "Never"].contains(&text) {
                finding = finding.with_help(match pod.workload {
                    Workload::Batch => {
                        "use OnFailure (retry in the same pod) or Never (a new pod per retry)".to_owned()
                    }
                    _ => format!(
                        "remove restartPolicy: a {} restarts its containers always; run work that ends as a Job",
                        check.obj.kind
                    ),
                });
            }
            out.push(finding);
        }
        None if pod.workload == Workload::Batch => {
            let Some((_, Some(key_span))) = check.obj.node.pointer(pod.at) else {
                return;
            };
            out.push(
                check
                    .finding(
                        UNSUPPORTED_VALUE,
                        key_span,
                        &pointer,
                        format!(
                            "restartPolicy: Unsupported value: \"Always\": supported values: {} (restartPolicy is not set and defaults to Always)",
                            quoted_list(allowed)
                        ),
                    )
                    .with_label("restartPolicy defaults to Always")
                    .with_help(
                        "set restartPolicy: OnFailure (retry in the same pod) or Never (a new pod per retry) in the pod template's spec",
                    ),
            );
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;

    #[test]
    fn image_pull_policy_case() {
        let text = deployment("name: app\nimage: app:1\nimagePullPolicy: ifNotPresent");
        assert_eq!(
            only(&text, UNSUPPORTED_VALUE),
            [
                "17:28 imagePullPolicy: Unsupported value: \"ifNotPresent\": supported values: \"Always\", \"IfNotPresent\", \"Never\""
            ]
        );
        let found = super::super::test_support::lint(&text);
        assert_eq!(
            found[found.iter().position(|f| f.rule == UNSUPPORTED_VALUE).unwrap()]
                .help
                .as_deref(),
            Some("did you mean \"IfNotPresent\"? (values are case-sensitive)")
        );
    }

    #[test]
    fn valid_and_empty_values_pass() {
        let text = deployment(
            "name: app\nimage: app:1\nimagePullPolicy: Always\nports:\n  - containerPort: 80\n    protocol: UDP\n  - containerPort: 81\n    protocol: \"\"",
        );
        assert!(only(&text, UNSUPPORTED_VALUE).is_empty());
    }

    #[test]
    fn protocols_and_service_type() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: loadbalancer\n  ports:\n    - port: 80\n      protocol: tcp\n";
        assert_eq!(
            only(text, UNSUPPORTED_VALUE),
            [
                "6:9 type: Unsupported value: \"loadbalancer\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
                "9:17 protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\""
            ]
        );
    }

    #[test]
    fn restart_policy_per_workload() {
        let text =
            deployment("name: app\nimage: app:1").replace("    spec:\n", "    spec:\n      restartPolicy: OnFailure\n");
        assert_eq!(
            only(&text, UNSUPPORTED_VALUE),
            ["14:22 restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""]
        );
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: a:1}]\n";
        assert_eq!(
            only(job, UNSUPPORTED_VALUE),
            [
                "7:5 restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\" (restartPolicy is not set and defaults to Always)"
            ]
        );
        let job_ok = job.replace("    spec:\n", "    spec:\n      restartPolicy: Never\n");
        assert!(only(&job_ok, UNSUPPORTED_VALUE).is_empty());
        let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: always\n          containers: [{name: a, image: a:1}]\n";
        assert_eq!(only(cron, UNSUPPORTED_VALUE).len(), 1);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Never\n  containers: [{name: a, image: a:1}]\n";
        assert!(only(pod, UNSUPPORTED_VALUE).is_empty());
    }

    #[test]
    fn nested_lists_and_hugepages() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  tolerations:\n    - {key: a, operator: exists}\n  volumes:\n    - {name: h, emptyDir: {medium: HugePages-2Mi}}\n    - {name: m, emptyDir: {medium: memory}}\n  containers: [{name: a, image: a:1}]\n";
        let found = only(text, UNSUPPORTED_VALUE);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("7:26 operator"), "{found:?}");
        assert!(found[1].starts_with("10:36 medium"));
    }

    #[test]
    fn non_strings_are_the_schema_rules_business() {
        let text = deployment("name: app\nimage: app:1\nimagePullPolicy: 3");
        assert!(only(&text, UNSUPPORTED_VALUE).is_empty());
    }
}
