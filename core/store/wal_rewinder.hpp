#pragma once
// Starts the WAL over from the writer's side. SQLite reuses its WAL from the beginning only when
// a write transaction begins with every frame already copied into the database file. Under
// steady commits the background checkpointer (wal_checkpointer.hpp) never gets there — each pass
// ends a few commits behind — so the WAL only ever grows (95 → 565 MiB in 5 s of P1), every
// commit extends the file (page-cache pages allocated and zeroed), and every page read that
// misses the cache searches a wal-index that grows with it. So the writer, between two of its
// own commits, runs a PASSIVE checkpoint once the WAL holds `max_frames` frames: with no commit
// in progress it can copy the last frames the background one left, and the next transaction
// starts the log over. It never waits — a checkpoint already running elsewhere makes it return,
// to try again a few commits later. Under load it ends up doing most of the copying itself
// (the background checkpointer passes every 250 ms, it every ~1 000 frames) — work that costs
// the same CPU on either thread, but here it lengthens the commit it follows, with the two syncs
// of a checkpoint. In P1 the three store changes of RESULTS.md items 31-33 together took
// heraldd's CPU per delivery from 47-52 µs to 33-40 µs, and the WAL from ~490 MiB to 5 MiB.
#include <sqlite3.h>

namespace herald::core {

class wal_rewinder {
public:
    /// Watches `db`'s commits (it takes over the connection's WAL hook, so the connection must
    /// not use SQLite's automatic checkpoints). 1 000 frames is SQLite's own automatic threshold.
    explicit wal_rewinder(sqlite3* db, int max_frames = 1000);
    ~wal_rewinder();
    wal_rewinder(const wal_rewinder&) = delete;
    wal_rewinder& operator=(const wal_rewinder&) = delete;

    /// Call after a commit, with no transaction open on the connection.
    void after_commit();
    /// Checkpoints that copied the whole log, so that it starts over (for tests).
    long long rewinds() const { return rewinds_; }

private:
    static int on_commit(void* self, sqlite3*, const char*, int frames);

    sqlite3* db_;
    int max_frames_;
    int frames_ = 0;  // in the WAL after the last commit
    int next_at_;     // checkpoint once frames_ reaches this
    long long rewinds_ = 0;
};

}  // namespace herald::core
