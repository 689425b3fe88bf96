#pragma once
// Group commit: concurrent fires queue their event here and one writer thread commits everything
// that queued up meanwhile in a single transaction. Each caller returns only once its own event
// is durable, so a 202 still means "committed", but a burst costs one fsync, not one per event.
#include "store/store.hpp"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace herald::core {

class event_writer {
public:
    explicit event_writer(store& db, std::size_t max_batch = 1024);
    ~event_writer();

    /// Blocks until committed; rethrows the store's error if the commit failed.
    void write(event_record e, std::vector<delivery_record> deliveries);

private:
    struct item {
        std::pair<event_record, std::vector<delivery_record>> data;
        std::promise<void> done;
    };
    void run();

    store& db_;
    std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<item*> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace herald::core
