#pragma once
// The delivery log and replays: a listener's deliveries (newest first, paged, by state), one
// delivery replayed, or many replayed at once by listener, state, event type and time range.
#include "api/reply.hpp"
#include "delivery/dispatcher.hpp"
#include "events/event_types.hpp"
#include "store/store.hpp"

#include <map>

namespace herald::core {

class delivery_service {
public:
    delivery_service(store& db, dispatcher& delivery, const event_types& types)
        : db_(db), delivery_(delivery), types_(types) {}

    /// `query` holds the URL's query parameters: state, limit (1–1000, default 100), offset.
    reply list_for_listener(const std::string& listener_id, const std::map<std::string, std::string>& query) const;
    reply redeliver(const std::string& delivery_id);
    /// Body {"listener_id"?, "state"?, "event_type"?, "since"?, "until"?, "dry_run"?}.
    reply redeliver_bulk(const std::string& body);

    /// The JSON of one delivery with its attempt log (shared with event reports); a pending
    /// delivery whose attempt is running right now shows as "delivering".
    nlohmann::json document(const delivery_record& d) const;

private:
    store& db_;
    dispatcher& delivery_;
    const event_types& types_;
};

}  // namespace herald::core
