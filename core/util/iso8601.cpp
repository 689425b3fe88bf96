#include "util/iso8601.hpp"

#include <cstdio>
#include <ctime>

namespace herald::core {

using nlohmann::json;

std::string iso8601(long long ms) {
    if (ms <= 0) return {};
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03lldZ", buf, ms % 1000);
    return out;
}

std::optional<long long> parse_time(const json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (!v.is_string()) return std::nullopt;
    const std::string s = v.get<std::string>();
    std::tm tm{};
    int ms = 0;
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest) return std::nullopt;
    if (*rest == '.') {
        ++rest;
        int digits = 0;
        while (*rest >= '0' && *rest <= '9') {
            if (digits++ < 3) ms = ms * 10 + (*rest - '0');
            ++rest;
        }
        while (digits++ < 3) ms *= 10;
    }
    if (*rest != 'Z' || rest[1] != '\0') return std::nullopt;
    return static_cast<long long>(timegm(&tm)) * 1000 + ms;
}

}  // namespace herald::core
