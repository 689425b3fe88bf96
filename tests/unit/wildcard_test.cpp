// Topic patterns in listeners' event types: the matching table, and that matching stays indexed.
#include "events/event_types.hpp"
#include "routing/router.hpp"
#include "routing/topic_pattern.hpp"

#include "routing_support.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;
using herald::test::ids;
using herald::test::listener;
using nlohmann::json;

TEST_CASE("topic pattern table: * is one word, # is zero or more", "[wildcard]") {
    struct row { const char* pattern; const char* type; bool match; };
    const row rows[] = {
        {"repo.#", "repo.sync.start", true},        {"repo.#", "repo", true},
        {"repo.#", "repository.sync", false},       {"repo.*.finish", "repo.sync.finish", true},
        {"repo.*.finish", "repo.publish.finish", true}, {"repo.*.finish", "repo.sync.start", false},
        {"repo.*", "repo.sync.start", false},       {"repo.*", "repo.sync", true},
        {"*.sync.*", "repo.sync.start", true},      {"#.finish", "repo.publish.finish", true},
        {"#", "anything.at.all", true},             {"#.sync.#", "repo.sync.start", true},
        {"repo.#.start", "repo.start", true},       {"repo.#.start", "repo.a.b.start", true},
        {"repo.#.start", "repo.a.b.finish", false}, {"*", "repo", true},
        {"repo.sync.start", "repo.sync.start", true},
    };
    for (const auto& r : rows) {
        INFO(r.pattern << " ~ " << r.type);
        CHECK(topic_matches(r.pattern, r.type) == r.match);
    }
    CHECK(is_topic_pattern("repo.#"));
    CHECK(is_topic_pattern("*.sync.start"));
    CHECK_FALSE(is_topic_pattern("*"));  // Pulp's "all types", not a pattern
    CHECK_FALSE(is_topic_pattern("repo.sync.start"));
    CHECK_FALSE(is_topic_pattern("repo.sy*"));  // wildcards are whole words only
}

namespace {

const json k_types = {"repo.sync.start", "repo.sync.finish", "repo.publish.start", "repo.publish.finish"};



}  // namespace

TEST_CASE("the router matches patterns, exact types and '*' together, each listener once", "[wildcard]") {
    event_types types(k_types);
    router r(types);
    r.upsert(listener("a", {"repo.#"}));
    r.upsert(listener("b", {"repo.*.finish", "repo.sync.finish"}));
    r.upsert(listener("c", {"repo.publish.*"}));
    r.upsert(listener("d", {"*"}));
    CHECK(ids(r.match("repo.sync.finish")) == std::vector<std::string>{"a", "b", "d"});
    CHECK(ids(r.match("repo.publish.start")) == std::vector<std::string>{"a", "c", "d"});
    r.remove("a");
    CHECK(ids(r.match("repo.sync.start")) == std::vector<std::string>{"d"});
    r.upsert(listener("c", {"repo.sync.start"}));  // replaced: its pattern is gone
    CHECK(ids(r.match("repo.publish.start")) == std::vector<std::string>{"d"});
}

TEST_CASE("a disabled listener is kept but never matched", "[wildcard]") {
    event_types types(k_types);
    router r(types);
    auto l = listener("x", {"repo.#"});
    l.enabled = false;
    r.upsert(l);
    CHECK(r.match("repo.sync.start").empty());
    REQUIRE(r.get("x"));
    CHECK_FALSE(r.get("x")->enabled);
}

TEST_CASE("matching cost does not grow with 100 000 listeners that do not match", "[wildcard][cost]") {
    event_types types(json{"repo.sync.start", "repo.sync.finish", "other.thing.happened"});
    router r(types);
    r.upsert(listener("m1", {"repo.sync.start"}));
    r.upsert(listener("m2", {"repo.#"}));
    std::size_t before = 0;
    CHECK(ids(r.match("repo.sync.start", &before)) == std::vector<std::string>{"m1", "m2"});
    // 50 000 exact listeners and 50 000 pattern listeners of other types, all distinct patterns.
    for (int i = 0; i < 100000; ++i) {
        const std::string id = "n" + std::to_string(i);
        if (i % 2) r.upsert(listener(id, {"other.thing.happened"}));
        else r.upsert(listener(id, {"other.p" + std::to_string(i) + ".#"}));
    }
    std::size_t after = 0;
    CHECK(ids(r.match("repo.sync.start", &after)) == std::vector<std::string>{"m1", "m2"});
    CHECK(after == before);
    CHECK(r.size() == 100002);
}
