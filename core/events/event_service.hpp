#pragma once
// Firing events and reading back what became of them. An event is accepted (202) only after it
// and one delivery row per matched listener are committed; then delivery takes over.
#include "api/reply.hpp"
#include "delivery/delivery_service.hpp"
#include "delivery/dispatcher.hpp"
#include "events/event_types.hpp"
#include "routing/router.hpp"
#include "store/outbox_writer.hpp"
#include "store/store.hpp"

#include <functional>
#include <memory>

namespace herald::core {

class event_service {
public:
    event_service(store& db, outbox_writer& writer, const event_types& types, router& routes, dispatcher& delivery,
                  const delivery_service& deliveries)
        : db_(db), writer_(writer), types_(types), routes_(routes), delivery_(delivery), deliveries_(deliveries) {}

    /// Body {"event_type", "payload", "call_report", "task_id"}: with a task_id whose report is
    /// stored, call_report is that report; else what the event carried; else null.
    reply fire(const std::string& body);
    /// fire() without waiting for the commit: returns at once, and `done` gets the reply —
    /// inline for a request refused before anything is written, else on the store's committer
    /// thread once the event is durable (202) or its commit failed (500). Throws only before
    /// handing `done` over, and then never calls it.
    void fire_async(const std::string& body, std::function<void(reply)> done);
    reply report(const std::string& id) const;

    /// Commits and queues one delivery that belongs to no listener: `document` sent through
    /// plugin `notifier_type_id` with `config` (task-status messages use this).
    void fire_system(const std::string& event_type, const std::string& document, const std::string& notifier_type_id,
                     const nlohmann::json& config);

private:
    /// Checks a fire's body and builds the event and its deliveries, or sets `err`.
    std::shared_ptr<event_with_deliveries> prepare_fire(const std::string& body, reply& err);
    /// A committed fire: hands its deliveries to the dispatcher, returns the 202.
    reply accepted(event_with_deliveries& fired);

    store& db_;
    outbox_writer& writer_;
    const event_types& types_;
    router& routes_;
    dispatcher& delivery_;
    const delivery_service& deliveries_;
};

}  // namespace herald::core
