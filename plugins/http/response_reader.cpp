#include "response_reader.hpp"

#include <herald_http1/content_length.hpp>

#include <herald_http1/message_head.hpp>

#include <Poco/String.h>

namespace herald::http {

namespace {

// Transfer-Encoding lists codings in the order applied; the body is framed by chunked only when
// chunked is the last one (RFC 9112 §6.3), otherwise it runs to the connection's end.
bool ends_chunked(const std::string& codings) {
    const auto comma = codings.rfind(',');
    const std::string last = Poco::trim(comma == std::string::npos ? codings : codings.substr(comma + 1));
    return Poco::icompare(last, "chunked") == 0;
}

}  // namespace

response_reader::response_reader(std::size_t max_drain_bytes, std::size_t excerpt_bytes, std::size_t max_head_bytes)
    : max_drain_(max_drain_bytes), excerpt_bytes_(excerpt_bytes), max_head_(max_head_bytes) {}

response_reader::status response_reader::bad(std::string why) {
    why_ = std::move(why);
    return status::bad;
}

response_reader::status response_reader::feed(std::string_view buf, bool closed) {
    if (head_end_ == 0) {
        const status s = read_head(buf, closed);
        if (s != status::complete) return s;
    }
    return read_body(buf, closed);
}

response_reader::status response_reader::read_head(std::string_view buf, bool closed) {
    for (;;) {
        const auto end = buf.find("\r\n\r\n", head_start_);
        // Over the bound whether its end has come yet or not (a head may arrive in one read).
        const std::size_t head_bytes = (end == std::string_view::npos ? buf.size() : end + 4) - head_start_;
        if (head_bytes > max_head_)
            return bad("the answer's head is longer than " + std::to_string(max_head_) + " bytes");
        if (end == std::string_view::npos) {
            if (!closed) return status::incomplete;
            return bad(buf.size() == head_start_ ? "the connection closed without an answer"
                                                 : "the connection closed in the middle of the answer's head");
        }
        herald::http1::message_head head;
        if (const std::string why =
                herald::http1::parse_head(buf.substr(head_start_, end + 4 - head_start_), herald::http1::start_line::response, head);
            !why.empty())
            return bad("the answer's head is malformed: " + why);
        const std::string_view version = head.start[0];
        if (version != "HTTP/1.1" && version != "HTTP/1.0")
            return bad("the answer is not HTTP/1.x ('" + std::string(version) + "')");
        const int code = (head.start[1][0] - '0') * 100 + (head.start[1][1] - '0') * 10 + (head.start[1][2] - '0');
        if (code < 100) return bad("the answer's status " + std::to_string(code) + " is not valid");
        if (code < 200) {  // interim (100 Continue, 103 Early Hints): the real answer follows
            if (code == 101) return bad("the receiver switched protocols (101) in answer to a POST");
            head_start_ = end + 4;
            continue;
        }
        head_end_ = end + 4;
        answer_.status = code;
        answer_.retry_after = head.get("Retry-After").value_or("");
        answer_.keep_alive = herald::http1::keeps_alive(head, version);
        const auto codings = head.combined("Transfer-Encoding");
        const auto lengths = head.single("Content-Length");
        if (code == 204 || code == 304) {
            framing_ = framing::none;
        } else if (codings) {
            framing_ = ends_chunked(*codings) ? framing::chunked : framing::until_close;
            if (framing_ == framing::chunked) chunked_.emplace(max_drain_);
        } else if (lengths) {
            const auto n = herald::http1::parse_content_length(*lengths);
            if (!n) return bad("the answer's Content-Length '" + *lengths + "' is not a number");
            framing_ = framing::length;
            length_ = static_cast<std::size_t>(*n);
        } else {
            framing_ = framing::until_close;
        }
        return status::complete;
    }
}

response_reader::status response_reader::read_body(std::string_view buf, bool closed) {
    const std::string_view body = buf.substr(head_end_);
    switch (framing_) {
    case framing::none:
        return done({}, body.empty());
    case framing::length:
        if (length_ > max_drain_) return done(body, false);
        if (body.size() >= length_) return done(body.substr(0, length_), body.size() == length_);
        if (closed) return bad("the connection closed before the answer's body was complete");
        return status::incomplete;
    case framing::chunked:
        switch (chunked_->feed(body)) {
        case herald::http1::chunked_body::status::complete:
            return done(chunked_->body(), chunked_->consumed() == body.size());
        case herald::http1::chunked_body::status::too_large:
            return done(chunked_->body(), false);
        case herald::http1::chunked_body::status::bad:
            return bad("the answer's chunked body is malformed");
        case herald::http1::chunked_body::status::incomplete:
            break;
        }
        if (closed) return bad("the connection closed before the answer's body was complete");
        return status::incomplete;
    case framing::until_close:
        answer_.keep_alive = false;
        if (closed || body.size() > max_drain_) return done(body, false);
        return status::incomplete;
    }
    return status::incomplete;
}

// `whole`: the body was read to its end and nothing came after it, so the connection is in a
// known state and may be reused if the receiver keeps it open.
response_reader::status response_reader::done(std::string_view body, bool whole) {
    answer_.excerpt.assign(body.data(), std::min(body.size(), excerpt_bytes_));
    if (!whole) answer_.keep_alive = false;
    return status::complete;
}

}  // namespace herald::http
