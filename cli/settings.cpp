#include "settings.hpp"

#include <yaml-cpp/yaml.h>

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <stdexcept>

namespace herald::cli {

namespace {

void from_file(const std::string& path, settings& s) {
    if (!std::filesystem::exists(path)) return;
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(path + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
    }
    if (!root || root.IsNull()) return;
    if (!root.IsMap()) throw std::runtime_error(path + ":1: expected a mapping of keys");
    static const std::set<std::string> allowed = {"server", "username", "password", "ca_path", "insecure"};
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>();
        if (!allowed.count(key))
            throw std::runtime_error(path + ":" + std::to_string(kv.first.Mark().line + 1) + ": key '" + key +
                                     "' is not allowed; allowed keys: ca_path, insecure, password, server, username");
        if (key == "server") s.server = kv.second.as<std::string>();
        if (key == "username") s.username = kv.second.as<std::string>();
        if (key == "password") s.password = kv.second.as<std::string>();
        if (key == "ca_path") s.ca_path = kv.second.as<std::string>();
        if (key == "insecure") s.insecure = kv.second.as<bool>();
    }
}

void from_env(const char* name, std::string& out) {
    if (const char* v = std::getenv(name); v && *v) out = v;
}

}  // namespace

settings resolve_settings(const settings_overrides& flags, const std::string& home) {
    settings s;
    if (!home.empty()) from_file(home + "/.herald/admin.yaml", s);
    from_env("HERALD_SERVER", s.server);
    from_env("HERALD_USER", s.username);
    from_env("HERALD_PASSWORD", s.password);
    if (flags.server) s.server = *flags.server;
    if (flags.username) {
        // A user named on the command line does not inherit another user's password.
        if (*flags.username != s.username) s.password.clear();
        s.username = *flags.username;
    }
    if (flags.password) s.password = *flags.password;
    if (flags.ca_path) s.ca_path = *flags.ca_path;
    if (flags.insecure) s.insecure = true;
    while (!s.server.empty() && s.server.back() == '/') s.server.pop_back();
    return s;
}

std::optional<std::string> prompt_password(const std::string& user) {
    if (!isatty(STDIN_FILENO)) return std::nullopt;
    std::cerr << "Enter password for " << user << ": " << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string password;
    std::getline(std::cin, password);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return password;
}

}  // namespace herald::cli
