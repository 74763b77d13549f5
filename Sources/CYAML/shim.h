#ifndef RELAYGATE_CYAML_SHIM_H
#define RELAYGATE_CYAML_SHIM_H
#include <yaml.h>
#endif
