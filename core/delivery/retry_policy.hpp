#pragma once
#include <optional>
#include <random>
#include <vector>

namespace herald::core {

/// When to try again. The schedule lists the delay before each attempt (the first entry is the
/// first attempt, normally 0); with ±20 % jitter so a receiver that comes back is not hit by
/// every retry at the same instant.
class retry_policy {
public:
    explicit retry_policy(std::vector<long long> schedule_ms, long long max_requested_ms = 86400000)
        : schedule_(std::move(schedule_ms)), max_requested_ms_(max_requested_ms) {}

    /// Delay before attempt `next_attempt` (1-based), or nullopt when the schedule is exhausted.
    /// A delay the far side asked for is honoured within [scheduled, 2 × scheduled] and never
    /// beyond the cap (delivery.max_retry_after_ms).
    std::optional<long long> delay_before(int next_attempt, std::optional<long long> requested_ms) const;

    std::size_t max_attempts() const { return schedule_.size(); }

private:
    std::vector<long long> schedule_;
    long long max_requested_ms_;
};

}  // namespace herald::core
