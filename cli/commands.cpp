#include "commands.hpp"

#include "outcome.hpp"
#include "render.hpp"
#include "schema/schema_validator.hpp"

#include <iostream>
#include <algorithm>
#include <sstream>

namespace herald::cli {

namespace po = boost::program_options;
using nlohmann::json;

const char* const k_event_type_help =
    "(required) one of \"repo.sync.start\", \"repo.sync.finish\", \"repo.publish.start\", "
    "\"repo.publish.finish\" (or another type the server is configured with). May be specified multiple times. "
    "To match all types, use value \"*\"";

namespace {

using strings = std::vector<std::string>;

// --- shared option sets ----------------------------------------------------------------------

void event_type_option(po::options_description& d, bool required) {
    std::string help = k_event_type_help;
    if (!required) help.replace(0, 10, "");
    d.add_options()("event-type", po::value<strings>()->composing(), help.c_str());
}

void listener_id_option(po::options_description& d) {
    d.add_options()("listener-id", po::value<std::string>(), "(required) id of the event listener");
}

void output_option(po::options_description& d) {
    d.add_options()("output", po::value<std::string>()->default_value("text"), "text (pulp-admin's layout) or json");
}

strings split_commas(const std::string& s) {
    // pulp-admin: comma-split with no trimming ("do not include spaces")
    strings out;
    std::size_t start = 0;
    while (true) {
        auto comma = s.find(',', start);
        out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

std::string opt(const po::variables_map& vm, const char* name) { return vm[name].as<std::string>(); }

// --- create / update plumbing ----------------------------------------------------------------

int create(const client& c, const std::string& type, const json& config, const strings& event_types) {
    json body = {{"notifier_type_id", type}, {"notifier_config", config}, {"event_types", event_types}};
    response r = c.request("POST", "events/", &body);
    if (r.status != 201) return report_failure(r);
    std::cout << "Event listener successfully created\n";
    return exit_code::ok;
}

int update(const client& c, const po::variables_map& vm, const json& config_delta) {
    json delta = json::object();
    if (!config_delta.empty()) delta["notifier_config"] = config_delta;
    if (vm.count("event-type")) delta["event_types"] = vm["event-type"].as<strings>();
    if (delta.empty()) {
        std::cout << "No changes were made\n";
        return exit_code::ok;
    }
    response r = c.request("PUT", "events/" + opt(vm, "listener-id") + "/", &delta);
    if (r.status != 200) return report_failure(r);
    std::cout << "Event listener successfully updated\n";
    return exit_code::ok;
}

json email_config(const po::variables_map& vm) {
    json cfg = json::object();
    if (vm.count("subject")) cfg["subject"] = opt(vm, "subject");
    if (vm.count("addresses")) cfg["addresses"] = split_commas(opt(vm, "addresses"));
    return cfg;
}

json http_config(const po::variables_map& vm) {
    json cfg = json::object();
    for (const auto& [flag, key] : std::map<std::string, std::string>{
             {"url", "url"}, {"username", "username"}, {"password", "password"}, {"ca-path", "ca_path"}})
        if (vm.count(flag)) cfg[key] = opt(vm, flag.c_str());
    return cfg;
}

// --- generic --config key=value for any notifier type ----------------------------------------

json find_type(const client& c, const std::string& id, int& rc) {
    response r = c.request("GET", "notifier_types/");
    if (r.status != 200) {
        rc = report_failure(r);
        return nullptr;
    }
    std::string known;
    for (const auto& t : r.body) {
        if (t["id"] == id) return t;
        for (const auto& a : t.value("aliases", json::array()))
            if (a == id) return t;
        known += (known.empty() ? "" : ", ") + t["id"].get<std::string>();
    }
    std::cerr << "The server has no notifier type '" << id << "'; it has: " << known << "\n";
    rc = exit_code::data_error;
    return nullptr;
}

/// "key=value" → typed by the property's schema; "key=" → null (remove the key on update).
bool parse_config_args(const strings& args, const json& schema, json& out) {
    const json props = schema.value("properties", json::object());
    for (const auto& arg : args) {
        auto eq = arg.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << "--config " << arg << ": expected key=value\n";
            return false;
        }
        const std::string key = arg.substr(0, eq), text = arg.substr(eq + 1);
        if (text.empty()) {
            out[key] = nullptr;
            continue;
        }
        json type = props.contains(key) ? props[key].value("type", json()) : json();
        const std::string t = type.is_string() ? type.get<std::string>() : (text[0] == '[' || text[0] == '{' ? "json" : "");
        try {
            if (t == "integer") out[key] = std::stoll(text);
            else if (t == "number") out[key] = std::stod(text);
            else if (t == "boolean") out[key] = (text == "true" || text == "1" || text == "yes");
            else if (t == "array" && text[0] != '[') out[key] = split_commas(text);
            else if (t == "array" || t == "object" || t == "json") out[key] = json::parse(text);
            else out[key] = text;
        } catch (const std::exception&) {
            std::cerr << "--config " << key << ": '" << text << "' is not a valid " << t << "\n";
            return false;
        }
    }
    return true;
}

bool check_config(const json& schema, const json& config, bool whole) {
    herald::core::schema_validator v(schema);
    std::vector<herald::core::schema_error> errors;
    if (whole) {
        errors = v.validate(config);
    } else {
        // On update only the keys given are known here (the stored config is not readable in
        // full: secrets are masked), so each is checked against its own property schema.
        const json props = schema.value("properties", json::object());
        for (auto it = config.begin(); it != config.end(); ++it) {
            if (it->is_null()) continue;
            if (!props.contains(it.key()) && schema.value("additionalProperties", json(true)) == json(false)) {
                errors.push_back({"/" + it.key(), "is not a config key of this notifier type"});
                continue;
            }
            if (props.contains(it.key()))
                for (auto e : herald::core::schema_validator(props[it.key()]).validate(*it))
                    errors.push_back({"/" + it.key() + e.pointer, e.message});
        }
    }
    for (const auto& e : errors) std::cerr << "--config " << e.pointer.substr(1) << ": " << e.message << "\n";
    return errors.empty();
}

int generic_create(const po::variables_map& vm, const client& c) {
    int rc = 0;
    const std::string type = opt(vm, "notifier-type");
    json t = find_type(c, type, rc);
    if (t.is_null()) return rc;
    json cfg = json::object();
    const json schema = t.value("config_schema", json::object());
    if (!parse_config_args(vm.count("config") ? vm["config"].as<strings>() : strings{}, schema, cfg)) return exit_code::usage;
    for (auto it = cfg.begin(); it != cfg.end();) it = it->is_null() ? cfg.erase(it) : std::next(it);
    if (!check_config(schema, cfg, true)) return exit_code::data_error;
    return create(c, type, cfg, vm["event-type"].as<strings>());
}

int generic_update(const po::variables_map& vm, const client& c) {
    if (!vm.count("config") && !vm.count("event-type")) return update(c, vm, json::object());
    json cfg = json::object();
    if (vm.count("config")) {
        response l = c.request("GET", "events/" + opt(vm, "listener-id") + "/");
        if (l.status != 200) return report_failure(l);
        int rc = 0;
        json t = find_type(c, l.body["notifier_type_id"].get<std::string>(), rc);
        if (t.is_null()) return rc;
        const json schema = t.value("config_schema", json::object());
        if (!parse_config_args(vm["config"].as<strings>(), schema, cfg)) return exit_code::usage;
        if (!check_config(schema, cfg, false)) return exit_code::data_error;
    }
    return update(c, vm, cfg);
}

// --- read-only commands -----------------------------------------------------------------------

int list_listeners(const po::variables_map& vm, const client& c) {
    response r = c.request("GET", "events/");
    if (r.status != 200) return report_failure(r);
    if (opt(vm, "output") == "json") {
        std::cout << r.body.dump(2) << "\n";
        return exit_code::ok;
    }
    for (const auto& doc : r.body) std::cout << render_document(doc) << "\n";
    return exit_code::ok;
}

int notifier_types(const po::variables_map& vm, const client& c) {
    response r = c.request("GET", "notifier_types/");
    if (r.status != 200) return report_failure(r);
    if (opt(vm, "output") == "json") {
        std::cout << r.body.dump(2) << "\n";
        return exit_code::ok;
    }
    for (const auto& t : r.body) {
        json schema = t.value("config_schema", json::object());
        json required = schema.value("required", json::array());
        json doc = {{"id", t["id"]}, {"aliases", t["aliases"]}, {"version", t["version"]},
                    {"description", t["description"]}};
        json keys = json::object();
        const json props = schema.value("properties", json::object());
        for (auto p = props.begin(); p != props.end(); ++p) {
            std::string what = p->value("description", "");
            std::string flags;
            if (std::find(required.begin(), required.end(), p.key()) != required.end()) flags += "required";
            if (p->value("writeOnly", false)) flags += std::string(flags.empty() ? "" : ", ") + "secret";
            keys[p.key()] = (flags.empty() ? "" : "(" + flags + ") ") + what;
        }
        doc["config_keys"] = keys;
        std::cout << render_document(doc) << "\n";
    }
    return exit_code::ok;
}

int fire(const po::variables_map& vm, const client& c) {
    json body = {{"event_type", opt(vm, "event-type")}};
    try {
        body["payload"] = vm.count("payload") ? json::parse(opt(vm, "payload")) : json::object();
        if (vm.count("call-report")) body["call_report"] = json::parse(opt(vm, "call-report"));
    } catch (const json::exception&) {
        std::cerr << "--payload and --call-report must be JSON, e.g. --payload '{\"repo_id\": \"zoo\"}'\n";
        return exit_code::usage;
    }
    response r = c.request("POST", "event_reports/", &body);
    if (r.status != 202) return report_failure(r);
    if (opt(vm, "output") == "json") {
        std::cout << r.body.dump(2) << "\n";
        return exit_code::ok;
    }
    std::string matched;
    for (const auto& id : r.body["matched_listeners"]) matched += (matched.empty() ? "" : ", ") + id.get<std::string>();
    std::cout << "Event " << r.body["id"].get<std::string>() << " accepted\n"
              << "Matched listeners: " << (matched.empty() ? "none" : matched) << "\n";
    return exit_code::ok;
}

// --- the delivery log ------------------------------------------------------------------------

int deliveries(const po::variables_map& vm, const client& c) {
    std::string query = "limit=" + std::to_string(vm["limit"].as<int>()) + "&offset=" + std::to_string(vm["offset"].as<int>());
    if (vm.count("state")) query += "&state=" + opt(vm, "state");
    response r = c.request("GET", "events/" + opt(vm, "listener-id") + "/deliveries/?" + query);
    if (r.status != 200) return report_failure(r);
    if (opt(vm, "output") == "json") {
        std::cout << r.body.dump(2) << "\n";
        return exit_code::ok;
    }
    for (auto d : r.body["deliveries"]) {
        d.erase("attempt_log");
        std::cout << render_document(d) << "\n";
    }
    std::cout << "Showing " << r.body["deliveries"].size() << " of " << r.body["total"].get<long long>()
              << " deliveries\n";
    return exit_code::ok;
}

int redeliver(const po::variables_map& vm, const client& c) {
    if (vm.count("delivery-id")) {
        response r = c.request("POST", "deliveries/" + opt(vm, "delivery-id") + "/redeliver/");
        if (r.status != 202) return report_failure(r);
        std::cout << "Delivery " << opt(vm, "delivery-id") << " queued for redelivery\n";
        return exit_code::ok;
    }
    json body = {{"dry_run", vm.count("dry-run") > 0}};
    for (const auto& [flag, key] : std::map<std::string, std::string>{{"listener-id", "listener_id"},
                                                                      {"state", "state"},
                                                                      {"event-type", "event_type"},
                                                                      {"since", "since"},
                                                                      {"until", "until"}})
        if (vm.count(flag)) body[key] = opt(vm, flag.c_str());
    if (body.size() == 1) {
        std::cerr << "herald-admin: give --delivery-id, or at least one of --listener-id, --state, --event-type, "
                     "--since, --until\n";
        return exit_code::usage;
    }
    response r = c.request("POST", "deliveries/redeliver/", &body);
    if (r.status != 200 && r.status != 202) return report_failure(r);
    const auto n = r.body["count"].get<long long>();
    std::cout << (vm.count("dry-run") ? "Would redeliver " : "Queued for redelivery: ") << n << " deliveries\n";
    return exit_code::ok;
}

// --- the tree ---------------------------------------------------------------------------------

command type_command(bool is_create, std::function<void(po::options_description&, bool)> type_options,
                     std::function<json(const po::variables_map&)> config, const std::string& type,
                     strings create_required, std::string examples) {
    command cmd;
    cmd.description = is_create ? "create a listener" : "update a listener";
    cmd.options = [=](po::options_description& d) {
        if (!is_create) listener_id_option(d);
        event_type_option(d, is_create);
        type_options(d, is_create);
    };
    cmd.required = is_create ? create_required : strings{"listener-id"};
    cmd.examples = std::move(examples);
    cmd.run = [=](const po::variables_map& vm, const client& c) {
        return is_create ? create(c, type, config(vm), vm["event-type"].as<strings>()) : update(c, vm, config(vm));
    };
    return cmd;
}

std::string req(bool required, const char* text) { return (required ? "(required) " : "") + std::string(text); }

section build_tree() {
    section email{"manage email listeners", {}, {}};
    auto email_opts = [](po::options_description& d, bool r) {
        d.add_options()("subject", po::value<std::string>(), req(r, "text of the email's subject").c_str())(
            "addresses", po::value<std::string>(),
            req(r, "this is a comma separated list of email addresses that should receive these notifications. Do "
                   "not include spaces.").c_str());
    };
    const std::string email_example =
        "  herald-admin event listener email create --event-type=\"repo.sync.start\" --subject=\"pulp "
        "notification\" --addresses=someone@example.com,another@example.com\n";
    for (bool c : {true, false})
        email.commands[c ? "create" : "update"] =
            type_command(c, email_opts, email_config, "email", {"event-type", "subject", "addresses"}, email_example);

    section http{"manage http listeners", {}, {}};
    auto http_opts = [](po::options_description& d, bool r) {
        d.add_options()("url", po::value<std::string>(), req(r, "full URL to invoke to send the event info").c_str())(
            "username", po::value<std::string>(), "if specified, this username will be used for HTTP Basic auth")(
            "password", po::value<std::string>(), "if specified, this password will be used for HTTP Basic auth")(
            "ca-path", po::value<std::string>(), "path to a CA bundle that signs the receiver's certificate");
    };
    const std::string http_example =
        "  herald-admin event listener http create --event-type=\"*\" --url=https://ci.example.com/hook\n";
    for (bool c : {true, false})
        http.commands[c ? "create" : "update"] =
            type_command(c, http_opts, http_config, "http", {"event-type", "url"}, http_example);

    section amqp{"manage amqp listeners", {}, {}};
    auto amqp_opts = [](po::options_description& d, bool) {
        d.add_options()("exchange", po::value<std::string>(),
                        "optional name of an exchange that overrides the setting from server.conf");
    };
    const std::string amqp_example = "  herald-admin event listener amqp create --event-type=\"*\" --exchange=pulp\n";
    amqp.commands["create"] = type_command(
        true, amqp_opts,
        [](const po::variables_map& vm) {
            // pulp-admin: only a non-empty exchange is sent on create
            return vm.count("exchange") && !opt(vm, "exchange").empty() ? json{{"exchange", opt(vm, "exchange")}}
                                                                         : json::object();
        },
        "amqp", {"event-type"}, amqp_example);
    amqp.commands["update"] = type_command(
        false, amqp_opts,
        [](const po::variables_map& vm) {
            // ... but on update even "" is sent (test_update_exchange_empty)
            return vm.count("exchange") ? json{{"exchange", opt(vm, "exchange")}} : json::object();
        },
        "amqp", {}, amqp_example);

    section listener{"manage server-side event listeners", {}, {}};
    listener.sections = {{"email", email}, {"http", http}, {"amqp", amqp}};
    listener.commands["list"] = {"list all of the event listeners in the system", output_option, {}, "", list_listeners};
    listener.commands["delete"] = {"delete an event listener", listener_id_option, {"listener-id"}, "",
                                   [](const po::variables_map& vm, const client& c) {
                                       response r = c.request("DELETE", "events/" + opt(vm, "listener-id") + "/");
                                       if (r.status != 200) return report_failure(r);
                                       std::cout << "Event listener successfully deleted\n";
                                       return int(exit_code::ok);
                                   }};
    listener.commands["create"] = {
        "create a listener of any notifier type the server has loaded",
        [](po::options_description& d) {
            d.add_options()("notifier-type", po::value<std::string>(), "(required) notifier type id (see `event types`)");
            event_type_option(d, true);
            d.add_options()("config", po::value<strings>()->composing(),
                            "key=value of the notifier config; repeatable; values are checked against the type's schema");
        },
        {"notifier-type", "event-type"},
        "  herald-admin event listener create --notifier-type http --event-type repo.sync.finish \\\n"
        "      --config url=https://ci.example.com/hook --config timeout_ms=5000\n",
        generic_create};
    listener.commands["update"] = {
        "update a listener of any notifier type",
        [](po::options_description& d) {
            listener_id_option(d);
            event_type_option(d, false);
            d.add_options()("config", po::value<strings>()->composing(),
                            "key=value to set, or key= to remove the key; repeatable");
        },
        {"listener-id"},
        "  herald-admin event listener update --listener-id 5f0c1a2b3c4d5e6f70819203 --config timeout_ms= "
        "--config url=https://new/\n",
        generic_update};

    section event{"subscribe to event notifications", {}, {}};
    event.sections = {{"listener", listener}};
    event.commands["fire"] = {"fire an event (it is delivered to every matching listener)",
                              [](po::options_description& d) {
                                  d.add_options()("event-type", po::value<std::string>(),
                                                  "(required) the event type, e.g. repo.sync.finish")(
                                      "payload", po::value<std::string>(), "JSON object, default {}")(
                                      "call-report", po::value<std::string>(), "JSON object, default null");
                                  output_option(d);
                              },
                              {"event-type"},
                              "  herald-admin event fire --event-type repo.sync.finish --payload '{\"repo_id\": \"zoo\"}'\n",
                              fire};
    event.commands["deliveries"] = {
        "show a listener's deliveries, newest first",
        [](po::options_description& d) {
            listener_id_option(d);
            d.add_options()("state", po::value<std::string>(), "only pending, delivered, dead or skipped ones")(
                "limit", po::value<int>()->default_value(20), "how many (1-1000)")(
                "offset", po::value<int>()->default_value(0), "how many newest ones to skip");
            output_option(d);
        },
        {"listener-id"},
        "  herald-admin event deliveries --listener-id 5f0c1a2b3c4d5e6f70819203 --state dead\n",
        deliveries};
    event.commands["redeliver"] = {
        "replay one delivery, or all that match the filters",
        [](po::options_description& d) {
            d.add_options()("delivery-id", po::value<std::string>(), "one delivery (any state)")(
                "listener-id", po::value<std::string>(), "deliveries of this listener")(
                "state", po::value<std::string>(), "deliveries in this state (e.g. dead)")(
                "event-type", po::value<std::string>(), "deliveries of events of this type")(
                "since", po::value<std::string>(), "events fired at or after, e.g. 2026-11-23T00:00:00Z")(
                "until", po::value<std::string>(), "events fired before")(
                "dry-run", "only count what would be replayed");
        },
        {},
        "  herald-admin event redeliver --listener-id 5f0c1a2b3c4d5e6f70819203 --state dead --dry-run\n"
        "  herald-admin event redeliver --delivery-id 6b04…-5f0c…\n",
        redeliver};
    event.commands["types"] = {"list the notifier types the server has loaded, with their config keys", output_option,
                               {}, "", notifier_types};
    section root{"", {}, {}};
    root.sections = {{"event", event}};
    return root;
}

}  // namespace

const section& command_tree() {
    static const section tree = build_tree();
    return tree;
}

std::string section_help(const std::string& path, const section& s) {
    std::ostringstream out;
    out << "Usage: herald-admin " << path << (path.empty() ? "" : " ") << "[SUB_SECTION, ..] COMMAND\n";
    if (!s.description.empty()) out << "Description: " << s.description << "\n";
    if (!s.sections.empty()) {
        out << "\nAvailable Sections:\n";
        for (const auto& [name, sub] : s.sections) out << "  " << name << " - " << sub.description << "\n";
    }
    if (!s.commands.empty()) {
        out << "\nAvailable Commands:\n";
        for (const auto& [name, cmd] : s.commands) out << "  " << name << " - " << cmd.description << "\n";
    }
    return out.str();
}

}  // namespace herald::cli
