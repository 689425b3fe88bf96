#include "delivery/retry_policy.hpp"

#include <catch2/catch.hpp>

using herald::core::retry_policy;

TEST_CASE("the schedule gives each attempt's delay with ±20 % jitter", "[retry]") {
    retry_policy p({0, 1000, 10000});
    CHECK(p.delay_before(1, std::nullopt) == 0);
    for (int i = 0; i < 200; ++i) {
        auto d = p.delay_before(2, std::nullopt);
        REQUIRE(d);
        CHECK(*d >= 800);
        CHECK(*d <= 1200);
    }
    CHECK_FALSE(p.delay_before(4, std::nullopt));  // exhausted
    CHECK_FALSE(p.delay_before(0, std::nullopt));
}

TEST_CASE("a requested delay is honoured within [scheduled, 2 x scheduled]", "[retry]") {
    retry_policy p({0, 1000});
    CHECK(p.delay_before(2, 1500) == 1500);
    CHECK(p.delay_before(2, 10) == 1000);
    CHECK(p.delay_before(2, 999999) == 2000);
}

TEST_CASE("a requested delay never exceeds the cap (delivery.max_retry_after_ms)", "[retry]") {
    retry_policy p({0, 60000}, 90000);
    CHECK(p.delay_before(2, 200000) == 90000);   // 2 x scheduled would be 120 000
    CHECK(p.delay_before(2, 70000) == 70000);
    retry_policy small_cap({0, 60000}, 1000);
    CHECK(small_cap.delay_before(2, 200000) == 60000);  // the schedule itself is never shortened
}
