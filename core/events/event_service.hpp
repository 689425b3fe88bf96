#pragma once
// Firing events and reading back what became of them. An event is accepted (202) only after it
// and one delivery row per matched listener are committed; then delivery takes over.
#include "api/reply.hpp"
#include "delivery/dispatcher.hpp"
#include "events/event_types.hpp"
#include "routing/router.hpp"
#include "store/store.hpp"

namespace herald::core {

class event_service {
public:
    event_service(store& db, const event_types& types, router& routes, dispatcher& delivery)
        : db_(db), types_(types), routes_(routes), delivery_(delivery) {}

    reply fire(const std::string& body);
    reply report(const std::string& id) const;

private:
    store& db_;
    const event_types& types_;
    router& routes_;
    dispatcher& delivery_;
};

/// Milliseconds since the epoch → "2026-11-23T17:00:00.123Z".
std::string iso8601(long long ms);

}  // namespace herald::core
