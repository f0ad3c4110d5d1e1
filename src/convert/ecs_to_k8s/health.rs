//! healthCheck -> livenessProbe (exec). `CMD` runs its words as they are, `CMD-SHELL` runs its
//! one string with /bin/sh -c. ECS's own defaults (30 s interval, 5 s timeout, 3 retries) are
//! written out, since Kubernetes' differ (10 s, 1 s, 3).

use super::Cx;
use crate::convert::cursor::At;
use crate::convert::value::Map;
use crate::convert_map;

pub fn probe(cx: &mut Cx<'_>, at: &At<'_>, to: &str) -> Option<Map> {
    let Some(words) = at.get("command").and_then(|c| c.strings()) else {
        cx.ledger.invalid(at, "a health check with a command");
        return None;
    };
    let command = match words.split_first() {
        Some((first, rest)) if first == "CMD" && !rest.is_empty() => rest.to_vec(),
        Some((first, rest)) if first == "CMD-SHELL" && !rest.is_empty() => {
            vec!["/bin/sh".to_owned(), "-c".to_owned(), rest.join(" ")]
        }
        _ => {
            cx.ledger
                .invalid(at, "a health check command starting with CMD or CMD-SHELL");
            return None;
        }
    };
    let mut probe = convert_map! {"exec" => convert_map!{"command" => command}};
    let fields = [
        ("interval", "periodSeconds", 30),
        ("timeout", "timeoutSeconds", 5),
        ("retries", "failureThreshold", 3),
        ("startPeriod", "initialDelaySeconds", 0),
    ];
    for (key, field) in at.entries() {
        match key {
            "command" => {
                if words.first().map(String::as_str) == Some("CMD-SHELL") && words.len() > 2 {
                    cx.ledger.approx(
                        &field,
                        format!("{to}/exec/command"),
                        "a CMD-SHELL command split into words: joined with spaces for /bin/sh -c",
                    );
                } else {
                    cx.ledger.mapped(&field, format!("{to}/exec/command"));
                }
            }
            k => match fields.iter().find(|(e, _, _)| *e == k) {
                Some((_, k8s, _)) => match field.int() {
                    Some(v) if v >= 0 => {
                        probe.insert(*k8s, v);
                        cx.ledger.mapped(&field, format!("{to}/{k8s}"));
                    }
                    _ => cx.ledger.invalid(&field, "a number of seconds or retries"),
                },
                None => cx.ledger.unknown(&field, "HealthCheck"),
            },
        }
    }
    for (ecs, k8s, default) in fields {
        if !probe.contains(k8s) && ecs != "startPeriod" {
            probe.insert(k8s, i64::from(default));
        }
    }
    probe.sort_by_order(&[
        "exec",
        "initialDelaySeconds",
        "periodSeconds",
        "timeoutSeconds",
        "failureThreshold",
    ]);
    Some(probe)
}
