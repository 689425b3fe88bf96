#include "util/iso8601.hpp"

#include <cstdio>
#include <ctime>

namespace herald::core {

using nlohmann::json;

namespace {

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days): every
// fire's 202 carries its time, and gmtime_r takes glibc's time-zone lock for each call.
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
}

}  // namespace

std::string iso8601(long long ms) {
    if (ms <= 0) return {};
    const long long secs = ms / 1000, days = secs / 86400, in_day = secs % 86400;
    long long y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    char out[48];
    std::snprintf(out, sizeof out, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", y, m, d, in_day / 3600,
                  in_day / 60 % 60, in_day % 60, ms % 1000);
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
