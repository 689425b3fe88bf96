#include "config/configuration.hpp"

#include "schema/schema_validator.hpp"

#include <yaml-cpp/yaml.h>

namespace herald::core {

using nlohmann::json;

namespace {

void apply_override(yaml_document& doc, const std::string& arg, std::map<std::string, std::string>& origin) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
        throw config_error("--set " + arg + ": expected section.key=value");
    const std::string key = arg.substr(0, eq);
    yaml_document value = load_yaml_text(arg.substr(eq + 1), "--set " + arg);
    // load_yaml_text turns an empty value into {}; for --set it means null.
    json parsed = arg.size() == eq + 1 ? json(nullptr) : value.value;

    std::string pointer;
    json* node = &doc.value;
    std::size_t start = 0;
    while (true) {
        auto dot = key.find('.', start);
        std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty()) throw config_error("--set " + arg + ": empty key segment in '" + key + "'");
        pointer = json_pointer_append(pointer, part);
        if (!node->is_object()) throw config_error("--set " + arg + ": '" + pointer_to_key(pointer) + "' is not inside a section");
        if (dot == std::string::npos) {
            (*node)[part] = parsed;
            break;
        }
        if (!node->contains(part) || (*node)[part].is_null()) (*node)[part] = json::object();
        node = &(*node)[part];
        start = dot + 1;
    }
    origin[pointer] = "--set " + arg;
}

}  // namespace

configuration configuration::load(const std::string& file, const std::vector<std::string>& overrides) {
    configuration c;
    if (file.empty()) {
        c.doc_.file = "(built-in defaults)";
        c.doc_.value = json::object();
        c.base_dir_ = std::filesystem::current_path();
    } else {
        c.doc_ = load_yaml_file(file);
        c.base_dir_ = std::filesystem::absolute(file).parent_path();
    }
    for (const auto& o : overrides) apply_override(c.doc_, o, c.override_origin_);
    return c;
}

json configuration::at(const std::string& pointer) const {
    json::json_pointer p(pointer);
    return doc_.value.contains(p) ? doc_.value.at(p) : json();
}

std::string configuration::where(const std::string& pointer) const {
    for (std::string p = pointer; !p.empty(); p.erase(p.rfind('/'))) {
        if (auto it = override_origin_.find(p); it != override_origin_.end()) return it->second;
    }
    return doc_.where(pointer);
}

void configuration::validate_and_default(const json& schema) {
    schema_validator validator(schema);
    auto errors = validator.validate(doc_.value);
    if (!errors.empty()) {
        std::string message;
        for (const auto& e : errors) {
            if (!message.empty()) message += "\n";
            message += where(e.pointer) + ": key '" + pointer_to_key(e.pointer) + "' " + e.message;
        }
        throw config_error(message);
    }
    validator.apply_defaults(doc_.value);
}

json compose_config_schema(const json& core_schema, const std::vector<json>& plugin_section_schemas) {
    json full = core_schema;
    full["additionalProperties"] = false;
    for (const auto& s : plugin_section_schemas) {
        if (!s.is_object() || !s.contains("properties")) continue;
        for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
            full["properties"][it.key()] = *it;
    }
    return full;
}

}  // namespace herald::core
