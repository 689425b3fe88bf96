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
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::core {

/// What delivery needs of a listener, shared immutable between the router and in-flight work.
struct routed_listener : std::enable_shared_from_this<routed_listener> {
    std::string id;
    std::string notifier_type_id;
    std::string config_json;  // compact notifier_config
    bool enabled = true;
    std::optional<std::vector<long long>> retry_schedule_ms;  // this listener's own, if set
    std::vector<std::string> index_keys;  // the exact types (and "*") it is indexed under
    std::vector<std::string> patterns;    // the topic patterns it is indexed under
};

class router {
public:
    explicit router(const event_types& types) : types_(types) {}

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
    // Index entries point at the listener (owned by by_id_) instead of copying its id: at
    // 100 000 listeners the copies were most of the router's memory.
    using entry = const routed_listener*;
    using entries = std::vector<entry>;
    struct trie_node {
        std::unordered_map<std::string, std::unique_ptr<trie_node>> children;  // words, "*" and "#"
        entries ids;  // listeners whose pattern ends here
    };
    void remove_locked(const std::string& id);
    void walk(const trie_node& n, const std::vector<std::string>& words, std::size_t i, entries& out,
              std::size_t& visited) const;

    const event_types& types_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string_view, std::shared_ptr<const routed_listener>> by_id_;  // keys view ->id
    std::unordered_map<std::string, entries> by_type_;  // canonical type or "*" → listeners
    trie_node patterns_;
};

}  // namespace herald::core
