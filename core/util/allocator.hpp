#pragma once
// Which malloc heraldd runs on, for /v2/status/ and --version: "jemalloc 5.3.0-…" or "system".
#include <string>

namespace herald::core {

std::string allocator_name();

/// Hands memory freed but kept by the allocator back to the OS (after start-up has parsed every
/// listener document, say).
void release_free_memory();

}  // namespace herald::core
