#pragma once
#include "store/store.hpp"
#include "store/wal_checkpointer.hpp"
#include "store/wal_rewinder.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <memory>

#include <mutex>

namespace herald::core {

/// The embedded store: one SQLite file in WAL mode. One connection guarded by a mutex: SQLite
/// serialises writers anyway, and reads are short.
class sqlite_store final : public store {
public:
    explicit sqlite_store(const std::string& path);

    std::vector<listener_record> list_listeners() override;
    void each_listener(const std::function<void(const listener_record&)>& f) override;
    std::optional<listener_record> get_listener(const std::string& id) override;
    void insert_listener(const listener_record& l) override;
    bool update_listener(const listener_record& l) override;
    bool delete_listener(const std::string& id) override;
    void disable_listener(const std::string& id, const std::string& reason) override;
    void write_outbox(const std::vector<const outbox_change*>& batch) override;
    std::optional<event_record> get_event(const std::string& id) override;
    std::vector<delivery_record> deliveries_of_event(const std::string& event_id) override;
    std::vector<attempt_record> attempts_of_delivery(const std::string& delivery_id) override;
    std::optional<delivery_record> get_delivery(const std::string& id) override;
    std::vector<delivery_record> find_deliveries(const delivery_filter& f, int limit, int offset,
                                                 long long& total) override;
    std::vector<delivery_record> requeue(const delivery_filter& f, long long now) override;
    long long count_deliveries(const delivery_filter& f) override;
    void put_task(const std::string& task_id, const std::string& report, long long now) override;
    std::optional<std::string> get_task(const std::string& task_id) override;
    std::vector<delivery_record> unfinished_deliveries() override;
    bool acquire_lease(const std::string& holder, long long now, long long until,
                       const std::function<bool(const std::string&)>& holder_is_dead, std::string& current) override;
    bool renew_lease(const std::string& holder, long long until) override;
    void release_lease(const std::string& holder) override;
    std::string describe() override;

    struct where_clause;  // a delivery filter as SQL (sqlite_store.cpp)

private:
    long long count_locked(const where_clause& w);  // mutex_ held
    void migrate();
    SQLite::Statement& cached(const std::string& sql);
    /// The statements every fire and attempt runs (mutex_ held, in a transaction).
    struct hot_writes {
        SQLite::Statement& event;
        SQLite::Statement& delivery;
        SQLite::Statement& keep_previous;  // moves the attempt in a delivery's row to `attempts`
        SQLite::Statement& settle;         // the delivery's new state and latest attempt
    };
    void insert_fire(const event_with_deliveries& fire, const hot_writes& w);
    void insert_attempt(const attempt_with_state& attempt, const hot_writes& w);

    std::string path_;
    std::mutex mutex_;
    SQLite::Database db_;
    std::unique_ptr<wal_rewinder> rewinder_;  // after the pragmas: wal_autocheckpoint resets its hook
    std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;  // after db_: destroyed first
    std::unique_ptr<wal_checkpointer> checkpointer_;  // last: stops before the connection closes
};

}  // namespace herald::core
