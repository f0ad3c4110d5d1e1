//! ECS012: a secret written in plain text in a container's `environment`.
//!
//! The value is never echoed: not in the message, and the finding carries no source snippet, so
//! CI logs do not repeat what the task definition leaks.

use super::{Task, containers, describe, finding, items};
use crate::finding::Finding;
use crate::finding::ids::PLAINTEXT_SECRET;

/// What secret-bearing variable names contain, once upper-cased and stripped of `_`, `-` and `.`.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
];

/// Last words of names that hold something about a secret rather than the secret itself:
/// where it is (`DB_PASSWORD_FILE`, `API_TOKEN_URL`, `SECRET_ARN`), what it is called or how it
/// behaves (`SECRET_NAME`, `TOKEN_TTL`), or an identifier that is not secret (`ACCESS_KEY_ID`).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "ARN",
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "ID",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "REGION",
    "TTL",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "TIMEOUT",
    "LENGTH",
    "SIZE",
    "TYPE",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "HEADER",
    "PARAMETER",
    "PARAM",
    "VERSION",
    "ALGORITHM",
    "FORMAT",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
];

pub fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    for (i, container) in containers(task) {
        for (j, variable) in items(container.get("environment")).iter().enumerate() {
            let (Some(name), Some(value)) = (variable.get("name"), variable.get("value")) else {
                continue;
            };
            let (Some(name_text), Some(value_text)) = (name.as_str(), value.as_str()) else {
                continue;
            };
            if !secret_name(name_text) || !literal_value(value_text) {
                continue;
            }
            let mut f = finding(
                task,
                PLAINTEXT_SECRET,
                name.span,
                &format!("/containerDefinitions/{i}/environment/{j}"),
                format!(
                    "{} sets {name_text} in plain text: anyone allowed DescribeTaskDefinition can read it",
                    describe(i, container)
                ),
            )
            .with_label("secret in plain text")
            .with_help(help(name_text));
            f.snippet = None;
            out.push(f);
        }
    }
}

fn help(name: &str) -> String {
    let mut help = format!(
        "move it to \"secrets\": {{\"name\": {name:?}, \"valueFrom\": \"<Secrets Manager secret or SSM parameter \
         ARN>\"}} and give the execution role read access to it"
    );
    if name.to_ascii_uppercase().starts_with("AWS_") {
        help.push_str("; for AWS credentials, give the task a taskRoleArn instead of access keys");
    }
    help
}

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last().copied().unwrap_or_default();
    let squashed: String = upper.chars().filter(char::is_ascii_alphanumeric).collect();
    // `DB_PASS`, `REDIS_PWD`; but not `PASS_THROUGH`, nor `PWD` (the working directory).
    let short_form = words.len() > 1 && matches!(last, "PASS" | "PWD");
    if !short_form && !SECRET_WORDS.iter().any(|w| squashed.contains(w)) {
        return false;
    }
    // `MAX_TOKENS`, `TOKENIZER`: counts and tools, not credentials.
    let plural_or_tool = words.iter().any(|w| matches!(*w, "TOKENS" | "TOKENIZER" | "SECRETS"));
    !NOT_SECRET_SUFFIXES.contains(&last) && !plural_or_tool
}

/// A value that is the secret itself: not empty, not a reference to where it is kept, not an
/// unrendered template, not a switch.
fn literal_value(value: &str) -> bool {
    let v = value.trim();
    let reference = [
        "arn:",
        "{{",
        "${",
        "$(",
        "<",
        "ssm:",
        "secretsmanager:",
        "/run/secrets/",
        "file://",
        "s3://",
    ];
    let switch = matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "none" | "null"
    );
    !v.is_empty()
        && !switch
        && !reference
            .iter()
            .any(|r| v.starts_with(r) || (r.len() > 2 && v.contains(r)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, run};
    use super::{check, literal_value, secret_name};

    #[test]
    fn names() {
        for yes in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "POSTGRES_PASSWD",
            "SECRET_KEY",
            "DJANGO_SECRET_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "api-key",
            "STRIPE_APIKEY",
            "DD_API_KEY",
            "JWT_PRIVATE_KEY",
            "client.secret",
            "DB_PASS",
            "AMQP_PASS",
            "REDIS_PWD",
        ] {
            assert!(secret_name(yes), "{yes}");
        }
        for no in [
            "PWD",
            "PASS_THROUGH",
            "DB_HOST",
            "PASSWORD_FILE",
            "DB_PASSWORD_PATH",
            "SECRET_ARN",
            "SECRET_NAME",
            "TOKEN_URL",
            "TOKEN_TTL",
            "AWS_ACCESS_KEY_ID",
            "MAX_TOKENS",
            "SECRETS_MANAGER_REGION",
            "AWS_SECRETS_MANAGER_SECRET_ID",
        ] {
            assert!(!secret_name(no), "{no}");
        }
    }

    #[test]
    fn values() {
        for yes in ["password", "hunter2", "sk_live_abc", "1234"] {
            assert!(literal_value(yes), "{yes}");
        }
        for no in [
            "",
            "  ",
            "true",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
            "{{resolve:secretsmanager:db:SecretString:password}}",
            "${DB_PASSWORD}",
            "<your password>",
            "/run/secrets/db",
        ] {
            assert!(!literal_value(no), "{no:?}");
        }
    }

    #[test]
    fn reported_on_the_name_without_the_value() {
        let text = r#"{"family": "f", "containerDefinitions": [{"name": "db", "image": "mysql:8", "environment": [
  {"name": "MYSQL_DATABASE", "value": "app"},
  {"name": "MYSQL_ROOT_PASSWORD", "value": "hunter2"},
  {"name": "API_TOKEN", "value": ""},
  {"name": "SECRET_KEY", "value": 42}
]}]}"#;
        let found = run(check, text);
        assert_eq!(at(&found), ["3:12"]);
        let f = &found[0];
        assert!(f.snippet.is_none());
        for text in [&f.message, f.help.as_deref().unwrap_or_default()] {
            assert!(!text.contains("hunter2"), "{text}");
        }
        assert_eq!(f.pointer.as_deref(), Some("/containerDefinitions/0/environment/1"));
    }
}
