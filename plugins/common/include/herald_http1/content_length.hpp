#pragma once
// A Content-Length value (RFC 9110 §8.6): digits only, surrounding whitespace allowed. std::stoull
// alone would take "+5", " 5x" or "-1" (as a huge number); a length that disagrees with the
// peer's idea of it desynchronises the connection.
#include <cstdint>
#include <optional>
#include <string_view>

namespace herald::http1 {

/// The length, or nothing when `value` is not a plain decimal of at most 18 digits.
std::optional<std::uint64_t> parse_content_length(std::string_view value);

}  // namespace herald::http1
