#include "store/wal_write_combiner.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace herald::core {

namespace {

// The default VFS writes at most 128 KiB - 1 per call (it masks the length with 0x1ffff and
// reports a longer write as a full disk), so gathered bytes go out in pieces of 64 KiB.
constexpr std::size_t k_piece_bytes = 64 * 1024;
constexpr int k_frame_header_bytes = 24;

sqlite3_vfs* real_vfs() {
    static sqlite3_vfs* const real = sqlite3_vfs_find(nullptr);
    return real;
}

/// What SQLite allocates for a file of this VFS: this object, then the default VFS's file.
struct combined_file {
    sqlite3_file base;  // first, so that SQLite's pointer is a pointer to this object
    sqlite3_file* real = nullptr;
    bool wal = false;
    std::mutex lock;  // a barrier on another connection's thread may write what this one gathered
    std::string gathered;
    sqlite3_int64 gathered_at = 0;
    bool commit_page_next = false;  // the last write was a commit frame's header
};

constexpr std::size_t k_own_bytes = (sizeof(combined_file) + 15) & ~std::size_t{15};

// Every open WAL file of this VFS, for the barrier's safety net.
std::mutex registry_lock;
std::vector<combined_file*> wal_files;

combined_file* self(sqlite3_file* f) { return reinterpret_cast<combined_file*>(f); }
const sqlite3_io_methods& real_io(sqlite3_file* f) { return *self(f)->real->pMethods; }

/// Writes what `f` gathered. The caller holds f->lock. Nothing is kept after a failure: SQLite
/// rolls the transaction back and writes its frames again.
int write_gathered(combined_file* f) {
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < f->gathered.size() && rc == SQLITE_OK; done += k_piece_bytes) {
        const std::size_t n = std::min(k_piece_bytes, f->gathered.size() - done);
        rc = f->real->pMethods->xWrite(f->real, f->gathered.data() + done, static_cast<int>(n),
                                       f->gathered_at + static_cast<sqlite3_int64>(done));
    }
    f->gathered.clear();
    f->commit_page_next = false;
    return rc;
}

int flushed(sqlite3_file* file) {
    combined_file* f = self(file);
    if (!f->wal) return SQLITE_OK;
    std::lock_guard guard(f->lock);
    return write_gathered(f);
}

// A commit frame's header holds the database's size in pages after the commit (bytes 4-7, big
// endian); every other frame's holds zero there.
bool is_commit_header(const void* data, int amount) {
    if (amount != k_frame_header_bytes) return false;
    const auto* b = static_cast<const unsigned char*>(data);
    return (b[4] | b[5] | b[6] | b[7]) != 0;
}

