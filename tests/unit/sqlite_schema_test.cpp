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

/// Turns a database this build wrote back into layout 2 or 3, as those Herald versions left it.
void downgrade(const std::string& path, int version) {
    SQLite::Database old(path, SQLite::OPEN_READWRITE);
    for (const char* column : {"latest_started_ms", "latest_duration_ms", "latest_outcome", "latest_status_code",
                               "latest_message", "latest_response_excerpt"})
        old.exec(std::string("ALTER TABLE deliveries DROP COLUMN ") + column);
    if (version == 2)
        old.exec("DROP INDEX deliveries_by_listener; "
                 "CREATE INDEX deliveries_by_listener ON deliveries(listener_id, created_ms DESC)");
    old.exec("PRAGMA user_version=" + std::to_string(version));
}

/// Writes an event with one delivery per listener id ("e1-<listener>").
void fire(sqlite_store& db, const std::vector<std::string>& listeners) {
    event_record e{"e1", "x", "x", "{}", 5};
    std::vector<delivery_record> ds;
    for (const auto& l : listeners) {
        delivery_record& d = ds.emplace_back();
        d.id = "e1-" + l;
        d.event_id = "e1";
        d.listener_id = l;
    }
    event_with_deliveries item{e, ds};
    outbox_change change;
    change.fire = &item;
    db.write_outbox({&change});
}

/// Attempt `n` of `delivery_id`, with its outcome and excerpt, and the delivery's state after it.
attempt_with_state attempt(const std::string& delivery_id, int n, const std::string& outcome, int status,
                           const std::string& excerpt) {
    attempt_record a;
    a.delivery_id = delivery_id;
    a.attempt = n;
    a.started_ms = 100 * n;
    a.duration_ms = n;
    a.outcome = outcome;
    a.status_code = status;
    a.message = "HTTP " + std::to_string(status);
    a.response_excerpt = excerpt;
    delivery_record d;
    d.id = delivery_id;
    d.event_id = "e1";
    d.state = outcome == "ok" ? delivery_state::delivered : delivery_state::pending;
    d.attempts = n;
    d.last_message = a.message;
    return {a, d};
}

/// The delivery log's response excerpts, in attempt order.
std::vector<std::string> excerpts(sqlite_store& db, const std::string& delivery_id) {
    std::vector<std::string> out;
    for (const auto& a : db.attempts_of_delivery(delivery_id)) out.push_back(a.response_excerpt);
    return out;
}

void record(sqlite_store& db, std::vector<attempt_with_state> attempts) {
    outbox_change change;
    change.attempts = std::move(attempts);
    db.write_outbox({&change});
}

}  // namespace

TEST_CASE("a delivery's latest attempt lives in its row, the earlier ones in attempts", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    sqlite_store db(path);
    fire(db, {"l1", "l2"});
    record(db, {attempt("e1-l1", 1, "retry", 503, "busy"), attempt("e1-l2", 1, "ok", 200, "fine")});
    // Two attempts of one delivery in one commit: the first is moved aside before the second.
    record(db, {attempt("e1-l1", 2, "retry", 502, "gateway"), attempt("e1-l1", 3, "ok", 200, "done")});
    auto as = db.attempts_of_delivery("e1-l1");
    REQUIRE(as.size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(as[i].attempt == i + 1);
    CHECK(as[0].response_excerpt == "busy");
    CHECK(as[1].status_code == 502);
    CHECK(as[1].message == "HTTP 502");
    CHECK(as[2].outcome == "ok");
    CHECK(as[2].response_excerpt == "done");
    CHECK(as[2].started_ms == 300);
    CHECK(as[2].duration_ms == 3);
    CHECK(excerpts(db, "e1-l2") == std::vector<std::string>{"fine"});
    // An attempt numbered like the one in the row (a redelivery asked for while it ran) takes
    // its place instead of adding a fourth.
    record(db, {attempt("e1-l1", 3, "ok", 200, "again")});
    CHECK(excerpts(db, "e1-l1") == std::vector<std::string>{"busy", "gateway", "again"});
    SQLite::Database check(path, SQLite::OPEN_READONLY);
    CHECK(check.execAndGet("SELECT COUNT(*) FROM attempts").getInt() == 2);  // only e1-l1's earlier two
    SQLite::Statement fk(check, "PRAGMA foreign_key_check");
    CHECK_FALSE(fk.executeStep());  // the moved attempts still name their delivery
}

TEST_CASE("a layout-3 database keeps its attempts, and new ones follow them", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    {
        sqlite_store current(path);
        fire(current, {"l1"});
    }
    downgrade(path, 3);
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE);  // as layout 3 recorded a first attempt
        old.exec("INSERT INTO attempts VALUES ('e1-l1', 1, 6, 2, 'retry', 503, 'HTTP 503', 'busy'); "
                 "UPDATE deliveries SET attempts = 1, last_message = 'HTTP 503' WHERE id = 'e1-l1'");
    }
    sqlite_store db(path);
    CHECK(excerpts(db, "e1-l1") == std::vector<std::string>{"busy"});
    record(db, {attempt("e1-l1", 2, "ok", 200, "fine")});
    CHECK(excerpts(db, "e1-l1") == std::vector<std::string>{"busy", "fine"});
    CHECK(db.get_delivery("e1-l1")->state == delivery_state::delivered);
}

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
        sqlite_store current(path);  // this build's layout, turned back into layout 2 below
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
    downgrade(path, 2);
    sqlite_store db(path);
    long long total = 0;
    delivery_filter by_listener;
    by_listener.listener_id = "l1";
    REQUIRE(db.find_deliveries(by_listener, 10, 0, total).size() == 1);
    SQLite::Database check(path, SQLite::OPEN_READONLY);
    CHECK(check.execAndGet("PRAGMA user_version").getInt() == k_sqlite_schema_version);
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
    CHECK(check.execAndGet("SELECT COUNT(*) FROM deliveries WHERE latest_outcome = 'ok'").getInt() == 2);
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

TEST_CASE("a delivery's last message is stored once when it is its latest attempt's", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    {
        sqlite_store db(path);
        fire(db, {"l1", "l2"});
        auto exhausted = attempt("e1-l2", 1, "retry", 503, "busy");
        exhausted.second.state = delivery_state::dead;
        exhausted.second.last_message += " (retry schedule exhausted after 1 attempts)";
        record(db, {attempt("e1-l1", 1, "ok", 200, "fine"), exhausted});
        CHECK(db.get_delivery("e1-l1")->last_message == "HTTP 200");
        CHECK(db.get_delivery("e1-l2")->last_message == "HTTP 503 (retry schedule exhausted after 1 attempts)");
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK(raw.execAndGet("SELECT last_message FROM deliveries WHERE id = 'e1-l1'").getString().empty());
    }
    // A layout-4 row holds both copies, and reads the same after the upgrade.
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE);
        old.exec("UPDATE deliveries SET last_message = 'HTTP 200' WHERE id = 'e1-l1'");
        old.exec("PRAGMA user_version=4");
    }
    sqlite_store upgraded(path);
    CHECK(upgraded.get_delivery("e1-l1")->last_message == "HTTP 200");
    SQLite::Database check(path, SQLite::OPEN_READONLY);
    CHECK(check.execAndGet("PRAGMA user_version").getInt() == 5);
}
