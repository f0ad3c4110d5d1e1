//! The API JSON outputs read back as one set: each with a name usable as a CloudFormation logical
//! id and a Terraform resource name, and the links between them (a service's task definition, a
//! scalable target's service, a policy's scalable target, a schedule's task definition).

use super::super::outcome::{Output, Role};
use super::placeholders::{Part, capitalize, parts};
use serde_json::Value;
use std::collections::BTreeSet;

/// One API output.
#[derive(Clone, Debug)]
pub struct Piece {
    pub file: String,
    pub role: Role,
    pub object: String,
    pub api: Value,
    /// Lower case words of its name (`["web", "task", "definition"]`), unique in the set.
    pub words: Vec<String>,
}

impl Piece {
    /// The ECS outputs, read back; Kubernetes outputs and files of other forms are not part of
    /// the set.
    pub fn all(outputs: &[Output]) -> Result<Vec<Piece>, String> {
        let mut taken = BTreeSet::new();
        let mut pieces = Vec::new();
        for o in outputs.iter().filter(|o| is_api(o.role)) {
            let api: Value =
                serde_json::from_str(&o.text).map_err(|e| format!("{}: not JSON ({e}), cannot emit it", o.file))?;
            let words = unique(words_of(&o.file), &mut taken);
            pieces.push(Piece {
                file: o.file.clone(),
                role: o.role,
                object: o.object.clone(),
                api,
                words,
            });
        }
        Ok(pieces)
    }

    /// The CloudFormation logical id (`WebTaskDefinition`).
    pub fn logical_id(&self) -> String {
        self.words.iter().map(|w| capitalize(w)).collect()
    }

    /// The Terraform resource name (`web_task_definition`).
    pub fn tf_name(&self) -> String {
        self.words.join("_")
    }

    pub fn str_at(&self, pointer: &str) -> Option<&str> {
        self.api.pointer(pointer).and_then(Value::as_str)
    }
}

fn is_api(role: Role) -> bool {
    matches!(
        role,
        Role::TaskDefinition | Role::Service | Role::ScalableTarget | Role::ScalingPolicy | Role::Schedule
    )
}

/// `web.app-cpu.scaling-policy.json` -> `web app cpu scaling policy`; a name that would start
/// with a digit gets a leading `r` (resource).
fn words_of(file: &str) -> Vec<String> {
    let stem = file.strip_suffix(".json").unwrap_or(file);
    let mut words: Vec<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words
        .first()
        .is_none_or(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    {
        words.insert(0, "r".into());
    }
    // Logical ids are at most 255 characters; Terraform names have no limit worth reaching.
    while words.iter().map(String::len).sum::<usize>() > 200 && words.len() > 1 {
        words.remove(words.len() / 2);
    }
    words
}

/// `words`, or `words` with a number added, whichever no other piece has: `a.b` and `a-b` both
/// read `a b`. Compared without separators, as logical ids are.
fn unique(words: Vec<String>, taken: &mut BTreeSet<String>) -> Vec<String> {
    let mut candidate = words.clone();
    let mut n = 1;
    while !taken.insert(candidate.concat()) {
        n += 1;
        candidate = words.clone();
        candidate.push(n.to_string());
    }
    candidate
}

/// The piece of `role` made from the same input object as `of`, whose `pointer` holds `name`
/// when given.
pub fn linked<'a>(pieces: &'a [Piece], of: &Piece, role: Role, pointer: &str, name: Option<&str>) -> Option<&'a Piece> {
    let same_object = |p: &&Piece| p.role == role && p.object == of.object;
    let named = |p: &&Piece| name.is_none_or(|n| p.str_at(pointer) == Some(n));
    pieces
        .iter()
        .find(|p| same_object(p) && named(p))
        .or_else(|| pieces.iter().find(|p| p.role == role && name.is_some() && named(p)))
}

/// The cluster and service of an Application Auto Scaling resource id (`service/CLUSTER/NAME`).
pub fn service_resource(id: &str) -> Option<(&str, &str)> {
    let rest = id.strip_prefix("service/")?;
    rest.rsplit_once('/')
}

/// The parts of a string: its placeholders, or the text itself.
pub fn parts_or_text(s: &str) -> Vec<Part> {
    parts(s).unwrap_or_else(|| vec![Part::Text(s.to_owned())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(file: &str, role: Role, text: &str) -> Output {
        Output {
            file: file.into(),
            text: text.into(),
            role,
            object: "Deployment/x".into(),
        }
    }

    #[test]
    fn names_are_unique_and_valid() {
        let outs = [
            output("a.b.task-definition.json", Role::TaskDefinition, "{}"),
            output("a-b.task-definition.json", Role::TaskDefinition, "{}"),
            output("9lives.service.json", Role::Service, "{}"),
            output("web.yaml", Role::Kubernetes, "not json"),
        ];
        let pieces = Piece::all(&outs).unwrap();
        let ids: Vec<String> = pieces.iter().map(Piece::logical_id).collect();
        assert_eq!(ids, ["ABTaskDefinition", "ABTaskDefinition2", "R9livesService"]);
        assert_eq!(pieces[1].tf_name(), "a_b_task_definition_2");
        assert!(Piece::all(&[output("x.service.json", Role::Service, "{")]).is_err());
        assert_eq!(
            service_resource("service/CLUSTER_NAME/web"),
            Some(("CLUSTER_NAME", "web"))
        );
    }
}
