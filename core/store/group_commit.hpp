#pragma once
// Group commit: whoever writes hands its item to one queue, and each commit writes everything
// queued so far in one transaction.
//
// Three ways in. submit() returns only once its items are durable (or rethrows the commit's
// error): the first submitter to find no commit in progress leads and commits the queue itself,
// so an uncontended write costs no thread hand-off; submitters that arrive meanwhile are
// committed by the next leader. post() and enqueue() hand their item over and return at once,
// never committing on the caller's thread: a committer thread of the group commit's own
// (started by the first of them) commits it with whatever else is queued, then runs its
// callback. A delivery worker that committed its own attempts, as post() once did, stopped
// delivering for the length of that commit; an event loop that committed each request as it
// read it would have committed them one by one. post() reports a failed commit to the error
// callback, and a backlog of posted work beyond `max_posted` makes it wait, so a store slower
// than its producers slows them instead of growing memory without bound. enqueue() tells its
// callback the outcome and is not counted in that backlog: its callers bound themselves (a
// connection has one request in flight).
#include "util/thread_name.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace herald::core {

template <class T>
class group_commit {
public:
    using commit_fn = std::function<void(const std::vector<const T*>&)>;
    /// Told about a posted item whose commit failed (its weight and the error).
    using error_fn = std::function<void(std::size_t, std::exception_ptr)>;

    /// `commit` writes a batch in one transaction; it may throw. A batch holds whole slots of
    /// about `max_batch` weight in all (at least one slot).
    explicit group_commit(commit_fn commit, std::size_t max_batch = 1024, error_fn on_posted_error = {},
                          std::size_t max_posted = 8192)
        : commit_(std::move(commit)),
          on_posted_error_(std::move(on_posted_error)),
          max_batch_(max_batch),
          max_posted_(max_posted) {}

    ~group_commit() {
        flush();
        std::unique_lock lock(mutex_);
        stopping_ = true;
        work_.notify_all();
        lock.unlock();
        if (committer_.joinable()) committer_.join();
    }

    void submit(const T& item) { submit(&item, 1); }

    /// Submits `count` items that are committed together; returns once they are durable.
    void submit(const T* items, std::size_t count) {
        if (count == 0) return;
        // Shared with the leader that commits it, which wakes it after letting go of the lock:
        // woken under the lock, it would only wake to block on the lock again.
        auto mine = std::make_shared<slot>();
        mine->items = items;
        mine->count = mine->weight = count;
        std::unique_lock lock(mutex_);
        queue_.push_back(mine);
        while (!mine->done) {
            if (committing_) {
                // Each waiter sleeps on its own condition: a commit wakes exactly the callers it
                // committed, plus the next leader — not every waiting thread.
                mine->wake.wait(lock);
                continue;
            }
            commit_front(lock);
        }
        if (mine->error) std::rethrow_exception(mine->error);
    }

    /// Queues `item` (of `weight`, for batch sizing) and returns without waiting for its commit,
    /// unless the posted backlog is over its bound. `then`, if set, runs once the commit is over
    /// (committed or failed), on the committer thread, with no lock of ours held.
    void post(T item, std::size_t weight, std::function<void()> then = {}) {
        auto owned = owned_slot(std::move(item), weight,
                                [this, weight, then = std::move(then)](std::exception_ptr error) {
                                    if (error && on_posted_error_) on_posted_error_(weight, error);
                                    if (then) then();
                                });
        owned->backlog = weight;
        std::unique_lock lock(mutex_);
        // A callback that posts must not wait for the thread it runs on.
        if (!committer_.joinable() || std::this_thread::get_id() != committer_.get_id())
            drained_.wait(lock, [this] { return posted_weight_ < max_posted_; });
        posted_weight_ += weight;
        hand_over(std::move(owned));
    }

    /// Queues `item` (of `weight`, for batch sizing) and returns at once: it never waits. The
    /// committer thread commits it with whatever else is queued; then `done` runs on that
    /// thread, with no lock of ours held, with the commit's error or null.
    void enqueue(T item, std::size_t weight, std::function<void(std::exception_ptr)> done) {
        auto owned = owned_slot(std::move(item), weight, std::move(done));
        std::lock_guard lock(mutex_);
        hand_over(std::move(owned));
    }

