// The event loop's worker pool: jobs run off the caller's thread, a full queue refuses instead of
// growing, and stop() finishes what was queued.
#include "worker_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>

using namespace herald::rest;
using namespace std::chrono_literals;

TEST_CASE("a job beyond max_queued waiting ones is refused, and the queue recovers", "[workers]") {
    worker_pool pool(1, 1);
    std::promise<void> started, gate;
    auto opened = gate.get_future().share();
    REQUIRE(pool.run([&] {
        started.set_value();
        opened.wait();  // the only worker is held here
    }));
    started.get_future().wait();
    std::promise<void> second_ran;
    REQUIRE(pool.run([&] { second_ran.set_value(); }));  // waits in the queue
    CHECK_FALSE(pool.run([] {}));                         // the queue is full
    gate.set_value();
    REQUIRE(second_ran.get_future().wait_for(10s) == std::future_status::ready);
    std::promise<void> third_ran;
    CHECK(pool.run([&] { third_ran.set_value(); }));
    CHECK(third_ran.get_future().wait_for(10s) == std::future_status::ready);
}

TEST_CASE("stop finishes the queued jobs and a throwing job does not end its worker", "[workers]") {
    std::atomic<int> ran{0};
    worker_pool pool(2, 1000);
    for (int i = 0; i < 100; ++i)
        REQUIRE(pool.run([&, i] {
            if (i % 10 == 0) throw std::runtime_error("boom");
            ++ran;
        }));
    pool.stop();
    CHECK(ran == 90);
}
