// The SQLite layout: a database written by an earlier Herald is upgraded in place with every row
// kept, and a database from a newer Herald is refused rather than misread.
#include "store/sqlite_schema.hpp"
#include "store/sqlite_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

using namespace herald::core;

namespace {

// The tables exactly as Herald 0.1 (layout 1, no user_version) created them.
constexpr const char* k_layout1 = R"sql(
CREATE TABLE listeners (id TEXT PRIMARY KEY, notifier_type_id TEXT NOT NULL, notifier_config TEXT NOT NULL,
  event_types TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1, retry_schedule_ms TEXT);
CREATE TABLE events (id TEXT PRIMARY KEY, event_type TEXT NOT NULL, canonical_type TEXT NOT NULL,
  document TEXT NOT NULL, fired_ms INTEGER NOT NULL);
CREATE TABLE deliveries (id TEXT PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events(id),
  listener_id TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL, last_message TEXT NOT NULL DEFAULT '', updated_ms INTEGER NOT NULL,
  notifier_type_id TEXT NOT NULL DEFAULT '', config TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX deliveries_by_event ON deliveries(event_id);
CREATE INDEX deliveries_by_listener ON deliveries(listener_id, created_ms DESC);
CREATE TABLE outbox_lease (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, until_ms INTEGER NOT NULL);
CREATE TABLE tasks (task_id TEXT PRIMARY KEY, report TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE INDEX deliveries_unfinished ON deliveries(state, next_attempt_ms) WHERE state IN ('pending', 'delivering');
CREATE TABLE attempts (delivery_id TEXT NOT NULL REFERENCES deliveries(id), attempt INTEGER NOT NULL,
  started_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL, outcome TEXT NOT NULL, status_code INTEGER NOT NULL,
  message TEXT NOT NULL, response_excerpt TEXT NOT NULL, PRIMARY KEY (delivery_id, attempt));
INSERT INTO listeners VALUES ('l1', 'http', '{"url":"http://x/"}', '["*"]', 1, 1, 1, NULL);
INSERT INTO events VALUES ('e1', 'repo.sync.finish', 'repo.sync.finish', '{}', 5);
INSERT INTO deliveries VALUES ('e1-l1', 'e1', 'l1', 'pending', 1, 9, 'HTTP 503', 6, '', '', 5);
INSERT INTO attempts VALUES ('e1-l1', 1, 6, 2, 'retry', 503, 'HTTP 503', 'busy');
)sql";

}  // namespace

TEST_CASE("a layout-1 database is upgraded in place and keeps its rows", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec(k_layout1);
    }
    sqlite_store db(path);
    REQUIRE(db.get_listener("l1"));
    auto ds = db.deliveries_of_event("e1");
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].id == "e1-l1");
    CHECK(ds[0].last_message == "HTTP 503");
    CHECK(ds[0].attempts == 1);
    auto as = db.attempts_of_delivery("e1-l1");
    REQUIRE(as.size() == 1);
    CHECK(as[0].status_code == 503);
    CHECK(as[0].response_excerpt == "busy");
    CHECK(db.unfinished_deliveries().size() == 1);  // the pending delivery is still picked up

    SQLite::Database check(path, SQLite::OPEN_READONLY);
    CHECK(check.execAndGet("PRAGMA user_version").getInt() == k_sqlite_schema_version);
    CHECK(check.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%layout1%' OR "
                           "name = 'deliveries_by_event'").getInt() == 0);
    CHECK(check.execAndGet("SELECT sql FROM sqlite_master WHERE name = 'attempts'").getString().find("WITHOUT ROWID") !=
          std::string::npos);
    SQLite::Statement fk(check, "PRAGMA foreign_key_check");
    CHECK_FALSE(fk.executeStep());  // every reference still resolves
}

