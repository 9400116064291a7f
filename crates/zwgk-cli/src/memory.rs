//! Process-wide memory settings.
//!
//! glibc's malloc gives each thread that allocates under contention an arena of its own,
//! up to eight per core, and each arena keeps what is freed in it. A crawl hands pages
//! between the runtime's threads, up to 16 blocking threads (cache reads and writes,
//! large bodies) and the evaluation threads, so a 100,000-page `--cache` crawl on two
//! cores held about 535 MB at its peak with the default, against 492 MB with one arena a
//! core, at the same speed (BENCHMARKS.md). A `MALLOC_ARENA_MAX` set by the user wins.

/// Cap glibc's malloc arenas at the number of cores (at least two), unless the
/// environment sets `MALLOC_ARENA_MAX`. Nothing on other C libraries.
pub fn cap_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only sets a malloc parameter; it is called once, before
        // this process starts any thread of its own.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
