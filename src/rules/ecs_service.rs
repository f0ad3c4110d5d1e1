//! ECS services (CreateService input): what Fargate refuses in a service
//! (../shared/reference/aws-facts.md section 1). The task definition is a separate file, so what
//! depends on both (a pinned platform version lower than the task needs, Fargate Spot with a
//! Windows task) is left to the rules' documentation.

use super::Target;
use crate::finding::Finding;
use crate::finding::ids::{self, FG_SERVICE_DAEMON, FG_SERVICE_NETWORK, FG_SERVICE_PLACEMENT, FG_SERVICE_PLATFORM};
use crate::parse::{Document, Entry, Node, NodeKind, Scalar, Span};

/// The capacity providers that are Fargate in every cluster.
const FARGATE_PROVIDERS: &[&str] = &["FARGATE", "FARGATE_SPOT"];

/// Linux platform versions that are retired: ECS refuses new services and tasks on them. 1.3.0 was
/// retired on 2026-06-15 (rules/FG021.yaml `as_of`); 1.0.0 is left out because it is also the
/// one Windows platform version.
const RETIRED_LINUX: &[&str] = &["1.1.0", "1.2.0", "1.3.0"];

/// Platform versions a Fargate service can pin: LATEST, Linux 1.4.0, Windows 1.0.0.
const CURRENT: &[&str] = &["LATEST", "1.4.0", "1.0.0"];

struct Service<'a> {
    file: &'a str,
    doc: &'a Document,
    node: &'a Node,
    object: Option<String>,
}

impl Service<'_> {
    fn finding(&self, rule: &'static str, span: Span, pointer: &str, message: String) -> Finding {
        Finding::at(rule, super::severity(rule), self.file, self.doc, span, message)
            .with_pointer(pointer.to_owned())
            .with_object(self.object.clone())
    }

    /// What makes the service a Fargate one, to anchor findings about a missing field.
    fn anchor(&self) -> Span {
        if let Some(launch) = self.node.get("launchType") {
            return launch.span;
        }
        if let Some(entry) = self.node.entry("capacityProviderStrategy") {
            return entry.key_span;
        }
        self.node
            .entry("serviceName")
            .map_or(Span::new(self.node.span.start, self.node.span.start + 1), |e| {
                e.key_span
            })
    }
}

/// `target` is `--target`: with `auto`, the service's own launchType or capacity providers say
/// whether it runs on Fargate.
pub fn check(file: &str, doc: &Document, service: &Node, name: Option<&str>, target: Target, out: &mut Vec<Finding>) {
    let fargate = match target {
        Target::EcsFargate => true,
        Target::EcsEc2 => false,
        Target::Auto | Target::EksFargate | Target::EksEc2 => declares_fargate(service),
    };
    if !fargate {
        return;
    }
    let service = Service {
        file,
        doc,
        node: service,
        object: name.map(|n| format!("Service/{n}")),
    };
    scheduling_strategy(&service, out);
    placement(&service, out);
    network_configuration(&service, out);
    platform_version(&service, out);
    volume_configurations(&service, out);
}

/// launchType FARGATE, or a capacity provider strategy naming FARGATE or FARGATE_SPOT.
pub fn declares_fargate(service: &Node) -> bool {
    if service.get("launchType").and_then(Node::as_str) == Some("FARGATE") {
        return true;
    }
    service
        .get("capacityProviderStrategy")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.get("capacityProvider").and_then(Node::as_str))
        .any(|p| FARGATE_PROVIDERS.contains(&p))
}

/// What the API reads as "not given": null, false, [], {}.
fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, .. } => matches!(value, Scalar::Null | Scalar::Bool(false)),
        NodeKind::Seq(items) => items.is_empty(),
        NodeKind::Map(entries) => entries.is_empty(),
    }
}

/// FG018: a daemon service places one task per container instance; Fargate has none.
fn scheduling_strategy(service: &Service<'_>, out: &mut Vec<Finding>) {
    let Some(strategy) = service.node.get("schedulingStrategy") else {
        return;
    };
    if strategy.as_str() != Some("DAEMON") {
        return;
    }
    out.push(
        service
            .finding(
                FG_SERVICE_DAEMON,
                strategy.span,
                "/schedulingStrategy",
                "Fargate tasks don't support the DAEMON scheduling strategy: there are no container instances to run one task on each".into(),
            )
            .with_label("not on Fargate")
            .with_help(
                "use \"schedulingStrategy\": \"REPLICA\" with a desiredCount; to run an agent beside each task, add it as a sidecar container in the task definition",
            ),
    );
}

