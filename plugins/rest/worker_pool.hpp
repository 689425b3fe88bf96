#pragma once
// Threads for the requests an event loop must not run itself: anything but a fire whose
// credentials are known to be cheap to check — a first login runs PBKDF2 (a third of a second),
// a listener list may be long. POCO's NotificationQueue carries the jobs.
#include <Poco/NotificationQueue.h>

#include <functional>
#include <thread>
#include <vector>

namespace herald::rest {

class worker_pool {
public:
    /// `threads` workers; a job beyond `max_queued` waiting ones is refused (run() says false).
    worker_pool(int threads, int max_queued);
    ~worker_pool();  // stop()
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    /// Queues `job`; false when `max_queued` jobs are already waiting (checked, then queued: with
    /// several loops queuing at once the bound may be passed by one job per loop).
    bool run(std::function<void()> job);
    /// Finishes the queued jobs, then joins the threads.
    void stop();

private:
    void work();

    int max_queued_;
    Poco::NotificationQueue queue_;
    std::vector<std::thread> threads_;
};

}  // namespace herald::rest
