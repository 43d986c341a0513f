// What the bench reads about processes (heraldd, its own workers) from /proc, and the one clock
// its processes share.
#pragma once

#include <sys/types.h>

#include <string>

namespace herald::bench {

// CLOCK_MONOTONIC (steady_clock) in nanoseconds: comparable across the bench's processes.
long long monotonic_ns();

// A "Vm..." line of /proc/PID/status (VmRSS, VmHWM) in KiB; -1 if unknown.
long long proc_status_kib(pid_t pid, const std::string& field);

// Open file descriptors of a process; -1 if unknown.
long long open_fds(pid_t pid);

// KiB as MiB, rounded to 3 decimals.
double mib(long long kib);

}  // namespace herald::bench
