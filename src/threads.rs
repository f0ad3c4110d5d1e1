//! The worker threads of lint, convert and estimate: started once, early, and never a panic when
//! the system refuses them (a container's process limit, RLIMIT_NPROC).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when the pool could not be started and the work runs on the calling thread alone; the
/// directory walk reads it to walk without threads of its own.
static ONE_THREAD: AtomicBool = AtomicBool::new(false);

/// The fallback pool, kept for the life of the process: its only worker is the main thread.
static FALLBACK: OnceLock<rayon::ThreadPool> = OnceLock::new();

/// Starts the global pool with `requested` threads (default: rayon's, one per core). When the
/// threads cannot be created, makes the calling thread the one worker, so every later parallel
/// iterator runs on it and no thread is needed at all, and returns the warnings to print. Call
/// it before anything parallel; later calls do nothing.
pub fn start(requested: Option<usize>) -> Vec<String> {
    static STARTED: std::sync::Once = std::sync::Once::new();
    let mut warnings = Vec::new();
    STARTED.call_once(|| start_once(requested, &mut warnings));
    warnings
}

fn start_once(requested: Option<usize>, warnings: &mut Vec<String>) {
    let wanted = requested.map_or(0, |n| n.max(1));
    // rayon allows one attempt at the global pool, failed or not, so the fallback is a pool of
    // its own that adopts this thread: rayon then finds it as the current thread's pool.
    let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(wanted).build_global() else {
        return;
    };
    let shown = if wanted == 0 { default_count() } else { wanted };
    warnings.push(format!(
        "cannot start {shown} worker threads ({e}); running on one thread"
    ));
    match rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
    {
        Ok(pool) => {
            let _ = FALLBACK.set(pool);
            ONE_THREAD.store(true, Ordering::Relaxed);
        }
        // Only when this thread is already a pool's worker, which the first call is not.
        Err(e) => warnings.push(format!("cannot run on this thread either ({e})")),
    }
}

/// Whether the work runs on the calling thread alone (the pool could not be started).
pub fn one_thread() -> bool {
    ONE_THREAD.load(Ordering::Relaxed)
}

/// rayon's default size, for the warning only.
fn default_count() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}
