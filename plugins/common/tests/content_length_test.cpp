// Content-Length values: plain decimals only.
#include <herald_http1/content_length.hpp>

#include <catch2/catch.hpp>

using herald::http1::parse_content_length;

TEST_CASE("a Content-Length is a plain decimal, whitespace around it allowed", "[wire]") {
    CHECK(parse_content_length("0") == 0u);
    CHECK(parse_content_length(" 1234\t") == 1234u);
    CHECK(parse_content_length("999999999999999999") == 999999999999999999u);
    CHECK_FALSE(parse_content_length(""));
    CHECK_FALSE(parse_content_length("  "));
    CHECK_FALSE(parse_content_length("+5"));
    CHECK_FALSE(parse_content_length("-1"));
    CHECK_FALSE(parse_content_length("5x"));
    CHECK_FALSE(parse_content_length("1 2"));
    CHECK_FALSE(parse_content_length("1000000000000000000"));  // 19 digits
}
