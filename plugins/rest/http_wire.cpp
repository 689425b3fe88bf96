#include "http_wire.hpp"

#include <herald_http1/content_length.hpp>
#include <herald_http1/message_head.hpp>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>

#include <ctime>

namespace herald::rest {

namespace {

void add_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

// The Date field's value, formatted once a second per loop thread rather than per answer.
const std::string& http_date() {
    thread_local std::time_t second = -1;
    thread_local std::string text;
    const Poco::Timestamp now;
    if (now.epochTime() != second) {
        second = now.epochTime();
        text = Poco::DateTimeFormatter::format(now, Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return text;
}

void start_answer(std::string& out, std::string_view version, int status, std::string_view reason) {
    out.append(version).append(" ").append(std::to_string(status)).append(" ").append(reason).append("\r\n");
    add_field(out, "Date", http_date());
}

}  // namespace

head_status parse_head(std::string_view buf, std::size_t max_head_bytes, request_head& out, std::string& why) {
    const auto end = buf.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (buf.size() <= max_head_bytes) return head_status::incomplete;
        why = "the request head is longer than " + std::to_string(max_head_bytes) + " bytes";
        return head_status::bad;
    }
    out.head_bytes = end + 4;
    if (out.head_bytes > max_head_bytes) {
        why = "the request head is longer than " + std::to_string(max_head_bytes) + " bytes";
        return head_status::bad;
    }
    herald::http1::message_head head;
    if (std::string bad = herald::http1::parse_head(buf.substr(0, out.head_bytes), herald::http1::start_line::request, head);
        !bad.empty()) {
        why = std::move(bad);
        return head_status::bad;
    }
    if (head.start[2] != "HTTP/1.1" && head.start[2] != "HTTP/1.0") {
        why = "not an HTTP/1.x request line";
        return head_status::bad;
    }
    out.method = head.start[0];
    out.target = head.start[1];
    out.version = head.start[2];
    out.authorization = head.get("Authorization").value_or("");
    out.keep_alive = herald::http1::keeps_alive(head, out.version);
    out.chunked = false;
    out.content_length = 0;
    if (const auto codings = head.combined("Transfer-Encoding")) {
        if (!herald::http1::iequals(*codings, "chunked")) {
            why = "transfer coding '" + *codings + "' is not supported (only chunked)";
            return head_status::bad;
        }
        out.chunked = true;
    } else if (const auto length = head.single("Content-Length")) {
        const auto n = herald::http1::parse_content_length(*length);
        if (!n) {
            why = "bad Content-Length '" + *length + "'";
            return head_status::bad;
        }
        out.content_length = *n;
    }
    out.expect_continue = herald::http1::iequals(head.get("Expect").value_or(""), "100-continue");
    return head_status::complete;
}

std::string render_answer(const api_answer& a, const std::string& version, bool keep_alive, const std::string& server) {
    const std::string_view reason =
        a.status == 201 ? "CREATED"
                        : Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
    std::string out;
    out.reserve(192 + a.body.size());
    start_answer(out, version, a.status, reason);
    if (!server.empty()) add_field(out, "Server", server);
    // Set after these, POCO replaced a handler's own copy of them; they are the loop's to say.
    for (const auto& [name, value] : a.headers)
        if (!herald::http1::iequals(name, "Content-Type") && !herald::http1::iequals(name, "Content-Length") &&
            !herald::http1::iequals(name, "Connection") && !herald::http1::iequals(name, "Date"))
            add_field(out, name, value);
    add_field(out, "Content-Type", "application/json; charset=utf-8");
    add_field(out, "Content-Length", std::to_string(a.body.size()));
    add_field(out, "Connection", keep_alive && !a.close ? "Keep-Alive" : "Close");
    out += "\r\n";
    out += a.body;
    return out;
}

std::string render_refusal(int status) {
    std::string out;
    start_answer(out, "HTTP/1.1", status,
                 Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)));
    add_field(out, "Content-Length", "0");
    add_field(out, "Connection", "Close");
    out += "\r\n";
    return out;
}

}  // namespace herald::rest
