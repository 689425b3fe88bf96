#pragma once

namespace herald::core {

/// Names the calling thread (as `top -H`, `ps -L`, gdb and perf show it; Linux keeps 15
/// characters). Every thread of heraldd was "heraldd", so a profile or a stuck process could
/// not tell the committer from a delivery worker.
void name_this_thread(const char* name);

}  // namespace herald::core
