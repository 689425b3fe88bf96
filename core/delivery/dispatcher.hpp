#pragma once
// Delivers (event, listener) pairs with a pool of worker threads. Every delivery row is already
// committed to the store before it gets here, and every attempt is recorded, so on restart the
// unfinished ones are picked up again (recover()). At most `max_in_flight_per_listener`
// attempts of one listener run at once, so a slow receiver cannot take every worker.
#include "delivery/retry_policy.hpp"
#include "plugins/plugin_registry.hpp"
#include "routing/router.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"

#include <spdlog/logger.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace herald::core {

struct delivery_job {
    delivery_record delivery;
    std::string event_type;                       // canonical
    std::shared_ptr<const std::string> document;  // shared by every listener of the event
    long long fired_ms = 0;
};

struct dispatcher_settings {
    int workers = 8;
    int max_in_flight_per_listener = 4;
    std::vector<long long> retry_schedule_ms{0};
    long long max_retry_after_ms = 86400000;
};

class dispatcher {
public:
    /// `on_gone(listener_id, message)` is called when a receiver answers "gone".
    dispatcher(store& db, plugin_registry& plugins, router& routes, dispatcher_settings settings,
               std::function<void(const std::string&, const std::string&)> on_gone,
               std::shared_ptr<spdlog::logger> log);
    ~dispatcher();

    void submit(std::vector<delivery_job> jobs);
    /// Re-queues deliveries a previous run left unfinished.
    std::size_t recover();
    /// Loads and queues the given deliveries (after a redelivery request).
    void requeue(const std::vector<delivery_record>& deliveries);
    /// Stops taking work, lets in-flight attempts finish, joins the workers. Queued work stays
    /// pending in the store.
    void stop();
    /// Is an attempt of this delivery running right now? (Reports show it as "delivering".)
    bool attempting(const std::string& delivery_id) const;

private:
    struct due_later {
        bool operator()(const delivery_job& a, const delivery_job& b) const {
            return a.delivery.next_attempt_ms > b.delivery.next_attempt_ms;
        }
    };
    void work();
    void attempt(delivery_job job);
    std::vector<delivery_job> jobs_for(std::vector<delivery_record> deliveries);

    store& db_;
    // Attempts finishing at the same time share a transaction; each worker still waits until its
    // own attempt is recorded before it takes the next delivery.
    group_commit<attempt_with_state> attempt_log_;
    plugin_registry& plugins_;
    router& routes_;
    dispatcher_settings settings_;
    retry_policy policy_;
    std::function<void(const std::string&, const std::string&)> on_gone_;
    std::shared_ptr<spdlog::logger> log_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::priority_queue<delivery_job, std::vector<delivery_job>, due_later> queue_;
    std::unordered_map<std::string, int> in_flight_;                       // listener → attempts running
    std::unordered_set<std::string> attempting_;                           // delivery ids being attempted
    std::unordered_map<std::string, std::deque<delivery_job>> parked_;     // listener → due, over its bound
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace herald::core
