//! The process's memory: fewer malloc arenas, freed memory handed back, the peak resident set.

/// Keeps glibc to two malloc arenas. By default each thread that allocates (page workers, device tasks, the link)
/// may get an arena of its own, and memory freed in one is not reused by the others: over months and many
/// package builds that is resident memory the kiosk does not use.
///
/// And keeps big buffers (a decoded page, a frame, an encoded JPEG) in mappings of their own, given back to the
/// system the moment they are freed. By default glibc raises that threshold to the size of each such buffer freed,
/// up to 32 MB, so after the first page the next pages' buffers come from the heap, stay there after they are
/// freed, and the heap grows with every page captured. Call before starting threads.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator tuning parameters; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
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
    status_kb("VmHWM:")
}

/// The process's resident set now (VmRSS) in KiB, from /proc.
pub fn rss_kb() -> Option<u64> {
    status_kb("VmRSS:")
}

/// The resident set now in KiB: (the process's own memory, pages mapped from files such as the binary's code,
/// fonts and tables, which the page cache shares with every process that maps them).
pub fn rss_anon_and_file_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some((
        field_kb(&status, "RssAnon:")?,
        field_kb(&status, "RssFile:")?,
    ))
}

fn status_kb(field: &str) -> Option<u64> {
    field_kb(&std::fs::read_to_string("/proc/self/status").ok()?, field)
}

fn field_kb(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
