#pragma once
// A JSON Schema (draft-07) validator for the keywords Herald's configs need. Debian 12 packages no
// validator, so this is the one small component that implements it; the official
// JSON-Schema-Test-Suite runs against it in tests/unit/schema_suite_test.cpp.
//
// Supported: type, enum, const, properties, required, additionalProperties, patternProperties,
// propertyNames, dependencies, min/maxProperties, items (single and tuple), additionalItems,
// contains, min/maxItems, uniqueItems, min/maxLength, pattern, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, multipleOf, format (uri, email), allOf, anyOf, oneOf, not,
// if/then/else, boolean schemas; default and writeOnly are annotations used by apply_defaults()
// and redact(). $ref is refused when the schema is compiled.
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace herald::core {

/// One violation: where in the instance (JSON pointer, "" = the root) and what is wrong.
struct schema_error {
    std::string pointer;
    std::string message;
};

/// Thrown by the constructor when the schema itself is not a usable schema.
class invalid_schema : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class schema_validator {
public:
    /// Checks the schema and compiles its patterns; throws invalid_schema naming the JSON pointer
    /// of the offending keyword.
    explicit schema_validator(nlohmann::json schema);

    /// Every violation, in document order. Empty = valid.
    std::vector<schema_error> validate(const nlohmann::json& instance) const;

    /// Fills in "default" values of absent object properties, recursively through properties.
    void apply_defaults(nlohmann::json& instance) const;

    /// Replaces the value of every present property marked "writeOnly": true with "********".
    void redact(nlohmann::json& instance) const;

    const nlohmann::json& schema() const { return schema_; }

private:
    void check_schema(const nlohmann::json& s, const std::string& where);
    void validate_node(const nlohmann::json& s, const nlohmann::json& v, const std::string& ptr,
                       std::vector<schema_error>& out) const;
    bool is_valid(const nlohmann::json& s, const nlohmann::json& v) const;
    void validate_object(const nlohmann::json& s, const nlohmann::json& v, const std::string& ptr,
                         std::vector<schema_error>& out) const;
    void validate_array(const nlohmann::json& s, const nlohmann::json& v, const std::string& ptr,
                        std::vector<schema_error>& out) const;
    void validate_string(const nlohmann::json& s, const nlohmann::json& v, const std::string& ptr,
                         std::vector<schema_error>& out) const;
    void validate_number(const nlohmann::json& s, const nlohmann::json& v, const std::string& ptr,
                         std::vector<schema_error>& out) const;
    void validate_combinators(const nlohmann::json& s, const nlohmann::json& v, const std::string& ptr,
                              std::vector<schema_error>& out) const;
    void compile_pattern(const std::string& pattern);
    const std::regex& regex_for(const std::string& pattern) const;
    static void walk_defaults(const nlohmann::json& s, nlohmann::json& v);
    static void walk_redact(const nlohmann::json& s, nlohmann::json& v);

    nlohmann::json schema_;
    std::map<std::string, std::regex> regexes_;  // every pattern of the schema, compiled once
};

/// "/a/b" + "c~d" → "/a/b/c~0d" (RFC 6901 escaping).
std::string json_pointer_append(const std::string& base, const std::string& token);
std::string json_pointer_append(const std::string& base, std::size_t index);

}  // namespace herald::core
