//! Probes -> the container healthCheck. ECS runs one command-based health check per container
//! and replaces the task when an essential container turns unhealthy: the twin of a liveness
//! probe. Exec probes map directly; HTTP and TCP probes become a command only with
//! --probe-command (the tool must be in the image); readiness has no ECS counterpart (the load
//! balancer's target group health check plays that part).

use super::task::Container;
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::options::ProbeTool;
use crate::convert::value::Map;

/// ECS health check ranges: (field, min, max).
const INTERVAL: (i64, i64) = (5, 300);
const TIMEOUT: (i64, i64) = (2, 60);
const RETRIES: (i64, i64) = (1, 10);
const START_PERIOD: (i64, i64) = (0, 300);

pub fn convert(cx: &mut Cx<'_, '_>, item: &At<'_>, c: &mut Container, index: usize) {
    let to = |f: &str| td(format!("/containerDefinitions/{index}/healthCheck{f}"));
    let liveness = item.get("livenessProbe");
    if let Some(readiness) = item.get("readinessProbe") {
        let port = readiness.get("httpGet").map(|h| describe_http(&h, c));
        cx.ledger.dropped(
            &readiness,
            "ECS has no readiness probe: a task receives traffic once its load balancer health check passes",
            match port {
                Some(p) => format!("give the service's target group a health check on {p}"),
                None => "give the service's target group a health check that matches this probe".to_owned(),
            },
        );
    }
    let startup = item.get("startupProbe");
    let Some(liveness) = liveness else {
        if let Some(startup) = startup {
            cx.ledger.dropped(
                &startup,
                "a startup probe stops once the container has started, an ECS health check runs for the container's life",
                "add a livenessProbe: its startPeriod then covers the start-up time",
            );
        }
        return;
    };
    let Some(mut check) = health_check(cx, &liveness, c, &to) else {
        if let Some(startup) = startup {
            cx.ledger.dropped(
                &startup,
                "the liveness probe it guards could not be converted",
                "see the liveness probe",
            );
        }
        return;
    };
    if let Some(startup) = startup {
        let period = startup.get("periodSeconds").and_then(|p| p.int()).unwrap_or(10);
        let failures = startup.get("failureThreshold").and_then(|f| f.int()).unwrap_or(3);
        let delay = startup.get("initialDelaySeconds").and_then(|d| d.int()).unwrap_or(0);
        let seconds = (delay + period * failures).clamp(START_PERIOD.0, START_PERIOD.1);
        check.insert("startPeriod", seconds);
        if let Some(initial) = liveness.get("initialDelaySeconds") {
            // One start period stands for both: this note replaces the liveness one.
            cx.ledger.approx(
                &initial,
                to("/startPeriod"),
                format!("the startup probe's time ({seconds} s) is the health check's startPeriod"),
            );
        }
        cx.ledger.approx(
            &startup,
            to("/startPeriod"),
            format!("health check failures are ignored for the first {seconds} seconds (the startup probe's delay plus period x failureThreshold, at most 300), instead of a separate probe"),
        );
    }
    check.sort_by_order(&["command", "interval", "timeout", "retries", "startPeriod"]);
    c.map.insert("healthCheck", check);
}

