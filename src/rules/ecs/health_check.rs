//! ECS019: a container health check ECS refuses (values out of range) or that cannot pass as
//! written (a command that is not in `CMD`/`CMD-SHELL` form, a `CMD-SHELL` split into words).

use super::{Task, containers, describe, finding, int};
use crate::finding::Finding;
use crate::finding::ids::HEALTH_CHECK;
use crate::parse::Node;

/// (field, min, max, default) in seconds or attempts, from the HealthCheck API reference.
const RANGES: &[(&str, i64, i64, &str)] = &[
    ("interval", 5, 300, "30"),
    ("timeout", 2, 60, "5"),
    ("retries", 1, 10, "3"),
    ("startPeriod", 0, 300, "off"),
];

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in containers(task) {
        let Some(health) = container.get("healthCheck") else {
            continue;
        };
        if health.as_map().is_none() {
            continue;
        }
        let base = format!("/containerDefinitions/{i}/healthCheck");
        for (field, min, max, default) in RANGES {
            let Some(value) = health.get(field) else { continue };
            let Some(v) = int(value) else { continue };
            if (*min..=*max).contains(&v) {
                continue;
            }
            out.push(
                finding(
                    task,
                    HEALTH_CHECK,
                    value.span,
                    &format!("{base}/{field}"),
                    format!(
                        "healthCheck {field} {v} of {} is outside {min}-{max}",
                        describe(i, container)
                    ),
                )
                .with_label(format!("{min}-{max}"))
                .with_help(format!("use {min}-{max} (default {default}), or leave {field} out")),
            );
        }
        if let Some(command) = health.get("command") {
            command_form(task, out, command, &base, &describe(i, container));
        }
    }
}

fn command_form(task: &Task<'_>, out: &mut Vec<Finding>, command: &Node, base: &str, who: &str) {
    let Some(words) = command.as_seq() else { return };
    let pointer = format!("{base}/command");
    // An empty list inherits the image's HEALTHCHECK, as in Docker.
    let Some(first) = words.first() else { return };
    let Some(kind) = first.as_str() else { return };
    match kind {
        "CMD" | "NONE" => {}
        "CMD-SHELL" if words.len() > 2 => {
            let Some(extra) = words.get(2) else { return };
            let joined: Vec<String> = words[1..].iter().filter_map(Node::scalar_text).collect();
            out.push(
                finding(
                    task,
                    HEALTH_CHECK,
                    extra.span,
                    &format!("{pointer}/2"),
                    format!(
                        "healthCheck of {who}: CMD-SHELL passes only its first word to the shell (sh -c); the rest \
                         become $0, $1, ... and the check runs without its arguments"
                    ),
                )
                .with_label("not passed to the command")
                .with_help(format!(
                    "write the shell command as one string: [\"CMD-SHELL\", {:?}], or use [\"CMD\", ...] with separate \
                     words",
                    joined.join(" ")
                )),
            );
        }
        "CMD-SHELL" => {}
        other => {
            let shell = command
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect::<Vec<_>>()
                .join(" ");
            out.push(
                finding(
                    task,
                    HEALTH_CHECK,
                    first.span,
                    &format!("{pointer}/0"),
                    format!(
                        "healthCheck command of {who} starts with {other:?}: it must start with \"CMD\" (run the \
                         words directly) or \"CMD-SHELL\" (run one string with the shell)"
                    ),
                )
                .with_label("not CMD or CMD-SHELL")
                .with_help(format!("write [\"CMD-SHELL\", {shell:?}]")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::check;

    #[test]
    fn ranges() {
        let text = r#"{"family": "f", "containerDefinitions": [{"name": "a", "image": "a:1", "healthCheck": {
  "command": ["CMD", "true"],
  "interval": 1,
  "timeout": 60,
  "retries": 0,
  "startPeriod": 301
}}]}"#;
        assert_eq!(at(&run(check, text)), ["3:15", "5:14", "6:18"]);
    }

    #[test]
    fn command_forms() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "a", "image": "a:1", "healthCheck": {"command": ["curl -f http://localhost/ || exit 1"]}},
  {"name": "b", "image": "b:1", "healthCheck": {"command": ["CMD-SHELL", "curl", "-f", "http://localhost/"]}},
  {"name": "c", "image": "c:1", "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}},
  {"name": "d", "image": "d:1", "healthCheck": {"command": ["CMD", "curl", "-f", "http://localhost/"]}},
  {"name": "e", "image": "e:1", "healthCheck": {"command": []}},
  {"name": "f", "image": "f:1", "healthCheck": {"command": ["NONE"]}}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:61", "3:82"]);
        assert_eq!(
            found[1].help.as_deref(),
            Some(
                "write the shell command as one string: [\"CMD-SHELL\", \"curl -f http://localhost/\"], or use [\"CMD\", ...] with separate words"
            )
        );
    }
}
