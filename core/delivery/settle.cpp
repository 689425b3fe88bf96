#include "delivery/settle.hpp"

#include <optional>
#include <string>

namespace herald::core {

const char* outcome_name(herald_outcome o) {
    switch (o) {
        case HERALD_OUTCOME_OK: return "ok";
        case HERALD_OUTCOME_RETRY: return "retry";
        case HERALD_OUTCOME_FAILED: return "failed";
        case HERALD_OUTCOME_GONE: return "gone";
        case HERALD_OUTCOME_SKIPPED: return "skipped";
    }
    return "retry";
}

bool settle(herald_outcome outcome, long long retry_after_ms, const retry_policy& policy, long long finished,
            attempt_record& a, delivery_record& d) {
    a.duration_ms = finished - a.started_ms;
    a.outcome = outcome_name(outcome);
    d.attempts = a.attempt;
    d.last_message = a.message;
    d.updated_ms = finished;
    switch (outcome) {
        case HERALD_OUTCOME_OK: d.state = delivery_state::delivered; return false;
        case HERALD_OUTCOME_SKIPPED: d.state = delivery_state::skipped; return false;
        case HERALD_OUTCOME_FAILED:
        case HERALD_OUTCOME_GONE: d.state = delivery_state::dead; return false;
        case HERALD_OUTCOME_RETRY: break;
    }
    std::optional<long long> asked;
    if (retry_after_ms >= 0) asked = retry_after_ms;
    if (auto delay = policy.delay_before(a.attempt + 1, asked)) {
        d.state = delivery_state::pending;
        d.next_attempt_ms = finished + *delay;
        return true;
    }
    d.state = delivery_state::dead;
    d.last_message += " (retry schedule exhausted after " + std::to_string(a.attempt) + " attempts)";
    return false;
}

}  // namespace herald::core
