#include "store/wal_rewinder.hpp"

namespace herald::core {

wal_rewinder::wal_rewinder(sqlite3* db, int max_frames) : db_(db), max_frames_(max_frames), next_at_(max_frames) {
    sqlite3_wal_hook(db_, &wal_rewinder::on_commit, this);
}

wal_rewinder::~wal_rewinder() { sqlite3_wal_hook(db_, nullptr, nullptr); }

int wal_rewinder::on_commit(void* self, sqlite3*, const char*, int frames) {
    static_cast<wal_rewinder*>(self)->frames_ = frames;
    return SQLITE_OK;
}

void wal_rewinder::after_commit() {
    if (frames_ < next_at_) return;
    int in_log = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &in_log, &copied);
    if (rc == SQLITE_OK && in_log >= 0 && copied == in_log) {
        ++rewinds_;
        next_at_ = max_frames_;
        return;
    }
    // Busy (the background checkpointer is at it), a reader still on old frames, or an error:
    // nothing is lost — the frames stay in the WAL — and it is tried again a little later, not
    // after every commit.
    next_at_ = frames_ + max_frames_ / 8;
}

}  // namespace herald::core
