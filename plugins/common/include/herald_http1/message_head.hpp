#pragma once
// An HTTP/1.x message head — its start line and header fields (RFC 9112 §2-5) — read in place
// from the bytes that came, for the REST event loop (requests) and the webhook client (answers).
//
// Why not POCO's HTTPRequest/HTTPResponse::read, which both used before: they pull the head one
// character at a time through an std::istream, and in P1's profile that parse alone was 11 % of a
// delivery worker's CPU and 9 % of the REST loop's (bench/RESULTS.md, eighth session). This reads
// the same grammar with string_view scans and no copies; only the fields a caller asks for are
// turned into strings.
//
// Strict where leniency would let two parties frame a message differently: whitespace before a
// field's colon, a line that is not CRLF-terminated, control characters in a value, or a field
// line before the first field that begins with whitespace are malformed. A folded value (obs-fold,
// a continuation line that begins with SP or HTAB) is kept and read with each fold as one SP, as
// RFC 9112 §5.2 asks of a user agent.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::http1 {

struct head_field {
    std::string_view name;
    std::string_view value;  // without the surrounding whitespace; a folded one spans its lines
    bool folded = false;
};

struct message_head {
    /// A request's method, target and version, or an answer's version, status code and reason
    /// (which may be empty).
    std::string_view start[3];
    std::vector<head_field> fields;

    /// The value of the first field called `name` (compared without case), folds read as one
    /// SP, or nothing without one.
    std::optional<std::string> get(std::string_view name) const;
    /// Every field called `name`, joined by ", " as one list (RFC 9110 §5.3), or nothing.
    std::optional<std::string> combined(std::string_view name) const;
    /// The value of the `name` fields when every copy agrees (identical Content-Length copies
    /// count as one, RFC 9110 §8.6), otherwise their combined list; nothing without one.
    std::optional<std::string> single(std::string_view name) const;
    /// Whether the comma-separated list in the `name` fields holds `token` (without case).
    bool has_token(std::string_view name, std::string_view token) const;
};

enum class start_line { request = 1, response };

/// Parses `bytes`, a whole head up to and including its blank line's CRLF CRLF, into `out`,
/// whose views point into `bytes`. Returns "" when it is well formed, otherwise what is wrong
/// ("the header field on line 3 has whitespace before its colon").
std::string parse_head(std::string_view bytes, start_line kind, message_head& out);

/// Whether the connection stays open after this message (RFC 9112 §9.3): HTTP/1.1 unless
/// "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
bool keeps_alive(const message_head& head, std::string_view version);

/// Whether `a` and `b` are equal without regard to ASCII case.
bool iequals(std::string_view a, std::string_view b);

}  // namespace herald::http1
