#pragma once
// Finds the listeners of an event through indexes, so the cost of routing grows with the
// listeners that match, not with all listeners: a hash map for exact types (and "*"), and a trie
// of topic patterns ("repo.#", "repo.*.finish") walked word by word.
#include "events/event_types.hpp"
#include "store/records.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
    bool enabled = true;
    std::optional<std::vector<long long>> retry_schedule_ms;  // this listener's own, if set
};

class router {
public:
    explicit router(const event_types& types) : types_(types) {}

    void rebuild(const std::vector<listener_record>& listeners);
    /// Adds or replaces a listener; a disabled one is kept (for get) but never matched.
    void upsert(const listener_record& l);
    void remove(const std::string& id);

    /// Enabled listeners of a canonical event type, each once, ordered by id. `visited`, when
    /// given, receives the number of index entries examined (the cost of this match).
    std::vector<std::shared_ptr<const routed_listener>> match(const std::string& canonical_type,
                                                             std::size_t* visited = nullptr) const;
    std::shared_ptr<const routed_listener> get(const std::string& id) const;
    std::size_t size() const;

private:
    struct trie_node {
        std::unordered_map<std::string, std::unique_ptr<trie_node>> children;  // words, "*" and "#"
        std::set<std::string> ids;  // listeners whose pattern ends here
    };
    void remove_locked(const std::string& id);
    void walk(const trie_node& n, const std::vector<std::string>& words, std::size_t i, std::set<std::string>& out,
              std::size_t& visited) const;

    const event_types& types_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const routed_listener>> by_id_;
    std::unordered_map<std::string, std::set<std::string>> by_type_;  // canonical type or "*" → ids
    trie_node patterns_;
    std::unordered_map<std::string, std::vector<std::string>> keys_of_;      // id → exact index keys
    std::unordered_map<std::string, std::vector<std::string>> patterns_of_;  // id → its patterns
};

}  // namespace herald::core
