#include "util/iso8601.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <string>

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

TEST_CASE("times are formatted as gmtime would, across leap days and centuries", "[time]") {
    const auto reference = [](long long ms) {
        const std::time_t secs = static_cast<std::time_t>(ms / 1000);
        std::tm tm{};
        gmtime_r(&secs, &tm);
        char buf[40], out[48];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        std::snprintf(out, sizeof out, "%s.%03lldZ", buf, ms % 1000);
        return std::string(out);
    };
    CHECK(iso8601(951782400000) == "2000-02-29T00:00:00.000Z");
    CHECK(iso8601(4107542400000) == "2100-03-01T00:00:00.000Z");
    CHECK(iso8601(1) == "1970-01-01T00:00:00.001Z");
    // Every ~11.6 days from 1970 to 2400, at a different time of day each step.
    for (long long ms = 1; ms < 13569465600000LL; ms += 1000000007LL) REQUIRE(iso8601(ms) == reference(ms));
}
