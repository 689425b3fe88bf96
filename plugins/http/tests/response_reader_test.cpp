// Answers framed from the bytes that have come, without sockets: every way a receiver may say
// where its body ends, bodies in pieces, interim answers, and receivers that break the rules.
#include "response_reader.hpp"

#include <catch2/catch.hpp>

using namespace herald::http;
using status = response_reader::status;

namespace {

/// Feeds `wire` one byte more at a time; every prefix short of the whole must be incomplete.
status feed_in_pieces(response_reader& r, const std::string& wire) {
    for (std::size_t n = 0; n < wire.size(); ++n)
        if (const auto s = r.feed(std::string_view(wire).substr(0, n), false); s != status::incomplete) return s;
    return r.feed(wire, false);
}

void check_answer(const webhook_answer& a, int status, const std::string& excerpt, bool keep_alive) {
    CHECK(a.status == status);
    CHECK(a.excerpt == excerpt);
    CHECK(a.keep_alive == keep_alive);
}

}  // namespace

TEST_CASE("a Content-Length answer is complete at its last byte and keeps the connection", "[http][wire]") {
    response_reader r;
    REQUIRE(feed_in_pieces(r, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nRetry-After: 7\r\n\r\nhello") ==
            status::complete);
    check_answer(r.answer(), 200, "hello", true);
    CHECK(r.answer().retry_after == "7");
}

TEST_CASE("a chunked answer is decoded; Connection: close and HTTP/1.0 end the connection", "[http][wire]") {
    response_reader chunked;
    REQUIRE(feed_in_pieces(chunked, "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n") == status::complete);
    check_answer(chunked.answer(), 202, "abcde", true);

    response_reader close;
    REQUIRE(close.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false) ==
            status::complete);
    CHECK_FALSE(close.answer().keep_alive);
    response_reader old;
    REQUIRE(old.feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false) == status::complete);
    CHECK_FALSE(old.answer().keep_alive);
}

TEST_CASE("an answer without length runs to the connection's end", "[http][wire]") {
    response_reader r;
    const std::string wire = "HTTP/1.1 500 Oops\r\n\r\nsomething broke";
    CHECK(r.feed(wire, false) == status::incomplete);
    REQUIRE(r.feed(wire, true) == status::complete);
    check_answer(r.answer(), 500, "something broke", false);
}

TEST_CASE("interim 1xx answers are skipped; 204 has no body", "[http][wire]") {
    response_reader r;
    REQUIRE(feed_in_pieces(r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                              "HTTP/1.1 204 No Content\r\n\r\n") == status::complete);
    check_answer(r.answer(), 204, "", true);
}

TEST_CASE("only the body's start is kept; a body over the drain bound is not waited for", "[http][wire]") {
    response_reader r(1 << 20, 4);
    REQUIRE(r.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", false) == status::complete);
    CHECK(r.answer().excerpt == "0123");
    CHECK(r.answer().keep_alive);

    response_reader big(100, 4);
    REQUIRE(big.feed("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabcdef", false) == status::complete);
    CHECK(big.answer().excerpt == "abcd");
    CHECK_FALSE(big.answer().keep_alive);  // the rest is unread: the connection cannot be reused
}

TEST_CASE("bytes after the answer mean the connection is not reused", "[http][wire]") {
    response_reader r;
    REQUIRE(r.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", false) == status::complete);
    CHECK(r.answer().excerpt == "ok");
    CHECK_FALSE(r.answer().keep_alive);
}

TEST_CASE("broken answers are bad, with the reason", "[http][wire]") {
    const auto why = [](const std::string& wire, bool closed) {
        response_reader r;
        REQUIRE(r.feed(wire, closed) == status::bad);
        return r.why();
    };
    CHECK(why("", true) == "the connection closed without an answer");
    CHECK(why("HTTP/1.1 200 OK\r\nContent-", true) == "the connection closed in the middle of the answer's head");
    CHECK(why("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", true) ==
          "the connection closed before the answer's body was complete");
    CHECK(why("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false) == "the answer's Content-Length 'x' is not a number");
    CHECK(why("SMTP/1.1 200 OK\r\n\r\n", false) == "the answer is not HTTP/1.x ('SMTP/1.1')");
    CHECK(why("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false) ==
          "the answer's chunked body is malformed");
    CHECK_THAT(why("garbage\r\n\r\n", false), Catch::StartsWith("the answer's head is malformed"));
    response_reader small(1 << 20, 4096, 16);
    CHECK(small.feed("HTTP/1.1 200 OK\r\nX-Long: 0123456789\r\n", false) == status::bad);
    // The bound holds also when the whole over-long head arrives in one read.
    response_reader whole(1 << 20, 4096, 16);
    REQUIRE(whole.feed("HTTP/1.1 200 OK\r\nX-Long: 0123456789\r\n\r\n", false) == status::bad);
    CHECK(whole.why() == "the answer's head is longer than 16 bytes");
}

TEST_CASE("a repeated Content-Length counts once when the copies agree, and is bad when not", "[http][wire]") {
    response_reader same;
    REQUIRE(same.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok", false) == status::complete);
    check_answer(same.answer(), 200, "ok", true);
    response_reader differ;
    REQUIRE(differ.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", false) == status::bad);
    CHECK(differ.why() == "the answer's Content-Length '2, 3' is not a number");
}

TEST_CASE("header fields are read without regard to case, folded values as one line", "[http][wire]") {
    response_reader r;
    REQUIRE(feed_in_pieces(r, "HTTP/1.1 503 Busy\r\nretry-after:\r\n 120\r\nCONNECTION: close\r\ncontent-length: 0\r\n\r\n") ==
            status::complete);
    check_answer(r.answer(), 503, "", false);
    CHECK(r.answer().retry_after == "120");
}

TEST_CASE("a malformed head says where", "[http][wire]") {
    response_reader r;
    REQUIRE(r.feed("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", false) == status::bad);
    CHECK(r.why() == "the answer's head is malformed: the header field on line 2 has whitespace before its colon");
}
