// The WAL is checkpointed by its own thread and connection, not inside commits.
#include "store/wal_checkpointer.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

using namespace herald::core;

TEST_CASE("the checkpointer copies committed pages into the database file meanwhile", "[store]") {
    herald::test::temp_dir dir;
    const std::string path = (dir.path / "h.db").string();
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA wal_autocheckpoint=0");  // as the store sets it: commits never checkpoint
    db.exec("CREATE TABLE t (v TEXT)");
    {
        SQLite::Transaction tx(db);
        SQLite::Statement ins(db, "INSERT INTO t VALUES (?)");
        for (int i = 0; i < 2000; ++i) {
            ins.bind(1, std::string(1000, 'x'));
            ins.exec();
            ins.reset();
        }
        tx.commit();
    }
    const auto main_file = [&] { return std::filesystem::file_size(path); };
    REQUIRE(main_file() < 100000);  // everything is still in the WAL
    wal_checkpointer cp(path, std::chrono::milliseconds(10));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((main_file() < 2000000 || cp.completed() < 1) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(main_file() >= 2000000);
    CHECK(cp.completed() >= 1);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM t").getInt() == 2000);
}

TEST_CASE("a checkpoint that cannot run is reported and tried again", "[store]") {
    herald::test::temp_dir dir;
    std::mutex m;
    std::vector<std::string> errors;
    {
        wal_checkpointer cp((dir.path / "missing" / "h.db").string(), std::chrono::milliseconds(5),
                            [&](const std::string& why) {
                                std::lock_guard lock(m);
                                errors.push_back(why);
                            });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            {
                std::lock_guard lock(m);
                if (errors.size() >= 2) break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    REQUIRE(errors.size() >= 2);
    CHECK_THAT(errors[0], Catch::StartsWith("WAL checkpoint of "));
}
