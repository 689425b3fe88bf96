#pragma once
// What one attempt's outcome does to its delivery: the rules of retrying and dead-lettering, as a
// pure function (tested without plugins, threads or a store).
#include "delivery/retry_policy.hpp"
#include "store/records.hpp"

#include <herald/abi.h>

namespace herald::core {

/// The outcome's name in the delivery log: ok, retry, failed, gone or skipped.
const char* outcome_name(herald_outcome o);

/// Records attempt `a` (its number, message, start) finishing at `finished` with `outcome` into
/// `a` and `d`: ok → delivered; skipped → skipped; failed or gone → dead; retry → pending at the
/// policy's next time (`retry_after_ms` ≥ 0 is the far side's wish), or dead when the schedule
/// is exhausted. Returns whether the delivery is to be attempted again.
bool settle(herald_outcome outcome, long long retry_after_ms, const retry_policy& policy, long long finished,
            attempt_record& a, delivery_record& d);

}  // namespace herald::core