/// FG019: Fargate places tasks itself (spread across Availability Zones).
fn placement(service: &Service<'_>, out: &mut Vec<Finding>) {
    for field in ["placementConstraints", "placementStrategy"] {
        let Some(entry) = service.node.entry(field).filter(|e| !is_empty(&e.value)) else {
            continue;
        };
        out.push(
            service
                .finding(
                    FG_SERVICE_PLACEMENT,
                    entry.key_span,
                    &format!("/{field}"),
                    format!("{field} is not supported for tasks on Fargate: Fargate spreads a service's tasks across Availability Zones itself"),
                )
                .with_label("not on Fargate")
                .with_help(format!(
                    "remove {field}; choose the Availability Zones with the subnets in networkConfiguration.awsvpcConfiguration"
                )),
        );
    }
}

/// FG020: every Fargate task uses awsvpc, and an awsvpc service needs subnets to put its tasks in.
/// With the EXTERNAL deployment controller the network configuration goes in each task set.
fn network_configuration(service: &Service<'_>, out: &mut Vec<Finding>) {
    let controller = service.node.get("deploymentController").and_then(|c| c.get("type"));
    if controller.and_then(Node::as_str) == Some("EXTERNAL") {
        return;
    }
    let help = "add \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-...\"], \"securityGroups\": [\"sg-...\"]}}";
    let Some(network) = service.node.entry("networkConfiguration") else {
        out.push(
            service
                .finding(
                    FG_SERVICE_NETWORK,
                    service.anchor(),
                    "",
                    "no networkConfiguration: Fargate tasks use the awsvpc network mode, and ECS refuses an awsvpc service without awsvpcConfiguration subnets".into(),
                )
                .with_label("needs networkConfiguration")
                .with_help(help),
        );
        return;
    };
    let Some(awsvpc) = network.value.entry("awsvpcConfiguration") else {
        if network.value.as_map().is_some() {
            out.push(
                service
                    .finding(
                        FG_SERVICE_NETWORK,
                        network.key_span,
                        "/networkConfiguration",
                        "networkConfiguration has no awsvpcConfiguration: Fargate tasks use the awsvpc network mode and need subnets".into(),
                    )
                    .with_label("needs awsvpcConfiguration")
                    .with_help(help),
            );
        }
        return;
    };
    let subnets = awsvpc.value.entry("subnets");
    let empty = match subnets {
        None => awsvpc.value.as_map().is_some(),
        Some(s) => s.value.as_seq().is_some_and(<[Node]>::is_empty),
    };
    if empty {
        let span = subnets.map_or(awsvpc.key_span, |s: &Entry| s.key_span);
        out.push(
            service
                .finding(
                    FG_SERVICE_NETWORK,
                    span,
                    "/networkConfiguration/awsvpcConfiguration/subnets",
                    "awsvpcConfiguration has no subnets: ECS cannot place Fargate tasks without at least one subnet".into(),
                )
                .with_label("no subnets")
                .with_help("list the service's subnets (one per Availability Zone to spread across) in awsvpcConfiguration.subnets"),
        );
    }
}

/// FG021: a pinned platform version that Fargate no longer runs (or never had).
fn platform_version(service: &Service<'_>, out: &mut Vec<Finding>) {
    let Some(version) = service.node.get("platformVersion") else {
        return;
    };
    let Some(text) = version.as_str() else {
        return;
    };
    if CURRENT.contains(&text) {
        return;
    }
    let as_of = super::get(FG_SERVICE_PLATFORM)
        .and_then(|r| r.as_of.clone())
        .map_or_else(String::new, |d| format!(" (platform versions as of {d})"));
    let message = if RETIRED_LINUX.contains(&text) {
        format!("Fargate Linux platform version {text} is retired: ECS starts no new tasks or services on it{as_of}")
    } else {
        format!("\"{text}\" is not a Fargate platform version{as_of}")
    };
    out.push(
        service
            .finding(FG_SERVICE_PLATFORM, version.span, "/platformVersion", message)
            .with_label("not a current platform version")
            .with_help(
                "use \"LATEST\" (Linux 1.4.0, Windows 1.0.0) or pin \"1.4.0\"; EFS, EBS, SYS_PTRACE, pidMode task, ephemeral storage above 20 GiB and 8 or 16 vCPU need 1.4.0",
            ),
    );
}

