//! FG010: Fargate ships logs with awslogs, splunk or awsfirelens; awslogs needs a stream prefix.

use super::{Task, shown};
use crate::finding::{Finding, ids};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in task.containers() {
        let Some(config) = container.get("logConfiguration") else {
            continue;
        };
        let Some(driver) = config.get("logDriver") else {
            continue;
        };
        let pointer = format!("/containerDefinitions/{i}/logConfiguration/logDriver");
        match driver.as_str() {
            Some("awslogs") => {
                let has_prefix = config
                    .get("options")
                    .and_then(|o| o.get("awslogs-stream-prefix"))
                    .is_some();
                if !has_prefix {
                    out.push(
                        task.finding(
                            ids::FG_LOGGING,
                            driver.span,
                            &pointer,
                            "awslogs on Fargate requires the awslogs-stream-prefix option".into(),
                        )
                        .with_label("no awslogs-stream-prefix")
                        .with_help("add \"awslogs-stream-prefix\": \"ecs\" (or the service name) to options"),
                    );
                }
            }
            Some("splunk" | "awsfirelens") => {}
            _ => out.push(
                task.finding(
                    ids::FG_LOGGING,
                    driver.span,
                    &pointer,
                    format!("log driver {} is not supported on Fargate", shown(driver)),
                )
                .with_label("awslogs, splunk or awsfirelens")
                .with_help("use awslogs, splunk, or awsfirelens (FireLens routes to most other destinations)"),
            ),
        }
    }
}
