#pragma once
// The one interface every storage backend implements (SQLite now; PostgreSQL for several nodes
// later). Methods are thread-safe; each one is a transaction of its own.
#include "store/records.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald::core {

class store {
public:
    virtual ~store() = default;

    virtual std::vector<listener_record> list_listeners() = 0;
    virtual std::optional<listener_record> get_listener(const std::string& id) = 0;
    virtual void insert_listener(const listener_record& l) = 0;
    /// False when no listener has that id.
    virtual bool update_listener(const listener_record& l) = 0;
    virtual bool delete_listener(const std::string& id) = 0;

    /// Stores the event and its deliveries atomically: after this returns, neither can be lost.
    virtual void insert_event(const event_record& e, const std::vector<delivery_record>& deliveries) = 0;
    virtual std::optional<event_record> get_event(const std::string& id) = 0;
    virtual std::vector<delivery_record> deliveries_of_event(const std::string& event_id) = 0;
    virtual std::vector<attempt_record> attempts_of_delivery(const std::string& delivery_id) = 0;

    /// Records one finished attempt and the delivery's new state together.
    virtual void record_attempt(const attempt_record& a, const delivery_record& new_state) = 0;
    /// Deliveries not yet finished (pending or interrupted while delivering), oldest first.
    virtual std::vector<delivery_record> unfinished_deliveries() = 0;

    /// "sqlite 3.40.1 (WAL) at /path" — for /v2/status/.
    virtual std::string describe() = 0;
};

/// Opens the store named by a database URL (sqlite://…); relative paths are resolved against
/// `base_dir`. Throws std::runtime_error with a sentence naming the URL.
std::unique_ptr<store> open_store(const std::string& url, const std::string& base_dir);

}  // namespace herald::core
