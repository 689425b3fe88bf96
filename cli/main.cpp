// herald-admin: global options, then the command words, then the command's options.
#include "commands.hpp"
#include "outcome.hpp"
#include "settings.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <iostream>

namespace po = boost::program_options;
using namespace herald::cli;

namespace {

po::options_description global_options(settings_overrides& o, std::string& server, std::string& user,
                                       std::string& password, std::string& ca) {
    po::options_description d("Global options");
    d.add_options()
        ("server", po::value(&server), "scheme://host:port of heraldd (/pulp/api is implied); default "
                                       "$HERALD_SERVER, ~/.herald/admin.yaml, or http://127.0.0.1:8080")
        ("username,u", po::value(&user), "user name (default $HERALD_USER)")
        ("password,p", po::value(&password), "password (default $HERALD_PASSWORD; prompted on a terminal)")
        ("ca-path", po::value(&ca), "CA bundle for an https:// server")
        ("insecure", po::bool_switch(&o.insecure), "do not verify an https:// server's certificate")
        ("help,h", "show help for the section or command");
    return d;
}

int run_command(const std::string& path, const command& cmd, const std::vector<std::string>& args,
                const settings_overrides& flags) {
    po::options_description d("Available Arguments");
    cmd.options(d);
    d.add_options()("help,h", "show this help");
    po::variables_map vm;
    auto usage = [&](const std::string& error) {
        if (!error.empty()) std::cerr << "herald-admin: " << error << "\n\n";
        (error.empty() ? std::cout : std::cerr) << "Command: " << path << "\nDescription: " << cmd.description << "\n\n"
                                                << d << (cmd.examples.empty() ? "" : "\nExamples:\n" + cmd.examples);
        return error.empty() ? int(exit_code::ok) : int(exit_code::usage);
    };
    try {
        po::store(po::command_line_parser(args).options(d).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage(e.what());
    }
    if (vm.count("help")) return usage("");
    std::string missing;
    for (const auto& r : cmd.required)
        if (!vm.count(r)) missing += "  --" + r + "\n";
    if (!missing.empty()) return usage("The following options are required but were not specified:\n" + missing);

    const char* home = std::getenv("HOME");
    settings s;
    try {
        s = resolve_settings(flags, home ? home : "");
    } catch (const std::exception& e) {
        std::cerr << "herald-admin: " << e.what() << "\n";
        return exit_code::usage;
    }
    if (!s.username.empty() && s.password.empty() && !flags.password)
        if (auto p = prompt_password(s.username)) s.password = *p;
    try {
        return cmd.run(vm, client(s));
    } catch (const unreachable& e) {
        std::cerr << "herald-admin: " << e.what() << "\n";
        return exit_code::software;
    }
}

}  // namespace

int main(int argc, char** argv) {
    settings_overrides flags;
    std::string server, user, password, ca;
    auto globals = global_options(flags, server, user, password, ca);
    po::variables_map vm;
    // Global options come before the command words; everything from the first word on belongs
    // to the command (so `http create --password` is the listener's password, not the login's).
    std::vector<std::string> head, rest;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (!rest.empty() || (a.rfind("-", 0) != 0)) {
            rest.push_back(a);
            continue;
        }
        head.push_back(a);
        const bool takes_value = a == "--server" || a == "-u" || a == "--username" || a == "-p" ||
                                 a == "--password" || a == "--ca-path";
        if (takes_value && i + 1 < argc) head.push_back(argv[++i]);
    }
    try {
        po::store(po::command_line_parser(head).options(globals).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "herald-admin: " << e.what() << "\n";
        return exit_code::usage;
    }
    if (vm.count("server")) flags.server = server;
    if (vm.count("username")) flags.username = user;
    if (vm.count("password")) flags.password = password;
    if (vm.count("ca-path")) flags.ca_path = ca;

    const section* at = &command_tree();
    std::string path;
    std::size_t i = 0;
    for (; i < rest.size() && rest[i].rfind("-", 0) != 0; ++i) {
        const std::string& word = rest[i];
        if (auto sub = at->sections.find(word); sub != at->sections.end()) {
            at = &sub->second;
            path += (path.empty() ? "" : " ") + word;
            continue;
        }
        if (auto cmd = at->commands.find(word); cmd != at->commands.end()) {
            std::vector<std::string> args(rest.begin() + static_cast<long>(i) + 1, rest.end());
            if (vm.count("help")) args.push_back("--help");
            return run_command(path + " " + word, cmd->second, args, flags);
        }
        std::cerr << "herald-admin: '" << word << "' is not a section or command of '"
                  << (path.empty() ? "herald-admin" : path) << "'\n\n"
                  << section_help(path, *at);
        return exit_code::usage;
    }
    const bool asked = vm.count("help") || (i < rest.size() && (rest[i] == "--help" || rest[i] == "-h"));
    if (path.empty() && asked) std::cout << globals << "\n";
    (asked ? std::cout : std::cerr) << section_help(path, *at);
    if (path.empty() && asked)
        std::cout << "\nExamples:\n"
                     "  herald-admin -u admin event listener list\n"
                     "  herald-admin -u admin event listener http create --event-type repo.sync.finish --url https://ci/hook\n"
                     "  herald-admin -u admin event fire --event-type repo.sync.finish --payload '{\"repo_id\": \"zoo\"}'\n"
                     "Server and credentials also come from HERALD_SERVER, HERALD_USER, HERALD_PASSWORD or\n"
                     "~/.herald/admin.yaml (keys server, username, password, ca_path, insecure).\n"
                     "Exit codes: 0 ok, 65 bad data or not found, 77 permission, 70 server error, 2 usage.\n";
    return asked ? exit_code::ok : exit_code::usage;
}
