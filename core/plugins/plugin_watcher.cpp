#include "plugins/plugin_watcher.hpp"
#include "util/thread_name.hpp"

#include <Poco/Delegate.h>
#include <Poco/DirectoryWatcher.h>
#include <Poco/File.h>

#include <chrono>

namespace herald::core {

namespace {
constexpr std::chrono::seconds k_poll_interval{1};
}

plugin_watcher::plugin_watcher(plugin_registry& registry, std::filesystem::path dir, nlohmann::json config_root,
                               long long settle_ms, bool watch)
    : registry_(registry), dir_(std::move(dir)), config_root_(std::move(config_root)), settle_ms_(settle_ms) {
    watching_ = watch && std::filesystem::is_directory(dir_);
    if (watching_) {
        watcher_ = std::make_unique<Poco::DirectoryWatcher>(
            dir_.string(), Poco::DirectoryWatcher::DW_ITEM_ADDED | Poco::DirectoryWatcher::DW_ITEM_MODIFIED |
                               Poco::DirectoryWatcher::DW_ITEM_MOVED_TO);
        watcher_->itemAdded += Poco::delegate(this, &plugin_watcher::on_change);
        watcher_->itemModified += Poco::delegate(this, &plugin_watcher::on_change);
        watcher_->itemMovedTo += Poco::delegate(this, &plugin_watcher::on_change);
    }
    thread_ = std::thread([this] {
        name_this_thread("herald-watch");
        run();
    });
}

plugin_watcher::~plugin_watcher() {
    if (watcher_) {
        watcher_->itemAdded -= Poco::delegate(this, &plugin_watcher::on_change);
        watcher_->itemModified -= Poco::delegate(this, &plugin_watcher::on_change);
        watcher_->itemMovedTo -= Poco::delegate(this, &plugin_watcher::on_change);
        watcher_.reset();
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void plugin_watcher::on_change(const void*, const Poco::DirectoryWatcher::DirectoryEvent&) {
    {
        std::lock_guard lock(mutex_);
        dirty_ = true;
    }
    wake_.notify_all();
}

void plugin_watcher::rescan_now() {
    {
        std::lock_guard lock(mutex_);
        dirty_ = true;
        immediate_ = true;
    }
    wake_.notify_all();
}

void plugin_watcher::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // inotify is the fast path; the periodic look is the safety net for events it cannot
        // deliver (a file created before the watch was registered, an overflowing queue).
        // With plugins.watch off, only rescan_now() (SIGHUP) looks at the directory.
        if (!watching_) wake_.wait(lock, [this] { return stopping_ || dirty_; });
        else if (!wake_.wait_for(lock, k_poll_interval, [this] { return stopping_ || dirty_; })) dirty_ = true;
        if (stopping_) break;
        const bool immediate = immediate_;
        dirty_ = immediate_ = false;
        lock.unlock();
        const bool settling = registry_.rescan(dir_, config_root_, immediate ? 0 : settle_ms_);
        lock.lock();
        // A file still being written: look again shortly even if no new inotify event comes.
        if (settling && !dirty_)
            wake_.wait_for(lock, std::chrono::milliseconds(std::max(50LL, settle_ms_ / 4)),
                           [this] { return stopping_ || dirty_; });
        if (settling) dirty_ = true;
    }
}

}  // namespace herald::core
