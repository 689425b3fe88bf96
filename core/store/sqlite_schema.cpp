#include "store/sqlite_schema.hpp"

#include <SQLiteCpp/Transaction.h>

#include <stdexcept>
#include <string>

namespace herald::core {

namespace {

// Layout 5. The outbox tables are keyed by their primary key (WITHOUT ROWID): an insert writes
// one b-tree instead of a rowid table plus a unique index, and a delivery id begins with its
// event id, so "the deliveries of an event" is a range of the key and needs no index of its own.
// Every fire and every attempt writes these tables; the profile put their b-tree work and WAL
// pages at a quarter of ingest CPU.
//
// deliveries_by_listener is ascending (layout 2 had created_ms DESC): a new delivery then lands
// at the right-hand end of its listener's range, where SQLite appends to a full page instead of
// splitting one in the middle (P1, RESULTS.md item 32: 6-23 % less heraldd CPU per delivery), and
// a backward scan of it gives "newest first, ties by id descending" exactly — the DESC index
// left SQLite a sort of each page of results ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY").
//
// A delivery's latest attempt lives in its own row (the latest_* columns; latest_outcome '' =
// none there), and `attempts` holds the earlier ones of a delivery tried more than once: most
// deliveries succeed at their first attempt, and recording it then updates one row instead of
// also inserting another (bench/store_cost: 9 % less store CPU per delivery, RESULTS.md item 37).
// A database upgraded from layout 3 keeps its attempts in `attempts`, with the columns empty.
//
// Layout 5 has layout 4's tables; it changes what one column holds. A delivery's last_message is
// stored only when it differs from its latest attempt's message, and '' reads as that message:
// almost always they are the same ~40 bytes, and every attempt rewrote both (bench/store_cost:
// 3 % less store CPU per delivery). Layout 4's rows, which hold both, read the same. The version
// mark moves so that an older heraldd refuses the database instead of showing '' for them.
constexpr const char* k_tables = R"sql(
CREATE TABLE IF NOT EXISTS listeners (
  id TEXT PRIMARY KEY,
  notifier_type_id TEXT NOT NULL,
  notifier_config TEXT NOT NULL,
  event_types TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  retry_schedule_ms TEXT
);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  event_type TEXT NOT NULL,
  canonical_type TEXT NOT NULL,
  document TEXT NOT NULL,
  fired_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id),
  listener_id TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_message TEXT NOT NULL DEFAULT '',
  updated_ms INTEGER NOT NULL,
  notifier_type_id TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL DEFAULT 0,
  latest_started_ms INTEGER NOT NULL DEFAULT 0,
  latest_duration_ms INTEGER NOT NULL DEFAULT 0,
  latest_outcome TEXT NOT NULL DEFAULT '',
  latest_status_code INTEGER NOT NULL DEFAULT 0,
  latest_message TEXT NOT NULL DEFAULT '',
  latest_response_excerpt TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_listener ON deliveries(listener_id, created_ms);
CREATE INDEX IF NOT EXISTS deliveries_unfinished ON deliveries(state, next_attempt_ms)
  WHERE state IN ('pending', 'delivering');
CREATE TABLE IF NOT EXISTS attempts (
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  attempt INTEGER NOT NULL,
  started_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  message TEXT NOT NULL,
  response_excerpt TEXT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,
  until_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
  task_id TEXT PRIMARY KEY,
  report TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
)sql";

// Layout 1 (Herald 0.1) had rowid outbox tables and an index of deliveries by event. The old
// tables are renamed aside, the new ones created, the rows copied, the old ones dropped.
constexpr const char* k_from_1 = R"sql(
DROP INDEX IF EXISTS deliveries_by_event;
DROP INDEX IF EXISTS deliveries_by_listener;
DROP INDEX IF EXISTS deliveries_unfinished;
ALTER TABLE deliveries RENAME TO deliveries_layout1;
ALTER TABLE attempts RENAME TO attempts_layout1;
)sql";
// Layout 2 differs from 3 only in the order of one index, which is rebuilt.
constexpr const char* k_from_2 = "DROP INDEX IF EXISTS deliveries_by_listener;";
// Layout 3 lacks the latest attempt's columns.
constexpr const char* k_from_3 = R"sql(
ALTER TABLE deliveries ADD COLUMN latest_started_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN latest_duration_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN latest_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN latest_status_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN latest_message TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN latest_response_excerpt TEXT NOT NULL DEFAULT '';
)sql";
constexpr const char* k_from_1_copy = R"sql(
INSERT INTO deliveries (id, event_id, listener_id, state, attempts, next_attempt_ms, last_message, updated_ms,
  notifier_type_id, config, created_ms) SELECT id, event_id, listener_id, state, attempts, next_attempt_ms, last_message, updated_ms,
  notifier_type_id, config, created_ms FROM deliveries_layout1;
INSERT INTO attempts SELECT delivery_id, attempt, started_ms, duration_ms, outcome, status_code, message,
  response_excerpt FROM attempts_layout1;
DROP TABLE attempts_layout1;
DROP TABLE deliveries_layout1;
)sql";

int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

}  // namespace

void apply_sqlite_schema(SQLite::Database& db) {
    const int version = user_version(db);
    if (version > k_sqlite_schema_version)
        throw std::runtime_error("the database was written by a newer Herald (layout " + std::to_string(version) +
                                 ", this heraldd knows up to " + std::to_string(k_sqlite_schema_version) + ")");
    if (version == k_sqlite_schema_version) return;
    // A layout-1 database has no version mark but already has the outbox tables.
    const bool layout1 = version == 0 && db.tableExists("deliveries");
    // Renaming tables that other tables reference must not rewrite or check those references
    // midway; foreign keys cannot be switched inside a transaction, so around it (and back to
    // what the connection had).
    const bool enforced = db.execAndGet("PRAGMA foreign_keys").getInt() != 0;
    const std::string restore = std::string("PRAGMA foreign_keys=") + (enforced ? "ON" : "OFF");
    db.exec("PRAGMA foreign_keys=OFF");
    try {
        SQLite::Transaction tx(db);
        if (layout1) db.exec(k_from_1);
        if (version == 2) db.exec(k_from_2);
        if (version == 2 || version == 3) db.exec(k_from_3);
        db.exec(k_tables);
        if (layout1) db.exec(k_from_1_copy);
        db.exec("PRAGMA user_version=" + std::to_string(k_sqlite_schema_version));
        tx.commit();
    } catch (...) {
        db.exec(restore);
        throw;
    }
    db.exec(restore);
}

}  // namespace herald::core