TEST_CASE("a layout-2 database gets its listener index rebuilt ascending and keeps its rows", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    {
        sqlite_store current(path);  // writes layout 3; turned back into layout 2 below
        event_record e{"e1", "x", "x", "{}", 5};
        delivery_record d;
        d.id = "e1-l1";
        d.event_id = "e1";
        d.listener_id = "l1";
        event_with_deliveries item{e, {d}};
        outbox_change fire;
        fire.fire = &item;
        current.write_outbox({&fire});
    }
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE);
        old.exec("DROP INDEX deliveries_by_listener; "
                 "CREATE INDEX deliveries_by_listener ON deliveries(listener_id, created_ms DESC); "
                 "PRAGMA user_version=2");
    }
    sqlite_store db(path);
    long long total = 0;
    delivery_filter by_listener;
    by_listener.listener_id = "l1";
    REQUIRE(db.find_deliveries(by_listener, 10, 0, total).size() == 1);
    SQLite::Database check(path, SQLite::OPEN_READONLY);
    CHECK(check.execAndGet("PRAGMA user_version").getInt() == 3);
    CHECK(check.execAndGet("SELECT sql FROM sqlite_master WHERE name = 'deliveries_by_listener'").getString().find(
              "DESC") == std::string::npos);
    // Newest first for one listener is a backward walk of the index, with no sort step.
    SQLite::Statement plan(check, "EXPLAIN QUERY PLAN SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id "
                                  "WHERE d.listener_id = 'l1' ORDER BY d.created_ms DESC, d.id DESC");
    std::string steps;
    while (plan.executeStep()) steps += plan.getColumn(3).getString() + "; ";
    CHECK_THAT(steps, Catch::Contains("deliveries_by_listener"));
    CHECK_THAT(steps, !Catch::Contains("TEMP B-TREE"));
}

TEST_CASE("what the store writes keeps every reference, though the writes do not check them", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    {
        sqlite_store db(path);
        event_record e{"e1", "x", "x", "{}", 5};
        delivery_record a, b;
        a.id = "e1-l1";
        b.id = "e1-system";
        a.event_id = b.event_id = "e1";
        a.listener_id = "l1";
        event_with_deliveries item{e, {a, b}};
        outbox_change fire;
        fire.fire = &item;
        db.write_outbox({&fire});
        outbox_change attempts;
        for (const auto& d : item.second) {
            attempt_record at;
            at.delivery_id = d.id;
            at.attempt = 1;
            at.outcome = "ok";
            delivery_record after = d;
            after.state = delivery_state::delivered;
            after.attempts = 1;
            attempts.attempts.emplace_back(at, after);
        }
        db.write_outbox({&attempts});
        REQUIRE(db.attempts_of_delivery("e1-l1").size() == 1);
    }
    SQLite::Database check(path, SQLite::OPEN_READONLY);
    SQLite::Statement fk(check, "PRAGMA foreign_key_check");
    CHECK_FALSE(fk.executeStep());
    CHECK(check.execAndGet("SELECT COUNT(*) FROM attempts").getInt() == 2);
}

TEST_CASE("the deliveries of an event are exactly that event's, however ids sort", "[store]") {
    herald::test::temp_dir dir;
    sqlite_store db((dir.path / "h.db").string());
    for (const char* id : {"e1", "e10", "e2"}) {
        event_record e{id, "x", "x", "{}", 1};
        delivery_record a, b;
        a.id = std::string(id) + "-l1";
        b.id = std::string(id) + "-system";
        a.event_id = b.event_id = id;
        a.listener_id = "l1";
        event_with_deliveries item{e, {a, b}};
        outbox_change fire;
        fire.fire = &item;
        db.write_outbox({&fire});
    }
    auto ds = db.deliveries_of_event("e1");
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].id == "e1-l1");
    CHECK(ds[1].id == "e1-system");
}

TEST_CASE("a database from a newer Herald is refused, not misread", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    {
        SQLite::Database future(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        future.exec("PRAGMA user_version=99");
    }
    CHECK_THROWS_WITH(sqlite_store(path), Catch::Contains("newer Herald (layout 99"));
}
