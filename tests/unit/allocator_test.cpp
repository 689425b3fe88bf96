#include "util/allocator.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>

#ifdef HERALD_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

namespace {

/// Bytes this thread has allocated through jemalloc so far.
std::uint64_t allocated_by_jemalloc() {
    std::uint64_t n = 0;
    std::size_t len = sizeof n;
    REQUIRE(mallctl("thread.allocated", &n, &len, nullptr, 0) == 0);
    return n;
}

}  // namespace

TEST_CASE("plain malloc goes through jemalloc, not the C library's", "[allocator]") {
    // The point of linking it: every library's malloc — POCO's, SQLite's, the plugins' — is
    // jemalloc's. Were the C library's still first, this thread's jemalloc count would not move.
    const auto before = allocated_by_jemalloc();
    void* p = std::malloc(1 << 20);
    REQUIRE(p != nullptr);
    std::memset(p, 1, 1 << 20);
    const auto after = allocated_by_jemalloc();
    std::free(p);
    CHECK(after - before >= (1u << 20));
    CHECK(herald::core::allocator_name().rfind("jemalloc ", 0) == 0);
}
#else
TEST_CASE("a system-malloc build says so", "[allocator]") { CHECK(herald::core::allocator_name() == "system"); }
#endif