int x_close(sqlite3_file* file) {
    combined_file* f = self(file);
    int rc = SQLITE_OK;
    if (f->wal) {
        {
            std::lock_guard guard(registry_lock);
            wal_files.erase(std::remove(wal_files.begin(), wal_files.end(), f), wal_files.end());
        }
        rc = flushed(file);
    }
    const int closed = f->real->pMethods->xClose(f->real);
    f->~combined_file();
    return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    if (const int rc = flushed(file); rc != SQLITE_OK) return rc;
    return real_io(file).xRead(self(file)->real, out, amount, offset);
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    combined_file* f = self(file);
    if (!f->wal) return real_io(file).xWrite(f->real, data, amount, offset);
    std::lock_guard guard(f->lock);
    if (!f->gathered.empty() && offset != f->gathered_at + static_cast<sqlite3_int64>(f->gathered.size()))
        if (const int rc = write_gathered(f); rc != SQLITE_OK) return rc;
    if (f->gathered.empty()) f->gathered_at = offset;
    f->gathered.append(static_cast<const char*>(data), static_cast<std::size_t>(amount));
    const bool commit_page = f->commit_page_next && amount != k_frame_header_bytes;
    f->commit_page_next = is_commit_header(data, amount);
    if (commit_page || f->gathered.size() >= k_piece_bytes) return write_gathered(f);
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    if (const int rc = flushed(file); rc != SQLITE_OK) return rc;
    return real_io(file).xTruncate(self(file)->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
    if (const int rc = flushed(file); rc != SQLITE_OK) return rc;
    return real_io(file).xSync(self(file)->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    if (const int rc = flushed(file); rc != SQLITE_OK) return rc;
    return real_io(file).xFileSize(self(file)->real, size);
}

int x_lock(sqlite3_file* file, int level) { return real_io(file).xLock(self(file)->real, level); }
int x_unlock(sqlite3_file* file, int level) { return real_io(file).xUnlock(self(file)->real, level); }
int x_check_reserved_lock(sqlite3_file* file, int* out) {
    return real_io(file).xCheckReservedLock(self(file)->real, out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
    if (const int rc = flushed(file); rc != SQLITE_OK) return rc;
    return real_io(file).xFileControl(self(file)->real, op, arg);
}

int x_sector_size(sqlite3_file* file) { return real_io(file).xSectorSize(self(file)->real); }
int x_device_characteristics(sqlite3_file* file) { return real_io(file).xDeviceCharacteristics(self(file)->real); }

int x_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
    if (real_io(file).iVersion < 2) return SQLITE_IOERR;
    return real_io(file).xShmMap(self(file)->real, region, size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    if (real_io(file).iVersion < 2) return SQLITE_IOERR;
    return real_io(file).xShmLock(self(file)->real, offset, n, flags);
}

// SQLite calls this between the two copies of a new wal-index header it publishes: every frame
// the header will name must be in the file by then. Commits have written theirs already.
void x_shm_barrier(sqlite3_file* file) {
    {
        std::lock_guard registry(registry_lock);
        for (combined_file* f : wal_files) {
            std::lock_guard guard(f->lock);
            if (write_gathered(f) != SQLITE_OK) {
                std::fputs("heraldd: cannot write WAL frames SQLite is about to publish; stopping so that "
                           "recovery discards the unfinished transaction\n",
                           stderr);
                std::abort();
            }
        }
    }
    if (real_io(file).iVersion >= 2) real_io(file).xShmBarrier(self(file)->real);
}

int x_shm_unmap(sqlite3_file* file, int remove) {
    if (real_io(file).iVersion < 2) return SQLITE_OK;
    return real_io(file).xShmUnmap(self(file)->real, remove);
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    if (real_io(file).iVersion < 3) {
        *out = nullptr;
        return SQLITE_OK;
    }
    return real_io(file).xFetch(self(file)->real, offset, amount, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
    if (real_io(file).iVersion < 3) return SQLITE_OK;
    return real_io(file).xUnfetch(self(file)->real, offset, p);
}

const sqlite3_io_methods k_io = {3,
                                 x_close,
                                 x_read,
                                 x_write,
                                 x_truncate,
                                 x_sync,
                                 x_file_size,
                                 x_lock,
                                 x_unlock,
                                 x_check_reserved_lock,
                                 x_file_control,
                                 x_sector_size,
                                 x_device_characteristics,
                                 x_shm_map,
                                 x_shm_lock,
                                 x_shm_barrier,
                                 x_shm_unmap,
                                 x_fetch,
                                 x_unfetch};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* f = new (file) combined_file();
    f->base.pMethods = nullptr;
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + k_own_bytes);
    f->real->pMethods = nullptr;
    const int rc = real_vfs()->xOpen(real_vfs(), name, f->real, flags, out_flags);
    if (rc != SQLITE_OK || f->real->pMethods == nullptr) {
        // SQLite does not close a file whose open failed.
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        f->~combined_file();
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    if (f->wal) {
        std::lock_guard guard(registry_lock);
        wal_files.push_back(f);
    }
    f->base.pMethods = &k_io;
    return SQLITE_OK;
}

// The rest is the default VFS's, called with its own object (it keeps state in pAppData).
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return real_vfs()->xDelete(real_vfs(), name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return real_vfs()->xAccess(real_vfs(), name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return real_vfs()->xFullPathname(real_vfs(), name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return real_vfs()->xDlOpen(real_vfs(), name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { real_vfs()->xDlError(real_vfs(), n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return real_vfs()->xDlSym(real_vfs(), handle, symbol);
}
void x_dl_close(sqlite3_vfs*, void* handle) { real_vfs()->xDlClose(real_vfs(), handle); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return real_vfs()->xRandomness(real_vfs(), n, out); }
int x_sleep(sqlite3_vfs*, int us) { return real_vfs()->xSleep(real_vfs(), us); }
int x_current_time(sqlite3_vfs*, double* out) { return real_vfs()->xCurrentTime(real_vfs(), out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
    return real_vfs()->xGetLastError ? real_vfs()->xGetLastError(real_vfs(), n, out) : 0;
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    if (real_vfs()->iVersion >= 2 && real_vfs()->xCurrentTimeInt64)
        return real_vfs()->xCurrentTimeInt64(real_vfs(), out);
    double days = 0;
    const int rc = real_vfs()->xCurrentTime(real_vfs(), &days);
    *out = static_cast<sqlite3_int64>(days * 86400000.0);
    return rc;
}

sqlite3_vfs make_vfs() {
    sqlite3_vfs v{};
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(k_own_bytes) + real_vfs()->szOsFile;
    v.mxPathname = real_vfs()->mxPathname;
    v.zName = "herald-wal-combining";
    v.xOpen = x_open;
    v.xDelete = x_delete;
    v.xAccess = x_access;
    v.xFullPathname = x_full_pathname;
    v.xDlOpen = x_dl_open;
    v.xDlError = x_dl_error;
    v.xDlSym = x_dl_sym;
    v.xDlClose = x_dl_close;
    v.xRandomness = x_randomness;
    v.xSleep = x_sleep;
    v.xCurrentTime = x_current_time;
    v.xGetLastError = x_get_last_error;
    v.xCurrentTimeInt64 = x_current_time_int64;
    return v;
}

}  // namespace

const char* wal_write_combining_vfs() {
    static sqlite3_vfs vfs = make_vfs();
    static const int registered = sqlite3_vfs_register(&vfs, 0);
    (void)registered;
    return vfs.zName;
}

}  // namespace herald::core
