// Object ids as Pulp's MongoDB made them: 24 hex digits — the time in seconds, a per-process
// random part, and a counter.
#include "util/object_id.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <set>
#include <string>

using namespace herald::core;

TEST_CASE("object ids carry the time, the process and a counter, in 24 hex digits", "[util]") {
    const auto before = static_cast<unsigned long>(std::time(nullptr));
    const std::string a = new_object_id(), b = new_object_id();
    const auto after = static_cast<unsigned long>(std::time(nullptr));
    REQUIRE(is_object_id(a));
    REQUIRE(is_object_id(b));
    const unsigned long t = std::stoul(a.substr(0, 8), nullptr, 16);
    CHECK(t >= before);
    CHECK(t <= after);
    CHECK(a.substr(8, 10) == b.substr(8, 10));  // the same process
    CHECK((std::stoul(a.substr(18), nullptr, 16) + 1) % 0x1000000 == std::stoul(b.substr(18), nullptr, 16));
    std::set<std::string> ids;
    for (int i = 0; i < 10000; ++i) ids.insert(new_object_id());
    CHECK(ids.size() == 10000);
    CHECK_FALSE(is_object_id("0123456789abcdef0123456"));
    CHECK_FALSE(is_object_id("0123456789abcdef0123456G"));
}
