// The outbox's one write queue: fires wait for their commit, finished attempts do not, and both
// share transactions.
#include "store/group_commit.hpp"
#include "store/outbox_writer.hpp"
#include "store/sqlite_store.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

using namespace herald::core;
using namespace std::chrono_literals;

namespace {

/// A commit function that records each batch and, while `hold` is set, blocks its caller until
/// the test releases it — so a test can queue work behind a commit in progress.
struct held_commits {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::vector<int>> batches;
    bool hold = true;
    bool inside = false;
    int finished = 0;

    void commit(const std::vector<const int*>& items) {
        std::unique_lock lock(mutex);
        inside = true;
        changed.notify_all();
        changed.wait(lock, [&] { return !hold; });
        std::vector<int> b;
        for (const int* i : items) b.push_back(*i);
        batches.push_back(b);
        if (b.front() < 0) throw std::runtime_error("disk full");
        ++finished;
        changed.notify_all();
    }
    void wait_inside() {
        std::unique_lock lock(mutex);
        REQUIRE(changed.wait_for(lock, 10s, [&] { return inside; }));
    }
    void release() {
        std::lock_guard lock(mutex);
        hold = false;
        changed.notify_all();
    }
};

/// A store in a temporary directory and its write queue.
struct store_and_writer {
    herald::test::temp_dir dir;
    sqlite_store db{(dir.path / "h.db").string()};
    outbox_writer writer{db, herald::test::quiet_logger()};
};

/// An event with one delivery (to listener "l"), or none.
event_with_deliveries fire_of(const std::string& id, bool with_delivery = true) {
    event_with_deliveries fire;
    fire.first = {id, "x", "x", "{}", 1};
    if (with_delivery) {
        delivery_record& d = fire.second.emplace_back();
        d.id = id + "-l";
        d.event_id = id;
        d.listener_id = "l";
    }
    return fire;
}

}  // namespace

TEST_CASE("posted items do not wait for a commit and share the next one", "[writer]") {
    held_commits c;
    group_commit<int> gc([&](const std::vector<const int*>& b) { c.commit(b); });
    std::thread leader([&] { gc.submit(1); });
    c.wait_inside();
    // The leader is inside its commit; posting must still return at once.
    std::atomic<int> then_saw{-1};  // commits finished when 3's "then" ran
    auto posted = std::async(std::launch::async, [&] {
        gc.post(2, 1);
        gc.post(3, 1, [&] {
            std::lock_guard lock(c.mutex);
            then_saw = c.finished;
        });
    });
    REQUIRE(posted.wait_for(10s) == std::future_status::ready);
    CHECK(then_saw == -1);  // not before its commit
    c.release();
    leader.join();
    gc.flush();
    // The committer took both posted items in one transaction after the leader's commit.
    REQUIRE(c.batches == std::vector<std::vector<int>>{{1}, {2, 3}});
    CHECK(then_saw == 2);  // after the commit that carried it
}

TEST_CASE("a poster never commits on its own thread, even with no commit running", "[writer]") {
    // A delivery worker that committed its own attempts stopped delivering meanwhile.
    std::mutex m;
    std::vector<std::thread::id> committers;
    group_commit<int> gc([&](const std::vector<const int*>&) {
        std::lock_guard lock(m);
        committers.push_back(std::this_thread::get_id());
    });
    for (int i = 0; i < 20; ++i) gc.post(i, 1);
    gc.flush();
    std::lock_guard lock(m);
    REQUIRE_FALSE(committers.empty());
    for (const auto& id : committers) CHECK(id != std::this_thread::get_id());
}

TEST_CASE("a failed commit reaches its submitters as an exception and its posters' callback", "[writer]") {
    held_commits c;
    c.hold = false;
    std::size_t lost = 0;
    group_commit<int> gc([&](const std::vector<const int*>& b) { c.commit(b); }, 1024,
                         [&](std::size_t weight, std::exception_ptr) { lost += weight; });
    CHECK_THROWS_WITH(gc.submit(-1), "disk full");
    bool over = false;
    gc.post(-2, 5, [&] { over = true; });
    gc.flush();
    CHECK(lost == 5);
    CHECK(over);  // "then" runs after a failed commit too
    gc.post(4, 1);  // the queue still works after a failure
    gc.flush();
    CHECK(c.batches.back() == std::vector<int>{4});
}

