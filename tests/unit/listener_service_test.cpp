// The listener resource against a real SQLite store and the recorder plugin: Pulp's manager
// checklist (pulp-spec §9.1) plus Herald's schema validation.
#include "listeners/listener_service.hpp"
#include "store/sqlite_store.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;
using nlohmann::json;

namespace {

struct world {
    herald::test::temp_dir dir;
    herald::test::plugin_world plugins;
    sqlite_store db{(dir.path / "h.db").string()};
    event_types types{json{"repo.sync.start", "repo.sync.finish", "repo.publish.start", "repo.publish.finish"}};
    router routes{types};
    listener_service svc{db, plugins.registry, types, routes};

    json create(json body) {
        auto r = svc.create(body.dump());
        REQUIRE(r.status == 201);
        return r.body;
    }
};

const json k_config = {{"file", "/tmp/x.jsonl"}};

}  // namespace

TEST_CASE("create stores the listener and answers Pulp's document", "[listeners]") {
    world w;
    auto doc = w.create({{"notifier_type_id", "recorder"}, {"notifier_config", k_config}, {"event_types", {"repo.sync.start"}}});
    const std::string id = doc["id"];
    CHECK(id.size() == 24);
    CHECK(doc == json{{"_href", "/pulp/api/v2/events/" + id + "/"},
                      {"_id", {{"$oid", id}}},
                      {"_ns", "event_listeners"},
                      {"id", id},
                      {"notifier_type_id", "recorder"},
                      {"notifier_config", k_config},
                      {"event_types", {"repo.sync.start"}},
                      {"enabled", true}});
    CHECK(w.db.list_listeners().size() == 1);
    CHECK(w.routes.match("repo.sync.start").size() == 1);
    CHECK(w.svc.get(id).body == doc);
}

TEST_CASE("event types are validated first, then the notifier type, then the config", "[listeners]") {
    world w;
    auto both = w.svc.create(R"({"notifier_type_id": "foo", "event_types": ["foo"]})");
    CHECK(both.status == 400);
    CHECK(both.body["message"] == "Invalid properties: ['event_types']");
    CHECK(both.body["extra"] == json{{"property_names", {"event_types"}}});
    CHECK(both.body["data"] == json{{"property_names", {"event_types"}}, {"properties", "['event_types']"}});
    for (const char* bad : {R"({"notifier_type_id":"recorder","event_types":null})",
                            R"({"notifier_type_id":"recorder","event_types":[]})",
                            R"({"notifier_type_id":"recorder","event_types":"repo.sync.start"})"})
        CHECK(w.svc.create(bad).body["message"] == "Invalid properties: ['event_types']");
    auto type = w.svc.create(R"({"notifier_type_id": "foo", "event_types": ["*"]})");
    CHECK(type.body["message"] == "Invalid properties: ['notifier_type_id']");
    auto cfg = w.svc.create(R"({"notifier_type_id": "recorder", "notifier_config": {"outcome": "maybe"}, "event_types": ["*"]})");
    CHECK(cfg.status == 400);
    CHECK(cfg.body["data"]["property_names"] == json{"notifier_config"});
    REQUIRE(cfg.body["sub_errors"].size() == 2);
    CHECK(cfg.body["sub_errors"][0]["data"]["pointer"] == "/notifier_config/file");
    CHECK(cfg.body["sub_errors"][1]["data"]["pointer"] == "/notifier_config/outcome");
    CHECK(w.db.list_listeners().empty());
}

TEST_CASE("bodies that are not JSON objects get PLP1009 and PLP1015", "[listeners]") {
    world w;
    CHECK(w.svc.create("{nope").body["code"] == "PLP1009");
    CHECK(w.svc.create("[1]").body["code"] == "PLP1015");
    CHECK(w.svc.create("").body["code"] == "PLP1009");
}

TEST_CASE("an alias and legacy names are accepted and echoed as sent", "[listeners]") {
    world w;
    auto doc = w.create({{"notifier_type_id", "tape"}, {"notifier_config", k_config}, {"event_types", {"repo-sync-finished", "*"}}});
    CHECK(doc["notifier_type_id"] == "tape");
    CHECK(doc["event_types"] == json{"repo-sync-finished", "*"});
}

TEST_CASE("update merges the config: null removes, values overwrite, the rest stays", "[listeners]") {
    CHECK(listener_service::merge_config({{"k1", "v1"}, {"k2", "v2"}, {"k3", "v3"}}, {{"k1", "vX"}, {"k2", nullptr}}) ==
          json{{"k1", "vX"}, {"k3", "v3"}});
    CHECK(listener_service::merge_config({{"a", {{"x", 1}}}}, {{"a", {{"y", 2}}}}) == json{{"a", {{"y", 2}}}});
    world w;
    auto doc = w.create({{"notifier_type_id", "recorder"},
                         {"notifier_config", {{"file", "/tmp/a"}, {"tags", {"t"}}, {"secret", "s"}}},
                         {"event_types", {"repo.sync.start"}}});
    const std::string id = doc["id"];
    auto up = w.svc.update(id, R"({"notifier_config": {"tags": null, "file": "/tmp/b"}, "event_types": ["repo.sync.finish"], "notifier_type_id": "ignored"})");
    REQUIRE(up.status == 200);
    CHECK(up.body["notifier_config"] == json{{"file", "/tmp/b"}, {"secret", "********"}});
    CHECK(up.body["event_types"] == json{"repo.sync.finish"});
    CHECK(up.body["notifier_type_id"] == "recorder");
    CHECK(w.db.get_listener(id)->notifier_config["secret"] == "s");  // stored, just never shown
    CHECK(w.routes.match("repo.sync.start").empty());
    CHECK(w.svc.update(id, "").status == 200);  // empty body = {}
}

TEST_CASE("an invalid update changes nothing", "[listeners]") {
    world w;
    auto doc = w.create({{"notifier_type_id", "recorder"}, {"notifier_config", k_config}, {"event_types", {"repo.sync.start"}}});
    const std::string id = doc["id"];
    CHECK(w.svc.update(id, R"({"notifier_config": {"file": "/tmp/new"}, "event_types": []})").body["message"] ==
          "Invalid properties: ['event_types']");
    auto str = w.svc.update(id, R"({"notifier_config": "a string"})");
    CHECK(str.status == 400);  // Pulp answered 500 here
    CHECK(str.body["data"]["property_names"] == json{"notifier_config"});
    CHECK(w.svc.update(id, R"({"notifier_config": {"file": null}})").status == 400);  // required key removed
    CHECK(w.svc.get(id).body == doc);
}

TEST_CASE("unknown ids are 404 PLP0009 naming the id", "[listeners]") {
    world w;
    for (auto r : {w.svc.get("foo"), w.svc.update("foo", "{}"), w.svc.remove("foo")}) {
        CHECK(r.status == 404);
        CHECK(r.body["code"] == "PLP0009");
        CHECK(r.body["message"] == "Missing resource(s): event_listener=foo");
        CHECK(r.body["extra"] == json{{"resources", {{"event_listener", "foo"}}}});
    }
}

TEST_CASE("delete answers null and removes the listener from the store and the index", "[listeners]") {
    world w;
    auto doc = w.create({{"notifier_type_id", "recorder"}, {"notifier_config", k_config}, {"event_types", {"*"}}});
    auto r = w.svc.remove(doc["id"]);
    CHECK(r.status == 200);
    CHECK(r.body.is_null());
    CHECK(w.db.list_listeners().empty());
    CHECK(w.routes.match("repo.sync.start").empty());
    CHECK(w.svc.list().body == json::array());
}
