#include "listeners/listener_service.hpp"

#include "routing/topic_pattern.hpp"
#include "util/object_id.hpp"

#include <algorithm>

namespace herald::core {

using nlohmann::json;

json listener_service::document(const listener_record& l) const {
    json config = l.notifier_config;
    if (auto plugin = plugins_.find(l.notifier_type_id); plugin && plugin->config_validator())
        plugin->config_validator()->redact(config);
    json doc = {{"_href", "/pulp/api/v2/events/" + l.id + "/"},
                {"_id", {{"$oid", l.id}}},
                {"_ns", "event_listeners"},
                {"id", l.id},
                {"notifier_type_id", l.notifier_type_id},
                {"notifier_config", config},
                {"event_types", l.event_types},
                {"enabled", l.enabled}};
    if (!l.retry_schedule_ms.is_null()) doc["retry_schedule_ms"] = l.retry_schedule_ms;
    return doc;
}

std::optional<reply> listener_service::check_event_types(const json& types) const {
    // Pulp: a non-empty array whose every element is a known type or "*"; duplicates are fine.
    // Herald adds topic patterns ("repo.#"), which must match at least one configured type.
    if (!types.is_array() || types.empty()) return invalid_properties({"event_types"});
    for (const auto& t : types) {
        if (!t.is_string()) return invalid_properties({"event_types"});
        const std::string name = t.get<std::string>();
        if (types_.canonical(name)) continue;
        if (!is_topic_pattern(name)) return invalid_properties({"event_types"});
        bool any = false;
        for (const auto& c : types_.configured()) any = any || topic_matches(name, c);
        if (!any)
            return invalid_properties({"event_types"}, "the pattern '" + name + "' matches no configured event type");
    }
    return std::nullopt;
}

std::optional<reply> listener_service::apply_extensions(const json& body, listener_record& l) const {
    if (auto e = body.find("enabled"); e != body.end() && !e->is_null()) {
        if (!e->is_boolean()) return invalid_properties({"enabled"}, "enabled must be true or false");
        l.enabled = e->get<bool>();
    }
    if (auto r = body.find("retry_schedule_ms"); r != body.end()) {
        const bool ok = r->is_null() || (r->is_array() && !r->empty() && r->size() <= 100 &&
                                         std::all_of(r->begin(), r->end(), [](const json& x) {
                                             return x.is_number_integer() && x.get<long long>() >= 0;
                                         }));
        if (!ok)
            return invalid_properties({"retry_schedule_ms"},
                                      "retry_schedule_ms must be null or 1 to 100 non-negative integers (milliseconds)");
        l.retry_schedule_ms = *r;
    }
    return std::nullopt;
}

std::optional<reply> listener_service::check_config(const std::string& type_id, const json& config) const {
    auto plugin = plugins_.find(type_id);
    if (!plugin || plugin->info().kind != HERALD_PLUGIN_NOTIFIER) return invalid_properties({"notifier_type_id"});
    auto errors = plugin->config_validator()->validate(config);
    if (errors.empty()) return std::nullopt;
    json subs = json::array();
    std::string detail;
    for (const auto& e : errors) {
        const std::string where = "notifier_config" + e.pointer;
        subs.push_back({{"code", "HLD0001"},
                        {"description", where + ": " + e.message},
                        {"data", {{"pointer", "/notifier_config" + e.pointer}, {"message", e.message}}},
                        {"sub_errors", json::array()}});
        if (!detail.empty()) detail += "; ";
        detail += where + ": " + e.message;
    }
    return invalid_properties({"notifier_config"}, detail, subs);
}

json listener_service::merge_config(json stored, const json& delta) {
    if (!stored.is_object()) stored = json::object();
    for (auto it = delta.begin(); it != delta.end(); ++it) {
        if (it->is_null()) stored.erase(it.key());
        else stored[it.key()] = *it;
    }
    return stored;
}

reply listener_service::list() const {
    json out = json::array();
    for (const auto& l : db_.list_listeners()) out.push_back(document(l));
    return {200, out};
}

reply listener_service::get(const std::string& id) const {
    auto l = db_.get_listener(id);
    if (!l) return missing_resource("event_listener", id);
    return {200, document(*l)};
}

reply listener_service::create(const std::string& body) {
    json req;
    reply err;
    if (!parse_object_body(body, false, req, err)) return err;
    const json types = req.value("event_types", json());
    const json type_id = req.value("notifier_type_id", json());
    json config = req.value("notifier_config", json());
    if (auto bad = check_event_types(types)) return *bad;  // Pulp validates event types first
    if (!type_id.is_string()) return invalid_properties({"notifier_type_id"});
    if (config.is_null()) config = json::object();
    if (auto bad = check_config(type_id.get<std::string>(), config)) return *bad;

    listener_record l;
    l.id = new_object_id();
    l.notifier_type_id = type_id.get<std::string>();
    l.notifier_config = config;
    l.event_types = types;
    if (auto bad = apply_extensions(req, l)) return *bad;
    l.created_ms = l.updated_ms = now_ms();
    db_.insert_listener(l);
    routes_.upsert(l);
    return {201, document(l)};
}

reply listener_service::update(const std::string& id, const std::string& body) {
    json req;
    reply err;
    if (!parse_object_body(body, true, req, err)) return err;
    auto l = db_.get_listener(id);
    if (!l) return missing_resource("event_listener", id);
    // Pulp reads only notifier_config and event_types; notifier_type_id cannot change.
    if (auto delta = req.find("notifier_config"); delta != req.end() && !delta->is_null()) {
        // Pulp crashed with a 500 here on a non-object; this is the 400 it should have been.
        if (!delta->is_object())
            return invalid_properties({"notifier_config"}, "notifier_config must be an object of changes");
        l->notifier_config = merge_config(l->notifier_config, *delta);
    }
    if (auto types = req.find("event_types"); types != req.end() && !types->is_null()) {
        if (auto bad = check_event_types(*types)) return *bad;
        l->event_types = *types;
    }
    if (auto bad = apply_extensions(req, *l)) return *bad;
    if (auto bad = check_config(l->notifier_type_id, l->notifier_config)) return *bad;
    l->updated_ms = now_ms();
    if (!db_.update_listener(*l)) return missing_resource("event_listener", id);
    routes_.upsert(*l);
    return {200, document(*l)};
}

void listener_service::disable(const std::string& id, const std::string& reason) {
    db_.disable_listener(id, "the listener was disabled: " + reason);
    if (auto l = db_.get_listener(id)) routes_.upsert(*l);
}

reply listener_service::remove(const std::string& id) {
    if (!db_.delete_listener(id)) return missing_resource("event_listener", id);
    routes_.remove(id);
    return {200, nullptr};
}

}  // namespace herald::core
