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

/// A registry with the recorder notifier loaded.
struct plugin_world {
    core::host_bridge bridge{quiet_logger()};
    core::plugin_registry registry{bridge.api(), quiet_logger()};
    plugin_world() { registry.activate(core::inspect_plugin(fixture("recorder.so")), nlohmann::json::object()); }
};

}  // namespace herald::test
