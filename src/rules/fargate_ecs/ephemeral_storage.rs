//! FG012: ephemeral storage on Fargate is 21-200 GiB (20 GiB come with every task).

use super::Task;
use crate::finding::{Finding, ids};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let Some(size) = task.node.get("ephemeralStorage").and_then(|e| e.get("sizeInGiB")) else {
        return;
    };
    let Some(gib) = size.to_json().as_i64() else { return };
    if !(21..=200).contains(&gib) {
        out.push(
            task.finding(
                ids::FG_EPHEMERAL_STORAGE,
                size.span,
                "/ephemeralStorage/sizeInGiB",
                format!("ephemeral storage of {gib} GiB is outside the 21-200 GiB Fargate allows"),
            )
            .with_label("21-200 GiB")
            .with_help(
                "use 21-200 (Linux platform version 1.4.0 or later), or remove ephemeralStorage to get the 20 GiB included in the price",
            ),
        );
    }
}
