#include "delivery/dispatcher.hpp"

#include "delivery/settle.hpp"

#include "util/object_id.hpp"
#include "util/thread_name.hpp"

#include <chrono>
#include <map>
#include <optional>

namespace herald::core {

namespace {

// Response excerpts are kept to 4 KiB so one chatty receiver cannot bloat the delivery log.
std::string excerpt(const char* s) {
    if (s == nullptr) return {};
    std::string out(s);
    if (out.size() > 4096) out.resize(4096);
    return out;
}

}  // namespace

dispatcher::dispatcher(store& db, outbox_writer& writer, plugin_registry& plugins, router& routes,
                       dispatcher_settings settings, std::function<void(const std::string&, const std::string&)> on_gone,
                       std::shared_ptr<spdlog::logger> log)
    : db_(db),
      writer_(writer),
      plugins_(plugins),
      routes_(routes),
      settings_(std::move(settings)),
      policy_(settings_.retry_schedule_ms, settings_.max_retry_after_ms),
      on_gone_(std::move(on_gone)),
      log_(std::move(log)) {
    for (int i = 0; i < settings_.workers; ++i)
        workers_.emplace_back([this] {
            name_this_thread("herald-deliver");
            work();
        });
}

dispatcher::~dispatcher() { stop(); }

void dispatcher::submit(std::vector<delivery_job> jobs) {
    if (jobs.empty()) return;  // waking every worker for nothing costs more than the fire itself
    std::size_t wake = 0;
    {
        std::lock_guard lock(mutex_);
        const long long now = now_ms();
        for (auto& j : jobs) {
            if (j.delivery.next_attempt_ms > now) {
                later_.push(std::move(j));
                ++wake;  // a sleeping worker must re-arm its timer for it
            } else if (enqueue(std::move(j))) {
                ++wake;
            }
        }
    }
    // One worker is woken; it wakes the next if it leaves work behind (work()). Waking every
    // worker for a fire's four lanes had them all queue on the mutex, most to find nothing.
    if (wake > 0) wake_.notify_one();
}

bool dispatcher::can_run(const std::string& listener, const lane& l) const {
    return !l.due.empty() && (listener.empty() || l.in_flight < settings_.max_in_flight_per_listener);
}

bool dispatcher::enqueue(delivery_job job) {
    const std::string listener = job.delivery.listener_id;
    lane& l = lanes_[listener];
    l.due.push_back(std::move(job));
    if (l.runnable || !can_run(listener, l)) return false;
    l.runnable = true;
    runnable_.push_back(listener);
    return true;
}

void dispatcher::promote_due(long long now) {
    while (!later_.empty() && later_.top().delivery.next_attempt_ms <= now) {
        // priority_queue::top is const; the job is copied once when its retry comes due.
        delivery_job job = later_.top();
        later_.pop();
        enqueue(std::move(job));
    }
}

std::vector<delivery_job> dispatcher::jobs_for(std::vector<delivery_record> deliveries) {
    // One read per event, shared by all of its deliveries (null = event missing).
    std::map<std::string, std::shared_ptr<const event_record>> events;
    std::vector<delivery_job> jobs;
    for (auto& d : deliveries) {
        auto [it, fresh] = events.try_emplace(d.event_id);
        if (fresh)
            if (auto e = db_.get_event(d.event_id)) it->second = std::make_shared<const event_record>(*e);
        if (!it->second) continue;
        const auto& ev = *it->second;
        d.state = delivery_state::pending;
        jobs.push_back({d, ev.canonical_type, std::shared_ptr<const std::string>(it->second, &ev.document), ev.fired_ms});
    }
    return jobs;
}

std::size_t dispatcher::recover() {
    auto jobs = jobs_for(db_.unfinished_deliveries());
    const std::size_t n = jobs.size();
    submit(std::move(jobs));
    return n;
}

void dispatcher::requeue(const std::vector<delivery_record>& deliveries) { submit(jobs_for(deliveries)); }

void dispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    writer_.flush();
}

