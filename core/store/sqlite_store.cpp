#include "store/sqlite_store.hpp"

#include "store/sqlite_schema.hpp"
#include "store/wal_write_combiner.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>
#include <spdlog/spdlog.h>

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
    l.enabled = q.getColumn(6).getInt() != 0;
    if (!q.getColumn(7).isNull()) l.retry_schedule_ms = json::parse(q.getColumn(7).getString());
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
    d.notifier_type_id = q.getColumn(8).getString();
    d.config = q.getColumn(9).getString();
    d.created_ms = q.getColumn(10).getInt64();
    return d;
}

constexpr const char* k_delivery_columns =
    "d.id, d.event_id, d.listener_id, d.state, d.attempts, d.next_attempt_ms, "
    "CASE d.last_message WHEN '' THEN d.latest_message ELSE d.last_message END, d.updated_ms, "
    "d.notifier_type_id, d.config, d.created_ms";
constexpr const char* k_listener_columns =
    "id, notifier_type_id, notifier_config, event_types, created_ms, updated_ms, enabled, retry_schedule_ms";


/// Ends a cached statement's use: a SELECT left stepped would hold its read snapshot open, and
/// the WAL cannot be checkpointed past an open snapshot.
struct reset_after {
    SQLite::Statement& statement;
    ~reset_after() { statement.tryReset(); }
};

}  // namespace

/// WHERE clause and its bound values for a delivery filter (deliveries d joined with events e).
struct sqlite_store::where_clause {
    std::string sql = " WHERE 1=1";
    std::vector<std::string> text;
    std::vector<long long> numbers;
    std::vector<bool> is_text;
};

namespace {

using where_clause = sqlite_store::where_clause;

where_clause filter_sql(const delivery_filter& f) {
    where_clause w;
    auto add_text = [&](const char* cond, const std::string& v) {
        w.sql += cond;
        w.text.push_back(v);
        w.is_text.push_back(true);
    };
    auto add_number = [&](const char* cond, long long v) {
        w.sql += cond;
        w.numbers.push_back(v);
        w.is_text.push_back(false);
    };
    if (!f.delivery_id.empty()) add_text(" AND d.id = ?", f.delivery_id);
    if (!f.listener_id.empty()) add_text(" AND d.listener_id = ?", f.listener_id);
    if (!f.state.empty()) add_text(" AND d.state = ?", f.state);
    if (!f.event_type.empty()) add_text(" AND e.canonical_type = ?", f.event_type);
    if (f.since_ms > 0) add_number(" AND e.fired_ms >= ?", f.since_ms);
    if (f.until_ms > 0) add_number(" AND e.fired_ms < ?", f.until_ms);
    return w;
}

void bind(SQLite::Statement& q, const where_clause& w, int first = 1) {
    std::size_t t = 0, n = 0;
    for (std::size_t i = 0; i < w.is_text.size(); ++i) {
        if (w.is_text[i]) q.bind(first + static_cast<int>(i), w.text[t++]);
        else q.bind(first + static_cast<int>(i), static_cast<int64_t>(w.numbers[n++]));
    }
}

}  // namespace

namespace {

/// Process-wide SQLite settings, applied before the first connection opens (SQLite refuses them
/// afterwards, harmlessly). Memory statistics would take a global mutex on every allocation of
/// every statement; Herald reads none of them.
const std::string& configured(const std::string& path) {
    static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)once;
    return path;
}

}  // namespace

