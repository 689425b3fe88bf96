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
    const std::size_t n = jobs.size();
    {
        std::lock_guard lock(mutex_);
        for (auto& j : jobs) queue_.push(std::move(j));
    }
    if (n == 1) wake_.notify_one();
    else wake_.notify_all();
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
    while (true) {
        if (stopping_) return;
        if (queue_.empty()) {
            wake_.wait(lock);
            continue;
        }
        const long long due = queue_.top().delivery.next_attempt_ms;
        const long long now = now_ms();
        if (due > now) {
            wake_.wait_for(lock, std::chrono::milliseconds(due - now));
            continue;
        }
        delivery_job job = queue_.top();
        queue_.pop();
        const std::string& lid = job.delivery.listener_id;
        if (!lid.empty()) {
            int& running = in_flight_[lid];
            if (running >= settings_.max_in_flight_per_listener) {
                parked_[lid].push_back(std::move(job));  // resumes when one of its attempts ends
                continue;
            }
            ++running;
        }
        const std::string listener = lid;
        const std::string delivery = job.delivery.id;
        attempting_.insert(delivery);
        lock.unlock();
        attempt(std::move(job));
        lock.lock();
        attempting_.erase(delivery);
        if (!listener.empty()) {
            if (--in_flight_[listener] == 0) in_flight_.erase(listener);
            if (auto p = parked_.find(listener); p != parked_.end()) {
                queue_.push(std::move(p->second.front()));
                p->second.pop_front();
                if (p->second.empty()) parked_.erase(p);
                wake_.notify_one();
            }
        }
    }
}

bool dispatcher::attempting(const std::string& delivery_id) const {
    std::lock_guard lock(mutex_);
    return attempting_.count(delivery_id) > 0;
}

void dispatcher::attempt(delivery_job job) {
    delivery_record& d = job.delivery;
    attempt_record a;
    a.delivery_id = d.id;
    a.attempt = d.attempts + 1;
    a.started_ms = now_ms();

    herald_delivery_result result{};
    result.struct_size = sizeof result;
    result.retry_after_ms = -1;
    std::string plugin_name = "?";
    std::string type_id = d.notifier_type_id, config = d.config;
    std::shared_ptr<const routed_listener> listener;
    bool usable = true;
    if (!d.listener_id.empty()) {
        listener = routes_.get(d.listener_id);
        if (!listener) {
            result.outcome = HERALD_OUTCOME_FAILED;
            a.message = "the listener was deleted before delivery";
            usable = false;
        } else if (!listener->enabled) {
            result.outcome = HERALD_OUTCOME_FAILED;
            a.message = "the listener is disabled";
            usable = false;
        } else {
            type_id = listener->notifier_type_id;
            config = listener->config_json;
        }
    }
    if (usable) {
        if (auto plugin = plugins_.find(type_id); !plugin) {
            result.outcome = HERALD_OUTCOME_RETRY;
            a.message = "notifier plugin '" + type_id + "' is not loaded";
        } else {
            plugin_name = plugin->info().type_id;
            herald_event ev{};
            ev.struct_size = sizeof ev;
            ev.event_id = d.event_id.c_str();
            ev.delivery_id = d.id.c_str();
            ev.listener_id = d.listener_id.c_str();
            ev.event_type = job.event_type.c_str();
            ev.document_json = job.document->c_str();
            ev.document_len = job.document->size();
            ev.config_json = config.c_str();
            ev.attempt = static_cast<uint32_t>(a.attempt);
            ev.fired_at_ms = job.fired_ms;
            if (plugin->deliver(ev, result) != HERALD_STATUS_OK && result.outcome == 0)
                result.outcome = HERALD_OUTCOME_RETRY;
            if (result.outcome < HERALD_OUTCOME_OK || result.outcome > HERALD_OUTCOME_SKIPPED)
                result.outcome = HERALD_OUTCOME_RETRY;
            a.message = result.message ? result.message : "";
            a.status_code = result.status_code;
            a.response_excerpt = excerpt(result.response_excerpt);
        }
    }
    const long long finished = now_ms();
    a.duration_ms = finished - a.started_ms;
    a.outcome = outcome_name(result.outcome);

    d.attempts = a.attempt;
    d.last_message = a.message;
    d.updated_ms = finished;
    bool again = false;
    switch (result.outcome) {
        case HERALD_OUTCOME_OK: d.state = delivery_state::delivered; break;
        case HERALD_OUTCOME_SKIPPED: d.state = delivery_state::skipped; break;
        case HERALD_OUTCOME_FAILED:
        case HERALD_OUTCOME_GONE: d.state = delivery_state::dead; break;
        case HERALD_OUTCOME_RETRY: {
            std::optional<long long> asked;
            if (result.retry_after_ms >= 0) asked = result.retry_after_ms;
            const retry_policy own = listener && listener->retry_schedule_ms
                                         ? retry_policy(*listener->retry_schedule_ms, settings_.max_retry_after_ms)
                                         : policy_;
            if (auto delay = own.delay_before(a.attempt + 1, asked)) {
                d.state = delivery_state::pending;
                d.next_attempt_ms = finished + *delay;
                again = true;
            } else {
                d.state = delivery_state::dead;
                d.last_message += " (retry schedule exhausted after " + std::to_string(a.attempt) + " attempts)";
            }
            break;
        }
    }
    const std::string source = plugin_name + ":" + (d.listener_id.empty() ? std::string("system") : d.listener_id.substr(0, 8));
    if (result.outcome == HERALD_OUTCOME_OK) {
        log_->debug("[{}] delivered event {} (attempt {})", source, d.event_id, a.attempt);
    } else {
        log_->warn("[{}] event {} attempt {}: {} — {}", source, d.event_id, a.attempt, a.outcome, a.message);
    }
    try {
        attempt_log_.submit({a, d});
    } catch (const std::exception& e) {
        log_->error("cannot record delivery {} attempt {}: {}", d.id, a.attempt, e.what());
    }
    if (result.outcome == HERALD_OUTCOME_GONE && !d.listener_id.empty() && on_gone_) on_gone_(d.listener_id, a.message);
    if (again) submit({std::move(job)});
}

}  // namespace herald::core
