// The WAL-combining VFS: what a commit wrote is in the file when the commit returns (another
// connection and another process see it), transactions over the default VFS's 128 KiB write
// limit commit whole, and a commit takes fewer write calls than through the default VFS.
#include "store/wal_write_combiner.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

using namespace herald::core;
using herald::test::temp_dir;

namespace {

SQLite::Database open_wal(const std::string& path, const char* vfs) {
    SQLite::Database db(path.c_str(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0, vfs);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA wal_autocheckpoint=0");
    db.exec("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)");
    return db;
}

void insert(SQLite::Database& db, const std::string& value) {
    SQLite::Statement ins(db, "INSERT INTO t (v) VALUES (?)");
    ins.bind(1, value);
    ins.exec();
}

int rows(SQLite::Database& db) { return db.execAndGet("SELECT COUNT(*) FROM t").getInt(); }

/// Write system calls this process has made (pwrite included), from /proc/self/io.
long long write_calls() {
    std::ifstream io("/proc/self/io");
    std::string key;
    long long value = 0;
    while (io >> key >> value)
        if (key == "syscw:") return value;
    return -1;
}

}  // namespace

TEST_CASE("each commit through the combining VFS is visible to another connection at once", "[store]") {
    temp_dir dir;
    const std::string path = (dir.path / "t.db").string();
    SQLite::Database writer = open_wal(path, wal_write_combining_vfs());
    SQLite::Database reader(path, SQLite::OPEN_READONLY);  // the default VFS, as another process would
    for (int i = 1; i <= 300; ++i) {
        SQLite::Transaction tx(writer);
        insert(writer, std::string(static_cast<std::size_t>(i * 37 % 3000), 'v'));  // 0-3 pages a commit
        tx.commit();
        REQUIRE(rows(reader) == i);
        REQUIRE(reader.execAndGet("SELECT length(v) FROM t WHERE k = " + std::to_string(i)).getInt() == i * 37 % 3000);
    }
    CHECK(reader.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a transaction larger than one write call commits whole", "[store]") {
    temp_dir dir;
    const std::string path = (dir.path / "t.db").string();
    {
        SQLite::Database db = open_wal(path, wal_write_combining_vfs());
        SQLite::Transaction tx(db);
        for (int i = 0; i < 200; ++i) insert(db, std::string(4000, static_cast<char>('a' + i % 26)));  // ~800 KiB
        tx.commit();
        // Checkpointed through the VFS: it reads back the frames it wrote.
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    SQLite::Database plain(path, SQLite::OPEN_READONLY);
    CHECK(rows(plain) == 200);
    CHECK(plain.execAndGet("SELECT v FROM t WHERE k = 27").getString() == std::string(4000, 'a'));
    CHECK(plain.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a commit is in the file when it returns: a process that dies right after loses nothing", "[store]") {
    temp_dir dir;
    const std::string path = (dir.path / "t.db").string();
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        SQLite::Database db = open_wal(path, wal_write_combining_vfs());
        for (int i = 0; i < 50; ++i) {
            SQLite::Transaction tx(db);
            insert(db, "row");
            tx.commit();
        }
        _exit(0);  // no close, no destructor: nothing left in memory gets written
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    SQLite::Database db(path, SQLite::OPEN_READWRITE);  // recovers the WAL the child left
    CHECK(rows(db) == 50);
}

TEST_CASE("a commit takes fewer write calls than through the default VFS", "[store]") {
    const auto calls_per_commit = [](const char* vfs) {
        temp_dir dir;
        SQLite::Database db = open_wal((dir.path / "t.db").string(), vfs);
        const long long before = write_calls();
        for (int i = 0; i < 100; ++i) {
            SQLite::Transaction tx(db);
            for (int r = 0; r < 8; ++r) insert(db, std::string(1500, 'x'));  // three or four pages
            tx.commit();
        }
        return static_cast<double>(write_calls() - before) / 100;
    };
    const double plain = calls_per_commit(nullptr);
    const double combined = calls_per_commit(wal_write_combining_vfs());
    INFO("write calls per commit: default VFS " << plain << ", combining " << combined);
    REQUIRE(plain >= 6);  // two per frame
    CHECK(combined <= 2);
}
