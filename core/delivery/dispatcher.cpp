#include "delivery/dispatcher.hpp"

#include "util/object_id.hpp"

#include <chrono>
#include <map>

namespace herald::core {

namespace {

const char* outcome_name(herald_outcome o) {
    switch (o) {
        case HERALD_OUTCOME_OK: return "ok";
        case HERALD_OUTCOME_RETRY: return "retry";
        case HERALD_OUTCOME_FAILED: return "failed";
        case HERALD_OUTCOME_GONE: return "gone";
        case HERALD_OUTCOME_SKIPPED: return "skipped";
    }
    return "retry";
}

// Response excerpts are kept to 4 KiB so one chatty receiver cannot bloat the delivery log.
std::string excerpt(const char* s) {
    if (s == nullptr) return {};
    std::string out(s);
    if (out.size() > 4096) out.resize(4096);
    return out;
}

}  // namespace

dispatcher::dispatcher(store& db, plugin_registry& plugins, router& routes, dispatcher_settings settings,
                       std::function<void(const std::string&, const std::string&)> on_gone,
                       std::shared_ptr<spdlog::logger> log)
    : db_(db),
      attempt_log_([&db](const std::vector<const attempt_with_state*>& batch) { db.record_attempts(batch); }),
      plugins_(plugins),
      routes_(routes),
      settings_(std::move(settings)),
      policy_(settings_.retry_schedule_ms, settings_.max_retry_after_ms),
      on_gone_(std::move(on_gone)),
      log_(std::move(log)) {
    for (int i = 0; i < settings_.workers; ++i) workers_.emplace_back([this] { work(); });
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
    if (wake == 1) wake_.notify_one();
    else if (wake > 1) wake_.notify_all();
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

bool dispatcher::batching(const std::string& listener) const {
    if (listener.empty()) return false;
    const auto l = routes_.get(listener);
    if (!l) return false;
    const auto plugin = plugins_.find(l->notifier_type_id);
    return plugin && plugin->batches();
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
        // A listener whose plugin overlaps a batch: all its due deliveries, up to its in-flight
        // bound. Otherwise (and for system deliveries, which each name their own notifier) one
        // per worker, so the bound is reached with threads instead.
        const std::size_t room = batching(listener) ? static_cast<std::size_t>(settings_.max_in_flight_per_listener - l.in_flight) : 1;
        const std::size_t n = std::min(room, l.due.size());
        batch.clear();
        for (std::size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(l.due.front()));
            l.due.pop_front();
            attempting_.insert(batch.back().delivery.id);
        }
        l.in_flight += static_cast<int>(n);
        if (can_run(listener, l)) {  // more than one batch's worth: another worker may start on it
            l.runnable = true;
            runnable_.push_back(listener);
            wake_.notify_one();
        }
        lock.unlock();
        attempt_batch(batch);
        lock.lock();
        for (const auto& job : batch) attempting_.erase(job.delivery.id);
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
    return attempting_.count(delivery_id) > 0;
}

void dispatcher::attempt_batch(std::vector<delivery_job>& jobs) {
    const std::size_t n = jobs.size();
    // Jobs of one batch share a listener (system deliveries come one at a time), so the listener
    // and its plugin are looked up once.
    const delivery_record& first = jobs.front().delivery;  // not used once jobs are moved below
    const std::string listener_id = first.listener_id;
    std::vector<attempt_with_state> done(n);
    std::vector<herald_delivery_result> results(n);
    for (auto& r : results) {
        r.struct_size = sizeof r;
        r.retry_after_ms = -1;
    }
    const long long started = now_ms();
    for (std::size_t i = 0; i < n; ++i) {
        attempt_record& a = done[i].first;
        a.delivery_id = jobs[i].delivery.id;
        a.attempt = jobs[i].delivery.attempts + 1;
        a.started_ms = started;
    }

    std::string plugin_name = "?";
    std::string type_id = first.notifier_type_id;
    const std::string* config = &first.config;
    std::shared_ptr<const routed_listener> listener;
    std::string refused;  // why nothing was attempted; empty = go ahead
    herald_outcome refusal = HERALD_OUTCOME_FAILED;
    std::shared_ptr<plugin_instance> plugin;
    if (!first.listener_id.empty()) {
        listener = routes_.get(first.listener_id);
        if (!listener) refused = "the listener was deleted before delivery";
        else if (!listener->enabled) refused = "the listener is disabled";
        else {
            type_id = listener->notifier_type_id;
            config = &listener->config_json;
        }
    }
    if (refused.empty()) {
        plugin = plugins_.find(type_id);
        if (!plugin) {
            refused = "notifier plugin '" + type_id + "' is not loaded";
            refusal = HERALD_OUTCOME_RETRY;
        } else {
            plugin_name = plugin->info().type_id;
        }
    }
    if (refused.empty()) {
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
            ev.config_json = config->c_str();
            ev.attempt = static_cast<uint32_t>(done[i].first.attempt);
            ev.fired_at_ms = job.fired_ms;
        }
        const bool whole_failed = plugin->deliver_batch(events.data(), n, results.data()) != HERALD_STATUS_OK;
        for (std::size_t i = 0; i < n; ++i) {
            herald_delivery_result& r = results[i];
            if (whole_failed && r.outcome == 0) r.outcome = HERALD_OUTCOME_RETRY;
            if (r.outcome < HERALD_OUTCOME_OK || r.outcome > HERALD_OUTCOME_SKIPPED) r.outcome = HERALD_OUTCOME_RETRY;
            attempt_record& a = done[i].first;
            a.message = r.message ? r.message : "";
            a.status_code = r.status_code;
            a.response_excerpt = excerpt(r.response_excerpt);
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            results[i].outcome = refusal;
            done[i].first.message = refused;
        }
    }

