#pragma once
// The Pulp v2 event-listener resource: create, read, update (Pulp's merge), delete, with
// Pulp's validation order and, beyond Pulp, the notifier_config checked against the schema of
// the listener's plugin.
#include "api/reply.hpp"
#include "events/event_types.hpp"
#include "plugins/plugin_registry.hpp"
#include "routing/router.hpp"
#include "store/store.hpp"

namespace herald::core {

class listener_service {
public:
    listener_service(store& db, plugin_registry& plugins, const event_types& types, router& routes)
        : db_(db), plugins_(plugins), types_(types), routes_(routes) {}

    reply list() const;
    reply get(const std::string& id) const;
    reply create(const std::string& body);
    reply update(const std::string& id, const std::string& body);
    reply remove(const std::string& id);
    /// A receiver said "gone": the listener is disabled (shown as enabled: false) and its pending
    /// deliveries are dead. A PUT with "enabled": true turns it back on.
    void disable(const std::string& id, const std::string& reason);

    /// Pulp's PUT merge: null removes a key, anything else overwrites; nested objects are replaced.
    static nlohmann::json merge_config(nlohmann::json stored, const nlohmann::json& delta);

private:
    /// The listener document of pulp-spec §3.3, secrets redacted.
    nlohmann::json document(const listener_record& l) const;
    /// nullopt when valid; else the 400 reply.
    std::optional<reply> check_event_types(const nlohmann::json& types) const;
    /// Herald's own listener keys (enabled, retry_schedule_ms) from a POST or PUT body.
    std::optional<reply> apply_extensions(const nlohmann::json& body, listener_record& l) const;
    std::optional<reply> check_config(const std::string& type_id, const nlohmann::json& config) const;

    store& db_;
    plugin_registry& plugins_;
    const event_types& types_;
    router& routes_;
};

}  // namespace herald::core
