#pragma once
// Opens one plugin file and checks everything that can be checked before its object exists:
// the library loads (dependencies resolve), the entry symbol exists, the ABI version fits, the
// descriptor is complete, and its schemas are valid schemas.
#include "plugins/plugin_instance.hpp"

#include <filesystem>
#include <string>

namespace herald::core {

/// Throws std::runtime_error with the reason (without the file name; callers add it).
plugin_candidate inspect_plugin(const std::filesystem::path& file);

}  // namespace herald::core