// NOMUTEX: every use of the connection already holds mutex_, so SQLite's own per-call locking
// (the FULLMUTEX mode) would only lock twice.
sqlite_store::sqlite_store(const std::string& path)
    : path_(configured(path)), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, 0,
          wal_write_combining_vfs()) {
    db_.exec("PRAGMA journal_mode=WAL");
    // WAL + NORMAL is durable across a process crash (kill -9); only an OS crash can lose the
    // last transactions, which is the trade every WAL database makes for commit speed.
    db_.exec("PRAGMA synchronous=NORMAL");
    // The tables declare their references (events ← deliveries ← attempts) but this connection
    // does not check them on every write: the write path keeps them by construction — an event
    // and its deliveries are inserted in one transaction, an attempt only for a delivery already
    // committed, and no delivery or event is ever deleted — and checking cost two b-tree
    // lookups per delivery on the one committer thread, 5-8 % of heraldd's CPU in P1 (RESULTS.md
    // item 31). Tests run PRAGMA foreign_key_check over what the store wrote instead.
    db_.exec("PRAGMA foreign_keys=OFF");
    db_.setBusyTimeout(5000);
    migrate();
    // Checkpoints happen on a thread of their own (wal_checkpointer.hpp), not inside commits,
    // except the short one that lets the WAL start over (wal_rewinder.hpp).
    db_.exec("PRAGMA wal_autocheckpoint=0");
    rewinder_ = std::make_unique<wal_rewinder>(db_.getHandle());
    db_.exec("PRAGMA journal_size_limit=67108864");  // a WAL grown by a burst shrinks back to 64 MiB
    checkpointer_ = std::make_unique<wal_checkpointer>(path_, std::chrono::milliseconds(250), [](const std::string& why) {
        if (auto log = spdlog::get("herald")) log->warn("{}", why);
    });
}

SQLite::Statement& sqlite_store::cached(const std::string& sql) {
    // The hot writes are compiled once; the caller holds mutex_ and resets after each use.
    auto it = statements_.find(sql);
    if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
    it->second->reset();
    it->second->clearBindings();
    return *it->second;
}

void sqlite_store::migrate() { apply_sqlite_schema(db_); }

std::vector<listener_record> sqlite_store::list_listeners() {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, std::string("SELECT ") + k_listener_columns + " FROM listeners ORDER BY id");
    std::vector<listener_record> out;
    while (q.executeStep()) out.push_back(read_listener(q));
    return out;
}

void sqlite_store::each_listener(const std::function<void(const listener_record&)>& f) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, std::string("SELECT ") + k_listener_columns + " FROM listeners ORDER BY id");
    while (q.executeStep()) f(read_listener(q));
}

std::optional<listener_record> sqlite_store::get_listener(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement& q = cached(std::string("SELECT ") + k_listener_columns + " FROM listeners WHERE id = ?");
    reset_after done{q};
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_listener(q);
}

void sqlite_store::insert_listener(const listener_record& l) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "INSERT INTO listeners VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, l.id);
    q.bind(2, l.notifier_type_id);
    q.bind(3, l.notifier_config.dump());
    q.bind(4, l.event_types.dump());
    q.bind(5, static_cast<int64_t>(l.created_ms));
    q.bind(6, static_cast<int64_t>(l.updated_ms));
    q.bind(7, l.enabled ? 1 : 0);
    if (l.retry_schedule_ms.is_null()) q.bind(8);
    else q.bind(8, l.retry_schedule_ms.dump());
    q.exec();
}

bool sqlite_store::update_listener(const listener_record& l) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "UPDATE listeners SET notifier_config = ?, event_types = ?, updated_ms = ?, enabled = ?, "
                             "retry_schedule_ms = ? WHERE id = ?");
    q.bind(1, l.notifier_config.dump());
    q.bind(2, l.event_types.dump());
    q.bind(3, static_cast<int64_t>(l.updated_ms));
    q.bind(4, l.enabled ? 1 : 0);
    if (l.retry_schedule_ms.is_null()) q.bind(5);
    else q.bind(5, l.retry_schedule_ms.dump());
    q.bind(6, l.id);
    return q.exec() == 1;
}

bool sqlite_store::delete_listener(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "DELETE FROM listeners WHERE id = ?");
    q.bind(1, id);
    return q.exec() == 1;
}

