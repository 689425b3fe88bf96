#pragma once
#include <herald/abi.h>
#include <herald/version.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

HERALD_SDK_NAMESPACE_BEGIN

/// A host reply as the C++ side sees it: status (HTTP semantics) and the raw JSON body.
struct reply {
    int status = 0;
    std::string body;
    bool ok() const { return status >= 200 && status < 300; }
    nlohmann::json json() const { return body.empty() ? nlohmann::json() : nlohmann::json::parse(body); }
};

enum class log_level { trace = HERALD_LOG_TRACE, debug = HERALD_LOG_DEBUG, info = HERALD_LOG_INFO,
                       warn = HERALD_LOG_WARN, error = HERALD_LOG_ERROR };

/// The host API wrapped for C++: copies every reply into a `reply` and frees the C one at once.
class host {
public:
    explicit host(const herald_host_api* api) : api_(api) {}

    const herald_host_api* raw() const { return api_; }
    std::string server_version() const { return api_->server_version ? api_->server_version : ""; }

    void log(log_level level, std::string_view source, const std::string& message) const {
        std::string src(source);
        api_->log(api_->ctx, static_cast<herald_log_level>(level), src.empty() ? nullptr : src.c_str(),
                  message.c_str());
    }

    reply list_listeners() const { return take(api_->list_listeners(api_->ctx)); }
    reply get_listener(const std::string& id) const { return take(api_->get_listener(api_->ctx, id.c_str())); }
    reply create_listener(std::string_view body) const {
        return take(api_->create_listener(api_->ctx, body.data(), body.size()));
    }
    reply update_listener(const std::string& id, std::string_view body) const {
        return take(api_->update_listener(api_->ctx, id.c_str(), body.data(), body.size()));
    }
    reply delete_listener(const std::string& id) const { return take(api_->delete_listener(api_->ctx, id.c_str())); }
    reply fire_event(std::string_view body) const { return take(api_->fire_event(api_->ctx, body.data(), body.size())); }
    reply get_event_report(const std::string& id) const {
        return take(api_->get_event_report(api_->ctx, id.c_str()));
    }
    reply notifier_types() const { return take(api_->notifier_types(api_->ctx)); }
    reply status() const { return take(api_->status(api_->ctx)); }
    reply authorize(const std::string& authorization, const std::string& path, herald_operation op) const {
        return take(api_->authorize(api_->ctx, authorization.c_str(), path.c_str(), op));
    }
    void announce_listening(const std::string& url) const { api_->announce_listening(api_->ctx, url.c_str()); }

    // ABI 1.1
    reply list_deliveries(const std::string& listener_id, const std::string& query) const {
        return take(api_->list_deliveries(api_->ctx, listener_id.c_str(), query.c_str()));
    }
    reply redeliver(const std::string& delivery_id) const { return take(api_->redeliver(api_->ctx, delivery_id.c_str())); }
    reply redeliver_bulk(std::string_view body) const {
        return take(api_->redeliver_bulk(api_->ctx, body.data(), body.size()));
    }
    reply put_task(const std::string& task_id, std::string_view body) const {
        return take(api_->put_task(api_->ctx, task_id.c_str(), body.data(), body.size()));
    }
    reply get_task(const std::string& task_id) const { return take(api_->get_task(api_->ctx, task_id.c_str())); }

    // ABI 1.3
    /// fire_event without waiting for the commit. `done` gets the reply exactly once: before
    /// this returns for a body refused outright, else on the host's committing thread — keep it
    /// short (hand the reply to your own thread), other fires' answers wait behind it.
    void fire_event_async(std::string_view body, std::function<void(reply)> done) const {
        struct pending {
            const herald_host_api* api;
            std::function<void(reply)> done;
        };
        auto* p = new pending{api_, std::move(done)};
        api_->fire_event_async(
            api_->ctx, body.data(), body.size(),
            [](void* user, herald_reply* r) {
                std::unique_ptr<pending> owned(static_cast<pending*>(user));
                try {
                    owned->done(take(owned->api, r));
                } catch (...) {
                    // nothing may unwind into the host
                }
            },
            p);
    }

private:
    reply take(herald_reply* r) const { return take(api_, r); }
    static reply take(const herald_host_api* api, herald_reply* r) {
        reply out;
        if (r == nullptr) {
            out.status = 500;
            out.body = R"({"code":"PLP0000","message":"the host returned no reply","data":{},"sub_errors":[]})";
            return out;
        }
        out.status = r->status;
        if (r->body != nullptr) out.body.assign(r->body, r->body_len);
        api->free_reply(api->ctx, r);
        return out;
    }

    const herald_host_api* api_;
};

HERALD_SDK_NAMESPACE_END
