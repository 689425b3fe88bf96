#pragma once
// The event types a server knows: the configured ones, the wildcard "*", and the legacy
// hyphenated names of Pulp 2.0 (seed 001), which are aliases of the dotted names.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace herald::core {

class event_types {
public:
    explicit event_types(const nlohmann::json& configured);

    /// The canonical type for a name a listener may subscribe to: a configured type, "*", or a
    /// legacy alias of a configured type. nullopt when unknown.
    std::optional<std::string> canonical(const std::string& name) const;

    /// The canonical type for a name an event may be fired with (not "*").
    std::optional<std::string> canonical_fired(const std::string& name) const;

    const std::vector<std::string>& configured() const { return configured_; }
    /// Every accepted name, for error messages and --help.
    std::vector<std::string> accepted_names() const;

private:
    std::vector<std::string> configured_;
    std::unordered_set<std::string> known_;
    std::unordered_map<std::string, std::string> legacy_;  // legacy name → canonical
};

}  // namespace herald::core
