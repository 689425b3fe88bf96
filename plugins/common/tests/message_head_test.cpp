// Message heads read in place: request and status lines, fields looked up without case, folded
// values, lists, keep-alive, and every malformed shape refused with where it went wrong.
#include <herald_http1/message_head.hpp>

#include <catch2/catch.hpp>

using namespace herald::http1;

namespace {

message_head parsed(std::string_view bytes, start_line kind) {
    message_head h;
    const std::string why = parse_head(bytes, kind, h);
    INFO(why);
    REQUIRE(why.empty());
    return h;
}

std::string refusal(std::string_view bytes, start_line kind = start_line::request) {
    message_head h;
    return parse_head(bytes, kind, h);
}

}  // namespace

TEST_CASE("a request head: its line, and fields found without regard to case", "[wire]") {
    const std::string wire =
        "POST /pulp/api/v2/event_reports/?x=1 HTTP/1.1\r\nHost: h\r\ncontent-LENGTH:  12 \r\n"
        "Authorization: Basic YWRtaW46YWRtaW4=\r\nX-Empty:\r\n\r\n";
    const message_head h = parsed(wire, start_line::request);
    CHECK(h.start[0] == "POST");
    CHECK(h.start[1] == "/pulp/api/v2/event_reports/?x=1");
    CHECK(h.start[2] == "HTTP/1.1");
    CHECK(h.get("Content-Length") == "12");
    CHECK(h.get("authorization") == "Basic YWRtaW46YWRtaW4=");
    CHECK(h.get("X-Empty") == "");
    CHECK_FALSE(h.get("Expect"));
    REQUIRE(h.fields.size() == 4);
    CHECK(h.fields[1].name == "content-LENGTH");  // as sent
}

TEST_CASE("empty lines before a request line are skipped", "[wire]") {
    const message_head h = parsed("\r\n\r\nGET / HTTP/1.0\r\n\r\n", start_line::request);
    CHECK(h.start[0] == "GET");
}

TEST_CASE("a status line, with or without its reason", "[wire]") {
    message_head h = parsed("HTTP/1.1 404 Not  Found\r\nRetry-After: 7\r\n\r\n", start_line::response);
    CHECK(h.start[0] == "HTTP/1.1");
    CHECK(h.start[1] == "404");
    CHECK(h.start[2] == "Not  Found");
    CHECK(h.get("retry-after") == "7");
    CHECK(parsed("HTTP/1.1 200\r\n\r\n", start_line::response).start[2].empty());
    CHECK(parsed("HTTP/1.1 200 \r\n\r\n", start_line::response).start[1] == "200");
}

TEST_CASE("a folded value reads as one line with each fold one space", "[wire]") {
    const message_head h =
        parsed("HTTP/1.1 200 OK\r\nX-Folded: first \r\n   second\r\n\tthird\r\nX-Late:\r\n  only\r\n\r\n",
               start_line::response);
    CHECK(h.get("X-Folded") == "first second third");
    CHECK(h.get("X-Late") == "only");
}

TEST_CASE("repeated fields combine into one list; tokens are found in it without case", "[wire]") {
    const message_head h = parsed(
        "HTTP/1.1 200 OK\r\nConnection: upgrade\r\nTransfer-Encoding: gzip\r\nConnection: Keep-Alive , x\r\n"
        "Transfer-Encoding: chunked\r\n\r\n",
        start_line::response);
    CHECK(h.combined("transfer-encoding") == "gzip, chunked");
    CHECK(h.has_token("Connection", "keep-alive"));
    CHECK(h.has_token("Connection", "X"));
    CHECK_FALSE(h.has_token("Connection", "close"));
    CHECK_FALSE(h.combined("Content-Length"));
    CHECK(h.single("Connection") == "upgrade, Keep-Alive , x");
    const message_head twice = parsed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n",
                                      start_line::response);
    CHECK(twice.single("Content-Length") == "5");
}

TEST_CASE("keep-alive: HTTP/1.1 unless close, HTTP/1.0 only when asked", "[wire]") {
    const auto alive = [](const std::string& wire) {
        const message_head h = parsed(wire, start_line::response);
        return keeps_alive(h, h.start[0]);
    };
    CHECK(alive("HTTP/1.1 200 OK\r\n\r\n"));
    CHECK_FALSE(alive("HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n"));
    CHECK_FALSE(alive("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n\r\n"));
    CHECK_FALSE(alive("HTTP/1.0 200 OK\r\n\r\n"));
    CHECK(alive("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n"));
    CHECK_FALSE(alive("HTTP/1.0 200 OK\r\nConnection: upgrade\r\n\r\n"));
}

TEST_CASE("malformed heads are refused with what and where", "[wire]") {
    CHECK(refusal("GET  / HTTP/1.1\r\n\r\n") == "the request line is not 'METHOD target HTTP/1.1'");
    CHECK(refusal("GET /\r\n\r\n") == "the request line is not 'METHOD target HTTP/1.1'");
    CHECK(refusal("NOT HTTP AT ALL\r\n\r\n") == "the request line is not 'METHOD target HTTP/1.1'");
    CHECK(refusal("G(T / HTTP/1.1\r\n\r\n") == "the request method is not a token");
    CHECK(refusal("GET /\x01 HTTP/1.1\r\n\r\n") == "the request target has a control character");
    CHECK(refusal("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == "the header field on line 2 has whitespace before its colon");
    CHECK(refusal("GET / HTTP/1.1\r\nA: 1\r\nNo colon here\r\n\r\n") == "line 3 is not a header field ('name: value')");
    CHECK(refusal("GET / HTTP/1.1\r\nB@d: 1\r\n\r\n") == "the header field name on line 2 is not a token");
    CHECK(refusal("GET / HTTP/1.1\r\n: 1\r\n\r\n") == "the header field name on line 2 is not a token");
    static const char nul[] = "GET / HTTP/1.1\r\nA: x\0y\r\n\r\n";
    CHECK(refusal(std::string_view(nul, sizeof nul - 1)) == "the header field on line 2 has a control character");
    CHECK(refusal("GET / HTTP/1.1\r\nA: x\ny: 2\r\n\r\n") == "line 2 ends in a bare CR or LF, not CRLF");
    CHECK(refusal("GET / HTTP/1.1\r\nA: x\ry\r\n\r\n") == "line 2 ends in a bare CR or LF, not CRLF");
    CHECK(refusal("GET / HTTP/1.1\r\n folded: first\r\n\r\n") == "line 2 begins with whitespace before any header field");
    CHECK(refusal("GET / HTTP/1.1\r\nA: 1\r\n") == "the head does not end with an empty line");

    CHECK(refusal("garbage\r\n\r\n", start_line::response) == "the status line is not 'HTTP/1.1 code reason'");
    CHECK(refusal("HTTP/1.1 20 OK\r\n\r\n", start_line::response) == "the status line is not 'HTTP/1.1 code reason'");
    CHECK(refusal("HTTP/1.1 2000 OK\r\n\r\n", start_line::response) == "the status line is not 'HTTP/1.1 code reason'");
    CHECK(refusal(" 200 OK\r\n\r\n", start_line::response) == "the status line is not 'HTTP/1.1 code reason'");
    CHECK(refusal("HTTP/1.1 200 O\x7fK\r\n\r\n", start_line::response) == "the status line has a control character");
}
