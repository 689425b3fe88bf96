#include "config/yaml_to_json.hpp"

#include "schema/schema_validator.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>

namespace herald::core {
namespace {

using nlohmann::json;

std::string location(const std::string& origin, const YAML::Mark& mark) {
    return origin + ":" + std::to_string(mark.line + 1);
}

std::string expand_env(const std::string& text, const std::string& origin, const YAML::Mark& mark,
                       const std::string& pointer) {
    static const std::regex var(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), var);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        out.append(text, last, static_cast<std::size_t>(m.position()) - last);
        const std::string name = m[1].str();
        if (const char* value = std::getenv(name.c_str()); value != nullptr) {
            out += value;
        } else if (m[2].matched) {
            out += m[3].str();
        } else {
            throw config_error(location(origin, mark) + ": key '" + pointer_to_key(pointer) +
                               "': environment variable " + name + " is not set (write ${" + name +
                               ":-default} to give a default)");
        }
        last = static_cast<std::size_t>(m.position() + m.length());
    }
    out.append(text, last, std::string::npos);
    return out;
}

json type_plain_scalar(const std::string& s) {
    static const std::regex integer(R"(^[-+]?[0-9]+$)");
    static const std::regex floating(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (std::regex_match(s, integer)) {
        try {
            return std::stoll(s);
        } catch (const std::out_of_range&) {
            return s;
        }
    }
    if (std::regex_match(s, floating)) return std::stod(s);
    return s;
}

}  // namespace

std::string pointer_to_key(const std::string& pointer) {
    std::string out;
    for (std::size_t i = 0; i < pointer.size(); ++i) {
        if (pointer[i] == '/') {
            if (i != 0) out += '.';
        } else if (pointer[i] == '~' && i + 1 < pointer.size()) {
            out += pointer[i + 1] == '1' ? '/' : '~';
            ++i;
        } else {
            out += pointer[i];
        }
    }
    return out.empty() ? "(top level)" : out;
}

json yaml_node_to_json(const YAML::Node& node, const std::string& origin, const std::string& pointer,
                       std::map<std::string, int>* lines) {
    if (lines) (*lines)[pointer] = node.Mark().line + 1;
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return nullptr;
        case YAML::NodeType::Scalar: {
            std::string text = expand_env(node.Scalar(), origin, node.Mark(), pointer);
            // yaml-cpp tags quoted scalars "!" and plain ones "?": only plain scalars get typed.
            return node.Tag() == "!" ? json(text) : type_plain_scalar(text);
        }
        case YAML::NodeType::Sequence: {
            json arr = json::array();
            std::size_t i = 0;
            for (const auto& item : node) arr.push_back(yaml_node_to_json(item, origin, json_pointer_append(pointer, i++), lines));
            return arr;
        }
        case YAML::NodeType::Map: {
            json obj = json::object();
            for (const auto& kv : node) {
                if (!kv.first.IsScalar())
                    throw config_error(location(origin, kv.first.Mark()) + ": keys must be plain strings");
                const std::string key = kv.first.Scalar();
                const std::string child = json_pointer_append(pointer, key);
                if (obj.contains(key))
                    throw config_error(location(origin, kv.first.Mark()) + ": key '" + pointer_to_key(child) +
                                       "' appears twice");
                obj[key] = yaml_node_to_json(kv.second, origin, child, lines);
                if (lines) (*lines)[child] = kv.first.Mark().line + 1;
            }
            return obj;
        }
    }
    return nullptr;
}

yaml_document load_yaml_text(const std::string& text, const std::string& origin) {
    yaml_document doc;
    doc.file = origin;
    try {
        YAML::Node root = YAML::Load(text);
        doc.value = yaml_node_to_json(root, origin, "", &doc.lines);
    } catch (const YAML::ParserException& e) {
        throw config_error(origin + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
    }
    if (doc.value.is_null()) doc.value = json::object();
    return doc;
}

yaml_document load_yaml_file(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw config_error(path + ": cannot read the configuration file");
    } catch (const YAML::ParserException& e) {
        throw config_error(path + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
    }
    yaml_document doc;
    doc.file = path;
    doc.value = yaml_node_to_json(root, path, "", &doc.lines);
    if (doc.value.is_null()) doc.value = json::object();
    if (!doc.value.is_object()) throw config_error(path + ":1: the configuration must be a mapping of sections");
    return doc;
}

std::string yaml_document::where(const std::string& pointer) const {
    std::string p = pointer;
    while (true) {
        if (auto it = lines.find(p); it != lines.end() && !p.empty()) return file + ":" + std::to_string(it->second);
        auto slash = p.rfind('/');
        if (slash == std::string::npos || p.empty()) return file;
        p.erase(slash);
    }
}

}  // namespace herald::core
