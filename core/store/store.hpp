#pragma once
// The one interface every storage backend implements (SQLite now; PostgreSQL for several nodes
// later). Methods are thread-safe; each one is a transaction of its own.
#include "store/records.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald::core {

class store {
public:
    virtual ~store() = default;

    virtual std::vector<listener_record> list_listeners() = 0;
    /// Calls `f` for each listener, one at a time (start-up with 100 000 listeners must not hold
    /// them all in memory at once).
    virtual void each_listener(const std::function<void(const listener_record&)>& f) = 0;
    virtual std::optional<listener_record> get_listener(const std::string& id) = 0;
    virtual void insert_listener(const listener_record& l) = 0;
    /// False when no listener has that id.
    virtual bool update_listener(const listener_record& l) = 0;
    virtual bool delete_listener(const std::string& id) = 0;

    /// Marks a listener disabled (a receiver said "gone") and its pending deliveries dead, atomically.
    virtual void disable_listener(const std::string& id, const std::string& reason) = 0;

    /// Writes fires (events and their deliveries) and finished attempts (each with its
    /// delivery's new state), in order, in one transaction: after it returns none can be lost.
    /// Several changes per call is how concurrent writers share one commit (group commit).
    virtual void write_outbox(const std::vector<const outbox_change*>& batch) = 0;
    virtual std::optional<event_record> get_event(const std::string& id) = 0;
    virtual std::vector<delivery_record> deliveries_of_event(const std::string& event_id) = 0;
    virtual std::vector<attempt_record> attempts_of_delivery(const std::string& delivery_id) = 0;
    virtual std::optional<delivery_record> get_delivery(const std::string& id) = 0;
    /// Deliveries matching `f`, newest first; `total` receives the count without paging.
    virtual std::vector<delivery_record> find_deliveries(const delivery_filter& f, int limit, int offset,
                                                         long long& total) = 0;
    /// Sets every matching delivery back to pending, due now; returns them. Delivered and dead
    /// ones are replayed too (that is the point of a replay).
    virtual std::vector<delivery_record> requeue(const delivery_filter& f, long long now) = 0;
    virtual long long count_deliveries(const delivery_filter& f) = 0;

    /// Task reports (Pulp's task status documents), by task id.
    virtual void put_task(const std::string& task_id, const std::string& report, long long now) = 0;
    virtual std::optional<std::string> get_task(const std::string& task_id) = 0;

    /// Deliveries not yet finished (pending or interrupted while delivering), oldest first.
    virtual std::vector<delivery_record> unfinished_deliveries() = 0;

    /// The outbox lease: which heraldd may claim deliveries from this store. Takes it when it is
    /// free, expired, or held by `holder` itself, or when `holder_is_dead(current)` says the
    /// current holder's process is gone. Returns false and the current holder otherwise.
    virtual bool acquire_lease(const std::string& holder, long long now, long long until,
                               const std::function<bool(const std::string&)>& holder_is_dead,
                               std::string& current) = 0;
    /// Extends the lease; false when another holder took it meanwhile.
    virtual bool renew_lease(const std::string& holder, long long until) = 0;
    virtual void release_lease(const std::string& holder) = 0;

    /// "sqlite 3.40.1 (WAL) at /path" — for /v2/status/.
    virtual std::string describe() = 0;
};

/// Opens the store named by a database URL (sqlite://…); relative paths are resolved against
/// `base_dir`. Throws std::runtime_error with a sentence naming the URL.
std::unique_ptr<store> open_store(const std::string& url, const std::string& base_dir);

}  // namespace herald::core
