#pragma once
// Durable fires: concurrent fires share one transaction (group commit), and each returns only
// once its own event and deliveries are committed — so a 202 still means "cannot be lost".
#include "store/group_commit.hpp"
#include "store/store.hpp"

namespace herald::core {

class event_writer {
public:
    explicit event_writer(store& db)
        : commit_([&db](const std::vector<const event_with_deliveries*>& batch) { db.insert_events(batch); }) {}

    /// Blocks until committed; rethrows the store's error if the commit failed.
    void write(const event_record& e, const std::vector<delivery_record>& deliveries) {
        const event_with_deliveries item{e, deliveries};
        commit_.submit(item);
    }

private:
    group_commit<event_with_deliveries> commit_;
};

}  // namespace herald::core
