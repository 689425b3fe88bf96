#pragma once
// A receiver's answer read from the bytes that have come on its connection, without sockets: the
// head parsed in place (herald_http1/message_head.hpp), the body framed by chunked
// coding, Content-Length or the connection's end (RFC 9112 §6.3). Interim 1xx answers are
// skipped. The body is drained, up to a bound, so the connection can carry the next request;
// only its start is kept for the delivery log.
#include <herald_http1/chunked_body.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace herald::http {

struct webhook_answer {
    int status = 0;
    std::string retry_after;  // the Retry-After header, "" without one
    std::string excerpt;      // the body's first excerpt_bytes
    bool keep_alive = false;  // the connection may carry another request
};

class response_reader {
public:
    enum class status { incomplete = 1, complete, bad };

    /// A body longer than `max_drain_bytes` is not read to its end: the answer is complete with
    /// what it said so far, and the connection is not reused.
    explicit response_reader(std::size_t max_drain_bytes = 1 << 20, std::size_t excerpt_bytes = 4096,
                             std::size_t max_head_bytes = 65536);

    /// `buf`: every byte the connection has delivered since the request went out; it only grows
    /// between calls. `closed`: the receiver has closed its side, nothing more will come.
    status feed(std::string_view buf, bool closed);

    /// On `complete`.
    webhook_answer& answer() { return answer_; }
    /// On `bad`: what was wrong, as a sentence's end ("the answer's head is malformed: …").
    const std::string& why() const { return why_; }

private:
    enum class framing { none = 1, length, chunked, until_close };
    status read_head(std::string_view buf, bool closed);
    status read_body(std::string_view buf, bool closed);
    status done(std::string_view body, bool whole);
    status bad(std::string why);

    std::size_t max_drain_, excerpt_bytes_, max_head_;
    std::size_t head_end_ = 0;  // 0: the final head has not been read yet
    std::size_t head_start_ = 0;  // after any interim 1xx answers
    framing framing_ = framing::none;
    std::size_t length_ = 0;
    std::optional<herald::http1::chunked_body> chunked_;
    webhook_answer answer_;
    std::string why_;
};

}  // namespace herald::http