void sqlite_store::disable_listener(const std::string& id, const std::string& reason) {
    std::lock_guard lock(mutex_);
    SQLite::Transaction tx(db_);
    SQLite::Statement off(db_, "UPDATE listeners SET enabled = 0 WHERE id = ?");
    off.bind(1, id);
    off.exec();
    SQLite::Statement dead(db_, "UPDATE deliveries SET state = 'dead', last_message = ? "
                                "WHERE listener_id = ? AND state = 'pending'");
    dead.bind(1, reason);
    dead.bind(2, id);
    dead.exec();
    tx.commit();
}

void sqlite_store::write_outbox(const std::vector<const outbox_change*>& batch) {
    std::lock_guard lock(mutex_);
    SQLite::Transaction tx(db_);
    // Looked up once per commit, not per row: cached() finds a statement by its SQL text.
    const hot_writes w{cached("INSERT INTO events VALUES (?, ?, ?, ?, ?)"),
                       cached("INSERT INTO deliveries (id, event_id, listener_id, state, attempts, next_attempt_ms, "
                              "last_message, updated_ms, notifier_type_id, config, created_ms) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       cached("INSERT OR REPLACE INTO attempts SELECT id, attempts, latest_started_ms, "
                              "latest_duration_ms, latest_outcome, latest_status_code, latest_message, "
                              "latest_response_excerpt FROM deliveries WHERE id = ? AND latest_outcome != '' "
                              "AND attempts != ?"),
                       cached("UPDATE deliveries SET state = ?, attempts = ?, next_attempt_ms = ?, last_message = ?, "
                              "updated_ms = ?, latest_started_ms = ?, latest_duration_ms = ?, latest_outcome = ?, "
                              "latest_status_code = ?, latest_message = ?, latest_response_excerpt = ? WHERE id = ?")};
    for (const auto* change : batch) {
        if (change->fire) insert_fire(*change->fire, w);
        for (const auto& a : change->attempts) insert_attempt(a, w);
    }
    tx.commit();
    rewinder_->after_commit();
}

// The rows are bound without copies (bindNoCopy): they outlive the statement's step, and every
// use binds every parameter afresh.
void sqlite_store::insert_fire(const event_with_deliveries& fire, const hot_writes& w) {
    SQLite::Statement& ev = w.event;
    SQLite::Statement& d = w.delivery;
    const auto& [e, deliveries] = fire;
    reset_after ev_done{ev};
    ev.bindNoCopy(1, e.id);
    ev.bindNoCopy(2, e.event_type);
    ev.bindNoCopy(3, e.canonical_type);
    ev.bindNoCopy(4, e.document);
    ev.bind(5, static_cast<int64_t>(e.fired_ms));
    ev.exec();
    for (const auto& r : deliveries) {
        reset_after d_done{d};
        d.bindNoCopy(1, r.id);
        d.bindNoCopy(2, r.event_id);
        d.bindNoCopy(3, r.listener_id);
        d.bindNoCopy(4, r.state);
        d.bind(5, r.attempts);
        d.bind(6, static_cast<int64_t>(r.next_attempt_ms));
        d.bindNoCopy(7, r.last_message);
        d.bind(8, static_cast<int64_t>(r.updated_ms));
        d.bindNoCopy(9, r.notifier_type_id);
        d.bindNoCopy(10, r.config);
        d.bind(11, static_cast<int64_t>(r.created_ms));
        d.exec();
    }
}

std::optional<event_record> sqlite_store::get_event(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement& q = cached("SELECT id, event_type, canonical_type, document, fired_ms FROM events WHERE id = ?");
    reset_after done{q};
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return event_record{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                        q.getColumn(3).getString(), q.getColumn(4).getInt64()};
}

std::vector<delivery_record> sqlite_store::deliveries_of_event(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement& q =
        cached(std::string("SELECT ") + k_delivery_columns + " FROM deliveries d WHERE d.id > ? AND d.id < ? ORDER BY d.id");
    reset_after done{q};
    // A delivery id is "<event id>-<listener id>" (or "-system"): the event's deliveries are a
    // range of the primary key ('.' sorts right after '-').
    q.bind(1, event_id + "-");
    q.bind(2, event_id + ".");
    std::vector<delivery_record> out;
    while (q.executeStep()) out.push_back(read_delivery(q));
    return out;
}

