//! ECS environment, secrets and environment files -> env and envFrom. Secrets become
//! secretKeyRef/configMapKeyRef by the ARN patterns; no value is ever copied.

use super::Cx;
use crate::convert::cursor::At;
use crate::convert::references::key_ref;
use crate::convert::value::{Map, Value};
use crate::convert_map;

pub fn environment(cx: &mut Cx<'_>, at: &At<'_>, env: &mut Vec<Value>, prefix: &str) {
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    for item in at.items() {
        let Some(name) = item.get("name").and_then(|n| n.text()) else {
            cx.ledger.invalid(&item, "a variable with a name");
            continue;
        };
        let value = item.get("value").and_then(|v| v.text()).unwrap_or_default();
        cx.ledger.mapped(&item, format!("{prefix}/env/{}", env.len()));
        env.push(Value::Map(convert_map! {"name" => name, "value" => value}));
    }
}

pub fn secrets(cx: &mut Cx<'_>, at: &At<'_>, env: &mut Vec<Value>, prefix: &str) {
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    for item in at.items() {
        let name = item.get("name").and_then(|n| n.text());
        let from = item.get("valueFrom").and_then(|v| v.text());
        let (Some(name), Some(from)) = (name, from) else {
            cx.ledger.invalid(&item, "a secret with name and valueFrom");
            continue;
        };
        let r = key_ref(cx.opts, &from, &name);
        let selector = if r.kind == crate::convert::references::RefKind::Secret {
            "secretKeyRef"
        } else {
            "configMapKeyRef"
        };
        let to = format!("{prefix}/env/{}/valueFrom/{selector}", env.len());
        if r.exact {
            cx.ledger.mapped(&item, to.clone());
        } else {
            cx.ledger.approx(
                &item,
                to.clone(),
                format!(
                    "the ARN does not follow --secret-arn/--config-map-arn with this region and account: read as {} {} key {}",
                    r.kind.kind(),
                    r.name,
                    r.key
                ),
            );
        }
        cx.ledger.added(
            to,
            format!(
                "the {} {} must hold key {} (the value stored at {from}); k2e copies no values",
                r.kind.kind(),
                r.name,
                r.key
            ),
        );
        env.push(Value::Map(convert_map! {
            "name" => name,
            "valueFrom" => convert_map!{selector => convert_map!{"name" => r.name, "key" => r.key}},
        }));
    }
}

pub fn environment_files(cx: &mut Cx<'_>, at: &At<'_>, m: &mut Map, prefix: &str) {
    for item in at.items() {
        let Some(value) = item.get("value").and_then(|v| v.str()) else {
            cx.ledger.invalid(&item, "an environment file with a value");
            continue;
        };
        let file = value.rsplit('/').next().unwrap_or(value);
        let name = crate::convert::names::dns_subdomain(file.trim_end_matches(".env"));
        let j = m.get("envFrom").and_then(Value::as_list).map_or(0, <[Value]>::len);
        m.list_mut("envFrom").push(Value::Map(
            convert_map! {"configMapRef" => convert_map!{"name" => name.clone()}},
        ));
        cx.ledger.approx(
            &item,
            format!("{prefix}/envFrom/{j}"),
            format!("Kubernetes reads no environment files from S3: a ConfigMap {name} stands for {value}"),
        );
        cx.ledger.added(
            format!("{prefix}/envFrom/{j}"),
            format!("create it from the file: kubectl create configmap {name} --from-env-file={file}"),
        );
    }
}
