//! Rollout limits ECS can act on. ECS starts at most floor(desired x maximumPercent / 100)
//! tasks and keeps at least ceil(desired x minimumHealthyPercent / 100) running, while
//! Kubernetes rounds maxSurge up and maxUnavailable down: 125% / 75% on one to three replicas
//! lets ECS neither start nor stop a task, and the deployment never progresses.

/// Kubernetes' default rolling update (25% surge, 25% unavailable) on `replicas`, as ECS
/// percentages that give the same task counts.
pub fn default_limits(replicas: i64) -> (i64, i64) {
    let n = replicas.max(1);
    let surge = (n + 3) / 4;
    let unavailable = n / 4;
    (100 + ceil_percent(surge, n), 100 - unavailable * 100 / n)
}

/// A StatefulSet's rolling update: one pod at a time, stopped before its replacement starts.
pub fn one_at_a_time(replicas: i64) -> (i64, i64) {
    let n = replicas.max(1);
    (100, 100 - ceil_percent(1, n))
}

/// Whether a deployment of `desired` tasks can start or stop at least one.
pub fn can_move(desired: i64, max: i64, min: i64) -> bool {
    let n = desired.max(1);
    n * max / 100 > n || (n * min + 99) / 100 < n
}

/// Limits that let one task move, keeping the side the strategy chose: with no surge allowed
/// (maximumPercent 100, a StatefulSet's one pod at a time) one task may stop, else one may
/// start, as Kubernetes' rounding would allow.
pub fn unstick(desired: i64, max: i64, min: i64) -> (i64, i64) {
    let n = desired.max(1);
    if max <= 100 {
        (max, min.min(100 - ceil_percent(1, n)))
    } else {
        (max.max(100 + ceil_percent(1, n)), min)
    }
}

/// `count` of `n` as a percentage rounded up, so that ECS's floor gives `count` back.
fn ceil_percent(count: i64, n: i64) -> i64 {
    (count * 100 + n - 1) / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_kubernetes_rounding() {
        assert_eq!(default_limits(1), (200, 100));
        assert_eq!(default_limits(2), (150, 100));
        assert_eq!(default_limits(3), (134, 100));
        assert_eq!(default_limits(4), (125, 75));
        assert_eq!(default_limits(10), (130, 80));
        for n in 1..200 {
            let (max, min) = default_limits(n);
            assert!(can_move(n, max, min), "{n}");
        }
    }

    #[test]
    fn stuck_limits_are_opened_on_the_strategy_side() {
        assert!(!can_move(1, 125, 75));
        assert_eq!(unstick(1, 125, 75), (200, 75));
        assert_eq!(unstick(1, 100, 100), (100, 0));
        assert_eq!(unstick(3, 100, 75), (100, 66));
        assert!(can_move(3, 100, 66));
        assert_eq!(one_at_a_time(1), (100, 0));
        assert_eq!(one_at_a_time(3), (100, 66));
    }
}
