// glibc's allocator settings (mallopt), which Swift's Glibc module does not
// export: the gateway pins the thresholds at which glibc maps large blocks on
// their own and gives an arena's free top back (see AllocatorSettings.swift).
#if defined(__linux__) && __has_include(<malloc.h>)
#include <malloc.h>
#endif
