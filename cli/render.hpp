#pragma once
// pulp-admin's render_document: how `event listener list` prints a listener.
#include <nlohmann/json.hpp>

#include <string>

namespace herald::cli {

/// "notifier_type_id" → "Notifier Type Id"; "url" → "URL", "ca_path" → "CA Path", "ssl" → "SSL".
std::string display_key(const std::string& key);

/// One document: keys sorted, "_" keys hidden, top level padded to the longest key plus ":" and
/// two spaces, nested objects indented by two with one space, lists of strings joined with ", ".
std::string render_document(const nlohmann::json& doc);

}  // namespace herald::cli
