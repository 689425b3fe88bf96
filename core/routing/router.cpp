#include "routing/router.hpp"

#include <algorithm>
#include <iterator>

namespace herald::core {

void router::rebuild(const std::vector<listener_record>& listeners) {
    for (const auto& l : listeners) upsert(l);
}

void router::upsert(const listener_record& l) {
    auto entry = std::make_shared<routed_listener>(routed_listener{l.id, l.notifier_type_id, l.notifier_config.dump()});
    std::set<std::string> keys;
    for (const auto& t : l.event_types)
        if (t.is_string())
            if (auto c = types_.canonical(t.get<std::string>())) keys.insert(*c);
    std::unique_lock lock(mutex_);
    remove_locked(l.id);
    by_id_[l.id] = std::move(entry);
    auto& mine = types_of_[l.id];
    for (const auto& k : keys) {
        by_type_[k].insert(l.id);
        mine.push_back(k);
    }
}

void router::remove(const std::string& id) {
    std::unique_lock lock(mutex_);
    remove_locked(id);
}

void router::remove_locked(const std::string& id) {
    if (auto it = types_of_.find(id); it != types_of_.end()) {
        for (const auto& k : it->second) {
            auto& ids = by_type_[k];
            ids.erase(id);
            if (ids.empty()) by_type_.erase(k);
        }
        types_of_.erase(it);
    }
    by_id_.erase(id);
}

std::vector<std::shared_ptr<const routed_listener>> router::match(const std::string& canonical_type) const {
    static const std::set<std::string> none;
    std::shared_lock lock(mutex_);
    auto named = by_type_.find(canonical_type);
    auto all = by_type_.find("*");
    const auto& a = named == by_type_.end() ? none : named->second;
    const auto& b = all == by_type_.end() ? none : all->second;
    std::vector<std::string> ids;
    ids.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(ids));
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
