// Group commit: concurrent writers each return only once their event is in the store.
#include "events/event_writer.hpp"
#include "store/sqlite_store.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace herald::core;

TEST_CASE("concurrent fires are all committed, in shared transactions", "[writer]") {
    herald::test::temp_dir dir;
    sqlite_store db((dir.path / "h.db").string());
    event_writer writer(db);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                event_record e{"e" + std::to_string(t) + "-" + std::to_string(i), "x", "x", "{}", 1};
                delivery_record d;
                d.id = e.id + "-l";
                d.event_id = e.id;
                d.listener_id = "l";
                writer.write(e, {d});
                // Durable when write returns: readable at once.
                REQUIRE(db.get_event(e.id));
            }
        });
    for (auto& t : threads) t.join();
    CHECK(db.unfinished_deliveries().size() == 400);
}

TEST_CASE("a failed commit is reported to every writer of the batch", "[writer]") {
    herald::test::temp_dir dir;
    sqlite_store db((dir.path / "h.db").string());
    event_writer writer(db);
    event_record e{"dup", "x", "x", "{}", 1};
    writer.write(e, {});
    CHECK_THROWS(writer.write(e, {}));  // primary key violation
}
