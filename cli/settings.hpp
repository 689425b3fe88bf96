#pragma once
// Where herald-admin connects and as whom: command-line options, then HERALD_SERVER /
// HERALD_USER / HERALD_PASSWORD, then ~/.herald/admin.yaml, then the defaults.
#include <optional>
#include <string>

namespace herald::cli {

struct settings {
    std::string server = "http://127.0.0.1:8080";
    std::string username;
    std::string password;
    std::string ca_path;
    bool insecure = false;
};

struct settings_overrides {
    std::optional<std::string> server, username, password, ca_path;
    bool insecure = false;
};

/// Throws std::runtime_error naming the file and key for a bad admin.yaml.
settings resolve_settings(const settings_overrides& flags, const std::string& home);

/// Reads a password from the terminal without echo; nullopt when stdin is not a terminal.
std::optional<std::string> prompt_password(const std::string& user);

}  // namespace herald::cli
