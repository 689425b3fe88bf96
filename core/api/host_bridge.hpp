#pragma once
// The C host API (herald_host_api) that plugins call, bridged to the core's services.
// Exceptions from the core become 500 replies here: nothing throws across the boundary.
#include "auth/authorizer.hpp"
#include "delivery/delivery_service.hpp"
#include "events/task_service.hpp"
#include "events/event_service.hpp"
#include "listeners/listener_service.hpp"
#include "plugins/plugin_registry.hpp"
#include "store/store.hpp"

#include <herald/abi.h>

#include <spdlog/logger.h>

#include <functional>
#include <string>

namespace herald::core {

struct core_services {
    listener_service* listeners = nullptr;
    event_service* events = nullptr;
    authorizer* auth = nullptr;
    plugin_registry* plugins = nullptr;
    store* db = nullptr;
    delivery_service* deliveries = nullptr;
    task_service* tasks = nullptr;
    std::function<void(const std::string&)> announce_listening;
};

class host_bridge {
public:
    explicit host_bridge(std::shared_ptr<spdlog::logger> log);
    /// Must happen before any plugin is created.
    void attach(core_services services) { services_ = std::move(services); }
    const herald_host_api* api() const { return &api_; }

    /// The documents behind GET /v2/notifier_types/ and /v2/status/ (also used by the CLI).
    static nlohmann::json notifier_types(const plugin_registry& plugins);
    static nlohmann::json status(const plugin_registry& plugins, store& db);

private:
    static host_bridge& self(void* ctx) { return *static_cast<host_bridge*>(ctx); }
    static herald_reply* guarded(void* ctx, const std::function<reply(core_services&)>& call);

    std::shared_ptr<spdlog::logger> log_;
    core_services services_;
    herald_host_api api_{};
};

}  // namespace herald::core
