#include "plugins/plugin_registry.hpp"

#include "plugins/plugin_loader.hpp"
#include "util/object_id.hpp"

#include <algorithm>

namespace herald::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<fs::path> plugin_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto& p = entry.path();
        if (p.extension() == ".so" && p.filename().string().front() != '.' && entry.is_regular_file(ec))
            out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

json sections_of(const plugin_info& info, const json& root) {
    json out = json::object();
    for (const auto& s : info.sections()) out[s] = root.contains(s) ? root[s] : json::object();
    return out;
}

}  // namespace

plugin_registry::plugin_registry(const herald_host_api* host, std::shared_ptr<spdlog::logger> log)
    : host_(host), log_(std::move(log)) {}

plugin_registry::~plugin_registry() { stop_all(); }

void plugin_registry::refuse(const std::string& file, const std::string& reason) {
    log_->error("plugin {} refused: {}", file, reason);
    refusals_.push_back({file, reason});
}

std::vector<plugin_candidate> plugin_registry::inspect_directory(const fs::path& dir) {
    std::vector<plugin_candidate> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        log_->error("plugins.dir {} is not a directory; no plugins are loaded", dir.string());
        return out;
    }
    std::unique_lock lock(mutex_);
    for (const auto& file : plugin_files(dir)) {
        auto& st = files_[file.string()];
        st.size = fs::file_size(file, ec);
        st.mtime = fs::last_write_time(file, ec);
        st.handled = true;
        try {
            out.push_back(inspect_plugin(file));
        } catch (const std::exception& e) {
            refuse(file.string(), e.what());
        }
    }
    return out;
}

bool plugin_registry::activate(plugin_candidate candidate, const json& config_root) {
    std::unique_lock lock(mutex_);
    return activate_locked(std::move(candidate), config_root);
}

bool plugin_registry::activate_locked(plugin_candidate c, const json& config_root) {
    const std::string file = c.info.file;
    std::vector<std::string> names = c.info.aliases;
    names.insert(names.begin(), c.info.type_id);
    for (const auto& n : names) {
        if (auto it = by_name_.find(n); it != by_name_.end()) {
            refuse(file, "duplicate type id '" + n + "' (already provided by " + it->second->info().file + ")");
            return false;
        }
    }
    json sections = sections_of(c.info, config_root);
    if (c.server_validator) {
        json wrapped = sections;
        auto errors = c.server_validator->validate(wrapped);
        if (!errors.empty()) {
            refuse(file, "its configuration section is invalid: " + errors.front().pointer + " " + errors.front().message);
            return false;
        }
        c.server_validator->apply_defaults(sections);
    }
    try {
        plugin_info info = c.info;
        auto instance = std::make_shared<plugin_instance>(std::move(c), host_, sections);
        for (const auto& n : names) by_name_[n] = instance;
        ordered_.push_back(instance);
        log_->info("plugin {} {} {} loaded from {}", info.kind_name(), info.type_id, info.version, info.file);
        return true;
    } catch (const std::exception& e) {
        refuse(file, e.what());
        return false;
    }
}

bool plugin_registry::rescan(const fs::path& dir, const json& config_root, long long settle_ms) {
    std::lock_guard scan(scan_mutex_);
    bool settling = false;
    const long long now = now_ms();
    for (const auto& file : plugin_files(dir)) {
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        const auto mtime = fs::last_write_time(file, ec);
        if (ec) continue;
        file_state* st = nullptr;
        {
            std::unique_lock lock(mutex_);
            st = &files_[file.string()];
            if (st->handled && st->size == size && st->mtime == mtime) continue;
            if (st->size != size || st->mtime != mtime || st->first_seen_ms == 0) {
                *st = file_state{size, mtime, now, false};
            }
        }
        if (now - st->first_seen_ms < settle_ms) {
            settling = true;
            continue;
        }
        std::unique_lock lock(mutex_);
        st->handled = true;
        const bool already = std::any_of(ordered_.begin(), ordered_.end(),
                                         [&](const auto& p) { return p->info().file == file.string(); });
        if (already) {
            log_->warn("plugin {} changed on disk but is in use; restart heraldd to load the new version",
                       file.string());
            continue;
        }
        try {
            activate_locked(inspect_plugin(file), config_root);
        } catch (const std::exception& e) {
            refuse(file.string(), e.what());
        }
    }
    return settling;
}

std::shared_ptr<plugin_instance> plugin_registry::find(const std::string& name) const {
    std::shared_lock lock(mutex_);
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<plugin_instance>> plugin_registry::all() const {
    std::shared_lock lock(mutex_);
    return ordered_;
}

std::vector<plugin_refusal> plugin_registry::refusals() const {
    std::shared_lock lock(mutex_);
    return refusals_;
}

void plugin_registry::stop_all() {
    auto plugins = all();
    for (auto kind : {HERALD_PLUGIN_SERVICE, HERALD_PLUGIN_NOTIFIER})
        for (auto it = plugins.rbegin(); it != plugins.rend(); ++it)
            if ((*it)->info().kind == kind) (*it)->stop();
}

}  // namespace herald::core