    /// Returns once everything queued so far has been committed (or has failed).
    void flush() {
        std::unique_lock lock(mutex_);
        // Posted work is the committer's and submitted work its submitters': both get committed.
        drained_.wait(lock, [this] { return queue_.empty() && !committing_ && finishing_ == 0; });
    }

private:
    struct slot {
        const T* items = nullptr;
        std::size_t count = 0;
        std::size_t weight = 0;
        std::optional<T> owned;  // set for posted and enqueued items: nobody waits for them
        std::function<void(std::exception_ptr)> then;  // their "commit is over"
        std::size_t backlog = 0;  // what it counts in posted_weight_ (posted items only)
        bool done = false;
        std::exception_ptr error;
        std::condition_variable wake;
    };

    static std::shared_ptr<slot> owned_slot(T item, std::size_t weight, std::function<void(std::exception_ptr)> then) {
        auto owned = std::make_shared<slot>();
        owned->owned.emplace(std::move(item));
        owned->then = std::move(then);
        owned->items = &*owned->owned;
        owned->count = 1;
        owned->weight = weight;
        return owned;
    }

    /// The committer thread: commits whatever is queued whenever no commit runs, until the
    /// destructor (after its flush) stops it.
    void run_committer() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            if (!committing_ && !queue_.empty()) commit_front(lock);
            else work_.wait(lock);
        }
    }

    /// Queues a posted or enqueued slot for the committer, starting it the first time. Called
    /// with the lock held.
    void hand_over(std::shared_ptr<slot> owned) {
        if (!committer_.joinable())
            committer_ = std::thread([this] {
                name_this_thread("herald-commit");
                run_committer();
            });
        queue_.push_back(std::move(owned));
        if (!committing_) work_.notify_one();
    }

    /// Commits whole slots from the head of the queue, at least one, up to about max_batch_
    /// weight. Called with the lock held and no commit running; returns with it held.
    void commit_front(std::unique_lock<std::mutex>& lock) {
        committing_ = true;
        // One yield before the batch is taken lets writers already on their way — threads that
        // are runnable but behind the leader on a busy CPU — queue up and share this commit. On
        // a busy machine it cut commits per fire five-fold (each commit writes every page it
        // touched to the WAL, whatever the number of rows in it); on an idle one there is no one
        // to yield to and it returns at once, so a lone fire waits no longer.
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
        std::size_t n = 0, total = 0;
        while (n < queue_.size() && (n == 0 || total + queue_[n]->weight <= max_batch_)) total += queue_[n++]->weight;
        std::vector<std::shared_ptr<slot>> batch(std::make_move_iterator(queue_.begin()),
                                                 std::make_move_iterator(queue_.begin() + static_cast<long>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
        lock.unlock();
        std::vector<const T*> items;
        items.reserve(total);
        for (const auto& s : batch)
            for (std::size_t i = 0; i < s->count; ++i) items.push_back(s->items + i);
        std::exception_ptr error;
        try {
            commit_(items);
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        committing_ = false;
        for (const auto& s : batch) {
            posted_weight_ -= s->backlog;
            s->error = error;
            s->done = true;
        }
        // The next leader, if a submitter is waiting at the head (posted work at the head is
        // the committer's).
        std::shared_ptr<slot> next = !queue_.empty() && !queue_.front()->owned ? queue_.front() : nullptr;
        ++finishing_;  // flush() waits for the callbacks too
        // Wakes and callbacks happen without the lock: a thread woken while it is held would
        // block on it at once, and the callbacks log and take their owners' locks. The slots
        // stay alive meanwhile, shared with `batch` and `next`.
        lock.unlock();
        for (const auto& s : batch) {
            if (!s->owned) {
                s->wake.notify_one();
                continue;
            }
            if (s->then) s->then(error);
        }
        if (next) next->wake.notify_one();
        batch.clear();  // posted slots die here, submitters' when they return
        lock.lock();
        --finishing_;
        drained_.notify_all();
        // Posted or enqueued work left behind (it arrived during this commit) is the committer's.
        if (committer_.joinable() && !queue_.empty()) work_.notify_one();
    }

    commit_fn commit_;
    error_fn on_posted_error_;
    std::size_t max_batch_;
    std::size_t max_posted_;
    std::mutex mutex_;
    std::condition_variable drained_;  // a commit finished: backlog shrank, maybe queue empty
    std::deque<std::shared_ptr<slot>> queue_;
    std::size_t posted_weight_ = 0;
    bool committing_ = false;
    int finishing_ = 0;  // commits over whose wakes and callbacks are still running
    std::condition_variable work_;  // the committer: something queued, no commit running
    bool stopping_ = false;
    std::thread committer_;  // started by the first post() or enqueue()
};

}  // namespace herald::core
