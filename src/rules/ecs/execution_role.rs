//! ECS018: a task definition without `executionRoleArn` that needs the ECS agent to call AWS on its
//! behalf (secrets, private registry credentials, environment files; on Fargate, external and
//! Managed Instances also ECR pulls and awslogs, which on EC2 use the instance role).

use super::{Task, containers, describe, finding, items, requires};
use crate::finding::Finding;
use crate::finding::ids::EXECUTION_ROLE;
use crate::parse::Span;

/// Something in the task definition that needs the execution role.
struct Need {
    span: Span,
    pointer: String,
    what: String,
}

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    match task.node.get("executionRoleArn") {
        Some(role) if role.as_str().is_some_and(|r| !r.trim().is_empty()) => return,
        // Another type is the schema rules' finding.
        Some(role) if role.as_str().is_none() && !role.to_json().is_null() => return,
        _ => {}
    }
    let needs = needs(task);
    let Some(first) = needs.first() else { return };
    let what: Vec<&str> = needs.iter().map(|n| n.what.as_str()).collect();
    let quote = if first.what.starts_with("secrets") {
        " (\"When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.\")"
    } else if first.what.starts_with("awslogs") && requires(task, "FARGATE") {
        " (\"Fargate requires task definition to have execution role ARN to support log driver awslogs.\")"
    } else if first.what.starts_with("an Amazon ECR image") && requires(task, "FARGATE") {
        " (\"Fargate requires task definition to have execution role ARN to support ECR images.\")"
    } else {
        ""
    };
    let mut f = finding(
        task,
        EXECUTION_ROLE,
        first.span,
        &first.pointer,
        format!(
            "no executionRoleArn, but the task needs one for {}: ECS uses the execution role to pull images, send \
             logs and fetch secrets before the containers start{quote}",
            what.join("; ")
        ),
    )
    .with_label("needs the task execution role")
    .with_help(
        "add \"executionRoleArn\": \"arn:aws:iam::<account>:role/ecsTaskExecutionRole\" (a role trusted by \
         ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy, plus read access to the secrets, parameters \
         or S3 objects used)",
    );
    for need in needs.iter().skip(1).take(5) {
        f = f.with_related(task.doc, need.span, format!("also needs it: {}", need.what));
    }
    out.push(f);
}

