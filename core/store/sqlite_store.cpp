#include "store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <filesystem>

namespace herald::core {

using nlohmann::json;

namespace {

listener_record read_listener(SQLite::Statement& q) {
    listener_record l;
    l.id = q.getColumn(0).getString();
    l.notifier_type_id = q.getColumn(1).getString();
    l.notifier_config = json::parse(q.getColumn(2).getString());
    l.event_types = json::parse(q.getColumn(3).getString());
    l.created_ms = q.getColumn(4).getInt64();
    l.updated_ms = q.getColumn(5).getInt64();
    return l;
}

delivery_record read_delivery(SQLite::Statement& q) {
    delivery_record d;
    d.id = q.getColumn(0).getString();
    d.event_id = q.getColumn(1).getString();
    d.listener_id = q.getColumn(2).getString();
    d.state = q.getColumn(3).getString();
    d.attempts = q.getColumn(4).getInt();
    d.next_attempt_ms = q.getColumn(5).getInt64();
    d.last_message = q.getColumn(6).getString();
    d.updated_ms = q.getColumn(7).getInt64();
    return d;
}

constexpr const char* k_delivery_columns =
    "id, event_id, listener_id, state, attempts, next_attempt_ms, last_message, updated_ms";

}  // namespace

sqlite_store::sqlite_store(const std::string& path)
    : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX) {
    db_.exec("PRAGMA journal_mode=WAL");
    // WAL + NORMAL is durable across a process crash (kill -9); only an OS crash can lose the
    // last transactions, which is the trade every WAL database makes for commit speed.
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    db_.setBusyTimeout(5000);
    migrate();
}

void sqlite_store::migrate() {
    db_.exec(R"sql(
CREATE TABLE IF NOT EXISTS listeners (
  id TEXT PRIMARY KEY,
  notifier_type_id TEXT NOT NULL,
  notifier_config TEXT NOT NULL,
  event_types TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
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
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries(event_id);
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
);
)sql");
}

std::vector<listener_record> sqlite_store::list_listeners() {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "SELECT id, notifier_type_id, notifier_config, event_types, created_ms, updated_ms "
                             "FROM listeners ORDER BY id");
    std::vector<listener_record> out;
    while (q.executeStep()) out.push_back(read_listener(q));
    return out;
}

std::optional<listener_record> sqlite_store::get_listener(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "SELECT id, notifier_type_id, notifier_config, event_types, created_ms, updated_ms "
                             "FROM listeners WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_listener(q);
}

void sqlite_store::insert_listener(const listener_record& l) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "INSERT INTO listeners VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, l.id);
    q.bind(2, l.notifier_type_id);
    q.bind(3, l.notifier_config.dump());
    q.bind(4, l.event_types.dump());
    q.bind(5, static_cast<int64_t>(l.created_ms));
    q.bind(6, static_cast<int64_t>(l.updated_ms));
    q.exec();
}

bool sqlite_store::update_listener(const listener_record& l) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "UPDATE listeners SET notifier_config = ?, event_types = ?, updated_ms = ? WHERE id = ?");
    q.bind(1, l.notifier_config.dump());
    q.bind(2, l.event_types.dump());
    q.bind(3, static_cast<int64_t>(l.updated_ms));
    q.bind(4, l.id);
    return q.exec() == 1;
}

bool sqlite_store::delete_listener(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "DELETE FROM listeners WHERE id = ?");
    q.bind(1, id);
    return q.exec() == 1;
}

void sqlite_store::insert_event(const event_record& e, const std::vector<delivery_record>& deliveries) {
    std::lock_guard lock(mutex_);
    SQLite::Transaction tx(db_);
    SQLite::Statement ev(db_, "INSERT INTO events VALUES (?, ?, ?, ?, ?)");
    ev.bind(1, e.id);
    ev.bind(2, e.event_type);
    ev.bind(3, e.canonical_type);
    ev.bind(4, e.document);
    ev.bind(5, static_cast<int64_t>(e.fired_ms));
    ev.exec();
    SQLite::Statement d(db_, "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& r : deliveries) {
        d.bind(1, r.id);
        d.bind(2, r.event_id);
        d.bind(3, r.listener_id);
        d.bind(4, r.state);
        d.bind(5, r.attempts);
        d.bind(6, static_cast<int64_t>(r.next_attempt_ms));
        d.bind(7, r.last_message);
        d.bind(8, static_cast<int64_t>(r.updated_ms));
        d.exec();
        d.reset();
    }
    tx.commit();
}

