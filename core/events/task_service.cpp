#include "events/task_service.hpp"

#include "util/object_id.hpp"

#include <regex>

namespace herald::core {

using nlohmann::json;

reply task_service::put(const std::string& task_id, const std::string& body) {
    static const std::regex id_re("^[A-Za-z0-9_.:-]{1,128}$");
    if (!std::regex_match(task_id, id_re))
        return invalid_properties({"task_id"}, "a task id is 1 to 128 letters, digits or . _ : -");
    json report;
    reply err;
    if (!parse_object_body(body, false, report, err)) return err;
    // Pulp's task report shape: the id and _href always agree with the URL.
    report["task_id"] = task_id;
    report["_href"] = "/pulp/api/v2/tasks/" + task_id + "/";
    const std::string text = report.dump();
    db_.put_task(task_id, text, now_ms());
    if (notify_)
        events_.fire_system("task.status", text, "amqp",
                            {{"exchange", "pulp.api.v2"}, {"routing_key", "tasks." + task_id}, {"broker", "event_notification"}});
    return {200, report};
}

reply task_service::get(const std::string& task_id) const {
    auto r = db_.get_task(task_id);
    if (!r) return missing_resource("task", task_id);
    return {200, json::parse(*r)};
}

}  // namespace herald::core
