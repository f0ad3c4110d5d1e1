//! The translation table: Kubernetes schedule -> EventBridge expression, and the schedules
//! Kubernetes rejects or EventBridge cannot say exactly.

use super::translate;

/// (Kubernetes schedule, EventBridge expression, time zone from a prefix).
const EXACT: &[(&str, &str, Option<&str>)] = &[
    ("* * * * *", "cron(* * * * ? *)", None),
    ("*/5 * * * *", "cron(0/5 * * * ? *)", None),
    ("*/15 * * * *", "cron(0/15 * * * ? *)", None),
    ("0 * * * *", "cron(0 * * * ? *)", None),
    ("30 2 * * *", "cron(30 2 * * ? *)", None),
    ("0 3 * * 1", "cron(0 3 ? * MON *)", None),
    ("0 3 * * 0", "cron(0 3 ? * SUN *)", None),
    ("0 3 * * 6", "cron(0 3 ? * SAT *)", None),
    ("0 9 * * 1-5", "cron(0 9 ? * MON-FRI *)", None),
    ("0 9 * * MON-FRI", "cron(0 9 ? * MON-FRI *)", None),
    ("0 9 * * mon-fri", "cron(0 9 ? * MON-FRI *)", None),
    ("0 9 * * 0,6", "cron(0 9 ? * SUN,SAT *)", None),
    ("0 9 * * SAT,SUN", "cron(0 9 ? * SUN,SAT *)", None),
    ("0 0 * * */2", "cron(0 0 ? * SUN,TUE,THU,SAT *)", None),
    ("0 0 * * 1/2", "cron(0 0 ? * MON,WED,FRI *)", None),
    ("0 0 * * 1-5/2", "cron(0 0 ? * MON,WED,FRI *)", None),
    ("0 0 * * 0-6", "cron(0 0 * * ? *)", None),
    ("0 0 1 * *", "cron(0 0 1 * ? *)", None),
    ("0 0 1,15 * *", "cron(0 0 1,15 * ? *)", None),
    ("0 0 */2 * *", "cron(0 0 1/2 * ? *)", None),
    ("0 0 1 */3 *", "cron(0 0 1 1/3 ? *)", None),
    ("0 0 1 JAN *", "cron(0 0 1 1 ? *)", None),
    ("0 0 1 jan-mar *", "cron(0 0 1 1-3 ? *)", None),
    ("0 0 1 JUN,DEC *", "cron(0 0 1 6,12 ? *)", None),
    ("0 8-18 * * *", "cron(0 8-18 * * ? *)", None),
    ("0 8-18/2 * * *", "cron(0 8,10,12,14,16,18 * * ? *)", None),
    ("0 */6 * * *", "cron(0 0/6 * * ? *)", None),
    ("0,30 * * * *", "cron(0,30 * * * ? *)", None),
    ("5,10 * * * *", "cron(5,10 * * * ? *)", None),
    ("1-3,7 * * * *", "cron(1-3,7 * * * ? *)", None),
    ("0 0 ? * 1", "cron(0 0 ? * MON *)", None),
    ("0 0 * * ?", "cron(0 0 * * ? *)", None),
    ("@yearly", "cron(0 0 1 1 ? *)", None),
    ("@annually", "cron(0 0 1 1 ? *)", None),
    ("@monthly", "cron(0 0 1 * ? *)", None),
    ("@weekly", "cron(0 0 ? * SUN *)", None),
    ("@daily", "cron(0 0 * * ? *)", None),
    ("@midnight", "cron(0 0 * * ? *)", None),
    ("@hourly", "cron(0 * * * ? *)", None),
    (
        "CRON_TZ=Europe/Paris 0 6 * * *",
        "cron(0 6 * * ? *)",
        Some("Europe/Paris"),
    ),
    (
        "TZ=America/New_York 0 6 * * 1-5",
        "cron(0 6 ? * MON-FRI *)",
        Some("America/New_York"),
    ),
    ("CRON_TZ=Etc/GMT+2 @daily", "cron(0 0 * * ? *)", Some("Etc/GMT+2")),
    // A day-of-month starting with * makes Kubernetes AND the two fields; a full one does not
    // restrict.
    ("0 0 * * 1", "cron(0 0 ? * MON *)", None),
    ("0 0 */1 * 1", "cron(0 0 ? * MON *)", None),
    // Neither starts with *: OR, and a full day-of-week means every day.
    ("0 0 1 * 0-6", "cron(0 0 * * ? *)", None),
];

