// Under commits without pause the WAL still starts over, so its file stays small; without the
// rewinder it only grows (RESULTS.md item 30).
#include "store/wal_checkpointer.hpp"
#include "store/wal_rewinder.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

using namespace herald::core;

namespace {

/// Commits `commits` transactions back to back, each writing `rows` rows of 500 bytes, with the
/// background checkpointer running as in the store; returns the WAL file's size after them.
std::uintmax_t wal_after_steady_commits(const std::string& path, bool rewind, long long& rewinds) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA wal_autocheckpoint=0");  // as the store sets it
    db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    std::unique_ptr<wal_rewinder> rewinder;
    if (rewind) rewinder = std::make_unique<wal_rewinder>(db.getHandle(), 200);
    wal_checkpointer background(path, std::chrono::milliseconds(1));
    SQLite::Statement ins(db, "INSERT INTO t (v) VALUES (?)");
    for (int c = 0; c < 1200; ++c) {
        SQLite::Transaction tx(db);
        for (int i = 0; i < 20; ++i) {
            ins.bind(1, std::string(500, 'x'));
            ins.exec();
            ins.reset();
        }
        tx.commit();
        if (rewinder) rewinder->after_commit();
    }
    rewinds = rewinder ? rewinder->rewinds() : 0;
    CHECK(db.execAndGet("SELECT COUNT(*) FROM t").getInt() == 1200 * 20);
    return std::filesystem::file_size(path + "-wal");
}

}  // namespace

TEST_CASE("the writer lets the WAL start over under steady commits", "[store]") {
    herald::test::temp_dir dir;
    long long rewinds = 0;
    // Without the rewinder these 1 200 commits left a 24 MiB WAL. With a rewind due every 200
    // frames it stays under 2 MiB — a little over 200 frames when the background checkpointer
    // (every millisecond here) keeps it busy and it retries later.
    const auto size = wal_after_steady_commits((dir.path / "r.db").string(), true, rewinds);
    CHECK(rewinds >= 5);
    CHECK(size < 8u * 1024 * 1024);
}

TEST_CASE("a checkpoint that cannot copy everything leaves the rows and is retried later", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA wal_autocheckpoint=0");
    db.exec("CREATE TABLE t (v TEXT)");
    wal_rewinder rewinder(db.getHandle(), 10);
    // A reader on another connection holds a snapshot: the frames after it cannot be copied.
    SQLite::Database reader(path, SQLite::OPEN_READONLY);
    std::optional<SQLite::Transaction> hold(std::in_place, reader);  // BEGIN: reads share one snapshot
    auto write = [&] {
        SQLite::Transaction tx(db);
        db.exec("INSERT INTO t VALUES ('" + std::string(3000, 'y') + "')");
        tx.commit();
        rewinder.after_commit();
    };
    for (int i = 0; i < 5; ++i) write();
    CHECK(reader.execAndGet("SELECT COUNT(*) FROM t").getInt() == 5);  // snapshot taken here
    const long long before = rewinder.rewinds();
    for (int i = 0; i < 20; ++i) write();
    CHECK(rewinder.rewinds() == before);  // nothing past the reader's snapshot could be copied
    hold.reset();  // ends the read transaction
    for (int i = 0; i < 20; ++i) write();
    CHECK(rewinder.rewinds() > before);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM t").getInt() == 45);
}
