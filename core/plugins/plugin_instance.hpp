#pragma once
// One loaded plugin: its shared library, its descriptor and its object. The library handle is
// declared first so it is destroyed last: the library outlives every object made from it.
#include "schema/schema_validator.hpp"

#include <herald/abi.h>

#include <boost/dll/shared_library.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald::core {

struct plugin_info {
    std::string file;
    herald_plugin_kind kind = HERALD_PLUGIN_NOTIFIER;
    std::string type_id;
    std::vector<std::string> aliases;
    std::string version;
    std::string description;
    std::string documentation;
    unsigned abi_major = 0;
    unsigned abi_minor = 0;
    nlohmann::json config_schema;  // null for services
    nlohmann::json server_schema;  // null when the plugin owns no section

    const char* kind_name() const { return kind == HERALD_PLUGIN_SERVICE ? "service" : "notifier"; }
    /// The top-level config sections this plugin owns.
    std::vector<std::string> sections() const;
};

/// A plugin library that passed every check but whose object is not yet created.
struct plugin_candidate {
    std::shared_ptr<boost::dll::shared_library> library;
    herald_plugin_descriptor descriptor{};
    plugin_info info;
    std::shared_ptr<const schema_validator> config_validator;  // notifiers only
    std::shared_ptr<const schema_validator> server_validator;  // may be null
};

class plugin_instance {
public:
    /// Creates and starts the plugin object. Throws std::runtime_error with the reason.
    plugin_instance(plugin_candidate candidate, const herald_host_api* host, const nlohmann::json& sections);
    ~plugin_instance();
    plugin_instance(const plugin_instance&) = delete;
    plugin_instance& operator=(const plugin_instance&) = delete;

    const plugin_info& info() const { return info_; }
    const schema_validator* config_validator() const { return config_validator_.get(); }

    /// Calls the plugin's deliver; never throws.
    herald_status deliver(const herald_event& event, herald_delivery_result& result) const;
    /// Delivers one listener's events at once through the plugin's deliver_batch (ABI 1.2), or
    /// one by one through deliver for an older plugin. Never throws; each result must be zeroed
    /// with its struct_size set. A plugin-wide ERROR leaves results the plugin did not fill at 0.
    herald_status deliver_batch(const herald_event* events, std::size_t count, herald_delivery_result* results) const;
    /// Does the plugin overlap the events of a batch (ABI 1.2 deliver_batch)? Otherwise the
    /// dispatcher hands it one event per worker.
    bool batches() const { return descriptor_.deliver_batch != nullptr; }
    /// Stops the plugin's threads (idempotent); destroy happens in the destructor.
    void stop();

private:
    std::shared_ptr<boost::dll::shared_library> library_;  // first member: destroyed last
    herald_plugin_descriptor descriptor_;
    plugin_info info_;
    std::shared_ptr<const schema_validator> config_validator_;
    void* state_ = nullptr;
    bool stopped_ = false;
};

}  // namespace herald::core
