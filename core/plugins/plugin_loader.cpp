#include "plugins/plugin_loader.hpp"

#include <cstring>
#include <regex>
#include <stdexcept>

namespace herald::core {

namespace {

std::string str(const char* s) { return s ? s : ""; }

std::shared_ptr<const schema_validator> compile(const char* text, const char* what, bool required) {
    if (text == nullptr || *text == '\0') {
        if (required) throw std::runtime_error(std::string("its descriptor has no ") + what);
        return nullptr;
    }
    nlohmann::json schema;
    try {
        schema = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("invalid ") + what + ": not JSON (" + e.what() + ")");
    }
    try {
        return std::make_shared<schema_validator>(schema);
    } catch (const invalid_schema& e) {
        throw std::runtime_error(std::string("invalid ") + what + ": " + e.what());
    }
}

}  // namespace

plugin_candidate inspect_plugin(const std::filesystem::path& file) {
    plugin_candidate c;
    try {
        c.library = std::make_shared<boost::dll::shared_library>(
            file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        // dlerror() names the missing dependency ("libfoo.so.1: cannot open shared object file").
        throw std::runtime_error(std::string("cannot be loaded: ") + e.what());
    }
    if (!c.library->has(HERALD_PLUGIN_ENTRY_SYMBOL))
        throw std::runtime_error(std::string("has no entry symbol '") + HERALD_PLUGIN_ENTRY_SYMBOL +
                                 "' (not a Herald plugin, or built without HERALD_NOTIFIER_PLUGIN/HERALD_SERVICE_PLUGIN)");
    auto entry = c.library->get<const herald_plugin_descriptor*()>(HERALD_PLUGIN_ENTRY_SYMBOL);
    const herald_plugin_descriptor* d = entry();
    if (d == nullptr) throw std::runtime_error("its entry symbol returned no descriptor");

    const std::size_t header = offsetof(herald_plugin_descriptor, abi_minor) + sizeof(d->abi_minor);
    if (d->struct_size < header) throw std::runtime_error("its descriptor is truncated (struct_size " +
                                                          std::to_string(d->struct_size) + ")");
    const std::string versions = "plugin ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
                                 ", heraldd ABI " + std::to_string(HERALD_ABI_MAJOR) + "." +
                                 std::to_string(HERALD_ABI_MINOR);
    if (d->abi_major != HERALD_ABI_MAJOR)
        throw std::runtime_error("wrong ABI major version (" + versions + "); rebuild it against this SDK");
    if (d->abi_minor > HERALD_ABI_MINOR)
        throw std::runtime_error("built for a newer ABI (" + versions + "); upgrade heraldd");
    // Read only what the plugin declares; fields it does not know stay zero (= absent).
    std::memcpy(&c.descriptor, d, std::min(d->struct_size, sizeof(herald_plugin_descriptor)));
    const herald_plugin_descriptor& x = c.descriptor;

    if (x.kind != HERALD_PLUGIN_NOTIFIER && x.kind != HERALD_PLUGIN_SERVICE)
        throw std::runtime_error("its descriptor has an unknown kind " + std::to_string(x.kind));
    static const std::regex id_re("^[a-z][a-z0-9_-]*$");
    if (!std::regex_match(str(x.type_id), id_re))
        throw std::runtime_error("its type id '" + str(x.type_id) + "' is invalid (allowed: [a-z][a-z0-9_-]*)");
    if (str(x.version).empty()) throw std::runtime_error("its descriptor has no version");
    if (str(x.description).empty()) throw std::runtime_error("its descriptor has no description");
    if (!x.create || !x.destroy || !x.last_error)
        throw std::runtime_error("its descriptor lacks one of the required functions create, destroy, last_error");
    if (x.kind == HERALD_PLUGIN_NOTIFIER && !x.deliver)
        throw std::runtime_error("it is a notifier but its descriptor has no deliver function");

    c.info.file = file.string();
    c.info.kind = x.kind;
    c.info.type_id = x.type_id;
    for (const char* const* a = x.aliases; a && *a; ++a) {
        if (!std::regex_match(str(*a), id_re)) throw std::runtime_error("its alias '" + str(*a) + "' is invalid");
        c.info.aliases.emplace_back(*a);
    }
    c.info.version = x.version;
    c.info.description = x.description;
    c.info.documentation = str(x.documentation);
    c.info.abi_major = x.abi_major;
    c.info.abi_minor = x.abi_minor;
    c.config_validator = compile(x.config_schema_json, "listener config schema", x.kind == HERALD_PLUGIN_NOTIFIER);
    c.server_validator = compile(x.server_schema_json, "server section schema", false);
    if (c.config_validator) c.info.config_schema = c.config_validator->schema();
    if (c.server_validator) {
        c.info.server_schema = c.server_validator->schema();
        if (!c.info.server_schema.is_object() || !c.info.server_schema.contains("properties"))
            throw std::runtime_error("invalid server section schema: it must be an object schema whose "
                                     "properties are the sections the plugin owns");
    }
    return c;
}

}  // namespace herald::core
