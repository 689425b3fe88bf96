#pragma once
// Helpers shared by the routing tests.
#include "routing/router.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace herald::test {

inline core::listener_record listener(const std::string& id, nlohmann::json types) {
    core::listener_record l;
    l.id = id;
    l.notifier_type_id = "recorder";
    l.event_types = std::move(types);
    return l;
}

inline std::vector<std::string> ids(const std::vector<std::shared_ptr<const core::routed_listener>>& v) {
    std::vector<std::string> out;
    for (const auto& l : v) out.push_back(l->id);
    return out;
}

}  // namespace herald::test
