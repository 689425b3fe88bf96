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

}  // namespace herald::core
