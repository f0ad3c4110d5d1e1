//! K8S018: secret-looking environment variables given a literal value. The value itself is never
//! repeated in the message.

use super::{Pod, container_name};
use crate::finding::Finding;
use crate::finding::ids::SECRET_IN_ENV;
use crate::rules::fargate_eks::Check;

/// Words of a variable name that mean it holds a credential.
const SECRET_WORDS: &[&str] = &["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY"];

/// Two-word phrases that mean the same (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`).
const SECRET_PAIRS: &[(&str, &str)] = &[("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY")];

/// A last word that makes the variable about a credential, not the credential itself
/// (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `AWS_ACCESS_KEY_ID`, `TOKEN_TTL`).
const METADATA_WORDS: &str = "\
    AGE ALG ALGORITHM ARN AUDIENCE BUCKET CLASS COUNT DIR DIRECTORY DISABLED DURATION ENABLE ENABLED \
    ENDPOINT EXPIRATION EXPIRES EXPIRY FIELD FILE FILES FORMAT HEADER HOST ID INTERVAL ISSUER KEYS \
    KIND LENGTH LIFETIME LIMIT LOCATION METHOD MODE MOUNT NAME NAMESPACE PARAM PATH PERIOD POLICY \
    PORT PREFIX PROVIDER REF REGION REQUIRED ROLE ROTATION SCOPE SCOPES SECONDS SIZE SOURCE STORE \
    SUFFIX TIMEOUT TTL TYPE URI URL USER USERNAME VERSION VOLUME";

/// Extensions of files a variable may name (`TLS_PRIVATE_KEY: tls.key`).
const FILE_EXTENSIONS: &str = ".pem .key .crt .cert .der .p12 .pfx .jks .json .txt .yaml .yml .env .conf";

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let env = c.node.get("env").and_then(|e| e.as_seq()).unwrap_or_default();
        for (i, var) in env.iter().enumerate() {
            let Some(name) = var.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let Some(value_entry) = var.entry("value") else {
                continue;
            };
            let Some(value) = value_entry.value.as_str() else {
                continue;
            };
            if var.get("valueFrom").is_some()
                || !is_secret_name(name)
                || !is_literal_secret(value)
                || is_named_placeholder(name, value)
            {
                continue;
            }
            // The source line would show the secret: no snippet, as for ECS012.
            let mut f = check
                    .finding(
                        SECRET_IN_ENV,
                        value_entry.key_span,
                        &format!("{}/env/{i}/value", c.pointer),
                        format!(
                            "env var \"{name}\" of container \"{}\" has a literal value: the secret is stored in plain text in the manifest",
                            container_name(c)
                        ),
                    )
                    .with_label("plain-text secret")
                    .with_help(format!(
                        "put the value in a Secret and reference it: valueFrom: {{secretKeyRef: {{name: <secret>, key: {}}}}}; then rotate the exposed value",
                        name.to_lowercase().replace('_', "-")
                    ));
            f.snippet = None;
            out.push(f);
        }
    }
}

/// `DB_PASSWORD`, `dbPassword`, `JWT_SECRET`, `API_KEY`, not `PASSWORD_FILE` or `TOKEN_URL`.
fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    let secret = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| SECRET_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())));
    secret
        && words
            .last()
            .is_none_or(|last| !METADATA_WORDS.split_whitespace().any(|w| w == last))
}

/// Upper-case words of a name split at `_`, `-`, `.` and camelCase humps.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        current.push(ch.to_ascii_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `GOOGLE_API_KEY_VAL`, `INSERT_ETCD_TOKEN`, `REPLACE_ME`: an upper-case marker a deploy script
/// substitutes, not a credential.
fn is_named_placeholder(name: &str, value: &str) -> bool {
    const MARKERS: &[&str] = &["INSERT_", "REPLACE_", "YOUR_", "ENTER_", "PUT_", "SET_", "CHANGE_"];
    value
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && (value.contains(&name.to_ascii_uppercase()) || MARKERS.iter().any(|m| value.starts_with(m)))
}

