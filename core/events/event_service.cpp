#include "events/event_service.hpp"

#include "delivery/delivery_service.hpp"
#include "util/iso8601.hpp"
#include "util/object_id.hpp"


namespace herald::core {

using nlohmann::json;

std::shared_ptr<event_with_deliveries> event_service::prepare_fire(const std::string& body, reply& err) {
    json req;
    if (!parse_object_body(body, false, req, err)) return nullptr;
    const json type = req.value("event_type", json());
    if (!type.is_string()) {
        err = invalid_properties({"event_type"}, "event_type is required and must be a string");
        return nullptr;
    }
    const auto canonical = types_.canonical_fired(type.get<std::string>());
    if (!canonical) {
        std::string allowed;
        for (const auto& n : types_.accepted_names())
            if (n != "*") allowed += (allowed.empty() ? "" : ", ") + n;
        err = invalid_properties({"event_type"}, "unknown event type '" + type.get<std::string>() + "'; allowed: " + allowed);
        return nullptr;
    }
    const auto given = req.find("payload");
    const bool no_payload = given == req.end() || given->is_null();
    json call_report = req.value("call_report", json());
    if (!call_report.is_null() && !call_report.is_object()) {
        err = invalid_properties({"call_report"}, "call_report must be an object or null");
        return nullptr;
    }
    if (auto task = req.find("task_id"); task != req.end() && !task->is_null()) {
        if (!task->is_string()) {
            err = invalid_properties({"task_id"}, "task_id must be a string");
            return nullptr;
        }
        // The task report as last stored beats a copy the caller carried (Pulp's were stale).
        if (auto stored = db_.get_task(task->get<std::string>())) call_report = json::parse(*stored);
    }

    auto fired = std::make_shared<event_with_deliveries>();
    auto& [e, deliveries] = *fired;
    e.id = new_object_id();
    e.event_type = type.get<std::string>();
    e.canonical_type = *canonical;
    // Written out as dump() would write {"call_report", "event_type", "payload"} (keys in order),
    // without copying the payload into a new object first: it is most of the document.
    e.document = R"({"call_report":)" + call_report.dump() + R"(,"event_type":)" + json(*canonical).dump() +
                 R"(,"payload":)" + (no_payload ? std::string("{}") : given->dump()) + "}";
    e.fired_ms = now_ms();

    auto listeners = routes_.match(*canonical);
    deliveries.reserve(listeners.size());
    for (const auto& l : listeners) {
        delivery_record& d = deliveries.emplace_back();
        d.id = e.id + "-" + l->id;  // stable across retries; no "." (Standard Webhooks ids)
        d.event_id = e.id;
        d.listener_id = l->id;
        d.next_attempt_ms = e.fired_ms;
        d.created_ms = d.updated_ms = e.fired_ms;
    }
    return fired;
}

reply event_service::accepted(event_with_deliveries& fired) {
    auto& [e, deliveries] = fired;
    // Rendered as nlohmann would dump the object (keys in order, compact), without building it.
    const auto quoted = [](const std::string& s) { return json(s).dump(); };
    std::string body = R"({"_href":"/pulp/api/v2/event_reports/)" + e.id + R"(/","event_type":)" + quoted(e.event_type) +
                       R"(,"fired_at":")" + iso8601(e.fired_ms) + R"(","id":)" + quoted(e.id) + R"(,"matched_listeners":[)";
    for (std::size_t i = 0; i < deliveries.size(); ++i) body += (i ? "," : "") + quoted(deliveries[i].listener_id);
    body += "]}";
    auto document = std::make_shared<const std::string>(std::move(e.document));  // committed: no longer needed
    std::vector<delivery_job> jobs;
    jobs.reserve(deliveries.size());
    for (auto& d : deliveries) jobs.push_back({std::move(d), e.canonical_type, document, e.fired_ms});
    delivery_.submit(std::move(jobs));
    return {202, {}, std::move(body)};
}

reply event_service::fire(const std::string& body) {
    reply err;
    auto fired = prepare_fire(body, err);
    if (!fired) return err;
    writer_.write_fire(*fired);
    return accepted(*fired);
}

void event_service::fire_async(const std::string& body, std::function<void(reply)> done) {
    reply err;
    auto fired = prepare_fire(body, err);
    if (!fired) return done(std::move(err));
    writer_.write_fire_async(fired, [this, fired, done = std::move(done)](std::exception_ptr error) {
        // This runs on the committer thread: nothing may escape it.
        reply r;
        try {
            // After the commit the event is ours to take apart: nobody else holds it any more.
            r = error ? internal_error(error) : accepted(*fired);
        } catch (...) {
            r = internal_error(std::current_exception());
        }
        done(std::move(r));
    });
}

void event_service::fire_system(const std::string& event_type, const std::string& document,
                                const std::string& notifier_type_id, const json& config) {
    event_with_deliveries fired;
    auto& [e, deliveries] = fired;
    e.id = new_object_id();
    e.event_type = e.canonical_type = event_type;
    e.document = document;
    e.fired_ms = now_ms();
    delivery_record& d = deliveries.emplace_back();
    d.id = e.id + "-system";
    d.event_id = e.id;
    d.notifier_type_id = notifier_type_id;
    d.config = config.dump();
    d.next_attempt_ms = d.created_ms = d.updated_ms = e.fired_ms;
    writer_.write_fire(fired);
    delivery_.submit({{std::move(d), e.canonical_type, std::make_shared<const std::string>(std::move(e.document)),
                       e.fired_ms}});
}

reply event_service::report(const std::string& id) const {
    auto e = db_.get_event(id);
    if (!e) return missing_resource("event_report", id);
    json document = json::parse(e->document);
    json deliveries = json::array();
    json matched = json::array();
    for (const auto& d : db_.deliveries_of_event(id)) {
        deliveries.push_back(deliveries_.document(d));
        if (!d.listener_id.empty()) matched.push_back(d.listener_id);
    }
    return {200,
            {{"id", e->id},
             {"_href", "/pulp/api/v2/event_reports/" + e->id + "/"},
             {"event_type", e->event_type},
             {"payload", document["payload"]},
             {"call_report", document["call_report"]},
             {"fired_at", iso8601(e->fired_ms)},
             {"matched_listeners", matched},
             {"deliveries", deliveries}}};
}

}  // namespace herald::core
