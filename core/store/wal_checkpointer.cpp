#include "store/wal_checkpointer.hpp"
#include "util/thread_name.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <exception>

namespace herald::core {

wal_checkpointer::wal_checkpointer(std::string path, std::chrono::milliseconds interval,
                                   std::function<void(const std::string&)> on_error)
    : path_(std::move(path)), interval_(interval), on_error_(std::move(on_error)), thread_([this] {
          name_this_thread("herald-ckpt");
          run();
      }) {}

wal_checkpointer::~wal_checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

long long wal_checkpointer::completed() const {
    std::lock_guard lock(mutex_);
    return completed_;
}

void wal_checkpointer::run() {
    std::unique_ptr<SQLite::Database> db;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        try {
            if (!db) db = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE);
            SQLite::Statement q(*db, "PRAGMA wal_checkpoint(PASSIVE)");
            q.executeStep();
            lock.lock();
            ++completed_;
            continue;
        } catch (const std::exception& e) {
            db.reset();  // start over with a fresh connection next time
            if (on_error_) on_error_(std::string("WAL checkpoint of ") + path_ + " failed: " + e.what());
        }
        lock.lock();
    }
}

}  // namespace herald::core
