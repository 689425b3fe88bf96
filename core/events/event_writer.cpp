#include "events/event_writer.hpp"

namespace herald::core {

event_writer::event_writer(store& db, std::size_t max_batch) : db_(db), max_batch_(max_batch) {
    thread_ = std::thread([this] { run(); });
}

event_writer::~event_writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void event_writer::write(event_record e, std::vector<delivery_record> deliveries) {
    item it{{std::move(e), std::move(deliveries)}, {}};
    auto done = it.done.get_future();
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(&it);
    }
    wake_.notify_one();
    done.get();
}

void event_writer::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        std::vector<item*> batch;
        while (!queue_.empty() && batch.size() < max_batch_) {
            batch.push_back(queue_.front());
            queue_.pop_front();
        }
        lock.unlock();
        std::vector<std::pair<event_record, std::vector<delivery_record>>> rows;
        rows.reserve(batch.size());
        for (auto* i : batch) rows.push_back(std::move(i->data));
        try {
            db_.insert_events(rows);
            for (auto* i : batch) i->done.set_value();
        } catch (...) {
            for (auto* i : batch) i->done.set_exception(std::current_exception());
        }
        lock.lock();
    }
}

}  // namespace herald::core