/// FG017 (service side): a service attaches at most one EBS volume to each task.
fn volume_configurations(service: &Service<'_>, out: &mut Vec<Finding>) {
    let Some(configs) = service.node.get("volumeConfigurations").and_then(Node::as_seq) else {
        return;
    };
    for (i, config) in configs.iter().enumerate().skip(1) {
        let span = config.get("name").map_or(config.span, |n| n.span);
        out.push(
            service
                .finding(
                    ids::FG_EBS,
                    span,
                    &format!("/volumeConfigurations/{i}"),
                    format!(
                        "{} volume configurations: ECS attaches one EBS volume per task, to the one task definition volume configured at launch",
                        configs.len()
                    ),
                )
                .with_label("more than one volume configuration")
                .with_help("keep one entry in volumeConfigurations; use EFS volumes in the task definition for more shared storage"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, json};

    fn findings(text: &str, target: Target) -> Vec<Finding> {
        let d = json(text, 0, &Limits::default());
        let mut out = Vec::new();
        if let Some(root) = d.root.as_ref() {
            check("s.json", &d, root, Some("web"), target, &mut out);
        }
        out
    }

    fn rules(text: &str) -> Vec<&'static str> {
        findings(text, Target::Auto).iter().map(|f| f.rule).collect()
    }

    const NET: &str = r#""networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}"#;

    #[test]
    fn only_fargate_services_are_checked() {
        let ec2 =
            r#"{"serviceName": "web", "taskDefinition": "web", "launchType": "EC2", "schedulingStrategy": "DAEMON"}"#;
        assert!(rules(ec2).is_empty());
        assert_eq!(findings(ec2, Target::EcsFargate).len(), 2);
        let custom = r#"{"serviceName": "web", "taskDefinition": "web", "capacityProviderStrategy": [{"capacityProvider": "my-asg"}], "placementStrategy": [{"type": "binpack", "field": "memory"}]}"#;
        assert!(rules(custom).is_empty());
        let spot = custom.replace("my-asg", "FARGATE_SPOT");
        assert_eq!(rules(&spot), ["FG019", "FG020"]);
        let fargate = format!(
            r#"{{"serviceName": "web", "taskDefinition": "web", "launchType": "FARGATE", "placementConstraints": [{{"type": "distinctInstance"}}], {NET}}}"#
        );
        assert!(findings(&fargate, Target::EcsEc2).is_empty());
        assert_eq!(rules(&fargate), ["FG019"]);
    }

    #[test]
    fn empty_placement_and_replica_pass() {
        let text = format!(
            r#"{{"serviceName": "web", "taskDefinition": "web", "launchType": "FARGATE", "schedulingStrategy": "REPLICA", "placementConstraints": [], "placementStrategy": null, "platformVersion": "LATEST", {NET}}}"#
        );
        assert!(rules(&text).is_empty(), "{:#?}", findings(&text, Target::Auto));
    }

    #[test]
    fn network_configuration_shapes() {
        let base = r#""serviceName": "web", "taskDefinition": "web", "launchType": "FARGATE""#;
        for (net, pointer) in [
            ("", ""),
            (r#", "networkConfiguration": {}"#, "/networkConfiguration"),
            (
                r#", "networkConfiguration": {"awsvpcConfiguration": {"assignPublicIp": "ENABLED"}}"#,
                "/networkConfiguration/awsvpcConfiguration/subnets",
            ),
            (
                r#", "networkConfiguration": {"awsvpcConfiguration": {"subnets": []}}"#,
                "/networkConfiguration/awsvpcConfiguration/subnets",
            ),
        ] {
            let found = findings(&format!("{{{base}{net}}}"), Target::Auto);
            assert_eq!(found.len(), 1, "{net}");
            assert_eq!(found[0].pointer.as_deref(), Some(pointer), "{net}");
        }
        let external = format!(r#"{{{base}, "deploymentController": {{"type": "EXTERNAL"}}}}"#);
        assert!(findings(&external, Target::Auto).is_empty());
        // Wrong types are the schema's business.
        for net in [
            r#", "networkConfiguration": 3"#,
            r#", "networkConfiguration": {"awsvpcConfiguration": "x"}"#,
            r#", "networkConfiguration": {"awsvpcConfiguration": {"subnets": "subnet-1"}}"#,
        ] {
            assert!(findings(&format!("{{{base}{net}}}"), Target::Auto).is_empty(), "{net}");
        }
    }

    #[test]
    fn platform_versions() {
        let with = |v: &str| {
            format!(
                r#"{{"serviceName": "web", "taskDefinition": "web", "launchType": "FARGATE", "platformVersion": {v}, {NET}}}"#
            )
        };
        for ok in [r#""LATEST""#, r#""1.4.0""#, r#""1.0.0""#, "1.3"] {
            assert!(rules(&with(ok)).is_empty(), "{ok}");
        }
        let retired = findings(&with(r#""1.3.0""#), Target::Auto);
        assert!(retired[0].message.contains("retired"), "{}", retired[0].message);
        let unknown = findings(&with(r#""1.5.0""#), Target::Auto);
        assert!(unknown[0].message.contains("not a Fargate platform version"));
    }

    #[test]
    fn second_volume_configuration() {
        let text = format!(
            r#"{{"serviceName": "web", "taskDefinition": "web", "launchType": "FARGATE", {NET}, "volumeConfigurations": [{{"name": "a"}}, {{"name": "b"}}, 7]}}"#
        );
        let found = findings(&text, Target::Auto);
        let pointers: Vec<_> = found.iter().filter_map(|f| f.pointer.as_deref()).collect();
        assert_eq!(pointers, ["/volumeConfigurations/1", "/volumeConfigurations/2"]);
        assert!(found.iter().all(|f| f.rule == "FG017"));
    }
}
