#pragma once
// Shared set-up for tests that need real plugins: a registry loaded from the fixture directory.
#include "api/host_bridge.hpp"
#include "plugins/plugin_loader.hpp"
#include "plugins/plugin_registry.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <unistd.h>
#include <string>

namespace herald::test {

inline std::shared_ptr<spdlog::logger> quiet_logger() {
    static auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    return log;
}

inline std::string fixture(const std::string& name) { return std::string(HERALD_FIXTURE_PLUGIN_DIR) + "/" + name; }

/// A unique empty directory under /tmp, removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        static int n = 0;
        path = std::filesystem::temp_directory_path() /
               ("herald-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

/// An event for a plugin's deliver or deliver_batch, pointing into `config_json` and `document`
/// (which must outlive it).
inline herald_event make_event(const std::string& delivery_id, const std::string& config_json,
                               const std::string& document, unsigned attempt = 1) {
    herald_event ev{};
    ev.struct_size = sizeof ev;
    ev.event_id = "evt";
    ev.delivery_id = delivery_id.c_str();
    ev.listener_id = "lst";
    ev.event_type = "repo.sync.finish";
    ev.document_json = document.c_str();
    ev.document_len = document.size();
    ev.config_json = config_json.c_str();
    ev.attempt = attempt;
    return ev;
}

/// A registry with the recorder notifier loaded.
struct plugin_world {
    core::host_bridge bridge{quiet_logger()};
    core::plugin_registry registry{bridge.api(), quiet_logger()};
    plugin_world() { registry.activate(core::inspect_plugin(fixture("recorder.so")), nlohmann::json::object()); }
};

}  // namespace herald::test
