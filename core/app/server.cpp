#include "app/server.hpp"

#include "api/host_bridge.hpp"
#include "auth/authorizer.hpp"
#include "config/configuration.hpp"
#include "config/core_schema.hpp"
#include "delivery/delivery_service.hpp"
#include "delivery/dispatcher.hpp"
#include "delivery/outbox_lease.hpp"
#include "events/task_service.hpp"
#include "events/event_service.hpp"
#include "events/event_types.hpp"
#include "listeners/listener_service.hpp"
#include "plugins/plugin_loader.hpp"
#include "plugins/plugin_registry.hpp"
#include "plugins/plugin_watcher.hpp"
#include "routing/router.hpp"
#include "store/store.hpp"
#include "util/allocator.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

namespace herald::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::shared_ptr<spdlog::logger> make_logger() {
    auto log = spdlog::get("herald");
    if (!log) log = spdlog::stderr_logger_mt("herald");
    log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    return log;
}

/// Everything that must be true of the configuration and the plugin files before anything starts.
struct prepared {
    configuration config;
    fs::path plugin_dir;
    std::vector<plugin_candidate> candidates;
};

fs::path plugin_directory(const configuration& c, const std::string& program_path) {
    json dir = c.at("/plugins/dir");
    if (dir.is_string()) {
        fs::path p = dir.get<std::string>();
        return p.is_relative() ? c.base_dir() / p : p;
    }
    // The bundled plugins sit next to the binary in both the build tree and an install:
    // <prefix>/bin/heraldd and <prefix>/lib/herald/plugins/.
    return fs::weakly_canonical(fs::absolute(program_path)).parent_path() / ".." / "lib" / "herald" / "plugins";
}

prepared prepare(const server_options& o, plugin_registry& registry) {
    prepared p{configuration::load(o.config_file, o.overrides), {}, {}};
    p.plugin_dir = fs::weakly_canonical(plugin_directory(p.config, o.program_path));
    p.candidates = registry.inspect_directory(p.plugin_dir);
    std::vector<json> section_schemas;
    for (const auto& c : p.candidates)
        if (c.server_validator) section_schemas.push_back(c.info.server_schema);
    p.config.validate_and_default(compose_config_schema(core_config_schema(), section_schemas));
    return p;
}

std::string default_config(const std::string& program_path) {
    fs::path candidate =
        fs::weakly_canonical(fs::absolute(program_path)).parent_path() / ".." / "etc" / "herald" / "server.yaml";
    std::error_code ec;
    return fs::exists(candidate, ec) ? fs::weakly_canonical(candidate).string() : std::string();
}

server_options resolved(server_options o) {
    if (o.config_file.empty()) o.config_file = default_config(o.program_path);
    return o;
}

}  // namespace

int run_server(const server_options& opts) {
    // Signals are taken by sigwait in this thread only. Block them before any thread exists:
    // every thread inherits the mask, so none can be killed by a SIGTERM meant for a clean stop.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // A peer that closes a socket while a plugin writes to it must give that plugin an error,
    // not kill the server (rabbitmq-c, for one, does not always pass MSG_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    const server_options o = resolved(opts);
    auto log = make_logger();
    host_bridge bridge(log);
    plugin_registry registry(bridge.api(), log);
    prepared p = [&] {
        try {
            return prepare(o, registry);
        } catch (const config_error& e) {
            std::cerr << "heraldd: " << e.what() << "\n";
            std::exit(1);
        }
    }();
    const json& cfg = p.config.root();
    log->set_level(spdlog::level::from_str(o.log_level.empty() ? cfg["logging"]["level"].get<std::string>() : o.log_level));
    log->info("heraldd {} starting with {}", bridge.api()->server_version, p.config.file());

    std::unique_ptr<store> db;
    try {
        db = open_store(cfg["database"]["url"].get<std::string>(), p.config.base_dir().string());
    } catch (const std::exception& e) {
        std::cerr << "heraldd: " << p.config.where("/database/url") << ": " << e.what() << "\n";
        return 1;
    }
    std::unique_ptr<outbox_lease> lease;
    try {
        lease = std::make_unique<outbox_lease>(*db, cfg["delivery"]["lease_ms"].get<long long>(), log);
    } catch (const std::exception& e) {
        std::cerr << "heraldd: " << p.config.where("/database/url") << ": " << e.what() << "\n";
        return 1;
    }
    event_types types(cfg["events"]["types"]);
    router routes(types);
    db->each_listener([&](const listener_record& l) { routes.upsert(l); });
    // Parsing every listener document leaves freed heap behind; hand it back to the OS.
    release_free_memory();
    dispatcher_settings ds;
    ds.workers = cfg["delivery"]["workers"].get<int>();
    ds.max_in_flight_per_listener = cfg["delivery"]["max_in_flight_per_listener"].get<int>();
    ds.retry_schedule_ms = cfg["delivery"]["retry_schedule_ms"].get<std::vector<long long>>();
    if (ds.retry_schedule_ms.empty()) ds.retry_schedule_ms.push_back(0);
    ds.max_retry_after_ms = cfg["delivery"]["max_retry_after_ms"].get<long long>();
    listener_service* listeners_ptr = nullptr;  // the dispatcher reports "gone" to it
    outbox_writer writer(*db, log);  // before the dispatcher, which records attempts through it
    dispatcher delivery(*db, writer, registry, routes, ds,
                        [&](const std::string& id, const std::string& why) { listeners_ptr->disable(id, why); }, log);
    listener_service listeners(*db, registry, types, routes);
    listeners_ptr = &listeners;
    delivery_service deliveries(*db, delivery, types);
    event_service events(*db, writer, types, routes, delivery, deliveries);
    // Task-status messages use Pulp's [messaging] keys, which the amqp plugin declares.
    const bool task_notifications = cfg.contains("messaging") && cfg["messaging"].value("event_notifications_enabled", false);
    task_service tasks(*db, events, task_notifications);
    authorizer auth(cfg["auth"]["users"]);
    bridge.attach({&listeners, &events, &auth, &registry, db.get(), &deliveries, &tasks, [](const std::string& url) {
                       std::printf("heraldd: listening on %s\n", url.c_str());
                       std::fflush(stdout);
                   }});

    // Notifiers first, so the REST service never routes to a type that is about to appear.
    for (auto kind : {HERALD_PLUGIN_NOTIFIER, HERALD_PLUGIN_SERVICE})
        for (auto& c : p.candidates)
            if (c.library && c.info.kind == kind) registry.activate(std::move(c), cfg);
    if (auto n = delivery.recover()) log->info("resuming {} unfinished deliveries from the previous run", n);

    plugin_watcher watcher(registry, p.plugin_dir, cfg, cfg["plugins"]["settle_ms"].get<long long>(),
                           cfg["plugins"]["watch"].get<bool>());
    int sig = 0;
    while (true) {
        sigwait(&signals, &sig);
        if (sig != SIGHUP) break;
        log->info("SIGHUP: rescanning {}", p.plugin_dir.string());
        watcher.rescan_now();
    }
    log->info("signal {}: stopping", sig);
    registry.stop_all();  // the REST service stops accepting first
    delivery.stop();      // in-flight attempts finish and are recorded; queued work stays pending
    log->info("stopped");
    return 0;
}