std::vector<attempt_record> sqlite_store::attempts_of_delivery(const std::string& delivery_id) {
    std::lock_guard lock(mutex_);
    // The earlier attempts, then the latest from the delivery's row (layout 4, sqlite_schema.cpp).
    SQLite::Statement& q = cached(
        "SELECT delivery_id, attempt, started_ms, duration_ms, outcome, status_code, message, response_excerpt "
        "FROM attempts WHERE delivery_id = ?1 "
        "UNION ALL SELECT id, attempts, latest_started_ms, latest_duration_ms, latest_outcome, latest_status_code, "
        "latest_message, latest_response_excerpt FROM deliveries WHERE id = ?1 AND latest_outcome != '' "
        "ORDER BY 2");
    reset_after done{q};
    q.bind(1, delivery_id);
    std::vector<attempt_record> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(), q.getColumn(2).getInt64(),
                       q.getColumn(3).getInt64(), q.getColumn(4).getString(), q.getColumn(5).getInt(),
                       q.getColumn(6).getString(), q.getColumn(7).getString()});
    }
    return out;
}

// The attempt goes into its delivery's row; the attempt it replaces there, if any, moves to
// `attempts` first (a first attempt has none). An attempt with the number of the one in the row
// — a redelivery requested while that attempt was running — takes its place, as a replaced row
// of `attempts` once did.
void sqlite_store::insert_attempt(const attempt_with_state& attempt, const hot_writes& w) {
    SQLite::Statement& keep = w.keep_previous;
    SQLite::Statement& upd = w.settle;
    const auto& [a, d] = attempt;
    if (a.attempt > 1) {
        reset_after done{keep};
        keep.bindNoCopy(1, a.delivery_id);
        keep.bind(2, a.attempt);
        keep.exec();
    }
    reset_after done{upd};
    upd.bindNoCopy(1, d.state);
    upd.bind(2, d.attempts);
    upd.bind(3, static_cast<int64_t>(d.next_attempt_ms));
    // Layout 5: the delivery's last message is stored only when it says more than its latest
    // attempt's (most often it is that message itself; '' then reads as latest_message).
    static const std::string same;
    upd.bindNoCopy(4, d.last_message == a.message ? same : d.last_message);
    upd.bind(5, static_cast<int64_t>(d.updated_ms));
    upd.bind(6, static_cast<int64_t>(a.started_ms));
    upd.bind(7, static_cast<int64_t>(a.duration_ms));
    upd.bindNoCopy(8, a.outcome);
    upd.bind(9, a.status_code);
    upd.bindNoCopy(10, a.message);
    upd.bindNoCopy(11, a.response_excerpt);
    upd.bindNoCopy(12, a.delivery_id);
    upd.exec();
}

std::vector<delivery_record> sqlite_store::unfinished_deliveries() {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, std::string("SELECT ") + k_delivery_columns +
                                 " FROM deliveries d WHERE state IN ('pending', 'delivering') ORDER BY next_attempt_ms");
    std::vector<delivery_record> out;
    while (q.executeStep()) out.push_back(read_delivery(q));
    return out;
}

std::optional<delivery_record> sqlite_store::get_delivery(const std::string& id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement& q = cached(std::string("SELECT ") + k_delivery_columns + " FROM deliveries d WHERE d.id = ?");
    reset_after done{q};
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_delivery(q);
}

