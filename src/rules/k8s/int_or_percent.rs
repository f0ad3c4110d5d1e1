//! K8S034: rolling-update and disruption-budget sizes that the API server refuses although the
//! schema lets them through. The schema says "integer or string"; apps and policy validation
//! (ValidatePositiveIntOrPercent, IsNotMoreThan100Percent) want a whole number of pods of 0 or
//! more, or a string of digits and `%` (`25%`). `"10"` is a string, not 10 pods; `10.5%`, `-5%`
//! and `aa` are no percentage. A null value is unset and takes the default.

use super::ports::field_path;
use super::{as_int, is_placeholder};
use crate::finding::Finding;
use crate::finding::ids::INT_OR_PERCENT;
use crate::parse::{Node, NodeKind, Scalar};
use crate::rules::fargate_eks::Check;

/// One int-or-percent field, and whether the API server also caps a percentage at 100%.
struct Field {
    pointer: &'static str,
    capped: bool,
}

const fn f(pointer: &'static str, capped: bool) -> Field {
    Field { pointer, capped }
}

const DEPLOYMENT: &[Field] = &[
    f("/spec/strategy/rollingUpdate/maxSurge", false),
    f("/spec/strategy/rollingUpdate/maxUnavailable", true),
];
const DAEMON_SET: &[Field] = &[
    f("/spec/updateStrategy/rollingUpdate/maxSurge", true),
    f("/spec/updateStrategy/rollingUpdate/maxUnavailable", true),
];
const STATEFUL_SET: &[Field] = &[f("/spec/updateStrategy/rollingUpdate/maxUnavailable", true)];
const DISRUPTION_BUDGET: &[Field] = &[f("/spec/minAvailable", true), f("/spec/maxUnavailable", true)];

/// The fields of the kinds that have them, by API group so that a custom resource of the same
/// kind name is left alone.
fn fields(group: &str, kind: &str) -> &'static [Field] {
    match (group, kind) {
        ("apps" | "extensions", "Deployment") => DEPLOYMENT,
        ("apps" | "extensions", "DaemonSet") => DAEMON_SET,
        ("apps", "StatefulSet") => STATEFUL_SET,
        ("policy", "PodDisruptionBudget") => DISRUPTION_BUDGET,
        _ => &[],
    }
}

pub(super) fn object(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    for field in fields(group, check.obj.kind) {
        let Some((node, _)) = check.obj.node.pointer(field.pointer) else {
            continue;
        };
        if let Some((problem, help)) = problem(node, field.capped) {
            let path = field_path(field.pointer);
            let shown = match &node.kind {
                NodeKind::Scalar {
                    value: Scalar::Str(s), ..
                } => format!("{s:?}"),
                _ => node.scalar_text().unwrap_or_default(),
            };
            out.push(
                check
                    .finding(
                        INT_OR_PERCENT,
                        node.span,
                        field.pointer,
                        format!("{path}: Invalid value: {shown}: {problem}"),
                    )
                    .with_label("not a pod count or percentage")
                    .with_help(help),
            );
        }
    }
}

const PERCENT: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%' or '93%')";

/// What the API server says of the value, and what to write instead; None when it is accepted
/// or is not an integer or string at all (the schema rules report that).
fn problem(node: &Node, capped: bool) -> Option<(String, String)> {
    let NodeKind::Scalar { value, .. } = &node.kind else {
        return None;
    };
    match value {
        Scalar::Str(s) if is_placeholder(s) => None,
        Scalar::Str(s) => match percent(s) {
            Some(p) if capped && p > 100 => Some((
                "must not be greater than 100%".to_owned(),
                "use a percentage from 0% to 100%".to_owned(),
            )),
            Some(_) => None,
            None => Some((PERCENT.to_owned(), help(s))),
        },
        Scalar::Number(_) => as_int(node).filter(|n| *n < 0).map(|_| {
            (
                "must be greater than or equal to 0".to_owned(),
                "use a number of pods of 0 or more, or a percentage such as 25%".to_owned(),
            )
        }),
        _ => None,
    }
}

/// The value of `25%`: digits and a percent sign, as the API server's pattern `[0-9]+%` wants.
fn percent(s: &str) -> Option<u64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn help(s: &str) -> String {
    let trimmed = s.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        format!("write {trimmed} without quotes for a number of pods, or \"{trimmed}%\" for a percentage")
    } else {
        "write a number of pods (1) or a percentage (25%)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::only;
    use super::*;

    fn deployment(surge: &str, unavailable: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: {surge}\n      maxUnavailable: {unavailable}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: web, image: \"nginx:1.27\"}}]\n"
        )
    }

    #[test]
    fn words_and_quoted_numbers_are_no_percentage() {
        let got = only(&deployment("aa", "\"10\""), INT_OR_PERCENT);
        assert_eq!(
            got,
            [
                format!("7:17 spec.strategy.rollingUpdate.maxSurge: Invalid value: \"aa\": {PERCENT}"),
                format!("8:23 spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"10\": {PERCENT}"),
            ]
        );
    }

    #[test]
    fn negatives_and_more_than_all() {
        let got = only(&deployment("300%", "-1"), INT_OR_PERCENT);
        assert_eq!(
            got,
            ["8:23 spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]
        );
        let got = only(&deployment("1", "150%"), INT_OR_PERCENT);
        assert_eq!(
            got,
            ["8:23 spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"]
        );
        for bad in ["10.5%", "-5%", "%", "25 %"] {
            assert!(problem_of(bad).is_some(), "{bad}");
        }
    }

    fn problem_of(s: &str) -> Option<(String, String)> {
        let node = Node {
            span: crate::parse::Span::new(0, 0),
            kind: NodeKind::Scalar {
                value: Scalar::Str(s.to_owned()),
                style: crate::parse::ScalarStyle::DoubleQuoted,
            },
        };
        problem(&node, true)
    }

    #[test]
    fn numbers_percentages_nulls_and_placeholders_pass() {
        for (surge, unavailable) in [
            ("1", "0"),
            ("25%", "0%"),
            ("", "~"),
            ("${SURGE}", "\"{{ .Values.x }}\""),
        ] {
            let text = deployment(surge, unavailable);
            assert!(only(&text, INT_OR_PERCENT).is_empty(), "{text}");
        }
    }

    #[test]
    fn disruption_budgets() {
        let text = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  minAvailable: 50 %\n  selector: {matchLabels: {app: web}}\n";
        assert_eq!(
            only(text, INT_OR_PERCENT),
            [format!("5:17 spec.minAvailable: Invalid value: \"50 %\": {PERCENT}")]
        );
        let custom =
            "apiVersion: example.com/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: aa}\n";
        assert!(only(custom, INT_OR_PERCENT).is_empty());
    }
}
