#include "util/object_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace herald::core {

std::string new_object_id() {
    static const auto process_random = [] {
        unsigned char r[5] = {};
        RAND_bytes(r, sizeof r);
        return std::array<unsigned char, 5>{r[0], r[1], r[2], r[3], r[4]};
    }();
    static std::atomic<unsigned> counter{[] {
        unsigned char r[3] = {};
        RAND_bytes(r, sizeof r);
        return unsigned(r[0]) << 16 | unsigned(r[1]) << 8 | r[2];
    }()};
    const auto t = static_cast<unsigned>(std::time(nullptr));
    const unsigned c = counter.fetch_add(1) & 0xFFFFFFu;
    char buf[25];
    std::snprintf(buf, sizeof buf, "%08x%02x%02x%02x%02x%02x%06x", t, process_random[0], process_random[1],
                  process_random[2], process_random[3], process_random[4], c);
    return buf;
}

bool is_object_id(const std::string& s) {
    if (s.size() != 24) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace herald::core
