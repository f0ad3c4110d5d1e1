//! A CronJob's schedule as EventBridge Scheduler CreateSchedule input (`NAME.schedule.json`),
//! which starts the task definition as an ECS RunTask target.

use super::Cx;
use crate::convert::cron::{self, Cron};
use crate::convert::cursor::At;
use crate::convert::loss::Fate;
use crate::convert::value::{Map, Value};
use crate::convert_map;

/// The role EventBridge Scheduler assumes to run the task: a placeholder to replace.
const ROLE_NAME: &str = "SCHEDULER_ROLE_NAME";
/// Why the schedule fields are approximated even when the schedule says the same thing.
pub const ONE_WAY: &str = "k2e convert --to k8s does not read schedule files back";
/// Schedule names: at most 64 characters.
const MAX_NAME: usize = 64;

pub fn sched(pointer: &str) -> String {
    format!("schedule#{pointer}")
}

/// The schedule, time zone and suspend fields of a CronJob spec: their notes.
pub fn field(cx: &mut Cx<'_, '_>, at: &At<'_>, key: &str, spec: &At<'_>) {
    match key {
        "schedule" => schedule_note(cx, at, spec),
        "timeZone" => match at.str() {
            Some(zone) if !zone.is_empty() => cx.ledger.approx(at, sched("/ScheduleExpressionTimezone"), ONE_WAY),
            _ => cx.ledger.invalid(at, "a time zone name"),
        },
        "suspend" => match at.bool() {
            Some(_) => cx.ledger.approx(at, sched("/State"), ONE_WAY),
            None => cx.ledger.invalid(at, "true or false"),
        },
        _ => cx.ledger.unknown(at, "CronJobSpec"),
    }
}

fn schedule_note(cx: &mut Cx<'_, '_>, at: &At<'_>, spec: &At<'_>) {
    let text = at.text().unwrap_or_default();
    let to = sched("/ScheduleExpression");
    match translated(spec) {
        Some(Ok(c)) => {
            let prefix = c.time_zone.as_ref().map(|zone| {
                let given = spec.get("timeZone").is_some();
                format!(
                    "the {zone} prefix is not supported by Kubernetes{}; written as ScheduleExpressionTimezone",
                    if given {
                        " and conflicts with timeZone, which wins"
                    } else {
                        ""
                    }
                )
            });
            let fix = c.caveat.as_ref().map(|v| v.fix.clone());
            let reason = [c.caveat.as_ref().map(|v| v.reason.clone()), prefix]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            let reason = [format!("{text:?} is {} in EventBridge's syntax", c.expression)]
                .into_iter()
                .chain(reason)
                .chain([ONE_WAY.to_owned()])
                .collect::<Vec<_>>()
                .join("; ");
            cx.ledger.record(
                at.path.clone(),
                at.offset(),
                Fate::Approximated,
                Some(to),
                Some(reason),
                fix,
            );
        }
        Some(Err(e)) => cx.ledger.dropped(
            at,
            format!("not a schedule Kubernetes accepts: {e}"),
            "fix the schedule (k2e lint checks it) and convert again; no schedule file is written",
        ),
        None => cx.ledger.invalid(at, "a cron schedule"),
    }
}

/// The translation of the spec's schedule; None when there is no schedule string.
fn translated(spec: &At<'_>) -> Option<Result<Cron, String>> {
    Some(cron::translate(spec.get("schedule")?.str()?))
}

/// CreateSchedule input for the task definition `task_def`, or None when the schedule does
/// not translate (its note says why).
pub fn create_schedule(cx: &mut Cx<'_, '_>, spec: &At<'_>, task_def: &Map) -> Option<Map> {
    let cron = translated(spec)?.ok()?;
    let opts = cx.opts;
    let mut name = cx.family.clone();
    name.truncate(MAX_NAME);
    let mut out = convert_map! {
        "Name" => name,
        "ScheduleExpression" => cron.expression.clone(),
    };
    let zone = spec
        .get("timeZone")
        .and_then(|z| z.str().map(str::to_owned))
        .filter(|z| !z.is_empty())
        .or(cron.time_zone);
    if let Some(zone) = zone {
        out.insert("ScheduleExpressionTimezone", zone);
    }
    out.insert("FlexibleTimeWindow", convert_map! {"Mode" => "OFF"});
    let suspended = spec.get("suspend").and_then(|s| s.bool()) == Some(true);
    out.insert("State", if suspended { "DISABLED" } else { "ENABLED" });
    let cluster = match &opts.cluster {
        Some(arn) if arn.starts_with("arn:") => arn.clone(),
        other => format!(
            "arn:aws:ecs:{}:{}:cluster/{}",
            opts.region,
            opts.account,
            other.as_deref().unwrap_or(super::DEFAULT_CLUSTER)
        ),
    };
    let mut ecs = convert_map! {
        "TaskDefinitionArn" => format!("arn:aws:ecs:{}:{}:task-definition/{}", opts.region, opts.account, cx.family),
        "LaunchType" => opts.launch_type.api_name(),
        "TaskCount" => 1i64,
    };
    if task_def.get("networkMode").and_then(Value::as_str) == Some("awsvpc") {
        ecs.insert(
            "NetworkConfiguration",
            convert_map! {"awsvpcConfiguration" => convert_map!{
                "Subnets" => opts.subnets.clone(),
                "SecurityGroups" => opts.security_groups.clone(),
                "AssignPublicIp" => "DISABLED",
            }},
        );
        cx.ledger.added(
            sched("/Target/EcsParameters/NetworkConfiguration"),
            "awsvpc needs subnets and security groups: replace the placeholders (--subnet, --security-group)",
        );
    }
    out.insert(
        "Target",
        convert_map! {
            "Arn" => cluster,
            "RoleArn" => format!("arn:aws:iam::{}:role/{ROLE_NAME}", opts.account),
            "EcsParameters" => ecs,
        },
    );
    cx.ledger.added(
        sched("/Target"),
        "the cluster that runs the task (--cluster) and a role EventBridge Scheduler assumes, trusted by scheduler.amazonaws.com and allowed ecs:RunTask on the task definition and iam:PassRole on its roles: replace the placeholders",
    );
    Some(out)
}
