#include "util/object_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
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
    // Written digit by digit: one id per event, and snprintf's format parsing showed in P1.
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(24, '0');
    const auto put = [&](std::size_t at, unsigned value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value >>= 4) id[at + static_cast<std::size_t>(i)] = hex[value & 0xF];
    };
    put(0, t, 8);
    for (std::size_t i = 0; i < 5; ++i) put(8 + 2 * i, process_random[i], 2);
    put(18, c, 6);
    return id;
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
