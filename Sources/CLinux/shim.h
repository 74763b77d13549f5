#ifndef RELAYGATE_CLINUX_SHIM_H
#define RELAYGATE_CLINUX_SHIM_H
#include <sys/prctl.h>
#include <signal.h>

/// prctl is variadic, which Swift cannot call. A worker asks the kernel to send it
/// `sig` when the process that spawned it dies, so no worker outlives the supervisor.
static inline int relaygate_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0UL, 0UL, 0UL);
}
#endif
