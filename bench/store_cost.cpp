// The store's share of P1 without sockets or other processes: CPU per delivery for writing what
// P1's committer writes — commits of 21 fires (four deliveries each) and the 84 first attempts
// of the previous commit's deliveries, all delivered — through sqlite_store::write_outbox on a
// fresh database. One thread doing nothing else, so it moves far less with the machine's load
// than P1 does: the figure to judge a change to the store's writes by, side by side with an
// older build's (bench/RESULTS.md). Usage: store_cost [deliveries] (default 200 000).
#include "store/sqlite_store.hpp"
#include "util/object_id.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace herald::core;

namespace {

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

constexpr int k_fires_per_commit = 21, k_listeners = 4;
const std::string k_document =
    R"({"event_type":"repo.sync.finish","payload":{"repo_id":"zoo","result":"success"},"call_report":null})";

}  // namespace

int main(int argc, char** argv) {
    const long total = argc > 1 ? std::atol(argv[1]) : 200000;
    const auto dir = std::filesystem::temp_directory_path() / ("herald-store-cost-" + new_object_id());
    std::filesystem::create_directories(dir);
    std::vector<std::string> listeners;
    for (int i = 0; i < k_listeners; ++i) listeners.push_back(new_object_id());
    double used = 0;
    long written = 0, commits = 0;
    {
        sqlite_store db((dir / "herald.db").string());
        std::vector<event_with_deliveries> fires, previous;
        const double start = cpu_seconds();
        while (written < total) {
            fires.clear();
            const long long now = now_ms();
            for (int f = 0; f < k_fires_per_commit; ++f) {
                event_with_deliveries& fire = fires.emplace_back();
                fire.first = {new_object_id(), "repo.sync.finish", "repo.sync.finish", k_document, now};
                for (const auto& l : listeners) {
                    delivery_record& d = fire.second.emplace_back();
                    d.id = fire.first.id + "-" + l;
                    d.event_id = fire.first.id;
                    d.listener_id = l;
                    d.next_attempt_ms = d.created_ms = d.updated_ms = now;
                }
            }
            std::vector<outbox_change> changes(fires.size() + 1);
            std::vector<const outbox_change*> batch;
            for (std::size_t i = 0; i < fires.size(); ++i) {
                changes[i].fire = &fires[i];
                batch.push_back(&changes[i]);
            }
            for (const auto& fire : previous)
                for (const auto& d : fire.second) {
                    attempt_record a{d.id, 1, now, 1, "ok", 200, "HTTP 200 from http://127.0.0.1:8080/hook", "ok"};
                    delivery_record after = d;
                    after.state = delivery_state::delivered;
                    after.attempts = 1;
                    after.last_message = a.message;
                    after.updated_ms = now + 1;
                    changes.back().attempts.emplace_back(a, after);
                }
            batch.push_back(&changes.back());
            db.write_outbox(batch);
            written += static_cast<long>(changes.back().attempts.size());
            ++commits;
            previous.swap(fires);
        }
        used = cpu_seconds() - start;
    }
    std::filesystem::remove_all(dir);
    std::printf("store CPU per delivery (its fire share and its attempt): %.2f us  (%ld deliveries, %ld commits)\n",
                1e6 * used / static_cast<double>(written), written, commits);
    return 0;
}
