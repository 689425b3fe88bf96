// The dispatcher's per-listener queue keeps order through pushes, pops and compactions.
#include "delivery/light_fifo.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <string>

using herald::core::light_fifo;

TEST_CASE("light_fifo is first in, first out, across compactions", "[dispatcher]") {
    light_fifo<std::string> q;
    std::deque<std::string> model;
    CHECK(q.empty());
    int next = 0;
    // Interleave pushes and pops so the head crosses the compaction threshold many times.
    for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 7; ++i) {
            q.push_back(std::to_string(next));
            model.push_back(std::to_string(next++));
        }
        for (int i = 0; i < 5 && !model.empty(); ++i) {
            REQUIRE(q.front() == model.front());
            q.pop_front();
            model.pop_front();
        }
        REQUIRE(q.size() == model.size());
    }
    while (!model.empty()) {
        REQUIRE(q.front() == model.front());
        q.pop_front();
        model.pop_front();
    }
    CHECK(q.empty());
    q.push_back("again");
    CHECK(q.front() == "again");
}