namespace {

/// The offline commands (--check-config, --list-plugins, --describe-plugin): load the config and
/// inspect the plugins without starting anything, then run `command`. A config error is exit 1.
int inspect(const server_options& opts,
            const std::function<int(const prepared&, const plugin_registry&)>& command) {
    auto log = make_logger();
    host_bridge bridge(log);
    plugin_registry registry(bridge.api(), log);
    try {
        const prepared p = prepare(resolved(opts), registry);
        return command(p, registry);
    } catch (const config_error& e) {
        std::cerr << "heraldd: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace

int check_config(const server_options& opts) {
    // prepare() has validated the whole file, plugin sections included; what is left to report
    // is a plugin that was refused.
    return inspect(opts, [](const prepared& p, const plugin_registry& registry) {
        if (!registry.refusals().empty()) return 1;
        std::cout << "configuration OK: " << p.config.file() << " (" << p.candidates.size() << " plugins in "
                  << p.plugin_dir.string() << ")\n";
        return 0;
    });
}

int list_plugins(const server_options& opts) {
    return inspect(opts, [](const prepared& p, const plugin_registry& registry) {
        std::printf("%-12s %-9s %-16s %-9s %-5s %s\n", "TYPE", "KIND", "ALIASES", "VERSION", "ABI", "FILE");
        for (const auto& c : p.candidates) {
            std::string aliases;
            for (const auto& a : c.info.aliases) aliases += (aliases.empty() ? "" : ",") + a;
            std::printf("%-12s %-9s %-16s %-9s %u.%-3u %s\n", c.info.type_id.c_str(), c.info.kind_name(),
                        aliases.empty() ? "-" : aliases.c_str(), c.info.version.c_str(), c.info.abi_major,
                        c.info.abi_minor, c.info.file.c_str());
        }
        for (const auto& r : registry.refusals()) std::printf("refused: %s: %s\n", r.file.c_str(), r.reason.c_str());
        return registry.refusals().empty() ? 0 : 1;
    });
}

int describe_plugin(const server_options& opts, const std::string& type) {
    return inspect(opts, [&](const prepared& p, const plugin_registry&) {
        for (const auto& c : p.candidates) {
            const auto& i = c.info;
            if (i.type_id != type && std::find(i.aliases.begin(), i.aliases.end(), type) == i.aliases.end()) continue;
            json d = {{"id", i.type_id}, {"kind", i.kind_name()}, {"aliases", i.aliases}, {"version", i.version},
                      {"description", i.description}, {"file", i.file},
                      {"abi", std::to_string(i.abi_major) + "." + std::to_string(i.abi_minor)},
                      {"config_schema", i.config_schema}, {"server_schema", i.server_schema}};
            std::cout << d.dump(2) << "\n";
            if (!i.documentation.empty()) std::cout << "\n" << i.documentation << "\n";
            return 0;
        }
        std::cerr << "heraldd: no plugin with type id or alias '" << type << "' in " << p.plugin_dir.string() << "\n";
        return 1;
    });
}

}  // namespace herald::core
