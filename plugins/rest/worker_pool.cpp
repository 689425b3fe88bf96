#include "worker_pool.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Notification.h>

#include <pthread.h>

namespace herald::rest {

namespace {

struct job_notification final : Poco::Notification {
    explicit job_notification(std::function<void()> j) : job(std::move(j)) {}
    std::function<void()> job;
};

struct stop_notification final : Poco::Notification {};

}  // namespace

worker_pool::worker_pool(int threads, int max_queued) : max_queued_(max_queued) {
    threads_.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i)
        threads_.emplace_back([this] {
            pthread_setname_np(pthread_self(), "rest-worker");
            work();
        });
}

worker_pool::~worker_pool() { stop(); }

bool worker_pool::run(std::function<void()> job) {
    if (queue_.size() >= max_queued_) return false;
    queue_.enqueueNotification(new job_notification(std::move(job)));
    return true;
}

void worker_pool::stop() {
    // One stop per thread, queued behind the jobs already waiting: those are finished first.
    for (std::size_t i = 0; i < threads_.size(); ++i) queue_.enqueueNotification(new stop_notification);
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void worker_pool::work() {
    for (;;) {
        Poco::AutoPtr<Poco::Notification> n(queue_.waitDequeueNotification());
        auto* j = dynamic_cast<job_notification*>(n.get());
        if (!j) return;  // a stop (or a wake-up with nothing queued)
        try {
            j->job();
        } catch (...) {
            // a job answers its own errors; nothing may end the thread
        }
    }
}

}  // namespace herald::rest