std::optional<event_record> sqlite_store::get_event(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "SELECT id, event_type, canonical_type, document, fired_ms FROM events WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return event_record{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                        q.getColumn(3).getString(), q.getColumn(4).getInt64()};
}

std::vector<delivery_record> sqlite_store::deliveries_of_event(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, std::string("SELECT ") + k_delivery_columns +
                                 " FROM deliveries WHERE event_id = ? ORDER BY listener_id");
    q.bind(1, event_id);
    std::vector<delivery_record> out;
    while (q.executeStep()) out.push_back(read_delivery(q));
    return out;
}

std::vector<attempt_record> sqlite_store::attempts_of_delivery(const std::string& delivery_id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "SELECT delivery_id, attempt, started_ms, duration_ms, outcome, status_code, message, "
                             "response_excerpt FROM attempts WHERE delivery_id = ? ORDER BY attempt");
    q.bind(1, delivery_id);
    std::vector<attempt_record> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(), q.getColumn(2).getInt64(),
                       q.getColumn(3).getInt64(), q.getColumn(4).getString(), q.getColumn(5).getInt(),
                       q.getColumn(6).getString(), q.getColumn(7).getString()});
    }
    return out;
}

void sqlite_store::record_attempt(const attempt_record& a, const delivery_record& d) {
    std::lock_guard lock(mutex_);
    SQLite::Transaction tx(db_);
    SQLite::Statement ins(db_, "INSERT OR REPLACE INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, a.delivery_id);
    ins.bind(2, a.attempt);
    ins.bind(3, static_cast<int64_t>(a.started_ms));
    ins.bind(4, static_cast<int64_t>(a.duration_ms));
    ins.bind(5, a.outcome);
    ins.bind(6, a.status_code);
    ins.bind(7, a.message);
    ins.bind(8, a.response_excerpt);
    ins.exec();
    SQLite::Statement upd(db_, "UPDATE deliveries SET state = ?, attempts = ?, next_attempt_ms = ?, "
                               "last_message = ?, updated_ms = ? WHERE id = ?");
    upd.bind(1, d.state);
    upd.bind(2, d.attempts);
    upd.bind(3, static_cast<int64_t>(d.next_attempt_ms));
    upd.bind(4, d.last_message);
    upd.bind(5, static_cast<int64_t>(d.updated_ms));
    upd.bind(6, d.id);
    upd.exec();
    tx.commit();
}

std::vector<delivery_record> sqlite_store::unfinished_deliveries() {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, std::string("SELECT ") + k_delivery_columns +
                                 " FROM deliveries WHERE state IN ('pending', 'delivering') ORDER BY next_attempt_ms");
    std::vector<delivery_record> out;
    while (q.executeStep()) out.push_back(read_delivery(q));
    return out;
}

std::string sqlite_store::describe() { return std::string("sqlite ") + sqlite3_libversion() + " (WAL) at " + path_; }

std::unique_ptr<store> open_store(const std::string& url, const std::string& base_dir) {
    const std::string prefix = "sqlite://";
    if (url.rfind(prefix, 0) != 0)
        throw std::runtime_error("database.url '" + url + "' is not supported; use sqlite:///absolute/path or "
                                 "sqlite://path/relative/to/the/config");
    std::filesystem::path p = url.substr(prefix.size());
    if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    try {
        return std::make_unique<sqlite_store>(p.string());
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot open database " + p.string() + " (database.url '" + url + "'): " + e.what());
    }
}

}  // namespace herald::core
