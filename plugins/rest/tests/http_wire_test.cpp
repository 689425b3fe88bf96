// The event loop's HTTP framing, without sockets: where a head ends, what it says, and an
// answer's bytes (chunked bodies: plugins/common/tests).
#include "http_wire.hpp"

#include <catch2/catch.hpp>

using namespace herald::rest;

namespace {

head_status parse(const std::string& bytes, request_head& h, std::string& why, std::size_t max = 65536) {
    return parse_head(bytes, max, h, why);
}

}  // namespace

TEST_CASE("a head is complete only with its blank line, and says what it carries", "[wire]") {
    request_head h;
    std::string why;
    const std::string head = "POST /pulp/api/v2/events/ HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n"
                             "Authorization: Basic YWRtaW46YWRtaW4=\r\n\r\n";
    CHECK(parse(head.substr(0, head.size() - 2), h, why) == head_status::incomplete);
    REQUIRE(parse(head + "{\"a\": 1}", h, why) == head_status::complete);
    CHECK(h.head_bytes == head.size());
    CHECK(h.method == "POST");
    CHECK(h.target == "/pulp/api/v2/events/");
    CHECK(h.version == "HTTP/1.1");
    CHECK(h.authorization == "Basic YWRtaW46YWRtaW4=");
    CHECK(h.content_length == 12);
    CHECK_FALSE(h.chunked);
    CHECK_FALSE(h.expect_continue);
    CHECK(h.keep_alive);
}

TEST_CASE("heads that are not HTTP/1.x or say impossible things are bad, with the reason", "[wire]") {
    request_head h;
    std::string why;
    CHECK(parse("GARBAGE\r\n\r\n", h, why) == head_status::bad);
    CHECK(parse("NOT HTTP AT ALL\r\n\r\n", h, why) == head_status::bad);
    CHECK(why == "the request line is not 'METHOD target HTTP/1.1'");
    CHECK(parse("GET / HTTP/2.0\r\n\r\n", h, why) == head_status::bad);
    CHECK(why == "not an HTTP/1.x request line");
    CHECK(parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n", h, why) == head_status::bad);
    CHECK(why == "the header field on line 2 has whitespace before its colon");
    CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", h, why) == head_status::bad);
    CHECK(why == "bad Content-Length '1x'");
    CHECK(parse("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", h, why) == head_status::bad);
    CHECK(why.find("'gzip' is not supported") != std::string::npos);
    const std::string long_head = "GET / HTTP/1.1\r\nX: " + std::string(200, 'a');
    CHECK(parse(long_head, h, why, 100) == head_status::bad);  // no end in sight and over the bound
    CHECK(why == "the request head is longer than 100 bytes");
}

TEST_CASE("chunked and expect-continue heads are recognised; HTTP/1.0 is not kept alive", "[wire]") {
    request_head h;
    std::string why;
    REQUIRE(parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
                  h, why) == head_status::complete);
    CHECK(h.chunked);  // it wins over Content-Length
    CHECK(h.expect_continue);
    REQUIRE(parse("GET / HTTP/1.0\r\n\r\n", h, why) == head_status::complete);
    CHECK_FALSE(h.keep_alive);
}

TEST_CASE("an answer renders as POCO writes it, with its headers and body", "[wire]") {
    api_answer a;
    a.status = 201;
    a.body = "{\"x\":1}";
    a.headers.emplace_back("Location", "/pulp/api/v2/events/1/");
    const std::string out = render_answer(a, "HTTP/1.1", true, "");
    CHECK(out.rfind("HTTP/1.1 201 CREATED\r\n", 0) == 0);
    CHECK(out.find("Location: /pulp/api/v2/events/1/\r\n") != std::string::npos);
    CHECK(out.find("Content-Length: 7\r\n") != std::string::npos);
    CHECK(out.find("Content-Type: application/json; charset=utf-8\r\n") != std::string::npos);
    CHECK(out.find("Connection: Keep-Alive\r\n") != std::string::npos);
    CHECK(out.substr(out.size() - 11) == "\r\n\r\n{\"x\":1}");
    a.close = true;
    CHECK(render_answer(a, "HTTP/1.1", true, "").find("Connection: Close\r\n") != std::string::npos);
    CHECK(render_refusal(400).rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
}
