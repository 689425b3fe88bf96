#pragma once
// YAML → typed JSON, remembering where every value came from so that a validation error found
// later by JSON pointer can still name the file and line.
#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>

namespace YAML { class Node; }

namespace herald::core {

/// A configuration mistake; what() is the complete sentence, starting with "file:line:".
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct yaml_document {
    std::string file;                  ///< as given by the user, for messages
    nlohmann::json value;              ///< the typed document
    std::map<std::string, int> lines;  ///< JSON pointer → 1-based line of its key or value

    /// "server.yaml:12" for the pointer, or for its nearest ancestor that has a line.
    std::string where(const std::string& pointer) const;
};

/// Reads and converts a YAML file. Plain scalars are typed (null, booleans, integers, floats);
/// quoted scalars stay strings. `${NAME}` / `${NAME:-default}` in a scalar is replaced by the
/// environment variable before typing. Throws config_error.
yaml_document load_yaml_file(const std::string& path);

/// The same conversion for text (used for --set values and tests); `origin` names it in errors.
yaml_document load_yaml_text(const std::string& text, const std::string& origin);

/// Converts one already-parsed node; used by load_yaml_*.
nlohmann::json yaml_node_to_json(const YAML::Node& node, const std::string& origin, const std::string& pointer,
                                 std::map<std::string, int>* lines);

/// "/server/tls/cert" → "server.tls.cert" (how users write keys in messages and --set).
std::string pointer_to_key(const std::string& pointer);

}  // namespace herald::core
