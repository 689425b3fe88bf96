#pragma once
// Every write to the outbox goes through one queue, so fires and finished attempts share
// transactions (group commit): under load one commit writes new events' delivery rows together
// with the state of deliveries just attempted, and each b-tree page they touch reaches the WAL
// once instead of once per kind of write.
//
// A fire waits for its commit: a 202 means the event cannot be lost. Finished attempts do not:
// the delivery worker goes straight on to its next batch. That keeps at-least-once — an attempt
// whose record a crash loses leaves its delivery pending in the store, so it is sent again — and
// saves a sleep and a wake-up per batch, which the profile put among the largest costs.
#include "store/group_commit.hpp"
#include "store/store.hpp"

#include <spdlog/logger.h>

#include <exception>
#include <functional>
#include <memory>
#include <vector>

namespace herald::core {

class outbox_writer {
public:
    outbox_writer(store& db, std::shared_ptr<spdlog::logger> log);

    /// Commits an event and its deliveries; returns once they are durable, else throws the
    /// store's error.
    void write_fire(const event_with_deliveries& fire);
    /// The same commit without waiting for it: returns at once, and `done` runs on the group
    /// commit's committer thread once the fire is durable (error null) or its commit failed.
    /// For a front end that answers many connections from one thread.
    void write_fire_async(std::shared_ptr<const event_with_deliveries> fire,
                          std::function<void(std::exception_ptr)> done);
    /// Queues finished attempts and returns; they are committed with the next transaction. A
    /// failed commit is logged (the deliveries stay pending in the store and are sent again
    /// after a restart). `recorded`, if set, runs once that commit is over.
    void record_attempts(std::vector<attempt_with_state> attempts, std::function<void()> recorded = {});
    /// Returns once everything queued so far is committed (at shutdown, and for tests).
    void flush();

private:
    std::shared_ptr<spdlog::logger> log_;
    group_commit<outbox_change> commit_;
};

}  // namespace herald::core
