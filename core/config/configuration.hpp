#pragma once
#include "config/yaml_to_json.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace herald::core {

/// The server configuration: the YAML file (or nothing), --set overrides applied, typed.
class configuration {
public:
    /// `file` may be empty (built-in defaults). `overrides` are "section.key=value" strings whose
    /// values parse as YAML scalars. Throws config_error.
    static configuration load(const std::string& file, const std::vector<std::string>& overrides);

    /// Validates the whole document against `schema` (core sections plus every plugin's) and
    /// applies its defaults. Throws config_error listing every violation with file:line and key.
    void validate_and_default(const nlohmann::json& schema);

    const nlohmann::json& root() const { return doc_.value; }
    /// The value at a JSON pointer, or null.
    nlohmann::json at(const std::string& pointer) const;
    /// "server.yaml:12" or "--set server.port=x" for a JSON pointer.
    std::string where(const std::string& pointer) const;
    /// Directory that relative paths in the config are relative to.
    std::filesystem::path base_dir() const { return base_dir_; }
    std::string file() const { return doc_.file; }

private:
    yaml_document doc_;
    std::map<std::string, std::string> override_origin_;  // pointer → the --set argument
    std::filesystem::path base_dir_;
};

/// Merges the core's schema with the section schemas plugins declare into the schema of the
/// whole file; unknown top-level sections are then errors listing the known ones.
nlohmann::json compose_config_schema(const nlohmann::json& core_schema,
                                     const std::vector<nlohmann::json>& plugin_section_schemas);

}  // namespace herald::core
