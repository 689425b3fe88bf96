#include "plugins/plugin_instance.hpp"

#include <stdexcept>

namespace herald::core {

std::vector<std::string> plugin_info::sections() const {
    std::vector<std::string> out;
    if (server_schema.is_object() && server_schema.contains("properties"))
        for (auto it = server_schema["properties"].begin(); it != server_schema["properties"].end(); ++it)
            out.push_back(it.key());
    return out;
}

plugin_instance::plugin_instance(plugin_candidate c, const herald_host_api* host, const nlohmann::json& sections)
    : library_(std::move(c.library)),
      descriptor_(c.descriptor),
      info_(std::move(c.info)),
      config_validator_(std::move(c.config_validator)) {
    const std::string cfg = sections.dump();
    const char* error = nullptr;
    if (descriptor_.create(host, cfg.c_str(), &state_, &error) != HERALD_STATUS_OK || state_ == nullptr) {
        throw std::runtime_error(std::string("create failed: ") + (error && *error ? error : "no reason given"));
    }
    if (descriptor_.start != nullptr && descriptor_.start(state_) != HERALD_STATUS_OK) {
        std::string why = descriptor_.last_error(state_);
        descriptor_.destroy(state_);
        state_ = nullptr;
        throw std::runtime_error("start failed: " + (why.empty() ? std::string("no reason given") : why));
    }
}

plugin_instance::~plugin_instance() {
    stop();
    if (state_ != nullptr) descriptor_.destroy(state_);
}

void plugin_instance::stop() {
    if (stopped_ || state_ == nullptr) return;
    stopped_ = true;
    if (descriptor_.stop != nullptr) descriptor_.stop(state_);
}

herald_status plugin_instance::deliver(const herald_event& event, herald_delivery_result& result) const {
    if (descriptor_.deliver == nullptr || state_ == nullptr) return HERALD_STATUS_ERROR;
    return descriptor_.deliver(state_, &event, &result);
}

herald_status plugin_instance::deliver_batch(const herald_event* events, std::size_t count,
                                             herald_delivery_result* results) const {
    if (state_ == nullptr) return HERALD_STATUS_ERROR;
    if (descriptor_.deliver_batch != nullptr) return descriptor_.deliver_batch(state_, events, count, results);
    if (descriptor_.deliver == nullptr) return HERALD_STATUS_ERROR;
    // An ABI 1.1 plugin's strings live only until its next call: keep copies, valid (like a
    // batch's) until this thread's next batch.
    static thread_local std::vector<std::string> kept;
    kept.assign(2 * count, std::string());
    herald_status status = HERALD_STATUS_OK;
    for (std::size_t i = 0; i < count; ++i) {
        herald_delivery_result& r = results[i];
        if (descriptor_.deliver(state_, &events[i], &r) != HERALD_STATUS_OK) status = HERALD_STATUS_ERROR;
        if (r.message) r.message = (kept[2 * i] = r.message).c_str();
        if (r.response_excerpt) r.response_excerpt = (kept[2 * i + 1] = r.response_excerpt).c_str();
    }
    return status;
}

}  // namespace herald::core