std::vector<delivery_record> sqlite_store::find_deliveries(const delivery_filter& f, int limit, int offset,
                                                           long long& total) {
    std::lock_guard lock(mutex_);
    const where_clause w = filter_sql(f);
    const std::string from = " FROM deliveries d JOIN events e ON e.id = d.event_id" + w.sql;
    total = count_locked(w);
    SQLite::Statement q(db_, std::string("SELECT ") + k_delivery_columns + from +
                                 " ORDER BY d.created_ms DESC, d.id DESC LIMIT ? OFFSET ?");
    bind(q, w);
    q.bind(static_cast<int>(w.is_text.size()) + 1, limit);
    q.bind(static_cast<int>(w.is_text.size()) + 2, offset);
    std::vector<delivery_record> out;
    while (q.executeStep()) out.push_back(read_delivery(q));
    return out;
}

long long sqlite_store::count_deliveries(const delivery_filter& f) {
    std::lock_guard lock(mutex_);
    return count_locked(filter_sql(f));
}

long long sqlite_store::count_locked(const where_clause& w) {
    SQLite::Statement count(db_, "SELECT COUNT(*) FROM deliveries d JOIN events e ON e.id = d.event_id" + w.sql);
    bind(count, w);
    count.executeStep();
    return count.getColumn(0).getInt64();
}

std::vector<delivery_record> sqlite_store::requeue(const delivery_filter& f, long long now) {
    std::lock_guard lock(mutex_);
    SQLite::Transaction tx(db_);
    const where_clause w = filter_sql(f);
    SQLite::Statement q(db_, std::string("SELECT ") + k_delivery_columns +
                                 " FROM deliveries d JOIN events e ON e.id = d.event_id" + w.sql);
    bind(q, w);
    std::vector<delivery_record> out;
    while (q.executeStep()) out.push_back(read_delivery(q));
    SQLite::Statement upd(db_, "UPDATE deliveries SET state = 'pending', next_attempt_ms = ?, updated_ms = ? "
                               "WHERE id = ?");
    for (auto& d : out) {
        upd.bind(1, static_cast<int64_t>(now));
        upd.bind(2, static_cast<int64_t>(now));
        upd.bind(3, d.id);
        upd.exec();
        upd.reset();
        d.state = delivery_state::pending;
        d.next_attempt_ms = now;
    }
    tx.commit();
    return out;
}

void sqlite_store::put_task(const std::string& task_id, const std::string& report, long long now) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "INSERT INTO tasks VALUES (?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET "
                             "report = excluded.report, updated_ms = excluded.updated_ms");
    q.bind(1, task_id);
    q.bind(2, report);
    q.bind(3, static_cast<int64_t>(now));
    q.exec();
}

std::optional<std::string> sqlite_store::get_task(const std::string& task_id) {
    std::lock_guard lock(mutex_);
    SQLite::Statement& q = cached("SELECT report FROM tasks WHERE task_id = ?");
    reset_after done{q};
    q.bind(1, task_id);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
}

bool sqlite_store::acquire_lease(const std::string& holder, long long now, long long until,
                                 const std::function<bool(const std::string&)>& holder_is_dead, std::string& current) {
    std::lock_guard lock(mutex_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement q(db_, "SELECT holder, until_ms FROM outbox_lease WHERE id = 1");
    if (q.executeStep()) {
        current = q.getColumn(0).getString();
        const long long expires = q.getColumn(1).getInt64();
        if (current != holder && expires > now && !holder_is_dead(current)) return false;
    }
    SQLite::Statement up(db_, "INSERT INTO outbox_lease VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                              "holder = excluded.holder, until_ms = excluded.until_ms");
    up.bind(1, holder);
    up.bind(2, static_cast<int64_t>(until));
    up.exec();
    tx.commit();
    current = holder;
    return true;
}

bool sqlite_store::renew_lease(const std::string& holder, long long until) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "UPDATE outbox_lease SET until_ms = ? WHERE id = 1 AND holder = ?");
    q.bind(1, static_cast<int64_t>(until));
    q.bind(2, holder);
    return q.exec() == 1;
}

void sqlite_store::release_lease(const std::string& holder) {
    std::lock_guard lock(mutex_);
    SQLite::Statement q(db_, "DELETE FROM outbox_lease WHERE id = 1 AND holder = ?");
    q.bind(1, holder);
    q.exec();
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
