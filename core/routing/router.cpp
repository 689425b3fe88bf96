#include "routing/router.hpp"

#include "routing/topic_pattern.hpp"

#include <algorithm>

namespace herald::core {

void router::rebuild(const std::vector<listener_record>& listeners) {
    for (const auto& l : listeners) upsert(l);
}

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
    std::unique_lock lock(mutex_);
    remove_locked(l.id);
    by_id_[l.id] = std::move(entry);
    if (!l.enabled) return;
    for (const auto& k : keys) by_type_[k].insert(l.id);
    keys_of_[l.id].assign(keys.begin(), keys.end());
    for (const auto& p : patterns) {
        trie_node* n = &patterns_;
        for (const auto& w : split_words(p)) {
            auto& child = n->children[w];
            if (!child) child = std::make_unique<trie_node>();
            n = child.get();
        }
        n->ids.insert(l.id);
    }
    patterns_of_[l.id].assign(patterns.begin(), patterns.end());
}

void router::remove(const std::string& id) {
    std::unique_lock lock(mutex_);
    remove_locked(id);
}

void router::remove_locked(const std::string& id) {
    if (auto it = keys_of_.find(id); it != keys_of_.end()) {
        for (const auto& k : it->second) {
            auto& ids = by_type_[k];
            ids.erase(id);
            if (ids.empty()) by_type_.erase(k);
        }
        keys_of_.erase(it);
    }
    if (auto it = patterns_of_.find(id); it != patterns_of_.end()) {
        for (const auto& p : it->second) {
            // Walk down, remember the path, drop the id and prune nodes left empty.
            std::vector<std::pair<trie_node*, std::string>> path;
            trie_node* n = &patterns_;
            for (const auto& w : split_words(p)) {
                path.emplace_back(n, w);
                n = n->children.at(w).get();
            }
            n->ids.erase(id);
            for (auto step = path.rbegin(); step != path.rend(); ++step) {
                trie_node* child = step->first->children.at(step->second).get();
                if (!child->ids.empty() || !child->children.empty()) break;
                step->first->children.erase(step->second);
            }
        }
        patterns_of_.erase(it);
    }
    by_id_.erase(id);
}

void router::walk(const trie_node& n, const std::vector<std::string>& words, std::size_t i, std::set<std::string>& out,
                  std::size_t& visited) const {
    ++visited;
    if (auto hash = n.children.find("#"); hash != n.children.end())
        for (std::size_t k = i; k <= words.size(); ++k) walk(*hash->second, words, k, out, visited);
    if (i == words.size()) {
        out.insert(n.ids.begin(), n.ids.end());
        return;
    }
    if (auto exact = n.children.find(words[i]); exact != n.children.end()) walk(*exact->second, words, i + 1, out, visited);
    if (auto star = n.children.find("*"); star != n.children.end()) walk(*star->second, words, i + 1, out, visited);
}

std::vector<std::shared_ptr<const routed_listener>> router::match(const std::string& canonical_type,
                                                                 std::size_t* visited) const {
    std::shared_lock lock(mutex_);
    std::set<std::string> ids;
    std::size_t cost = 0;
    for (const char* key : {canonical_type.c_str(), "*"}) {
        ++cost;
        if (auto it = by_type_.find(key); it != by_type_.end()) ids.insert(it->second.begin(), it->second.end());
    }
    if (!patterns_.children.empty()) walk(patterns_, split_words(canonical_type), 0, ids, cost);
    if (visited) *visited = cost;
    std::vector<std::shared_ptr<const routed_listener>> out;
    out.reserve(ids.size());
    for (const auto& id : ids) out.push_back(by_id_.at(id));
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
