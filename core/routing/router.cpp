#include "routing/router.hpp"

#include "routing/topic_pattern.hpp"

#include <algorithm>

namespace herald::core {

namespace {
void erase_entry(std::vector<const routed_listener*>& v, const routed_listener* l) {
    v.erase(std::remove(v.begin(), v.end(), l), v.end());
}
}  // namespace

void router::upsert(const listener_record& l) {
    auto entry = std::make_shared<routed_listener>();
    entry->id = l.id;
    entry->notifier_type_id = l.notifier_type_id;
    entry->config_json = l.notifier_config.dump();
    entry->enabled = l.enabled;
    if (l.retry_schedule_ms.is_array()) entry->retry_schedule_ms = l.retry_schedule_ms.get<std::vector<long long>>();
    std::set<std::string> keys, patterns;
    for (const auto& t : l.event_types) {
        if (!t.is_string()) continue;
        const std::string name = t.get<std::string>();
        if (is_topic_pattern(name)) patterns.insert(name);
        else if (auto c = types_.canonical(name)) keys.insert(*c);
    }
    if (l.enabled) {
        entry->index_keys.assign(keys.begin(), keys.end());
        entry->patterns.assign(patterns.begin(), patterns.end());
    }
    std::unique_lock lock(mutex_);
    remove_locked(l.id);
    const routed_listener* raw = entry.get();
    by_id_[raw->id] = std::move(entry);
    for (const auto& k : raw->index_keys) by_type_[k].push_back(raw);
    for (const auto& p : raw->patterns) {
        trie_node* n = &patterns_;
        for (const auto& w : split_words(p)) {
            auto& child = n->children[w];
            if (!child) child = std::make_unique<trie_node>();
            n = child.get();
        }
        n->ids.push_back(raw);
    }
}

void router::remove(const std::string& id) {
    std::unique_lock lock(mutex_);
    remove_locked(id);
}

void router::remove_locked(const std::string& id) {
    auto found = by_id_.find(id);
    if (found == by_id_.end()) return;
    const routed_listener* l = found->second.get();
    for (const auto& k : l->index_keys) {
        auto& v = by_type_[k];
        erase_entry(v, l);
        if (v.empty()) by_type_.erase(k);
    }
    for (const auto& p : l->patterns) {
        // Walk down, remember the path, drop the listener and prune nodes left empty.
        std::vector<std::pair<trie_node*, std::string>> path;
        trie_node* n = &patterns_;
        for (const auto& w : split_words(p)) {
            path.emplace_back(n, w);
            n = n->children.at(w).get();
        }
        erase_entry(n->ids, l);
        for (auto step = path.rbegin(); step != path.rend(); ++step) {
            trie_node* child = step->first->children.at(step->second).get();
            if (!child->ids.empty() || !child->children.empty()) break;
            step->first->children.erase(step->second);
        }
    }
    by_id_.erase(found);  // last: the key is a view of the listener's id
}

void router::walk(const trie_node& n, const std::vector<std::string>& words, std::size_t i, entries& out,
                  std::size_t& visited) const {
    ++visited;
    if (auto hash = n.children.find("#"); hash != n.children.end())
        for (std::size_t k = i; k <= words.size(); ++k) walk(*hash->second, words, k, out, visited);
    if (i == words.size()) {
        out.insert(out.end(), n.ids.begin(), n.ids.end());
        return;
    }
    if (auto exact = n.children.find(words[i]); exact != n.children.end()) walk(*exact->second, words, i + 1, out, visited);
    if (auto star = n.children.find("*"); star != n.children.end()) walk(*star->second, words, i + 1, out, visited);
}

std::vector<std::shared_ptr<const routed_listener>> router::match(const std::string& canonical_type,
                                                                 std::size_t* visited) const {
    std::shared_lock lock(mutex_);
    entries found;
    std::size_t cost = 0;
    for (const char* key : {canonical_type.c_str(), "*"}) {
        ++cost;
        if (auto it = by_type_.find(key); it != by_type_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
    }
    if (!patterns_.children.empty()) walk(patterns_, split_words(canonical_type), 0, found, cost);
    if (visited) *visited = cost;
    // Each listener once, ordered by id (a listener may be indexed under a type, "*" and patterns).
    std::sort(found.begin(), found.end(), [](entry a, entry b) { return a->id < b->id; });
    found.erase(std::unique(found.begin(), found.end()), found.end());
    std::vector<std::shared_ptr<const routed_listener>> out;
    out.reserve(found.size());
    for (entry l : found) out.push_back(l->shared_from_this());
    return out;
}

std::shared_ptr<const routed_listener> router::get(const std::string& id) const {
    std::shared_lock lock(mutex_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

std::size_t router::size() const {
    std::shared_lock lock(mutex_);
    return by_id_.size();
}

}  // namespace herald::core