void dispatcher::work() {
    std::unique_lock lock(mutex_);
    std::vector<delivery_job> batch;
    while (true) {
        if (stopping_) return;
        promote_due(now_ms());
        if (runnable_.empty()) {
            if (later_.empty()) wake_.wait(lock);
            else wake_.wait_for(lock, std::chrono::milliseconds(later_.top().delivery.next_attempt_ms - now_ms()));
            continue;
        }
        const std::string listener = std::move(runnable_.front());
        runnable_.pop_front();
        lane& l = lanes_[listener];  // references into an unordered_map survive rehashing
        l.runnable = false;
        // Resolved once for the whole batch, here because it decides the batch's size: a listener
        // whose plugin overlaps a batch gets all its due deliveries, up to its in-flight bound.
        // Otherwise (and for system deliveries, which each name their own notifier) one per
        // worker, so the bound is reached with threads instead.
        const target t = resolve(l.due.front().delivery);
        const bool batches = !listener.empty() && t.plugin && t.plugin->batches();
        const std::size_t room =
            batches ? static_cast<std::size_t>(settings_.max_in_flight_per_listener - l.in_flight) : 1;
        const std::size_t n = std::min(room, l.due.size());
        batch.clear();
        const auto ids = attempting_.emplace(attempting_.end());
        ids->reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(l.due.front()));
            l.due.pop_front();
            ids->push_back(batch.back().delivery.id);
        }
        l.in_flight += static_cast<int>(n);
        if (can_run(listener, l)) {  // more than one batch's worth: another worker may start on it
            l.runnable = true;
            runnable_.push_back(listener);
        }
        if (!runnable_.empty()) wake_.notify_one();  // the next worker, for what is left
        lock.unlock();
        attempt_batch(batch, t, ids);
        lock.lock();
        lane& after = lanes_[listener];
        after.in_flight -= static_cast<int>(n);
        if (!after.runnable && can_run(listener, after)) {
            after.runnable = true;
            runnable_.push_back(listener);
        } else if (after.due.empty() && after.in_flight == 0 && !after.runnable) {
            lanes_.erase(listener);
        }
    }
}

bool dispatcher::attempting(const std::string& delivery_id) const {
    std::lock_guard lock(mutex_);
    for (const auto& batch : attempting_)
        for (const auto& id : batch)
            if (id == delivery_id) return true;
    return false;
}

dispatcher::target dispatcher::resolve(const delivery_record& first) const {
    target t;
    std::string type_id = first.notifier_type_id;
    t.config = first.config;
    if (!first.listener_id.empty()) {
        t.listener = routes_.get(first.listener_id);
        if (!t.listener) {
            t.refused = "the listener was deleted before delivery";
            return t;
        }
        if (!t.listener->enabled) {
            t.refused = "the listener is disabled";
            return t;
        }
        type_id = t.listener->notifier_type_id;
        t.config = t.listener->config_json;
    }
    t.plugin = plugins_.find(type_id);
    if (!t.plugin) {
        t.refused = "notifier plugin '" + type_id + "' is not loaded";
        t.refusal = HERALD_OUTCOME_RETRY;  // it may be dropped in yet
        return t;
    }
    t.plugin_name = t.plugin->info().type_id;
    return t;
}

