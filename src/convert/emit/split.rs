//! Putting CloudFormation resources into templates within CloudFormation's limits (500
//! resources, 200 parameters, 1 MB per template). The rule, stable from run to run: the
//! resources of one input object stay together; objects are taken in output order and a new
//! template is started when the next object would break a limit. One template is named
//! `k2e.template.json`; several are `k2e-1.template.json`, `k2e-2.template.json`, ...

use super::super::outcome::{Output, Role};
use super::Place;
use super::cloudformation::Resource;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const MAX_RESOURCES: usize = 500;
pub const MAX_PARAMETERS: usize = 200;
/// 1 MB less room for the envelope and the parameters' descriptions.
pub const MAX_BYTES: usize = 900_000;

/// The templates, and where each API output went.
pub fn templates(resources: Vec<Resource>) -> (Vec<Output>, BTreeMap<String, Place>) {
    let groups = by_object(resources);
    let mut batches: Vec<Batch> = vec![Batch::default()];
    for group in groups {
        let fits = batches.last().is_some_and(|b| b.fits(&group));
        if !fits && batches.last().is_some_and(|b| !b.resources.is_empty()) {
            batches.push(Batch::default());
        }
        if let Some(b) = batches.last_mut() {
            b.add(group);
        }
    }
    let many = batches.len() > 1;
    let mut outputs = Vec::new();
    let mut places = BTreeMap::new();
    for (i, batch) in batches.into_iter().enumerate() {
        let file = if many {
            format!("k2e-{}.template.json", i + 1)
        } else {
            "k2e.template.json".to_owned()
        };
        for r in &batch.resources {
            let pointer = format!("/Resources/{}/Properties", r.id);
            places.insert(
                r.api_file.clone(),
                Place {
                    file: file.clone(),
                    pointer,
                },
            );
        }
        outputs.push(batch.output(file));
    }
    (outputs, places)
}

/// Resources grouped by input object, in the order the objects first appear; groups whose
/// resources name each other (a scalable target's `Fn::Sub` of its service, a Ref) are one group,
/// as a template cannot name a resource of another template.
fn by_object(resources: Vec<Resource>) -> Vec<Vec<Resource>> {
    let mut group_of: Vec<usize> = Vec::with_capacity(resources.len());
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &resources {
        let next = index.len();
        group_of.push(*index.entry(r.object.as_str()).or_insert(next));
    }
    let mut parent: Vec<usize> = (0..index.len()).collect();
    let ids: BTreeMap<&str, usize> = resources
        .iter()
        .zip(&group_of)
        .map(|(r, &g)| (r.id.as_str(), g))
        .collect();
    for (r, &g) in resources.iter().zip(&group_of) {
        let mut named = Vec::new();
        references(&r.body, &mut named);
        for id in named {
            if let Some(&other) = ids.get(id.as_str()) {
                union(&mut parent, g, other);
            }
        }
    }
    let mut groups: Vec<Vec<Resource>> = Vec::new();
    let mut slot: BTreeMap<usize, usize> = BTreeMap::new();
    for (r, g) in resources.into_iter().zip(group_of) {
        let root = find(&mut parent, g);
        let next = groups.len();
        let i = *slot.entry(root).or_insert(next);
        if i == groups.len() {
            groups.push(Vec::new());
        }
        groups[i].push(r);
    }
    groups
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    // The earlier group is the root, so groups keep the order they first appear in.
    parent[a.max(b)] = a.min(b);
}

/// The names in an `Fn::Sub` string: `${Name}` and `${Name.Attribute}`, not the literal `${!...}`.
fn substituted(text: &str, out: &mut Vec<String>) {
    for part in text.split("${").skip(1) {
        let Some((name, _)) = part.split_once('}') else {
            continue;
        };
        if !name.starts_with('!') {
            out.push(name.split('.').next().unwrap_or(name).to_owned());
        }
    }
}

/// The names a resource body uses: `DependsOn`, `Ref`, `Fn::GetAtt` and `Fn::Sub` targets (parameters
/// among them are not resources and are ignored by the caller).
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("Ref", Value::String(id)) => out.push(id.clone()),
                    ("DependsOn", Value::String(id)) => out.push(id.clone()),
                    ("DependsOn", Value::Array(ids)) => {
                        out.extend(ids.iter().filter_map(Value::as_str).map(str::to_owned))
                    }
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        out.extend(parts.first().and_then(Value::as_str).map(str::to_owned))
                    }
                    ("Fn::Sub", Value::String(text)) => substituted(text, out),
                    ("Fn::Sub", Value::Array(parts)) => {
                        if let Some(text) = parts.first().and_then(Value::as_str) {
                            substituted(text, out);
                        }
                        parts.iter().skip(1).for_each(|v| references(v, out));
                    }
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[derive(Default)]
struct Batch {
    resources: Vec<Resource>,
    params: BTreeMap<String, Value>,
    bytes: usize,
}

impl Batch {
    fn fits(&self, group: &[Resource]) -> bool {
        let mut params = self.params.keys().cloned().collect::<std::collections::BTreeSet<_>>();
        params.extend(group.iter().flat_map(|r| r.params.keys().cloned()));
        self.resources.len() + group.len() <= MAX_RESOURCES
            && params.len() <= MAX_PARAMETERS
            && self.bytes + group.iter().map(size).sum::<usize>() <= MAX_BYTES
    }

