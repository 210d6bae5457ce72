/* The ABI is header-only; this file exists because a C target needs a source. */
#include "warden_plugin.h"
