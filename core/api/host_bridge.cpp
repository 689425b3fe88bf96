#include "api/host_bridge.hpp"

#include "app/version.hpp"
#include "util/allocator.hpp"

#include <Poco/URI.h>

namespace herald::core {

using nlohmann::json;

namespace {

struct owned_reply {
    herald_reply r;  // first member: the pointer handed out is the pointer to this struct
    std::string body;
};

herald_reply* to_c(reply x) {
    auto* o = new owned_reply{};
    o->body = x.rendered.empty() ? x.body.dump() : std::move(x.rendered);
    o->r.status = x.status;
    o->r.body = o->body.c_str();
    o->r.body_len = o->body.size();
    return &o->r;
}

std::string text(const char* s, std::size_t n) { return s ? std::string(s, n) : std::string(); }

spdlog::level::level_enum to_spdlog(herald_log_level l) {
    switch (l) {
        case HERALD_LOG_TRACE: return spdlog::level::trace;
        case HERALD_LOG_DEBUG: return spdlog::level::debug;
        case HERALD_LOG_INFO: return spdlog::level::info;
        case HERALD_LOG_WARN: return spdlog::level::warn;
        default: return spdlog::level::err;
    }
}

}  // namespace

herald_reply* host_bridge::guarded(void* ctx, const std::function<reply(core_services&)>& call) {
    auto& me = self(ctx);
    try {
        return to_c(call(me.services_));
    } catch (const std::exception& e) {
        me.log_->error("internal error answering a plugin: {}", e.what());
        return to_c(internal_error(std::string(e.what())));
    }
}

host_bridge::host_bridge(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {
    api_.struct_size = sizeof api_;
    api_.abi_major = HERALD_ABI_MAJOR;
    api_.abi_minor = HERALD_ABI_MINOR;
    api_.ctx = this;
    api_.server_version = HERALD_VERSION_STRING;
    api_.log = [](void* ctx, herald_log_level level, const char* source, const char* message) {
        auto& me = self(ctx);
        if (source && *source) me.log_->log(to_spdlog(level), "[{}] {}", source, message ? message : "");
        else me.log_->log(to_spdlog(level), "{}", message ? message : "");
    };
    api_.free_reply = [](void*, herald_reply* r) { delete reinterpret_cast<owned_reply*>(r); };
    api_.list_listeners = [](void* ctx) { return guarded(ctx, [](core_services& s) { return s.listeners->list(); }); };
    api_.get_listener = [](void* ctx, const char* id) {
        std::string i = id ? id : "";
        return guarded(ctx, [&](core_services& s) { return s.listeners->get(i); });
    };
    api_.create_listener = [](void* ctx, const char* body, std::size_t n) {
        std::string b = text(body, n);
        return guarded(ctx, [&](core_services& s) { return s.listeners->create(b); });
    };
    api_.update_listener = [](void* ctx, const char* id, const char* body, std::size_t n) {
        std::string i = id ? id : "", b = text(body, n);
        return guarded(ctx, [&](core_services& s) { return s.listeners->update(i, b); });
    };
    api_.delete_listener = [](void* ctx, const char* id) {
        std::string i = id ? id : "";
        return guarded(ctx, [&](core_services& s) { return s.listeners->remove(i); });
    };
    api_.fire_event = [](void* ctx, const char* body, std::size_t n) {
        std::string b = text(body, n);
        return guarded(ctx, [&](core_services& s) { return s.events->fire(b); });
    };
    api_.fire_event_async = [](void* ctx, const char* body, std::size_t n, void (*done)(void*, herald_reply*),
                               void* user) {
        auto& me = self(ctx);
        auto answer = [&me, done, user](reply r) {
            herald_reply* c = nullptr;
            try {
                c = to_c(std::move(r));
            } catch (const std::exception& e) {
                me.log_->error("cannot answer a fire: {}", e.what());
            }
            done(user, c);  // NULL tells the plugin there is no reply (the SDK makes it a 500)
        };
        try {
            me.services_.events->fire_async(text(body, n), answer);
        } catch (const std::exception& e) {  // thrown before `answer` was handed over
            me.log_->error("internal error answering a plugin: {}", e.what());
            answer(internal_error(std::string(e.what())));
        }
    };
    api_.get_event_report = [](void* ctx, const char* id) {
        std::string i = id ? id : "";
        return guarded(ctx, [&](core_services& s) { return s.events->report(i); });
    };
    api_.notifier_types = [](void* ctx) {
        return guarded(ctx, [](core_services& s) { return reply{200, notifier_types(*s.plugins)}; });
    };
    api_.status = [](void* ctx) {
        return guarded(ctx, [](core_services& s) { return reply{200, status(*s.plugins, *s.db)}; });
    };
    api_.authorize = [](void* ctx, const char* authorization, const char* path, herald_operation op) {
        std::string a = authorization ? authorization : "", p = path ? path : "/";
        return guarded(ctx, [&](core_services& s) { return s.auth->authorize(a, p, op); });
    };
    api_.list_deliveries = [](void* ctx, const char* listener_id, const char* query) {
        std::string id = listener_id ? listener_id : "";
        std::map<std::string, std::string> params;
        for (const auto& [k, v] : Poco::URI(std::string("/?") + (query ? query : "")).getQueryParameters())
            params[k] = v;
        return guarded(ctx, [&](core_services& s) { return s.deliveries->list_for_listener(id, params); });
    };
    api_.redeliver = [](void* ctx, const char* id) {
        std::string i = id ? id : "";
        return guarded(ctx, [&](core_services& s) { return s.deliveries->redeliver(i); });
    };
    api_.redeliver_bulk = [](void* ctx, const char* body, std::size_t n) {
        std::string b = text(body, n);
        return guarded(ctx, [&](core_services& s) { return s.deliveries->redeliver_bulk(b); });
    };
    api_.put_task = [](void* ctx, const char* id, const char* body, std::size_t n) {
        std::string i = id ? id : "", b = text(body, n);
        return guarded(ctx, [&](core_services& s) { return s.tasks->put(i, b); });
    };
    api_.get_task = [](void* ctx, const char* id) {
        std::string i = id ? id : "";
        return guarded(ctx, [&](core_services& s) { return s.tasks->get(i); });
    };
    api_.announce_listening = [](void* ctx, const char* url) {
        auto& me = self(ctx);
        if (me.services_.announce_listening) me.services_.announce_listening(url ? url : "");
    };
}

json host_bridge::notifier_types(const plugin_registry& plugins) {
    json out = json::array();
    for (const auto& p : plugins.all()) {
        const auto& i = p->info();
        if (i.kind != HERALD_PLUGIN_NOTIFIER) continue;
        out.push_back({{"id", i.type_id},
                       {"aliases", i.aliases},
                       {"version", i.version},
                       {"description", i.description},
                       {"abi", std::to_string(i.abi_major) + "." + std::to_string(i.abi_minor)},
                       {"config_schema", i.config_schema}});
    }
    return out;
}

json host_bridge::status(const plugin_registry& plugins, store& db) {
    json loaded = json::array();
    for (const auto& p : plugins.all())
        loaded.push_back({{"id", p->info().type_id}, {"kind", p->info().kind_name()}, {"version", p->info().version}});
    json refused = json::array();
    for (const auto& r : plugins.refusals()) refused.push_back({{"file", r.file}, {"reason", r.reason}});
    bool connected = true;
    std::string engine;
    try {
        engine = db.describe();
    } catch (const std::exception& e) {
        connected = false;
        engine = e.what();
    }
    return {{"api_version", "2"},
            {"versions", {{"platform_version", HERALD_VERSION_STRING}, {"herald_version", HERALD_VERSION_STRING},
                          {"abi_version", std::to_string(HERALD_ABI_MAJOR) + "." + std::to_string(HERALD_ABI_MINOR)}}},
            {"database_connection", {{"connected", connected}, {"engine", engine}}},
            {"allocator", allocator_name()},
            {"plugins", loaded},
            {"refused_plugins", refused}};
}

}  // namespace herald::core
