#include "util/allocator.hpp"

#ifdef HERALD_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

namespace herald::core {

// heraldd links jemalloc (HERALD_ALLOCATOR, CMakeLists.txt) because allocation is a tenth of its
// CPU under load: every request, JSON document and POCO message allocates, on up to ~40 threads.
// Asking jemalloc for its version proves at run time that its malloc is the one in use — a
// library dropped by the linker or shadowed by a preload would answer "system".
std::string allocator_name() {
#ifdef HERALD_WITH_JEMALLOC
    const char* version = nullptr;
    std::size_t len = sizeof version;
    if (mallctl("version", &version, &len, nullptr, 0) == 0 && version) return std::string("jemalloc ") + version;
#endif
    return "system";
}

void release_free_memory() {
#ifdef HERALD_WITH_JEMALLOC
    // Every arena's dirty pages, returned now rather than after jemalloc's decay time.
    const std::string purge = "arena." + std::to_string(MALLCTL_ARENAS_ALL) + ".purge";
    mallctl(purge.c_str(), nullptr, nullptr, nullptr, 0);
#else
    malloc_trim(0);
#endif
}

}  // namespace herald::core
