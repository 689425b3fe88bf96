// Chunked bodies as they arrive in pieces, without sockets.
#include <herald_http1/chunked_body.hpp>

#include <catch2/catch.hpp>

using herald::http1::chunked_body;

TEST_CASE("a chunked body is decoded across pieces, resuming where it stopped", "[wire]") {
    const std::string wire = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    chunked_body body(1024);
    for (std::size_t n = 0; n < wire.size() - 4; ++n)
        REQUIRE(body.feed(std::string_view(wire).substr(0, n)) == chunked_body::status::incomplete);
    REQUIRE(body.feed(wire) == chunked_body::status::complete);
    CHECK(body.body() == "hello world");
    CHECK(wire.substr(body.consumed()) == "NEXT");  // a pipelined request after it is left alone
}

TEST_CASE("a chunked body over the limit or malformed is refused as soon as it shows", "[wire]") {
    chunked_body big(10);
    CHECK(big.feed("b\r\n") == chunked_body::status::too_large);  // before the 11 bytes arrive
    chunked_body bad(100);
    CHECK(bad.feed("zz\r\n") == chunked_body::status::bad);
    chunked_body unterminated(100);
    CHECK(unterminated.feed("2\r\nabXY") == chunked_body::status::bad);  // no CRLF after the data
}
