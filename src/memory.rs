//! The process's memory: fewer malloc arenas, freed memory handed back, the peak resident set.

/// Keeps glibc to two malloc arenas. By default each thread that allocates (page workers, device tasks, the link)
/// may get an arena of its own, and memory freed in one is not reused by the others: over months and many
/// package builds that is resident memory the kiosk does not use. Call before starting threads.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tuning parameter; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hands memory freed by a visit (pictures, the pinyin engine) back to the system, so a kiosk that runs for months
/// keeps a small footprint and the next big allocation (a package build) does not stack on top of it.
pub fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the kernel; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The process's peak resident set (VmHWM) in KiB, from /proc.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The process's resident set now (VmRSS) in KiB, from /proc.
pub fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
