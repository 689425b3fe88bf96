#include "render.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace herald::cli {

using nlohmann::json;

std::string display_key(const std::string& key) {
    std::string out;
    std::size_t start = 0;
    while (start <= key.size()) {
        auto end = key.find('_', start);
        if (end == std::string::npos) end = key.size();
        std::string word = key.substr(start, end - start);
        if (!word.empty()) {
            word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
            if (word == "Url") word = "URL";
            else if (word == "Ca") word = "CA";
            else if (word == "Ssl") word = "SSL";
            out += (out.empty() ? "" : " ") + word;
        }
        start = end + 1;
    }
    return out;
}

namespace {

std::string scalar(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "None";
    if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
    if (v.is_array()) {
        std::string out;
        for (const auto& item : v) out += (out.empty() ? "" : ", ") + scalar(item);
        return out;
    }
    return v.dump();
}

// Like pulp-admin: characters outside ASCII are dropped from what is printed.
std::string ascii(const std::string& s) {
    std::string out;
    std::copy_if(s.begin(), s.end(), std::back_inserter(out), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return out;
}

void render_object(const json& obj, int indent, int gap, std::string& out) {
    std::vector<std::string> keys;
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (it.key().empty() || it.key()[0] != '_') keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    std::size_t width = 0;
    for (const auto& k : keys) width = std::max(width, display_key(k).size() + 1);
    for (const auto& k : keys) {
        const json& v = obj[k];
        std::string label = display_key(k) + ":";
        out += std::string(static_cast<std::size_t>(indent), ' ') + label;
        if (v.is_object()) {
            out += "\n";
            render_object(v, indent + 2, 1, out);
            continue;
        }
        out += std::string(width - label.size() + static_cast<std::size_t>(gap), ' ') + ascii(scalar(v)) + "\n";
    }
}

}  // namespace

std::string render_document(const json& doc) {
    std::string out;
    render_object(doc, 0, 2, out);
    return out;
}

}  // namespace herald::cli
