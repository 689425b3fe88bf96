#pragma once
// Finds the listeners of an event through an index by canonical event type (plus the "*" list),
// so the cost of routing grows with the listeners that match, not with all listeners.
#include "events/event_types.hpp"
#include "store/records.hpp"

#include <map>
#include <mutex>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace herald::core {

/// What delivery needs of a listener, shared immutable between the router and in-flight work.
struct routed_listener {
    std::string id;
    std::string notifier_type_id;
    std::string config_json;  // compact notifier_config
};

class router {
public:
    explicit router(const event_types& types) : types_(types) {}

    void rebuild(const std::vector<listener_record>& listeners);
    void upsert(const listener_record& l);
    void remove(const std::string& id);

    /// Listeners of a canonical event type, each once, ordered by id.
    std::vector<std::shared_ptr<const routed_listener>> match(const std::string& canonical_type) const;
    std::shared_ptr<const routed_listener> get(const std::string& id) const;
    std::size_t size() const;

private:
    void remove_locked(const std::string& id);

    const event_types& types_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const routed_listener>> by_id_;
    std::unordered_map<std::string, std::set<std::string>> by_type_;     // canonical type or "*" → ids
    std::unordered_map<std::string, std::vector<std::string>> types_of_;  // id → its index keys
};

}  // namespace herald::core
