#include "events/event_types.hpp"
#include "routing/router.hpp"

#include "routing_support.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;
using herald::test::ids;
using herald::test::listener;
using nlohmann::json;

namespace {

const json k_types = {"repo.sync.start", "repo.sync.finish", "repo.publish.start", "repo.publish.finish"};

}  // namespace

TEST_CASE("Pulp's fire-manager matching: each listener of the type, once", "[router]") {
    event_types types(k_types);
    router r(types);
    r.upsert(listener("n1", {"repo.sync.start"}));
    r.upsert(listener("n2", {"repo.sync.start", "repo.sync.finish"}));
    r.upsert(listener("n3", {"repo.sync.finish"}));
    CHECK(ids(r.match("repo.sync.start")) == std::vector<std::string>{"n1", "n2"});
    CHECK(ids(r.match("repo.sync.finish")) == std::vector<std::string>{"n2", "n3"});
    CHECK(r.match("repo.publish.start").empty());
}

TEST_CASE("'*' matches everything, and a listener with '*' and the type fires once", "[router]") {
    event_types types(k_types);
    router r(types);
    r.upsert(listener("a", {"*"}));
    r.upsert(listener("b", {"*", "repo.sync.start", "repo.sync.start"}));
    CHECK(ids(r.match("repo.sync.start")) == std::vector<std::string>{"a", "b"});
    CHECK(ids(r.match("repo.publish.finish")) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("legacy names subscribe to their dotted types", "[router]") {
    event_types types(k_types);
    CHECK(types.canonical("repo-sync-started") == std::optional<std::string>("repo.sync.start"));
    CHECK(types.canonical("repo-publish-finished") == std::optional<std::string>("repo.publish.finish"));
    CHECK_FALSE(types.canonical("repo.sync.started"));
    CHECK(types.canonical("*") == std::optional<std::string>("*"));
    CHECK_FALSE(types.canonical_fired("*"));
    router r(types);
    r.upsert(listener("old", {"repo-sync-started"}));
    CHECK(ids(r.match("repo.sync.start")) == std::vector<std::string>{"old"});
}

TEST_CASE("updates move a listener between index entries; removal drops it", "[router]") {
    event_types types(k_types);
    router r(types);
    r.upsert(listener("x", {"repo.sync.start"}));
    r.upsert(listener("x", {"repo.publish.start"}));
    CHECK(r.match("repo.sync.start").empty());
    CHECK(ids(r.match("repo.publish.start")) == std::vector<std::string>{"x"});
    r.remove("x");
    CHECK(r.match("repo.publish.start").empty());
    CHECK(r.size() == 0);
    CHECK_FALSE(r.get("x"));
}

TEST_CASE("configured custom types are accepted, unknown ones are not", "[router]") {
    event_types types(json{"task.state.change"});
    CHECK(types.canonical("task.state.change"));
    CHECK_FALSE(types.canonical("repo-sync-started"));  // its dotted type is not configured
}
