#include "store/outbox_writer.hpp"

namespace herald::core {

outbox_writer::outbox_writer(store& db, std::shared_ptr<spdlog::logger> log)
    : log_(std::move(log)),
      commit_([&db](const std::vector<const outbox_change*>& batch) { db.write_outbox(batch); }, 1024,
              [this](std::size_t n, std::exception_ptr error) {
                  try {
                      std::rethrow_exception(error);
                  } catch (const std::exception& e) {
                      log_->error("cannot record {} attempt(s): {}", n, e.what());
                  } catch (...) {
                      log_->error("cannot record {} attempt(s)", n);
                  }
              }) {}

void outbox_writer::write_fire(const event_with_deliveries& fire) {
    outbox_change change;
    change.fire = &fire;
    commit_.submit(change);
}

void outbox_writer::write_fire_async(std::shared_ptr<const event_with_deliveries> fire,
                                     std::function<void(std::exception_ptr)> done) {
    outbox_change change;
    change.fire = fire.get();
    // `done` owns the fire, and the queue owns `done` until the commit is over.
    commit_.enqueue(std::move(change), 1,
                    [fire = std::move(fire), done = std::move(done)](std::exception_ptr error) { done(error); });
}

void outbox_writer::record_attempts(std::vector<attempt_with_state> attempts, std::function<void()> recorded) {
    if (attempts.empty()) {
        if (recorded) recorded();
        return;
    }
    const std::size_t n = attempts.size();
    outbox_change change;
    change.attempts = std::move(attempts);
    commit_.post(std::move(change), n, std::move(recorded));
}

void outbox_writer::flush() { commit_.flush(); }

}  // namespace herald::core
