#include "events/event_types.hpp"

namespace herald::core {

namespace {
// Seed 001 / repo-action-events.rst: the names of Pulp 2.0 development builds.
const std::unordered_map<std::string, std::string> k_legacy = {
    {"repo-sync-started", "repo.sync.start"},
    {"repo-sync-finished", "repo.sync.finish"},
    {"repo-publish-started", "repo.publish.start"},
    {"repo-publish-finished", "repo.publish.finish"},
};
}  // namespace

event_types::event_types(const nlohmann::json& configured) {
    for (const auto& t : configured) {
        configured_.push_back(t.get<std::string>());
        known_.insert(configured_.back());
    }
    for (const auto& [legacy, current] : k_legacy)
        if (known_.count(current)) legacy_.emplace(legacy, current);
}

std::optional<std::string> event_types::canonical(const std::string& name) const {
    if (name == "*") return name;
    return canonical_fired(name);
}

std::optional<std::string> event_types::canonical_fired(const std::string& name) const {
    if (known_.count(name)) return name;
    if (auto it = legacy_.find(name); it != legacy_.end()) return it->second;
    return std::nullopt;
}

std::vector<std::string> event_types::accepted_names() const {
    std::vector<std::string> out = configured_;
    out.push_back("*");
    for (const auto& [legacy, current] : legacy_) out.push_back(legacy);
    return out;
}

}  // namespace herald::core
