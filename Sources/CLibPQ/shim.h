#ifndef RELAYGATE_CLIBPQ_SHIM_H
#define RELAYGATE_CLIBPQ_SHIM_H
// libpq's API is plain functions (no macros or variadics we need), so the header alone does.
#include <libpq-fe.h>
#endif