    const long long finished = now_ms();
    const retry_policy own = listener && listener->retry_schedule_ms
                                 ? retry_policy(*listener->retry_schedule_ms, settings_.max_retry_after_ms)
                                 : policy_;
    const std::string source =
        plugin_name + ":" + (listener_id.empty() ? std::string("system") : listener_id.substr(0, 8));
    std::vector<delivery_job> again;
    bool gone = false;
    std::string gone_message;
    for (std::size_t i = 0; i < n; ++i) {
        const herald_delivery_result& result = results[i];
        attempt_record& a = done[i].first;
        delivery_record& d = jobs[i].delivery;
        a.duration_ms = finished - a.started_ms;
        a.outcome = outcome_name(result.outcome);
        d.attempts = a.attempt;
        d.last_message = a.message;
        d.updated_ms = finished;
        bool retry = false;
        switch (result.outcome) {
            case HERALD_OUTCOME_OK: d.state = delivery_state::delivered; break;
            case HERALD_OUTCOME_SKIPPED: d.state = delivery_state::skipped; break;
            case HERALD_OUTCOME_FAILED:
            case HERALD_OUTCOME_GONE: d.state = delivery_state::dead; break;
            case HERALD_OUTCOME_RETRY: {
                std::optional<long long> asked;
                if (result.retry_after_ms >= 0) asked = result.retry_after_ms;
                if (auto delay = own.delay_before(a.attempt + 1, asked)) {
                    d.state = delivery_state::pending;
                    d.next_attempt_ms = finished + *delay;
                    retry = true;
                } else {
                    d.state = delivery_state::dead;
                    d.last_message +=
                        " (retry schedule exhausted after " + std::to_string(a.attempt) + " attempts)";
                }
                break;
            }
        }
        if (result.outcome == HERALD_OUTCOME_OK)
            log_->debug("[{}] delivered event {} (attempt {})", source, d.event_id, a.attempt);
        else
            log_->warn("[{}] event {} attempt {}: {} — {}", source, d.event_id, a.attempt, a.outcome, a.message);
        if (result.outcome == HERALD_OUTCOME_GONE && !gone) {
            gone = true;
            gone_message = a.message;
        }
        done[i].second = d;
        if (retry) again.push_back(std::move(jobs[i]));
    }
    try {
        attempt_log_.submit(done.data(), n);
    } catch (const std::exception& e) {
        log_->error("cannot record {} attempt(s) of listener {}: {}", n, listener_id, e.what());
    }
    if (gone && !listener_id.empty() && on_gone_) on_gone_(listener_id, gone_message);
    submit(std::move(again));
}

}  // namespace herald::core
