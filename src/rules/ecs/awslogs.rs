//! ECS013: the awslogs log driver needs a log group and a region. (The stream prefix, required
//! on Fargate only, is FG010's.)

use super::{Task, containers, describe, finding};
use crate::finding::Finding;
use crate::finding::ids::AWSLOGS_OPTIONS;

const REQUIRED: &[&str] = &["awslogs-group", "awslogs-region"];

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in containers(task) {
        let Some(config) = container.entry("logConfiguration") else {
            continue;
        };
        if config.value.get("logDriver").and_then(|d| d.as_str()) != Some("awslogs") {
            continue;
        }
        let options = config.value.entry("options");
        if options.is_some_and(|o| o.value.as_map().is_none() && !is_null(&o.value)) {
            continue;
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|k| {
                // Present with another type is the schema rules' finding.
                options
                    .and_then(|o| o.value.get(k))
                    .is_none_or(|v| v.to_json().is_null() || v.as_str().is_some_and(|v| v.trim().is_empty()))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let (span, pointer) = match options {
            Some(o) => (
                o.key_span,
                format!("/containerDefinitions/{i}/logConfiguration/options"),
            ),
            None => (config.key_span, format!("/containerDefinitions/{i}/logConfiguration")),
        };
        let family = task.node.get("family").and_then(|f| f.as_str()).unwrap_or("<family>");
        let example: Vec<String> = missing
            .iter()
            .map(|k| match *k {
                "awslogs-group" => format!("\"awslogs-group\": \"/ecs/{family}\""),
                _ => "\"awslogs-region\": \"<region of the log group>\"".to_owned(),
            })
            .collect();
        out.push(
            finding(
                task,
                AWSLOGS_OPTIONS,
                span,
                &pointer,
                format!(
                    "{} uses the awslogs log driver without {}: ECS refuses it (\"Log driver awslogs requires \
                     options: awslogs-region, awslogs-group\")",
                    describe(i, container),
                    missing.join(" and ")
                ),
            )
            .with_label(format!("no {}", missing.join(", ")))
            .with_help(format!(
                "add {} to the options; the log group must exist, or set \"awslogs-create-group\": \"true\" and allow \
                 logs:CreateLogGroup",
                example.join(", ")
            )),
        );
    }
}

fn is_null(node: &crate::parse::Node) -> bool {
    node.to_json().is_null()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn missing_options_are_reported_on_the_options_key() {
        let text = r#"{"family": "web", "containerDefinitions": [
  {"name": "a", "image": "a:1", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}},
  {"name": "b", "image": "b:1", "logConfiguration": {"logDriver": "awslogs"}},
  {"name": "c", "image": "c:1", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g", "awslogs-region": "eu-west-1"}}},
  {"name": "d", "image": "d:1", "logConfiguration": {"logDriver": "json-file"}},
  {"name": "e", "image": "e:1", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "", "awslogs-region": "eu-west-1"}}}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:78", "3:33", "6:78"]);
        assert!(
            found[0].message.contains("without awslogs-region:"),
            "{}",
            found[0].message
        );
        assert!(found[1].message.contains("without awslogs-group and awslogs-region"));
        assert!(found[1].help.as_deref().unwrap_or_default().contains("\"/ecs/web\""));
    }

    #[test]
    fn odd_options_are_left_to_the_schema_rules() {
        let text = r#"{"family": "web", "containerDefinitions": [
  {"name": "a", "image": "a:1", "logConfiguration": {"logDriver": "awslogs", "options": "x"}},
  {"name": "b", "image": "b:1", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g", "awslogs-region": 1}}}
]}"#;
        assert!(run(check, text).is_empty());
    }
}