/// The liveness probe as a healthCheck; None (and a drop note) when its handler cannot be run.
fn health_check(cx: &mut Cx<'_, '_>, probe: &At<'_>, c: &Container, to: &dyn Fn(&str) -> String) -> Option<Map> {
    if !probe.is_map() {
        cx.ledger.invalid(probe, "a probe");
        return None;
    }
    let command = if let Some(exec) = probe.get("exec") {
        let Some(words) = exec.get("command").and_then(|c| c.strings()).filter(|w| !w.is_empty()) else {
            cx.ledger.invalid(probe, "an exec probe with a command");
            return None;
        };
        for (key, field) in exec.entries() {
            match key {
                "command" => cx.ledger.mapped(&field, to("/command")),
                _ => cx.ledger.unknown(&field, "ExecAction"),
            }
        }
        exec_command(words)
    } else if let Some(http) = probe.get("httpGet") {
        let Some(tool) = cx.opts.probe_command else {
            cx.ledger.dropped(
                probe,
                "ECS health checks run a command inside the container; there is no HTTP check",
                format!(
                    "pass --probe-command curl (or wget) to check {} with that tool, if the image has it, or give the target group a health check",
                    describe_http(&http, c)
                ),
            );
            return None;
        };
        let Some(shell) = http_command(&http, c, tool) else {
            cx.ledger.invalid(probe, "an httpGet probe with a port");
            return None;
        };
        cx.ledger.approx(
            &http,
            to("/command"),
            format!(
                "runs {shell:?} inside the container ({} must be in the image)",
                tool_name(tool)
            ),
        );
        vec!["CMD-SHELL".to_owned(), shell]
    } else if let Some(tcp) = probe.get("tcpSocket") {
        let port = tcp.get("port").and_then(|p| resolve_port(&p, c));
        let (Some(_tool), Some(port)) = (cx.opts.probe_command, port) else {
            cx.ledger.dropped(
                probe,
                "ECS health checks run a command inside the container; there is no TCP check",
                "pass --probe-command to check the port with nc -z (which must be in the image), or rely on the target group health check",
            );
            return None;
        };
        let host = tcp
            .get("host")
            .and_then(|h| h.str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".into());
        let shell = format!("nc -z {} {port} || exit 1", quote(&host));
        cx.ledger.approx(
            &tcp,
            to("/command"),
            format!("runs {shell:?} inside the container (nc must be in the image)"),
        );
        vec!["CMD-SHELL".to_owned(), shell]
    } else {
        cx.ledger.dropped(
            probe,
            "ECS health checks run a command: a gRPC (or missing) handler has no counterpart",
            "put grpc_health_probe in the image and use an exec probe: [grpc_health_probe, -addr=:PORT]",
        );
        return None;
    };
    let mut check = Map::new();
    check.insert("command", command);
    let ranges = [
        ("periodSeconds", "interval", INTERVAL, 10),
        ("timeoutSeconds", "timeout", TIMEOUT, 1),
        ("failureThreshold", "retries", RETRIES, 3),
        ("initialDelaySeconds", "startPeriod", START_PERIOD, 0),
    ];
    // Kubernetes' defaults, written out: ECS's own are different (30 s, 5 s, 3, none).
    for (k8s, ecs, (min, max), default) in ranges {
        let value = match probe.get(k8s) {
            Some(field) => match field.int() {
                Some(v) if (min..=max).contains(&v) => {
                    cx.ledger.mapped(&field, to(&format!("/{ecs}")));
                    v
                }
                Some(v) => {
                    let clamped = v.clamp(min, max);
                    cx.ledger.approx(
                        &field,
                        to(&format!("/{ecs}")),
                        format!("ECS takes {min}-{max}: {v} written as {clamped}"),
                    );
                    clamped
                }
                None => {
                    cx.ledger.invalid(&field, "a number");
                    continue;
                }
            },
            None if ecs == "startPeriod" => continue,
            None => default.clamp(min, max),
        };
        check.insert(ecs, value);
    }
    for (key, field) in probe.entries() {
        match key {
            "exec"
            | "httpGet"
            | "tcpSocket"
            | "periodSeconds"
            | "timeoutSeconds"
            | "failureThreshold"
            | "initialDelaySeconds" => {}
            "successThreshold" => match field.int() {
                Some(1) => cx.ledger.approx(
                    &field,
                    to(""),
                    "ECS counts one success: the same as 1; converting back leaves it out",
                ),
                _ => cx.ledger.invalid(&field, "1 (liveness probes need one success)"),
            },
            "terminationGracePeriodSeconds" => cx.ledger.dropped(
                &field,
                "ECS stops an unhealthy task with the containers' stopTimeout",
                "set terminationGracePeriodSeconds on the pod instead",
            ),
            "grpc" => {}
            _ => cx.ledger.unknown(&field, "Probe"),
        }
    }
    Some(check)
}

/// `["/bin/sh", "-c", X]` is what ECS's CMD-SHELL runs; anything else runs as it is (CMD).
pub fn exec_command(words: Vec<String>) -> Vec<String> {
    if words.len() == 3 && words[0] == "/bin/sh" && words[1] == "-c" {
        vec!["CMD-SHELL".to_owned(), words[2].clone()]
    } else {
        let mut out = vec!["CMD".to_owned()];
        out.extend(words);
        out
    }
}

fn tool_name(tool: ProbeTool) -> &'static str {
    match tool {
        ProbeTool::Curl => "curl",
        ProbeTool::Wget => "wget",
    }
}

/// A port given by number or by the name of one of the container's ports.
fn resolve_port(port: &At<'_>, c: &Container) -> Option<i64> {
    match port.int() {
        Some(p) => Some(p),
        None => {
            let name = port.str()?;
            c.named_ports.iter().find(|(n, _)| n == name).map(|(_, p)| *p)
        }
    }
}

fn url(http: &At<'_>, c: &Container) -> Option<String> {
    let port = http.get("port").and_then(|p| resolve_port(&p, c))?;
    let scheme = http
        .get("scheme")
        .and_then(|s| s.str())
        .unwrap_or("HTTP")
        .to_ascii_lowercase();
    let host = http.get("host").and_then(|h| h.str()).unwrap_or("localhost");
    let path = http.get("path").and_then(|p| p.str()).unwrap_or("/");
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    Some(format!("{scheme}://{host}:{port}{path}"))
}

fn describe_http(http: &At<'_>, c: &Container) -> String {
    url(http, c).unwrap_or_else(|| "the probe's port and path".to_owned())
}

fn http_command(http: &At<'_>, c: &Container, tool: ProbeTool) -> Option<String> {
    let url = url(http, c)?;
    let headers: Vec<(String, String)> = http
        .get("httpHeaders")
        .map(|h| h.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|h| Some((h.get("name")?.text()?, h.get("value")?.text().unwrap_or_default())))
        .collect();
    let https = url.starts_with("https");
    let mut words: Vec<String> = match tool {
        ProbeTool::Curl => vec!["curl".into(), "-fsS".into(), "-o".into(), "/dev/null".into()],
        ProbeTool::Wget => vec!["wget".into(), "-q".into(), "-O".into(), "/dev/null".into()],
    };
    if https {
        // Kubernetes does not verify the certificate of an HTTPS probe either.
        words.push(match tool {
            ProbeTool::Curl => "-k".into(),
            ProbeTool::Wget => "--no-check-certificate".into(),
        });
    }
    for (name, value) in headers {
        words.push(match tool {
            ProbeTool::Curl => "-H".into(),
            ProbeTool::Wget => "--header".into(),
        });
        words.push(format!("{name}: {value}"));
    }
    words.push(url);
    let line: Vec<String> = words.iter().map(|w| quote(w)).collect();
    Some(format!("{} || exit 1", line.join(" ")))
}

/// A word for sh: as it is when plain, else single-quoted.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '@' | '+'));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_forms() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            exec_command(words(&["/bin/sh", "-c", "x && y"])),
            words(&["CMD-SHELL", "x && y"])
        );
        assert_eq!(
            exec_command(words(&["sh", "-c", "x"])),
            words(&["CMD", "sh", "-c", "x"])
        );
        assert_eq!(quote("a b'c"), "'a b'\\''c'");
        assert_eq!(quote("http://localhost:8080/healthz"), "http://localhost:8080/healthz");
    }
}
