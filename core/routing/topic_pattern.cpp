#include "routing/topic_pattern.hpp"

namespace herald::core {

std::vector<std::string> split_words(const std::string& type) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto dot = type.find('.', start);
        out.push_back(type.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) return out;
        start = dot + 1;
    }
}

bool is_topic_pattern(const std::string& name) {
    if (name == "*") return false;
    for (const auto& w : split_words(name))
        if (w == "*" || w == "#") return true;
    return false;
}

namespace {
bool match(const std::vector<std::string>& p, std::size_t i, const std::vector<std::string>& t, std::size_t j) {
    if (i == p.size()) return j == t.size();
    if (p[i] == "#") {
        for (std::size_t k = j; k <= t.size(); ++k)
            if (match(p, i + 1, t, k)) return true;
        return false;
    }
    if (j == t.size()) return false;
    return (p[i] == "*" || p[i] == t[j]) && match(p, i + 1, t, j + 1);
}
}  // namespace

bool topic_matches(const std::string& pattern, const std::string& type) {
    return match(split_words(pattern), 0, split_words(type), 0);
}

}  // namespace herald::core
