#pragma once
// pulp-admin's exit codes and its way of reporting server errors.
#include "client.hpp"

namespace herald::cli {

enum exit_code { ok = 0, usage = 2, data_error = 65, software = 70, no_permission = 77 };

/// Prints what went wrong (as pulp-admin's exception handlers do) and returns the exit code.
int report_failure(const response& r);

}  // namespace herald::cli
