#pragma once
// Task reports (seed 003): PUT stores Pulp's task report by task id, GET returns it. When task
// notifications are on (messaging.event_notifications_enabled), every stored report is also
// published to the topic exchange pulp.api.v2 with routing key tasks.<task_id> — through the
// durable outbox and the amqp plugin, on its long-lived connection to
// messaging.event_notification_url.
#include "api/reply.hpp"
#include "events/event_service.hpp"
#include "store/store.hpp"

namespace herald::core {

class task_service {
public:
    task_service(store& db, event_service& events, bool notifications_enabled)
        : db_(db), events_(events), notify_(notifications_enabled) {}

    reply put(const std::string& task_id, const std::string& body);
    reply get(const std::string& task_id) const;

private:
    store& db_;
    event_service& events_;
    bool notify_;
};

}  // namespace herald::core
