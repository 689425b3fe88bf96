#pragma once
// Delivers (event, listener) pairs with a pool of worker threads. Every delivery row is already
// committed to the store before it gets here, and every attempt is recorded, so on restart the
// unfinished ones are picked up again (recover()). At most `max_in_flight_per_listener`
// attempts of one listener run at once, so a slow receiver cannot take every worker.
//
// Work is kept per listener (a "lane"). When the listener's plugin takes batches, a worker takes
// every due delivery of that listener up to the bound as one batch: the plugin overlaps their
// round trips (deliver_batch) and their attempts go to the write queue together, without the
// worker waiting for their commit (outbox_writer.hpp). Under load this turns the per-delivery
// thread hand-offs and commits — which the profile showed dominating — into per-batch ones; at low
// load a batch is one delivery and nothing waits to fill it. Batching per listener, not across
// listeners, keeps a slow receiver from holding up anyone else's deliveries.
#include "delivery/light_fifo.hpp"
#include "delivery/retry_policy.hpp"
#include "plugins/plugin_registry.hpp"
#include "routing/router.hpp"
#include "store/outbox_writer.hpp"
#include "store/store.hpp"

#include <spdlog/logger.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
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
    /// Finished attempts are recorded through `writer`, without waiting for their commit.
    dispatcher(store& db, outbox_writer& writer, plugin_registry& plugins, router& routes,
               dispatcher_settings settings, std::function<void(const std::string&, const std::string&)> on_gone,
               std::shared_ptr<spdlog::logger> log);
    ~dispatcher();

    void submit(std::vector<delivery_job> jobs);
    /// Re-queues deliveries a previous run left unfinished.
    std::size_t recover();
    /// Loads and queues the given deliveries (after a redelivery request).
    void requeue(const std::vector<delivery_record>& deliveries);
    /// Stops taking work, lets in-flight attempts finish, joins the workers and commits their
    /// records. Queued work stays pending in the store.
    void stop();
    /// Is an attempt of this delivery running, or finished but not yet recorded? (Reports show
    /// it as "delivering", not as the state the store still holds.)
    bool attempting(const std::string& delivery_id) const;

private:
    using batch_ids = std::list<std::vector<std::string>>;  // see attempting_
    struct due_later {
        bool operator()(const delivery_job& a, const delivery_job& b) const {
            return a.delivery.next_attempt_ms > b.delivery.next_attempt_ms;
        }
    };
    /// One listener's due work ("" = system deliveries, which have no listener and no bound).
    struct lane {
        light_fifo<delivery_job> due;  // in firing order
        int in_flight = 0;
        bool runnable = false;  // listed in runnable_
    };
    void work();
    /// Moves deliveries whose time has come from later_ into their lanes. Caller holds mutex_.
    void promote_due(long long now);
    /// Caller holds mutex_; returns whether a worker should be woken.
    bool enqueue(delivery_job job);
    bool can_run(const std::string& listener, const lane& l) const;
    /// What a batch is delivered with — its listener, plugin and config — or why it cannot be.
    struct target {
        std::shared_ptr<const routed_listener> listener;
        std::shared_ptr<plugin_instance> plugin;
        std::string plugin_name = "?";
        std::string config;  // the listener's, or a system delivery's own (a copy: the job moves)
        std::string refused;                  // non-empty: nothing is attempted, for this reason
        herald_outcome refusal = HERALD_OUTCOME_FAILED;
    };
    target resolve(const delivery_record& first) const;
    /// Hands the batch to the plugin and copies each answer into its attempt.
    void call_plugin(const target& t, const std::vector<delivery_job>& jobs, std::vector<attempt_with_state>& done,
                     std::vector<herald_delivery_result>& results);
    /// Attempts a batch of one listener's deliveries (or one system delivery) with `t`.
    /// `ids` is the batch's entry in attempting_, erased once its attempts are recorded.
    void attempt_batch(std::vector<delivery_job>& jobs, const target& t, batch_ids::iterator ids);
    std::vector<delivery_job> jobs_for(std::vector<delivery_record> deliveries);

    store& db_;
    outbox_writer& writer_;
    plugin_registry& plugins_;
    router& routes_;
    dispatcher_settings settings_;
    retry_policy policy_;
    std::function<void(const std::string&, const std::string&)> on_gone_;
    std::shared_ptr<spdlog::logger> log_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::priority_queue<delivery_job, std::vector<delivery_job>, due_later> later_;  // not yet due
    std::unordered_map<std::string, lane> lanes_;
    std::deque<std::string> runnable_;          // lanes with due work and room for more in flight
    // The ids of each batch being attempted or not yet recorded (a retry may start before the
    // last attempt's record is committed, so an id may be in two). Reports show them as
    // "delivering". Kept per batch and searched when a report asks, because that is rare and a
    // batch is taken for every few deliveries: a map of ids cost two string-keyed hash
    // operations per delivery on the workers (1 % of heraldd in P1).
    batch_ids attempting_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace herald::core
