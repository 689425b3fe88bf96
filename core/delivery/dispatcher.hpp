#pragma once
// Delivers (event, listener) pairs with a pool of worker threads. Every delivery row is already
// committed to the store before it gets here, and every attempt is recorded, so on restart the
// unfinished ones are picked up again (recover()).
#include "delivery/retry_policy.hpp"
#include "plugins/plugin_registry.hpp"
#include "routing/router.hpp"
#include "store/store.hpp"

#include <spdlog/logger.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace herald::core {

struct delivery_job {
    delivery_record delivery;
    std::string event_type;                      // canonical
    std::shared_ptr<const std::string> document;  // shared by every listener of the event
    long long fired_ms = 0;
};

class dispatcher {
public:
    dispatcher(store& db, plugin_registry& plugins, router& routes, retry_policy policy, int workers,
               std::shared_ptr<spdlog::logger> log);
    ~dispatcher();

    void submit(std::vector<delivery_job> jobs);
    /// Re-queues deliveries a previous run left unfinished.
    std::size_t recover();
    /// Stops taking work, lets in-flight attempts finish, joins the workers. Queued work stays
    /// pending in the store.
    void stop();

private:
    struct due_later {
        bool operator()(const delivery_job& a, const delivery_job& b) const {
            return a.delivery.next_attempt_ms > b.delivery.next_attempt_ms;
        }
    };
    void work();
    void attempt(delivery_job job);

    store& db_;
    plugin_registry& plugins_;
    router& routes_;
    retry_policy policy_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::priority_queue<delivery_job, std::vector<delivery_job>, due_later> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace herald::core
