#include "delivery/outbox_lease.hpp"

#include "util/iso8601.hpp"
#include "util/object_id.hpp"
#include "util/thread_name.hpp"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace herald::core {

std::string outbox_lease::this_process() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(getpid());
}

bool outbox_lease::is_dead(const std::string& holder) {
    const auto colon = holder.rfind(':');
    if (colon == std::string::npos) return false;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    if (holder.substr(0, colon) != host) return false;  // another host: only expiry frees it
    try {
        const pid_t pid = static_cast<pid_t>(std::stol(holder.substr(colon + 1)));
        return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
    } catch (const std::exception&) {
        return false;
    }
}

outbox_lease::outbox_lease(store& db, long long duration_ms, std::shared_ptr<spdlog::logger> log)
    : db_(db), duration_ms_(duration_ms), log_(std::move(log)), holder_(this_process()) {
    std::string current;
    const long long now = now_ms();
    if (!db_.acquire_lease(holder_, now, now + duration_ms_, &outbox_lease::is_dead, current))
        throw std::runtime_error("the database is in use by another heraldd (" + current +
                                 "); two servers must not deliver from one SQLite outbox");
    thread_ = std::thread([this] {
        name_this_thread("herald-lease");
        renew_loop();
    });
}

outbox_lease::~outbox_lease() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
    try {
        db_.release_lease(holder_);
    } catch (const std::exception& e) {
        log_->warn("cannot release the outbox lease: {}", e.what());
    }
}

void outbox_lease::renew_loop() {
    std::unique_lock lock(mutex_);
    while (!stop_cv_.wait_for(lock, std::chrono::milliseconds(duration_ms_ / 3), [this] { return stopping_; })) {
        try {
            if (!db_.renew_lease(holder_, now_ms() + duration_ms_))
                log_->error("the outbox lease was taken by another heraldd; deliveries may now be made twice");
        } catch (const std::exception& e) {
            log_->error("cannot renew the outbox lease: {}", e.what());
        }
    }
}

}  // namespace herald::core