fn needs(task: &Task<'_>) -> Vec<Need> {
    // The Fargate agent, and on external and Managed Instances the ECS agent, pull from ECR and
    // write to CloudWatch Logs with the execution role; on EC2 the instance role does it.
    let hosted = ["FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]
        .into_iter()
        .find(|t| requires(task, t));
    let mut needs = Vec::new();
    for (i, container) in containers(task) {
        let who = describe(i, container);
        let base = format!("/containerDefinitions/{i}");
        let mut add = |span: Span, pointer: String, what: String| needs.push(Need { span, pointer, what });
        if let Some(e) = container.entry("secrets").filter(|e| !items(Some(&e.value)).is_empty()) {
            add(e.key_span, format!("{base}/secrets"), format!("secrets in {who}"));
        }
        if let Some(e) = container
            .entry("repositoryCredentials")
            .filter(|e| e.value.as_map().is_some())
        {
            add(
                e.key_span,
                format!("{base}/repositoryCredentials"),
                format!("private registry credentials (repositoryCredentials) in {who}"),
            );
        }
        if let Some(e) = container
            .entry("environmentFiles")
            .filter(|e| !items(Some(&e.value)).is_empty())
        {
            add(
                e.key_span,
                format!("{base}/environmentFiles"),
                format!("environment files from S3 in {who}"),
            );
        }
        let log = container.get("logConfiguration");
        if let Some(e) = log
            .and_then(|l| l.entry("secretOptions"))
            .filter(|e| !items(Some(&e.value)).is_empty())
        {
            add(
                e.key_span,
                format!("{base}/logConfiguration/secretOptions"),
                format!("log driver secretOptions in {who}"),
            );
        }
        let Some(launch_type) = hosted else { continue };
        let launch_type = match launch_type {
            "FARGATE" => "Fargate",
            "EXTERNAL" => "external instances",
            _ => "Managed Instances",
        };
        if let Some(driver) = log
            .and_then(|l| l.get("logDriver"))
            .filter(|d| d.as_str() == Some("awslogs"))
        {
            add(
                driver.span,
                format!("{base}/logConfiguration/logDriver"),
                format!("awslogs on {launch_type} in {who}"),
            );
        }
        if let Some(image) = container
            .get("image")
            .filter(|i| i.as_str().is_some_and(is_private_ecr))
        {
            add(
                image.span,
                format!("{base}/image"),
                format!("an Amazon ECR image pulled on {launch_type} in {who}"),
            );
        }
    }
    needs.sort_by_key(|n| n.span.start);
    needs
}

/// `<account>.dkr.ecr.<region>.amazonaws.com/...` (and the FIPS and China endpoints). ECR Public
/// (`public.ecr.aws`) needs no credentials.
fn is_private_ecr(image: &str) -> bool {
    // An unrendered template is no known registry yet, as for every rule that reads an image.
    if crate::model::placeholder::is_placeholder(image) {
        return false;
    }
    let host = image.trim().split('/').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    (host.contains(".dkr.ecr.") || host.contains(".dkr.ecr-fips."))
        && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::{check, is_private_ecr};

    #[test]
    fn ecr_hosts() {
        assert!(is_private_ecr("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"));
        assert!(is_private_ecr("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web"));
        assert!(is_private_ecr(
            "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/web:1"
        ));
        assert!(!is_private_ecr("public.ecr.aws/nginx/nginx:1"));
        assert!(!is_private_ecr("nginx:1"));
        // Unrendered templates name no registry yet (model::placeholder).
        assert!(!is_private_ecr("${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:1"));
        assert!(!is_private_ecr(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/{{ .app }}"
        ));
        assert!(!is_private_ecr(
            "example.com/123456789012.dkr.ecr.us-east-1.amazonaws.com"
        ));
    }

    #[test]
    fn secrets_need_a_role_on_any_launch_type() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "web", "image": "w:1", "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/db"}]}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:35"]);
        assert!(
            found[0]
                .message
                .contains("you must also specify a value for 'executionRoleArn'")
        );
        let with_role = text.replace(
            r#""family": "f","#,
            r#""family": "f", "executionRoleArn": "arn:aws:iam::1:role/x","#,
        );
        assert!(run(check, &with_role).is_empty());
        let blank_role = text.replace(r#""family": "f","#, r#""family": "f", "executionRoleArn": "","#);
        assert_eq!(run(check, &blank_role).len(), 1);
    }

    #[test]
    fn ecr_and_awslogs_need_it_on_fargate_only() {
        let text = r#"{"family": "f", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [
  {"name": "web", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
   "logConfiguration": {"logDriver": "awslogs", "options": {}}}
]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["2:28"]);
        assert_eq!(found[0].related.len(), 1);
        assert!(
            found[0].message.contains("to support ECR images"),
            "{}",
            found[0].message
        );
        let ec2 = text.replace(r#"["FARGATE"]"#, r#"["EC2"]"#);
        assert!(run(check, &ec2).is_empty());
        let external = text.replace(r#"["FARGATE"]"#, r#"["EXTERNAL"]"#);
        let found = run(check, &external);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("awslogs on external instances"),
            "{}",
            found[0].message
        );
        assert!(!found[0].message.contains("Fargate requires"));
    }

    #[test]
    fn empty_lists_need_nothing() {
        let text = r#"{"family": "f", "containerDefinitions": [
  {"name": "web", "image": "w:1", "secrets": [], "environmentFiles": [], "logConfiguration": {"logDriver": "awslogs", "secretOptions": []}}
]}"#;
        assert!(run(check, text).is_empty());
    }
}
