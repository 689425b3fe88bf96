#pragma once
// heraldd's wiring: configuration → plugins → store → services → plugins started → signals.
#include <string>
#include <vector>

namespace herald::core {

struct server_options {
    std::string config_file;             // empty = built-in defaults
    std::vector<std::string> overrides;  // --set
    std::string log_level;               // --log-level, overrides logging.level
    std::string program_path;            // argv[0] resolved, for the default plugins.dir
};

/// Runs until SIGTERM/SIGINT. Returns the process exit code (0 clean, 1 config/plugin error).
int run_server(const server_options& options);

/// --check-config: 0 when the configuration and every plugin are valid, else 1.
int check_config(const server_options& options);
/// --list-plugins.
int list_plugins(const server_options& options);
/// --describe-plugin TYPE.
int describe_plugin(const server_options& options, const std::string& type);

}  // namespace herald::core
