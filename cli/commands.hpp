#pragma once
// The pulp-admin `event` command tree: sections (event, listener, email, http, amqp) and the
// commands under them, each with its options, help text and handler.
#include "client.hpp"

#include <boost/program_options.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace herald::cli {

struct command {
    std::string description;
    std::function<void(boost::program_options::options_description&)> options;
    std::vector<std::string> required;  // option names that must be given
    std::string examples;
    std::function<int(const boost::program_options::variables_map&, const client&)> run;
};

struct section {
    std::string description;
    std::map<std::string, section> sections;
    std::map<std::string, command> commands;
};

/// The whole tree, rooted above "event".
const section& command_tree();

/// Help for a section ("Usage / Description / Available Sections / Available Commands").
std::string section_help(const std::string& path, const section& s);

/// "one of "repo.sync.start", … May be specified multiple times. To match all types, use "*"".
extern const char* const k_event_type_help;

}  // namespace herald::cli
