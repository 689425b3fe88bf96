#include "util/iso8601.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;

TEST_CASE("timestamps round-trip between milliseconds and ISO-8601", "[time]") {
    CHECK(iso8601(1795454222123) == "2026-11-23T17:17:02.123Z");
    CHECK(parse_time("2026-11-23T17:17:02.123Z") == std::optional<long long>(1795454222123));
    CHECK(parse_time("2026-11-23T17:17:02Z") == std::optional<long long>(1795454222000));
    CHECK(parse_time(nlohmann::json(42)) == std::optional<long long>(42));
    CHECK_FALSE(parse_time("yesterday"));
    CHECK_FALSE(parse_time("2026-11-23T17:17:02+01:00"));
    CHECK(iso8601(0).empty());
}