void dispatcher::call_plugin(const target& t, const std::vector<delivery_job>& jobs,
                             std::vector<attempt_with_state>& done, std::vector<herald_delivery_result>& results) {
    const std::size_t n = jobs.size();
    std::vector<herald_event> events(n);
    for (std::size_t i = 0; i < n; ++i) {
        const delivery_job& job = jobs[i];
        herald_event& ev = events[i];
        ev.struct_size = sizeof ev;
        ev.event_id = job.delivery.event_id.c_str();
        ev.delivery_id = job.delivery.id.c_str();
        ev.listener_id = job.delivery.listener_id.c_str();
        ev.event_type = job.event_type.c_str();
        ev.document_json = job.document->c_str();
        ev.document_len = job.document->size();
        ev.config_json = t.config.c_str();
        ev.attempt = static_cast<uint32_t>(done[i].first.attempt);
        ev.fired_at_ms = job.fired_ms;
    }
    const bool whole_failed = t.plugin->deliver_batch(events.data(), n, results.data()) != HERALD_STATUS_OK;
    for (std::size_t i = 0; i < n; ++i) {
        herald_delivery_result& r = results[i];
        if (whole_failed && r.outcome == 0) r.outcome = HERALD_OUTCOME_RETRY;
        if (r.outcome < HERALD_OUTCOME_OK || r.outcome > HERALD_OUTCOME_SKIPPED) r.outcome = HERALD_OUTCOME_RETRY;
        attempt_record& a = done[i].first;
        a.message = r.message ? r.message : "";  // copied now: the plugin's strings are short-lived
        a.status_code = r.status_code;
        a.response_excerpt = excerpt(r.response_excerpt);
    }
}

void dispatcher::attempt_batch(std::vector<delivery_job>& jobs, const target& t, batch_ids::iterator ids) {
    const std::size_t n = jobs.size();
    const std::string listener_id = jobs.front().delivery.listener_id;
    std::vector<attempt_with_state> done(n);
    std::vector<herald_delivery_result> results(n);
    const long long started = now_ms();
    for (std::size_t i = 0; i < n; ++i) {
        results[i].struct_size = sizeof results[i];
        results[i].retry_after_ms = -1;
        attempt_record& a = done[i].first;
        a.delivery_id = jobs[i].delivery.id;
        a.attempt = jobs[i].delivery.attempts + 1;
        a.started_ms = started;
    }
    if (t.refused.empty()) {
        call_plugin(t, jobs, done, results);
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            results[i].outcome = t.refusal;
            done[i].first.message = t.refused;
        }
    }

    const long long finished = now_ms();
    const retry_policy policy = t.listener && t.listener->retry_schedule_ms
                                    ? retry_policy(*t.listener->retry_schedule_ms, settings_.max_retry_after_ms)
                                    : policy_;
    const std::string source =
        t.plugin_name + ":" + (listener_id.empty() ? std::string("system") : listener_id.substr(0, 8));
    std::vector<delivery_job> again;
    std::optional<std::string> gone;  // the first "gone" answer's message
    for (std::size_t i = 0; i < n; ++i) {
        attempt_record& a = done[i].first;
        delivery_record& d = jobs[i].delivery;
        const bool retry = settle(results[i].outcome, results[i].retry_after_ms, policy, finished, a, d);
        if (results[i].outcome == HERALD_OUTCOME_OK)
            log_->debug("[{}] delivered event {} (attempt {})", source, d.event_id, a.attempt);
        else
            log_->warn("[{}] event {} attempt {}: {} — {}", source, d.event_id, a.attempt, a.outcome, a.message);
        if (results[i].outcome == HERALD_OUTCOME_GONE && !gone) gone = a.message;
        if (retry) {
            done[i].second = d;
            again.push_back(std::move(jobs[i]));
        } else {
            done[i].second = std::move(d);  // the job is finished with: its strings move on
        }
    }
    // Disabling a listener marks its pending deliveries dead; it waits for this commit so that
    // the delivery that answered "gone" is recorded with its attempt first, not swept up as
    // pending by the disabling (a report read in between showed it dead with no attempt).
    writer_.record_attempts(std::move(done), [this, ids, gone = std::move(gone), listener_id] {
        {
            std::lock_guard lock(mutex_);
            attempting_.erase(ids);
        }
        if (gone && !listener_id.empty() && on_gone_) on_gone_(listener_id, *gone);
    });
    submit(std::move(again));
}

}  // namespace herald::core
