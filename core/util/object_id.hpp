#pragma once
#include <string>

namespace herald::core {

/// A new 24-lowercase-hex id shaped like a Mongo ObjectId (4-byte time, 5 random bytes, 3-byte
/// counter), so ids sort by creation time and look like the ones Pulp clients know.
std::string new_object_id();

/// True for exactly 24 lowercase hex digits.
bool is_object_id(const std::string& s);

/// Milliseconds since the Unix epoch.
long long now_ms();

}  // namespace herald::core
