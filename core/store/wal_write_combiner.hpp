#pragma once
// A SQLite VFS that writes each transaction's WAL frames in one write instead of two per page.
//
// SQLite writes a WAL frame as two pwrite calls — its 24-byte header, then the page — at offsets
// that are not page-aligned, so each frame costs the kernel two system calls and three page-cache
// write_begin/write_end rounds. P1's committer wrote ~38 frames per commit that way: pwrite was
// 9 % of heraldd's CPU and 15 % of bench/store_cost's (RESULTS.md, eighth session). This VFS
// passes everything through to the default one, except that it gathers the contiguous writes to
// a WAL file in memory and writes them in one call:
//  - at the page of a commit frame (its header carries the database size; nothing else does), in
//    that very xWrite, so a failed write fails the commit exactly as before;
//  - before anything else touches the file (a read, a non-contiguous write, a sync, a truncate,
//    its size, a file control, closing it), and once 64 KiB have gathered.
// The frames of a transaction only become visible to other connections when SQLite publishes the
// new wal-index header, after a memory barrier (xShmBarrier) — by then they are written. As a
// safety net the barrier writes anything still gathered; a write that fails there cannot be
// reported to SQLite, so the process stops (std::abort) before a reader could see frames that are
// not in the file: on restart SQLite's WAL recovery checks each frame's checksum and discards the
// transaction, whose commit had not returned. Durability is unchanged: the data reaches the
// kernel before the commit returns, as it did (synchronous=NORMAL).
namespace herald::core {

/// Registers the VFS (once; later calls return at once) and returns its name, to open a
/// connection with. It wraps the default VFS.
const char* wal_write_combining_vfs();

}  // namespace herald::core
