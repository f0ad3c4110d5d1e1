//! ARNs <-> the Kubernetes names they stand for. Both directions use these functions, so a
//! reference is reported as mapped only when converting it back gives the same name.

use super::names::dns_subdomain;
use super::options::Options;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefKind {
    Secret,
    ConfigMap,
}

impl RefKind {
    pub fn kind(self) -> &'static str {
        match self {
            RefKind::Secret => "Secret",
            RefKind::ConfigMap => "ConfigMap",
        }
    }
}

/// A key of a Secret or ConfigMap, as an ECS `secrets[].valueFrom` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRef {
    pub kind: RefKind,
    pub name: String,
    pub key: String,
    /// The ARN follows --secret-arn / --config-map-arn with this run's region and account, so
    /// converting back to ECS writes the same ARN.
    pub exact: bool,
}

fn get<'a>(captures: &'a [(String, String)], var: &str) -> Option<&'a str> {
    captures.iter().find(|(k, _)| k == var).map(|(_, v)| v.as_str())
}

/// Whether the region and account captured from an ARN are this run's.
fn same_place(opts: &Options, captures: &[(String, String)]) -> bool {
    get(captures, "region").is_none_or(|r| r == opts.region)
        && get(captures, "account").is_none_or(|a| a == opts.account)
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn key_of(text: &str) -> String {
    let k: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if k.is_empty() { "value".into() } else { k }
}

/// The ARN a Secret or ConfigMap key becomes.
pub fn key_arn(opts: &Options, kind: RefKind, namespace: &str, name: &str, key: &str) -> String {
    match kind {
        RefKind::Secret => opts
            .secret_arn
            .fill(&opts.vars(namespace, &[("secret", name), ("key", key)])),
        RefKind::ConfigMap => opts
            .config_map_arn
            .fill(&opts.vars(namespace, &[("configmap", name), ("key", key)])),
    }
}

/// The Secret or ConfigMap key an ECS secret's `valueFrom` stands for; `env` names the
/// variable (the key when the ARN names a whole secret).
pub fn key_ref(opts: &Options, value_from: &str, env: &str) -> KeyRef {
    for (kind, pattern, var) in [
        (RefKind::Secret, &opts.secret_arn, "secret"),
        (RefKind::ConfigMap, &opts.config_map_arn, "configmap"),
    ] {
        let Some(c) = pattern.capture(value_from) else { continue };
        let (Some(name), key) = (get(&c, var), get(&c, "key")) else {
            continue;
        };
        let key = key.unwrap_or(env);
        let exact = same_place(opts, &c) && dns_subdomain(name) == name && is_key(key) && pattern.uses("key");
        if kind == RefKind::ConfigMap && !exact {
            // Only a parameter k2e itself wrote for a ConfigMap key is one: any other SSM
            // parameter may be a SecureString, and a secret must never land in a ConfigMap.
            continue;
        }
        return KeyRef {
            kind,
            name: dns_subdomain(name),
            key: key_of(key),
            exact,
        };
    }
    // Secrets Manager: arn:aws:secretsmanager:R:A:secret:NAME[-6chars][:json-key:stage:version]
    if let Some(rest) = value_from
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(":secretsmanager:"))
    {
        let after = rest.1.splitn(4, ':').nth(3).unwrap_or("");
        let mut parts = after.split(':');
        let name = parts.next().unwrap_or("");
        let key = parts.next().filter(|k| !k.is_empty()).unwrap_or(env);
        return KeyRef {
            kind: RefKind::Secret,
            name: dns_subdomain(strip_random_suffix(name)),
            key: key_of(key),
            exact: false,
        };
    }
    // SSM Parameter Store: an ARN or a name; a SecureString may be behind it, so a Secret.
    let path = value_from
        .split_once(":parameter")
        .map_or(value_from, |(_, p)| p)
        .trim_start_matches('/');
    let (name, key) = path.rsplit_once('/').unwrap_or(("", path));
    KeyRef {
        kind: RefKind::Secret,
        name: dns_subdomain(if name.is_empty() { key } else { name }),
        key: key_of(if name.is_empty() { env } else { key }),
        exact: false,
    }
}

/// Secrets Manager adds `-` and six random characters to a secret's name in its ARN.
fn strip_random_suffix(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, tail))
            if tail.len() == 6 && tail.chars().all(|c| c.is_ascii_alphanumeric()) && !base.is_empty() =>
        {
            base
        }
        _ => name,
    }
}

/// The service account a task role stands for, and whether that is exact.
pub fn service_account(opts: &Options, role_arn: &str) -> (String, bool) {
    if let Some(c) = opts.task_role_arn.capture(role_arn) {
        if let Some(sa) = get(&c, "serviceaccount") {
            return (dns_subdomain(sa), same_place(opts, &c) && dns_subdomain(sa) == sa);
        }
    }
    let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
    (dns_subdomain(role), false)
}

pub fn task_role_arn(opts: &Options, namespace: &str, service_account: &str) -> String {
    opts.task_role_arn
        .fill(&opts.vars(namespace, &[("serviceaccount", service_account)]))
}

/// The imagePullSecret registry credentials stand for, and whether that is exact.
pub fn pull_secret(opts: &Options, arn: &str) -> (String, bool) {
    if let Some(c) = opts.pull_secret_arn.capture(arn) {
        if let Some(name) = get(&c, "secret") {
            return (dns_subdomain(name), same_place(opts, &c) && dns_subdomain(name) == name);
        }
    }
    let name = arn.rsplit([':', '/']).next().unwrap_or(arn);
    (dns_subdomain(strip_random_suffix(name)), false)
}

pub fn pull_secret_arn(opts: &Options, namespace: &str, secret: &str) -> String {
    opts.pull_secret_arn.fill(&opts.vars(namespace, &[("secret", secret)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::options::To;

    #[test]
    fn round_trips() {
        let o = Options::new(To::Ecs);
        let arn = key_arn(&o, RefKind::Secret, "default", "db", "password");
        assert_eq!(
            key_ref(&o, &arn, "DB_PASSWORD"),
            KeyRef {
                kind: RefKind::Secret,
                name: "db".into(),
                key: "password".into(),
                exact: true
            }
        );
        let arn = key_arn(&o, RefKind::ConfigMap, "default", "app", "LOG_LEVEL");
        let r = key_ref(&o, &arn, "LOG_LEVEL");
        assert_eq!((r.kind, r.exact), (RefKind::ConfigMap, true));
        let other = key_ref(&o, "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf", "PASS");
        assert_eq!(
            (other.name.as_str(), other.key.as_str(), other.exact),
            ("prod-db", "PASS", false)
        );
        let ssm = key_ref(&o, "arn:aws:ssm:us-east-1:1:parameter/app/prod/token", "TOKEN");
        assert_eq!((ssm.name.as_str(), ssm.key.as_str()), ("app-prod", "token"));
        let bare = key_ref(&o, "DB_URL", "DB_URL");
        assert_eq!((bare.name.as_str(), bare.key.as_str()), ("db-url", "DB_URL"));
        let role = task_role_arn(&o, "default", "web");
        assert_eq!(service_account(&o, &role), ("web".into(), true));
        assert_eq!(
            service_account(&o, "arn:aws:iam::1:role/Other"),
            ("other".into(), false)
        );
        let pull = pull_secret_arn(&o, "default", "regcred");
        assert_eq!(pull_secret(&o, &pull), ("regcred".into(), true));
    }
}