/// A value that is the secret itself, not a reference to one, a path, a flag or a number.
fn is_literal_secret(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || super::is_placeholder(v) || v.starts_with('$') {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    let is_path = v.starts_with('/') || v.starts_with("./") || v.starts_with("~/") || v.starts_with("file:");
    // Where a secret store keeps it: an AWS ARN, a GCP secret path, a Vault path.
    let is_store_ref = ["arn:", "projects/", "vault:", "secretref:"]
        .iter()
        .any(|p| lower.starts_with(p));
    let is_file =
        FILE_EXTENSIONS.split_whitespace().any(|ext| lower.ends_with(ext)) && !v.contains(char::is_whitespace);
    let is_flag = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled" | "none" | "null"
    );
    let is_number = v.parse::<f64>().is_ok();
    // 30s, 5m, 1h, 7d: a lifetime, not a secret.
    let is_duration = v
        .strip_suffix(['s', 'm', 'h', 'd'])
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    // A URL without credentials (http://vault:8200) is where the secret lives.
    let is_plain_url = v.contains("://") && !v.contains('@');
    !(is_path || is_store_ref || is_file || is_flag || is_number || is_duration || is_plain_url)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;

    #[test]
    fn names() {
        for name in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "dbPassword",
            "JWT_SECRET",
            "SECRET_KEY_BASE",
            "API_KEY",
            "STRIPE_APIKEY",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "TLS_PRIVATE_KEY",
            "ACCESS_KEY",
            "client-secret",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "AWS_ACCESS_KEY_ID",
            "TOKEN_TTL",
            "KEYCLOAK_ADMIN_USER",
            "SECRETARY",
            "KEYBOARD",
            "PASS_THROUGH",
            "ACCESS_LOG",
            "DB_SECRET_ARN",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn values() {
        for value in ["hunter2", "changeme", "s3cr3t!", "postgres://u:p@db/x", "abc def"] {
            assert!(is_literal_secret(value), "{value}");
        }
        for value in [
            "",
            " ",
            "$(DB_PASSWORD)",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "/run/secrets/db",
            "tls.key",
            "credentials.json",
            "true",
            "3600",
            "30s",
            "http://vault:8200",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
            "projects/p/secrets/db/versions/latest",
            "{{ .Values.password }}",
            "<password>",
        ] {
            assert!(!is_literal_secret(value), "{value:?}");
        }
    }

    #[test]
    fn upper_case_markers_are_placeholders() {
        assert!(is_named_placeholder("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL"));
        assert!(is_named_placeholder("ETCD_TOKEN", "INSERT_ETCD_INITIAL_CLUSTER_TOKEN"));
        assert!(is_named_placeholder("DB_PASSWORD", "REPLACE_ME"));
        assert!(!is_named_placeholder("DB_PASSWORD", "changeme"));
        assert!(!is_named_placeholder("DB_PASSWORD", "S3CRET_2024"));
        // Multi-byte text is not a marker, and must not panic.
        assert!(is_literal_secret("pässwörd"));
        assert!(!is_named_placeholder("DB_PASSWORD", "pässwörd"));
    }

    #[test]
    fn reports_without_the_value() {
        let text = deployment(
            "name: app\nimage: app:1\nenv:\n  - name: DB_PASSWORD\n    value: hunter2\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef: {name: s, key: k}\n  - name: PASSWORD_FILE\n    value: /run/secrets/db",
        );
        let found = only(&text, SECRET_IN_ENV);
        assert_eq!(
            found,
            [
                "19:15 env var \"DB_PASSWORD\" of container \"app\" has a literal value: the secret is stored in plain text in the manifest"
            ]
        );
        assert!(!found[0].contains("hunter2"));
    }

    #[test]
    fn non_string_values_are_skipped() {
        let text =
            deployment("name: app\nimage: app:1\nenv:\n  - name: DB_PASSWORD\n    value: 1234\n  - {name: TOKEN}");
        assert!(only(&text, SECRET_IN_ENV).is_empty());
    }
}