    fn add(&mut self, group: Vec<Resource>) {
        for r in group {
            self.bytes += size(&r);
            self.params.extend(r.params.clone());
            self.resources.push(r);
        }
    }

    fn output(self, file: String) -> Output {
        let objects: std::collections::BTreeSet<&str> = self.resources.iter().map(|r| r.object.as_str()).collect();
        let mut template = Map::new();
        template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        let fill = if self.params.is_empty() {
            ""
        } else {
            "; fill in the Parameters"
        };
        let description = format!(
            "Written by k2e convert from {} Kubernetes workload(s){fill}",
            objects.len()
        );
        template.insert("Description".into(), json!(description));
        if !self.params.is_empty() {
            template.insert("Parameters".into(), Value::Object(self.params.into_iter().collect()));
        }
        let resources: Map<String, Value> = self.resources.into_iter().map(|r| (r.id, r.body)).collect();
        template.insert("Resources".into(), Value::Object(resources));
        let text = serde_json::to_string_pretty(&Value::Object(template)).unwrap_or_default() + "\n";
        Output {
            file,
            text,
            role: Role::CloudFormation,
            object: String::new(),
        }
    }
}

/// The size of a resource as written: pretty JSON, three levels deep in the template.
fn size(r: &Resource) -> usize {
    let text = serde_json::to_string_pretty(&r.body).unwrap_or_default();
    text.len() + text.lines().count() * 4 + r.id.len() + 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(object: &str, id: &str, params: &[&str], filler: usize) -> Resource {
        Resource {
            id: id.into(),
            object: object.into(),
            api_file: format!("{id}.json"),
            body: json!({"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "x".repeat(filler)}}),
            params: params
                .iter()
                .map(|p| (p.to_string(), json!({"Type": "String"})))
                .collect(),
        }
    }

    #[test]
    fn one_template_when_it_fits() {
        let (outs, places) = templates(vec![resource("D/a", "A", &["P"], 1), resource("D/a", "B", &[], 1)]);
        assert_eq!(outs.len(), 1);
        assert_eq!(outs[0].file, "k2e.template.json");
        assert_eq!(places["B.json"].pointer, "/Resources/B/Properties");
        let t: Value = serde_json::from_str(&outs[0].text).unwrap();
        assert_eq!(t["Parameters"]["P"]["Type"], "String");
    }

    #[test]
    fn split_by_object_within_the_limits() {
        let many: Vec<Resource> = (0..MAX_RESOURCES + 3)
            .map(|i| resource(&format!("D/{}", i / 2), &format!("R{i}"), &[], 1))
            .collect();
        let (outs, places) = templates(many);
        assert_eq!(outs.len(), 2);
        assert_eq!(outs[1].file, "k2e-2.template.json");
        // 500 is even: objects (two resources each) fill the first template exactly.
        assert_eq!(places["R499.json"].file, "k2e-1.template.json");
        assert_eq!(places["R500.json"].file, "k2e-2.template.json");
        let params: Vec<Resource> = (0..MAX_PARAMETERS + 1)
            .map(|i| resource(&format!("D/{i}"), &format!("R{i}"), &[&format!("P{i}")], 1))
            .collect();
        assert_eq!(templates(params).0.len(), 2);
        let big: Vec<Resource> = (0..3)
            .map(|i| resource(&format!("D/{i}"), &format!("R{i}"), &[], MAX_BYTES / 2))
            .collect();
        let (outs, _) = templates(big);
        assert_eq!(outs.len(), 3);
        assert!(outs.iter().all(|o| o.text.len() < 1_048_576));
    }

    /// The corpus split a scalable target (its HPA's object) from the service it names
    /// (the Deployment's), which cfn-lint rejects (E1019): resources that name each other stay
    /// in one template, whichever objects they come from.
    #[test]
    fn resources_that_name_each_other_stay_together() {
        let mut all: Vec<Resource> = (0..MAX_RESOURCES - 1)
            .map(|i| resource(&format!("D/{i}"), &format!("R{i}"), &[], 1))
            .collect();
        all.push(resource("Deployment/web", "WebService", &[], 1));
        let mut target = resource("HorizontalPodAutoscaler/web", "WebScalableTarget", &[], 1);
        target.body["Properties"]["ResourceId"] = json!({"Fn::Sub": "service/default/${WebService.Name}"});
        let mut policy = resource("HorizontalPodAutoscaler/web", "WebCpuScalingPolicy", &[], 1);
        policy.body["Properties"]["ScalingTargetId"] = json!({"Ref": "WebScalableTarget"});
        all.push(target);
        all.push(policy);
        let (outs, places) = templates(all);
        assert_eq!(outs.len(), 2);
        assert_eq!(places["WebService.json"].file, "k2e-2.template.json");
        assert_eq!(places["WebScalableTarget.json"].file, "k2e-2.template.json");
        assert_eq!(places["WebCpuScalingPolicy.json"].file, "k2e-2.template.json");
    }
}
