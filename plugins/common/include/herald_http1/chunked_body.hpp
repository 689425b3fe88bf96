#pragma once
// A chunked HTTP/1.1 body (RFC 9112 §7.1) decoded resumably from a byte buffer that grows as bytes
// arrive. POCO's own decoder pulls from a live HTTPSession's socket, so it cannot serve code that
// owns its socket and reads only what has come: the rest plugin's event loop (request bodies)
// and the http plugin's client (answers). Pure; tested without sockets.
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::http1 {

/// A chunked body decoded as its bytes arrive: feed() it the connection's buffer from the
/// body's first byte each time more has come; it resumes where it stopped.
class chunked_body {
public:
    enum class status { incomplete = 1, complete, bad, too_large };

    explicit chunked_body(std::size_t limit) : limit_(limit) {}

    /// `buf` starts at the body's first byte and only ever grows between calls. On `complete`,
    /// body() is the decoded body and consumed() the bytes it took (trailers included).
    status feed(std::string_view buf);
    std::string& body() { return body_; }
    std::size_t consumed() const { return pos_; }

private:
    std::size_t limit_;
    std::size_t pos_ = 0;      // bytes of the buffer taken so far (whole chunks only)
    bool trailers_ = false;    // past the last chunk, reading trailer lines
    std::string body_;
};

}  // namespace herald::http1
