#pragma once
// Every plugin heraldd has loaded, by type id and alias, and every file it refused and why.
// Lookups hand out shared_ptrs: a delivery in progress keeps its plugin alive, and plugins are
// never unloaded while the server runs.
#include "plugins/plugin_instance.hpp"

#include <spdlog/logger.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace herald::core {

struct plugin_refusal {
    std::string file;
    std::string reason;
};

class plugin_registry {
public:
    plugin_registry(const herald_host_api* host, std::shared_ptr<spdlog::logger> log);
    ~plugin_registry();

    /// Inspects every *.so in `dir` (sorted by name). Refusals are logged and remembered.
    std::vector<plugin_candidate> inspect_directory(const std::filesystem::path& dir);

    /// Creates and registers a candidate; `config_root` is the validated, defaulted configuration.
    /// Returns false (logged, remembered) on a duplicate id or a failing create.
    bool activate(plugin_candidate candidate, const nlohmann::json& config_root);

    /// Loads files in `dir` that are new or changed since they were last seen. With `settle_ms`
    /// > 0 a file is loaded only once its size and mtime stayed the same that long (a file still
    /// being copied is not loaded early). Returns true when some files are still settling.
    bool rescan(const std::filesystem::path& dir, const nlohmann::json& config_root, long long settle_ms);

    std::shared_ptr<plugin_instance> find(const std::string& type_or_alias) const;
    std::vector<std::shared_ptr<plugin_instance>> all() const;
    std::vector<plugin_refusal> refusals() const;

    /// Stops services first (no new requests), then notifiers.
    void stop_all();

private:
    struct file_state {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type mtime{};
        long long first_seen_ms = 0;
        bool handled = false;  // loaded or refused with exactly this size and mtime
    };
    void refuse(const std::string& file, const std::string& reason);
    bool activate_locked(plugin_candidate candidate, const nlohmann::json& config_root);

    const herald_host_api* host_;
    std::shared_ptr<spdlog::logger> log_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::shared_ptr<plugin_instance>> by_name_;  // type ids and aliases
    std::vector<std::shared_ptr<plugin_instance>> ordered_;           // load order
    std::vector<plugin_refusal> refusals_;
    std::map<std::string, file_state> files_;
    std::mutex scan_mutex_;
};

}  // namespace herald::core
