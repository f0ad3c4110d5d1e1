//! The AWS provider's shape of the API inputs: snake_case names, a few names of its own
//! (`volumes` -> `volume`, `serviceName` -> `name`), and blocks it flattens (the service's
//! deployment configuration, the awsvpc configuration) or turns into maps (tags).

use super::keys::{holds_data, snake};
use serde_json::{Map, Value};

/// The provider's names that are not the API's in snake_case.
const RENAMED: &[(&str, &str)] = &[
    ("serviceName", "name"),
    ("PolicyName", "name"),
    ("volumes", "volume"),
    ("loadBalancers", "load_balancer"),
    ("loadBalancerName", "elb_name"),
    ("placementStrategy", "ordered_placement_strategy"),
    ("services", "service"),
    ("clientAliases", "client_alias"),
    ("secretOptions", "secret_option"),
    ("configuredAtLaunch", "configure_at_launch"),
    ("inferenceAccelerators", "inference_accelerator"),
    ("volumeConfigurations", "volume_configuration"),
    ("maximumPercent", "deployment_maximum_percent"),
    ("minimumHealthyPercent", "deployment_minimum_healthy_percent"),
];

/// The provider's name of an API key.
pub fn key(api: &str) -> String {
    match RENAMED.iter().find(|(a, _)| *a == api) {
        Some((_, name)) => (*name).to_owned(),
        None => snake(api),
    }
}

/// An API input in the provider's shape, its links and placeholders not yet resolved.
pub fn shape(api: &Value) -> Value {
    let mut v = names(api);
    if let Value::Object(map) = &mut v {
        reshape(map);
    }
    v
}

fn names(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "clientToken" | "ClientToken"))
                .map(|(k, v)| (key(k), if holds_data(k) { v.clone() } else { names(v) }))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(names).collect()),
        other => other.clone(),
    }
}

/// The provider's own structure, everywhere in a resource.
fn reshape(map: &mut Map<String, Value>) {
    if let Some(Value::Object(deployment)) = map.remove("deployment_configuration") {
        map.extend(deployment);
    }
    if let Some(Value::Object(network)) = map.get_mut("network_configuration") {
        if let Some(Value::Object(awsvpc)) = network.remove("awsvpc_configuration") {
            network.extend(awsvpc);
        }
        if let Some(ip) = network.get_mut("assign_public_ip") {
            *ip = Value::Bool(ip.as_str() == Some("ENABLED"));
        }
    }
    if let Some(Value::Object(host)) = map.remove("host") {
        if let Some(path) = host.get("source_path") {
            map.insert("host_path".into(), path.clone());
        }
    }
    for k in ["tags", "properties"] {
        if let Some(Value::Array(items)) = map.get(k) {
            let as_map = pairs(items);
            map.insert(k.into(), Value::Object(as_map));
        }
    }
    if let Some(Value::Array(items)) = map.get("service_registries") {
        if let [one] = items.as_slice() {
            let one = one.clone();
            map.insert("service_registries".into(), one);
        }
    }
    for (k, child) in map.iter_mut() {
        if holds_data(k) || k == "tags" || k == "properties" {
            continue;
        }
        match child {
            Value::Object(m) => reshape(m),
            Value::Array(items) => items.iter_mut().filter_map(Value::as_object_mut).for_each(reshape),
            _ => {}
        }
    }
}

/// `[{key, value}]` (or `name`/`value`, any case) as a map.
fn pairs(items: &[Value]) -> Map<String, Value> {
    let field = |item: &Value, names: &[&str]| {
        names
            .iter()
            .find_map(|n| item.get(*n))
            .cloned()
            .unwrap_or(Value::String(String::new()))
    };
    items
        .iter()
        .filter_map(|item| {
            let k = field(item, &["key", "name"]);
            Some((k.as_str()?.to_owned(), field(item, &["value"])))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn service_in_the_provider_shape() {
        let api = json!({"serviceName": "web", "desiredCount": 2,
            "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100},
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"], "assignPublicIp": "DISABLED"}},
            "loadBalancers": [{"targetGroupArn": "t", "containerPort": 80}],
            "tags": [{"key": "team", "value": "a"}]});
        assert_eq!(
            shape(&api),
            json!({"name": "web", "desired_count": 2, "deployment_maximum_percent": 200,
                "deployment_minimum_healthy_percent": 100,
                "network_configuration": {"subnets": ["s"], "assign_public_ip": false},
                "load_balancer": [{"target_group_arn": "t", "container_port": 80}],
                "tags": {"team": "a"}})
        );
        let td =
            json!({"volumes": [{"name": "v", "host": {"sourcePath": "/x"}}], "ephemeralStorage": {"sizeInGiB": 30}});
        assert_eq!(
            shape(&td),
            json!({"volume": [{"name": "v", "host_path": "/x"}], "ephemeral_storage": {"size_in_gib": 30}})
        );
    }
}
