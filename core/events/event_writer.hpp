#pragma once
// Durable fires: concurrent fires share one transaction (group commit), and each returns only
// once its own event and deliveries are committed — so a 202 still means "cannot be lost".
#include "store/group_commit.hpp"
#include "store/store.hpp"

namespace herald::core {

class event_writer {
public:
    explicit event_writer(store& db)
        : commit_([&db](const std::vector<const entry*>& batch) {
              std::vector<std::pair<event_record, std::vector<delivery_record>>> rows;
              rows.reserve(batch.size());
              for (const auto* e : batch) rows.push_back(*e);
              db.insert_events(rows);
          }) {}

    /// Blocks until committed; rethrows the store's error if the commit failed.
    void write(const event_record& e, const std::vector<delivery_record>& deliveries) {
        const entry item{e, deliveries};
        commit_.submit(item);
    }

private:
    using entry = std::pair<event_record, std::vector<delivery_record>>;
    group_commit<entry> commit_;
};

}  // namespace herald::core
