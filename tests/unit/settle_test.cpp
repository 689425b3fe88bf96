// One attempt's outcome → its delivery's next state: the retry and dead-letter rules.
#include "delivery/settle.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;

namespace {

struct case_ {
    attempt_record a;
    delivery_record d;
    case_(int attempt) {
        a.attempt = attempt;
        a.started_ms = 1000;
        a.message = "HTTP 503";
        d.attempts = attempt - 1;
    }
};

}  // namespace

TEST_CASE("ok, skipped, failed and gone settle for good", "[dispatcher]") {
    const retry_policy policy({0, 100});
    const std::pair<herald_outcome, const char*> finals[] = {{HERALD_OUTCOME_OK, delivery_state::delivered},
                                                             {HERALD_OUTCOME_SKIPPED, delivery_state::skipped},
                                                             {HERALD_OUTCOME_FAILED, delivery_state::dead},
                                                             {HERALD_OUTCOME_GONE, delivery_state::dead}};
    for (const auto& [outcome, state] : finals) {
        case_ c(1);
        CHECK_FALSE(settle(outcome, -1, policy, 1250, c.a, c.d));
        CHECK(c.d.state == state);
        CHECK(c.d.attempts == 1);
        CHECK(c.d.updated_ms == 1250);
        CHECK(c.a.duration_ms == 250);
        CHECK(c.a.outcome == outcome_name(outcome));
        CHECK(c.d.last_message == "HTTP 503");
    }
}

TEST_CASE("retry waits for the schedule, then the far side's wish within bounds", "[dispatcher]") {
    const retry_policy policy({0, 1000, 5000});
    case_ c(1);
    REQUIRE(settle(HERALD_OUTCOME_RETRY, -1, policy, 2000, c.a, c.d));
    CHECK(c.d.state == delivery_state::pending);
    CHECK(c.d.next_attempt_ms >= 2000 + 800);  // 1000 ms ± 20 % jitter
    CHECK(c.d.next_attempt_ms <= 2000 + 1200);
    case_ asked(1);
    REQUIRE(settle(HERALD_OUTCOME_RETRY, 1900, policy, 2000, asked.a, asked.d));
    CHECK(asked.d.next_attempt_ms >= 2000 + 1900);  // honoured: inside [scheduled, 2 × scheduled]
}

TEST_CASE("a retry past the end of the schedule is dead, and says why", "[dispatcher]") {
    const retry_policy policy({0, 100});
    case_ c(2);
    CHECK_FALSE(settle(HERALD_OUTCOME_RETRY, -1, policy, 5000, c.a, c.d));
    CHECK(c.d.state == delivery_state::dead);
    CHECK(c.d.last_message == "HTTP 503 (retry schedule exhausted after 2 attempts)");
    CHECK(c.a.outcome == "retry");
}
