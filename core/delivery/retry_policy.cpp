#include "delivery/retry_policy.hpp"

#include <algorithm>

namespace herald::core {

std::optional<long long> retry_policy::delay_before(int next_attempt, std::optional<long long> requested_ms) const {
    if (next_attempt < 1 || static_cast<std::size_t>(next_attempt) > schedule_.size()) return std::nullopt;
    const long long scheduled = schedule_[static_cast<std::size_t>(next_attempt - 1)];
    if (requested_ms && *requested_ms >= 0)
        return std::min(std::clamp(*requested_ms, scheduled, 2 * scheduled), std::max(scheduled, max_requested_ms_));
    if (scheduled == 0) return 0;
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return static_cast<long long>(static_cast<double>(scheduled) * jitter(rng));
}

}  // namespace herald::core
