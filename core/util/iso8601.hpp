#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace herald::core {

/// Milliseconds since the epoch → "2026-11-23T17:00:00.123Z" ("" for 0).
std::string iso8601(long long ms);

/// "2026-11-23T17:00:00Z" (optionally with .mmm), or an integer of milliseconds since the epoch.
std::optional<long long> parse_time(const nlohmann::json& v);

}  // namespace herald::core
