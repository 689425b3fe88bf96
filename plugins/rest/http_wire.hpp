#pragma once
// HTTP/1.1 on the wire for the event loop, as pure functions over byte buffers (tested without
// sockets): where a request's head ends and what it says, a chunked body, and an answer's bytes.
//
// The head is read in place by herald_http1 (plugins/common: POCO's HTTPRequest::read, used
// before, pulled it through an istream a character at a time, 9 % of the loop's CPU in P1), and
// the answer's bytes are written out directly in the form POCO's HTTPResponse::write gives them,
// so both match what its connection threads send for HTTPS. POCO's chunked decoder cannot be
// used either: it pulls from a live HTTPSession's socket, and the loop owns the socket and reads
// only what has arrived. So chunked bodies are decoded resumably, by herald_http1 too.
#include "api_exchange.hpp"

#include <herald_http1/chunked_body.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::rest {

struct request_head {
    std::string method;
    std::string target;             // the request-target as sent ("/pulp/api/v2/events/?x=1")
    std::string version;            // "HTTP/1.1" or "HTTP/1.0"
    std::string authorization;      // the Authorization field, "" without one
    bool keep_alive = false;        // the client leaves the connection open after the answer
    std::size_t head_bytes = 0;        // the request line and headers, blank line included
    bool chunked = false;              // Transfer-Encoding: chunked (it wins over Content-Length)
    std::uint64_t content_length = 0;  // when not chunked; 0 without the header
    bool expect_continue = false;      // Expect: 100-continue
};

enum class head_status { incomplete = 1, complete, bad };

/// Looks for a whole request head at the start of `buf`. `complete` fills `out`; `bad` sets
/// `why` (a malformed head, a head over `max_head_bytes`, a version other than HTTP/1.0 or 1.1,
/// a transfer coding other than chunked, a bad Content-Length).
head_status parse_head(std::string_view buf, std::size_t max_head_bytes, request_head& out, std::string& why);

/// Chunked bodies are decoded by the framing library the http plugin reads its answers with.
using chunked_body = herald::http1::chunked_body;

/// The bytes of `a` as an HTTP response to a request of `version` ("HTTP/1.1"): status line,
/// Date, Content-Type, Content-Length, Connection and a.headers, then the body.
std::string render_answer(const api_answer& a, const std::string& version, bool keep_alive, const std::string& server);

/// The bytes of a bodiless error answer that ends the connection (400, 431, 501…).
std::string render_refusal(int status);

}  // namespace herald::rest
