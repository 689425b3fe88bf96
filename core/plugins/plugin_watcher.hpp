#pragma once
// Drop-in plugins: watches plugins.dir (inotify through Poco::DirectoryWatcher) and asks the
// registry to load files that appear, once they have stopped changing. rescan_now() is what
// SIGHUP triggers.
#include "plugins/plugin_registry.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <Poco/DirectoryWatcher.h>

namespace herald::core {

class plugin_watcher {
public:
    plugin_watcher(plugin_registry& registry, std::filesystem::path dir, nlohmann::json config_root,
                   long long settle_ms, bool watch);
    ~plugin_watcher();

    /// Loads every new or changed file now, without waiting for it to settle.
    void rescan_now();

private:
    void run();
    void on_change(const void* sender, const Poco::DirectoryWatcher::DirectoryEvent& event);

    plugin_registry& registry_;
    std::filesystem::path dir_;
    nlohmann::json config_root_;
    long long settle_ms_;
    bool watching_ = false;
    std::unique_ptr<Poco::DirectoryWatcher> watcher_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool dirty_ = false;
    bool immediate_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace herald::core
