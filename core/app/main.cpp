// heraldd: only the command line; everything else is in server.cpp.
#include "app/server.hpp"
#include "app/version.hpp"
#include "auth/password_hash.hpp"
#include "util/allocator.hpp"

#include <herald/abi.h>

#include <boost/program_options.hpp>

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

namespace po = boost::program_options;

namespace {

int hash_password_command() {
    const bool tty = isatty(STDIN_FILENO);
    termios old{};
    if (tty) {
        std::cerr << "Password: " << std::flush;
        tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string password;
    std::getline(std::cin, password);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
    }
    if (password.empty()) {
        std::cerr << "heraldd: --hash-password read an empty password from standard input\n";
        return 1;
    }
    std::cout << herald::core::hash_password(password) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    po::options_description desc(
        "Usage: heraldd [--config FILE] [--set KEY=VALUE]... [--log-level LEVEL]\n"
        "       heraldd --check-config | --list-plugins | --describe-plugin TYPE [--config FILE]\n"
        "       heraldd --hash-password | --version | --help\n\nOptions");
    std::string describe;
    herald::core::server_options o;
    desc.add_options()
        ("config,c", po::value(&o.config_file), "configuration file (default <prefix>/etc/herald/server.yaml if present)")
        ("set", po::value(&o.overrides)->composing(), "override one key: section.key=value (YAML scalar); repeatable")
        ("log-level", po::value(&o.log_level), "trace|debug|info|warn|error (overrides logging.level)")
        ("check-config", "validate the configuration and every plugin; exit 0 or 1")
        ("list-plugins", "list plugins: type ids, aliases, versions, ABI, file")
        ("describe-plugin", po::value(&describe), "print a plugin's schemas and documentation")
        ("hash-password", "read a password on stdin and print its hash for auth.users")
        ("version", "print the version")
        ("help,h", "print this help");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "heraldd: " << e.what() << "\n" << desc << "\n";
        return 2;
    }
    if (!o.log_level.empty() && o.log_level != "trace" && o.log_level != "debug" && o.log_level != "info" &&
        o.log_level != "warn" && o.log_level != "error") {
        std::cerr << "heraldd: --log-level '" << o.log_level << "' is not one of trace, debug, info, warn, error\n";
        return 2;
    }
    o.program_path = "/proc/self/exe";  // the real binary, whatever symlink or PATH entry started it
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "heraldd " << HERALD_VERSION_STRING << " (plugin ABI " << HERALD_ABI_MAJOR << "."
                  << HERALD_ABI_MINOR << ")\nallocator: " << herald::core::allocator_name() << "\n";
        return 0;
    }
    if (vm.count("hash-password")) return hash_password_command();
    if (vm.count("check-config")) return herald::core::check_config(o);
    if (vm.count("list-plugins")) return herald::core::list_plugins(o);
    if (vm.count("describe-plugin")) return herald::core::describe_plugin(o, describe);
    return herald::core::run_server(o);
}