TEST_CASE("posting beyond the backlog bound waits for a commit instead of growing", "[writer]") {
    held_commits c;
    group_commit<int> gc([&](const std::vector<const int*>& b) { c.commit(b); }, 1024, {}, 2);
    std::thread leader([&] { gc.submit(1); });
    c.wait_inside();
    gc.post(2, 1);
    gc.post(3, 1);  // the backlog is now at its bound
    auto third = std::async(std::launch::async, [&] {
        gc.post(4, 1);
        std::lock_guard lock(c.mutex);
        return c.finished;  // how many commits had finished when post returned
    });
    // The commit is held, so the backlog cannot shrink: a correct post() is still waiting however
    // long this looks, and one that ignored the bound would have returned by now.
    CHECK(third.wait_for(200ms) == std::future_status::timeout);
    c.release();
    leader.join();
    REQUIRE(third.wait_for(10s) == std::future_status::ready);
    CHECK(third.get() >= 2);  // it waited for the backlog to be committed
    gc.flush();
    CHECK(c.batches.back().back() == 4);  // and nothing was dropped
}

TEST_CASE("flush returns only after the callbacks of the commits it waited for have run", "[writer]") {
    // The dispatcher flushes at stop and is then destroyed; a callback still running would touch
    // a dead dispatcher. Callbacks run after the commit's lock is let go, so flush must wait.
    group_commit<int> gc([](const std::vector<const int*>&) {});
    std::promise<void> in_callback, gate;
    auto opened = gate.get_future().share();
    auto poster = std::async(std::launch::async, [&] {
        gc.post(1, 1, [&] {
            in_callback.set_value();
            opened.wait();
        });
    });
    in_callback.get_future().wait();  // the commit is over; its callback is running
    auto flushed = std::async(std::launch::async, [&] { gc.flush(); });
    // The callback is held, so a correct flush is still waiting however long this looks.
    CHECK(flushed.wait_for(200ms) == std::future_status::timeout);
    gate.set_value();
    CHECK(flushed.wait_for(10s) == std::future_status::ready);
    CHECK(poster.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("enqueued items are committed together on a thread of the group commit's own", "[writer]") {
    held_commits c;
    std::mutex m;
    std::set<std::thread::id> committed_on;
    group_commit<int> gc([&](const std::vector<const int*>& b) {
        {
            std::lock_guard lock(m);
            committed_on.insert(std::this_thread::get_id());
        }
        c.commit(b);
    });
    std::vector<std::exception_ptr> outcomes(3, std::make_exception_ptr(std::logic_error("not run")));
    std::promise<void> all_done;
    std::atomic<int> left{3};
    auto done = [&](int i) {
        return [&, i](std::exception_ptr e) {
            outcomes[i] = e;
            if (--left == 0) all_done.set_value();
        };
    };
    // The caller only queues: the first item is already being committed (and held there) by the
    // committer when enqueue returns, and the next two queue up behind that commit.
    gc.enqueue(1, 1, done(0));
    c.wait_inside();
    gc.enqueue(2, 1, done(1));
    gc.enqueue(3, 1, done(2));
    {
        std::lock_guard lock(c.mutex);
        CHECK(c.finished == 0);
    }
    c.release();
    REQUIRE(all_done.get_future().wait_for(10s) == std::future_status::ready);
    CHECK(c.batches == std::vector<std::vector<int>>{{1}, {2, 3}});
    for (const auto& e : outcomes) CHECK(e == nullptr);
    std::lock_guard lock(m);
    REQUIRE(committed_on.size() == 1);
    CHECK(*committed_on.begin() != std::this_thread::get_id());
}

TEST_CASE("an enqueued item's failed commit reaches its callback, and the queue goes on", "[writer]") {
    held_commits c;
    c.hold = false;
    std::size_t reported = 0;  // post()'s error callback is for posted items only
    group_commit<int> gc([&](const std::vector<const int*>& b) { c.commit(b); }, 1024,
                         [&](std::size_t w, std::exception_ptr) { reported += w; });
    std::promise<std::exception_ptr> failed, fine;
    gc.enqueue(-1, 1, [&](std::exception_ptr e) { failed.set_value(e); });
    auto e = failed.get_future();
    REQUIRE(e.wait_for(10s) == std::future_status::ready);
    CHECK_THROWS_WITH(std::rethrow_exception(e.get()), "disk full");
    gc.enqueue(5, 1, [&](std::exception_ptr e2) { fine.set_value(e2); });
    auto f = fine.get_future();
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    CHECK(f.get() == nullptr);
    CHECK(reported == 0);
}

TEST_CASE("destroying a group commit commits what was enqueued first", "[writer]") {
    std::vector<int> committed;
    int callbacks = 0;
    {
        group_commit<int> gc([&](const std::vector<const int*>& b) {
            for (const int* i : b) committed.push_back(*i);
        });
        for (int i = 0; i < 100; ++i) gc.enqueue(i, 1, [&](std::exception_ptr) { ++callbacks; });
    }
    CHECK(committed.size() == 100);
    CHECK(callbacks == 100);
}

TEST_CASE("write_fire_async answers once the fire is durable", "[writer]") {
    store_and_writer s;
    std::promise<std::exception_ptr> done;
    auto fire = std::make_shared<event_with_deliveries>(fire_of("async1"));
    s.writer.write_fire_async(fire, [&](std::exception_ptr e) {
        CHECK(s.db.get_event("async1"));  // readable by the time the callback runs
        done.set_value(e);
    });
    fire.reset();  // the writer keeps its own reference until the commit is over
    auto f = done.get_future();
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    CHECK(f.get() == nullptr);
    CHECK(s.db.unfinished_deliveries().size() == 1);
    std::promise<std::exception_ptr> dup;
    s.writer.write_fire_async(std::make_shared<event_with_deliveries>(fire_of("async1")),
                              [&](std::exception_ptr e) { dup.set_value(e); });
    auto d = dup.get_future();
    REQUIRE(d.wait_for(10s) == std::future_status::ready);
    CHECK(d.get() != nullptr);  // primary key violation, reported to the callback
}

TEST_CASE("concurrent fires are all committed and readable when write_fire returns", "[writer]") {
    store_and_writer s;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                const auto fire = fire_of("e" + std::to_string(t) + "-" + std::to_string(i));
                s.writer.write_fire(fire);
                REQUIRE(s.db.get_event(fire.first.id));  // durable when write_fire returns
            }
        });
    for (auto& t : threads) t.join();
    CHECK(s.db.unfinished_deliveries().size() == 400);
}

TEST_CASE("recorded attempts reach the store and set their deliveries' state", "[writer]") {
    store_and_writer s;
    const auto fire = fire_of("e1");
    s.writer.write_fire(fire);
    attempt_with_state done;
    done.first.delivery_id = "e1-l";
    done.first.attempt = 1;
    done.first.outcome = "ok";
    done.second = fire.second.front();
    done.second.state = delivery_state::delivered;
    done.second.attempts = 1;
    s.writer.record_attempts({done});
    s.writer.flush();
    CHECK(s.db.get_delivery("e1-l")->state == delivery_state::delivered);
    REQUIRE(s.db.attempts_of_delivery("e1-l").size() == 1);
    CHECK(s.db.unfinished_deliveries().empty());
}

TEST_CASE("a failed fire is reported to its writer and loses nothing queued behind it", "[writer]") {
    store_and_writer s;
    const auto fire = fire_of("dup", false);
    s.writer.write_fire(fire);
    CHECK_THROWS(s.writer.write_fire(fire));  // primary key violation
    s.writer.write_fire(fire_of("other", false));
    CHECK(s.db.get_event("other"));
}
