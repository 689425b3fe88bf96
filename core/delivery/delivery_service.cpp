#include "delivery/delivery_service.hpp"

#include "util/iso8601.hpp"
#include "util/object_id.hpp"

namespace herald::core {

using nlohmann::json;

namespace {

const char* const k_states[] = {"pending", "delivering", "delivered", "dead", "skipped"};

bool known_state(const std::string& s) {
    for (const char* k : k_states)
        if (s == k) return true;
    return false;
}

}  // namespace

json delivery_service::document(const delivery_record& d) const {
    json log = json::array();
    for (const auto& a : db_.attempts_of_delivery(d.id))
        log.push_back({{"attempt", a.attempt},
                       {"started_at", iso8601(a.started_ms)},
                       {"duration_ms", a.duration_ms},
                       {"outcome", a.outcome},
                       {"status_code", a.status_code == 0 ? json() : json(a.status_code)},
                       {"message", a.message},
                       {"response_excerpt", a.response_excerpt.empty() ? json() : json(a.response_excerpt)}});
    const bool running = d.state == delivery_state::pending && delivery_.attempting(d.id);
    return {{"id", d.id},
            {"_href", "/pulp/api/v2/deliveries/" + d.id + "/"},
            {"event_id", d.event_id},
            {"listener_id", d.listener_id.empty() ? json() : json(d.listener_id)},
            {"state", running ? delivery_state::delivering : d.state.c_str()},
            {"attempts", d.attempts},
            {"created_at", iso8601(d.created_ms)},
            {"next_attempt_at", d.state == "pending" ? json(iso8601(d.next_attempt_ms)) : json()},
            {"last_message", d.last_message},
            {"attempt_log", log}};
}

reply delivery_service::list_for_listener(const std::string& listener_id,
                                          const std::map<std::string, std::string>& query) const {
    if (!db_.get_listener(listener_id)) return missing_resource("event_listener", listener_id);
    delivery_filter f;
    f.listener_id = listener_id;
    int limit = 100, offset = 0;
    try {
        if (auto it = query.find("limit"); it != query.end()) limit = std::stoi(it->second);
        if (auto it = query.find("offset"); it != query.end()) offset = std::stoi(it->second);
    } catch (const std::exception&) {
        return invalid_properties({"limit"}, "limit and offset must be integers");
    }
    if (limit < 1 || limit > 1000 || offset < 0)
        return invalid_properties({"limit"}, "limit must be 1 to 1000 and offset at least 0");
    if (auto it = query.find("state"); it != query.end()) {
        if (!known_state(it->second))
            return invalid_properties({"state"}, "state must be one of pending, delivering, delivered, dead, skipped");
        f.state = it->second;
    }
    long long total = 0;
    json items = json::array();
    for (const auto& d : db_.find_deliveries(f, limit, offset, total))
        items.push_back(document(d));
    return {200, {{"total", total}, {"limit", limit}, {"offset", offset}, {"deliveries", items}}};
}

reply delivery_service::redeliver(const std::string& delivery_id) {
    auto d = db_.get_delivery(delivery_id);
    if (!d) return missing_resource("delivery", delivery_id);
    delivery_filter f;
    f.delivery_id = delivery_id;
    auto requeued = db_.requeue(f, now_ms());
    delivery_.requeue(requeued);
    return {202, document(requeued.front())};
}

reply delivery_service::redeliver_bulk(const std::string& body) {
    json req;
    reply err;
    if (!parse_object_body(body, false, req, err)) return err;
    delivery_filter f;
    for (const char* key : {"listener_id", "state", "event_type"}) {
        auto it = req.find(key);
        if (it == req.end() || it->is_null()) continue;
        if (!it->is_string()) return invalid_properties({key}, std::string(key) + " must be a string");
        const std::string v = it->get<std::string>();
        if (std::string(key) == "listener_id") f.listener_id = v;
        if (std::string(key) == "state") {
            if (!known_state(v))
                return invalid_properties({"state"}, "state must be one of pending, delivering, delivered, dead, skipped");
            f.state = v;
        }
        if (std::string(key) == "event_type") {
            auto c = types_.canonical_fired(v);
            if (!c) return invalid_properties({"event_type"}, "unknown event type '" + v + "'");
            f.event_type = *c;
        }
    }
    for (const char* key : {"since", "until"}) {
        auto it = req.find(key);
        if (it == req.end() || it->is_null()) continue;
        auto t = parse_time(*it);
        if (!t) return invalid_properties({key}, std::string(key) + " must be a time like 2026-11-23T17:00:00Z");
        (std::string(key) == "since" ? f.since_ms : f.until_ms) = *t;
    }
    if (f.delivery_id.empty() && f.listener_id.empty() && f.state.empty() && f.event_type.empty() && f.since_ms == 0 && f.until_ms == 0)
        return invalid_properties({"listener_id"}, "give at least one of listener_id, state, event_type, since, until");
    const bool dry_run = req.value("dry_run", false);
    if (dry_run) return {200, {{"dry_run", true}, {"count", db_.count_deliveries(f)}}};
    auto requeued = db_.requeue(f, now_ms());
    delivery_.requeue(requeued);
    return {202, {{"dry_run", false}, {"count", requeued.size()}}};
}

}  // namespace herald::core
