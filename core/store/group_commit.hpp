#pragma once
// Group commit, leader/follower style: the first caller to find no commit in progress becomes
// the leader and commits everything queued so far in one transaction; callers that arrive
// meanwhile wait and are committed by the next leader. Each caller returns only once its own
// item is durable (or rethrows the commit's error). No dedicated thread: the leader is a caller,
// so an uncontended write costs no thread hand-off, and a burst costs one commit.
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace herald::core {

template <class T>
class group_commit {
public:
    /// `commit` writes a batch in one transaction; it may throw.
    explicit group_commit(std::function<void(const std::vector<const T*>&)> commit, std::size_t max_batch = 1024)
        : commit_(std::move(commit)), max_batch_(max_batch) {}

    void submit(const T& item) { submit(&item, 1); }

    /// Submits `count` items that are committed together (a delivery batch's attempts).
    void submit(const T* items, std::size_t count) {
        if (count == 0) return;
        slot mine{items, count};
        std::unique_lock lock(mutex_);
        queue_.push_back(&mine);
        while (!mine.done) {
            if (committing_) {
                // Each waiter sleeps on its own condition: a commit wakes exactly the callers it
                // committed, plus the next leader — not every waiting thread.
                mine.wake.wait(lock);
                continue;
            }
            committing_ = true;
            // Whole slots only, at least one, up to about max_batch items.
            std::size_t n = 0, total = 0;
            while (n < queue_.size() && (n == 0 || total + queue_[n]->count <= max_batch_)) total += queue_[n++]->count;
            std::vector<slot*> batch(queue_.begin(), queue_.begin() + static_cast<long>(n));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
            lock.unlock();
            std::vector<const T*> items;
            items.reserve(total);
            for (auto* s : batch)
                for (std::size_t i = 0; i < s->count; ++i) items.push_back(s->items + i);
            std::exception_ptr error;
            try {
                commit_(items);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            committing_ = false;
            for (auto* s : batch) {
                s->error = error;
                s->done = true;
                if (s != &mine) s->wake.notify_one();
            }
            if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
        }
        if (mine.error) std::rethrow_exception(mine.error);
    }

private:
    struct slot {
        const T* items;
        std::size_t count;
        bool done = false;
        std::exception_ptr error;
        std::condition_variable wake;
    };
    std::function<void(const std::vector<const T*>&)> commit_;
    std::size_t max_batch_;
    std::mutex mutex_;
    std::vector<slot*> queue_;
    bool committing_ = false;
};

}  // namespace herald::core
