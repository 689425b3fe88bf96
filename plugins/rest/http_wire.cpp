#include "http_wire.hpp"

#include <herald_http1/content_length.hpp>

#include <Poco/MemoryStream.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <sstream>

namespace herald::rest {

namespace {


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
        const auto n = herald::http1::parse_content_length(out.request.get("Content-Length"));
        if (!n) {
            why = "bad Content-Length '" + out.request.get("Content-Length") + "'";
            return head_status::bad;
        }
        out.content_length = *n;
    }
    out.expect_continue = Poco::icompare(out.request.get("Expect", ""), "100-continue") == 0;
    return head_status::complete;
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
