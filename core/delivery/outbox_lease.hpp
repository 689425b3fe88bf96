#pragma once
// The outbox lease: one heraldd at a time claims deliveries from a store. The holder renews it
// every third of its duration; another heraldd on the same database refuses to start while it is
// held. After a crash the lease is taken over at once when its holder's process is gone (same
// host, pid no longer running), else when it expires. With the PostgreSQL store, where several
// nodes share the outbox, claims move to row leases (FOR UPDATE SKIP LOCKED) — this node-level
// lease is what keeps two processes from delivering the same SQLite outbox twice.
#include "store/store.hpp"

#include <spdlog/logger.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace herald::core {

class outbox_lease {
public:
    /// Takes the lease or throws std::runtime_error naming the current holder.
    outbox_lease(store& db, long long duration_ms, std::shared_ptr<spdlog::logger> log);
    /// Stops renewing and releases the lease.
    ~outbox_lease();

    const std::string& holder() const { return holder_; }

    /// "host:pid" of this process.
    static std::string this_process();
    /// True when `holder` names a process on this host that no longer runs.
    static bool is_dead(const std::string& holder);

private:
    void renew_loop();

    store& db_;
    long long duration_ms_;
    std::shared_ptr<spdlog::logger> log_;
    std::string holder_;
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace herald::core
