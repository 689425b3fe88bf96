#pragma once
// Checkpoints a WAL database from a thread and connection of its own. SQLite's automatic
// checkpoint runs inside whichever commit crosses the threshold — copying pages into the
// database file and fsyncing it while that commit, and every writer queued behind the store's
// mutex, waits. A PASSIVE checkpoint here copies what it can without blocking anyone; the next
// commit after a complete one starts the WAL over, so the file stays small.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace herald::core {

class wal_checkpointer {
public:
    /// `on_error` hears about a checkpoint that failed (the next one is tried anyway).
    wal_checkpointer(std::string path, std::chrono::milliseconds interval,
                     std::function<void(const std::string&)> on_error = {});
    ~wal_checkpointer();
    wal_checkpointer(const wal_checkpointer&) = delete;
    wal_checkpointer& operator=(const wal_checkpointer&) = delete;

    /// Checkpoints completed so far (for tests).
    long long completed() const;

private:
    void run();

    std::string path_;
    std::chrono::milliseconds interval_;
    std::function<void(const std::string&)> on_error_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    long long completed_ = 0;
    std::thread thread_;
};

}  // namespace herald::core
