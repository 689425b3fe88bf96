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
    explicit retry_policy(std::vector<long long> schedule_ms) : schedule_(std::move(schedule_ms)) {}

    /// Delay before attempt `next_attempt` (1-based), or nullopt when the schedule is exhausted.
    /// A delay the far side asked for is honoured within [scheduled, 2 × scheduled].
    std::optional<long long> delay_before(int next_attempt, std::optional<long long> requested_ms) const;

    std::size_t max_attempts() const { return schedule_.size(); }

private:
    std::vector<long long> schedule_;
};

}  // namespace herald::core
