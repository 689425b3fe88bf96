#include "http_wire.hpp"

#include <Poco/MemoryStream.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <cctype>
#include <sstream>

namespace herald::rest {

namespace {

bool all_digits(const std::string& s) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
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
    try {
        Poco::MemoryInputStream in(buf.data(), out.head_bytes);
        out.request.read(in);
    } catch (const Poco::Exception& e) {
        why = e.displayText();
        return head_status::bad;
    }
    // POCO takes any third word for the version ("NOT HTTP AT ALL" parses).
    const std::string& version = out.request.getVersion();
    if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0) {
        why = "not an HTTP/1.x request line";
        return head_status::bad;
    }
    out.chunked = false;
    out.content_length = 0;
    if (out.request.has("Transfer-Encoding")) {
        if (Poco::icompare(Poco::trim(out.request.get("Transfer-Encoding")), "chunked") != 0) {
            why = "transfer coding '" + out.request.get("Transfer-Encoding") + "' is not supported (only chunked)";
            return head_status::bad;
        }
        out.chunked = true;
    } else if (out.request.has("Content-Length")) {
        const std::string n = Poco::trim(out.request.get("Content-Length"));
        if (!all_digits(n)) {
            why = "bad Content-Length '" + n + "'";
            return head_status::bad;
        }
        out.content_length = std::stoull(n);
    }
    out.expect_continue = Poco::icompare(out.request.get("Expect", ""), "100-continue") == 0;
    return head_status::complete;
}

chunked_body::status chunked_body::feed(std::string_view buf) {
    for (;;) {
        const auto eol = buf.find("\r\n", pos_);
        if (eol == std::string_view::npos) return buf.size() - pos_ > 4096 ? status::bad : status::incomplete;
        const std::string_view line = buf.substr(pos_, eol - pos_);
        if (trailers_) {
            pos_ = eol + 2;
            if (line.empty()) return status::complete;  // trailer fields are read and ignored
            continue;
        }
        // chunk-size [; chunk-ext]
        std::size_t size = 0, digits = 0;
        for (char c : line) {
            const int v = std::isxdigit(static_cast<unsigned char>(c))
                              ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10))
                              : -1;
            if (v < 0) break;
            if (++digits > 15) return status::bad;
            size = size * 16 + static_cast<std::size_t>(v);
        }
        if (digits == 0 || (digits < line.size() && line[digits] != ';' && line[digits] != ' ' && line[digits] != '\t'))
            return status::bad;
        if (size == 0) {
            pos_ = eol + 2;
            trailers_ = true;
            continue;
        }
        if (body_.size() + size > limit_) return status::too_large;
        const std::size_t data = eol + 2;
        if (buf.size() < data + size + 2) return status::incomplete;  // the chunk has not all come
        if (buf.substr(data + size, 2) != "\r\n") return status::bad;
        body_.append(buf.data() + data, size);
        pos_ = data + size + 2;
    }
}

std::string render_answer(const api_answer& a, const std::string& version, bool keep_alive, const std::string& server) {
    Poco::Net::HTTPResponse r(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
    r.setVersion(version);
    if (a.status == 201) r.setReason("CREATED");
    r.setDate(Poco::Timestamp());
    if (!server.empty()) r.set("Server", server);
    for (const auto& [name, value] : a.headers) r.set(name, value);
    r.setContentType("application/json; charset=utf-8");
    r.setContentLength(static_cast<std::streamsize>(a.body.size()));
    r.setKeepAlive(keep_alive && !a.close);
    std::ostringstream head;
    r.write(head);
    std::string out = head.str();
    out += a.body;
    return out;
}

std::string render_refusal(int status) {
    Poco::Net::HTTPResponse r(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    r.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    r.setDate(Poco::Timestamp());
    r.setContentLength(0);
    r.setKeepAlive(false);
    std::ostringstream head;
    r.write(head);
    return head.str();
}

}  // namespace herald::rest