#[test]
fn kubernetes_schedules_translate_exactly() {
    let mut n = 0;
    for (k8s, expected, zone) in EXACT.iter() {
        let got = translate(k8s).unwrap_or_else(|e| panic!("{k8s}: {e}"));
        assert_eq!(got.expression, *expected, "{k8s}");
        assert_eq!(got.time_zone.as_deref(), *zone, "{k8s}");
        assert_eq!(got.caveat, None, "{k8s}");
        n += 1;
    }
    assert!(n >= 30, "{n} expressions");
}

/// Schedules the API server rejects (robfig/cron's standard parser), each with what the error
/// must name.
const INVALID: &[(&str, &str)] = &[
    ("", "0 field(s)"),
    ("* * * *", "4 field(s)"),
    ("0 * * * * *", "6 field(s)"),
    ("0 0 * * 7", "out of range for the day of week"),
    ("0 0 * * 5-0", "runs backwards"),
    ("0 0 * * FRI-MON", "runs backwards"),
    ("60 * * * *", "out of range for the minute"),
    ("0 24 * * *", "out of range for the hour"),
    ("0 0 0 * *", "out of range for the day of month"),
    ("0 0 32 * *", "out of range for the day of month"),
    ("0 0 1 13 *", "out of range for the month"),
    ("0 0 L * *", "not a day of month"),
    ("0 0 ? * 1#2", "not a day of week"),
    ("*/0 * * * *", "not a positive number"),
    ("0 0 * * MONDAY", "not a day of week"),
    ("@every 5m", "rate("),
    ("@reboot", "not a macro"),
    ("CRON_TZ= 0 0 * * *", "not a time zone"),
    ("TZ=Europe/Paris", "0 field(s)"),
];

#[test]
fn schedules_kubernetes_rejects_are_errors() {
    for (k8s, message) in INVALID {
        match translate(k8s) {
            Ok(c) => panic!("{k8s:?} translated to {c:?}"),
            Err(e) => assert!(e.contains(message), "{k8s:?}: {e}"),
        }
    }
    assert!(INVALID.len() >= 10);
}

/// Both day fields restricted: EventBridge cannot say it; the expression keeps the day of the
/// month and the caveat names the schedule for the day of the week.
#[test]
fn both_day_fields_come_with_a_caveat_and_the_second_schedule() {
    let cases = [
        ("0 0 1 * 1", "cron(0 0 1 * ? *)", "OR", "cron(0 0 ? * MON *)"),
        (
            "0 12 1,15 * MON-FRI",
            "cron(0 12 1,15 * ? *)",
            "OR",
            "cron(0 12 ? * MON-FRI *)",
        ),
        ("0 0 */2 * 1", "cron(0 0 1/2 * ? *)", "AND", "cron(0 0 ? * MON *)"),
        ("0 0 13 * 5", "cron(0 0 13 * ? *)", "OR", "cron(0 0 ? * FRI *)"),
    ];
    for (k8s, expression, logic, second) in cases {
        let got = translate(k8s).unwrap_or_else(|e| panic!("{k8s}: {e}"));
        assert_eq!(got.expression, expression, "{k8s}");
        let caveat = got.caveat.unwrap_or_else(|| panic!("{k8s}: no caveat"));
        assert!(caveat.reason.contains(logic), "{k8s}: {}", caveat.reason);
        assert!(caveat.fix.contains(second), "{k8s}: {}", caveat.fix);
    }
}
