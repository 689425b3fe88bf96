#pragma once
// The SQLite store's tables, and the upgrades from every earlier layout. The layout version is
// kept in PRAGMA user_version.
#include <SQLiteCpp/Database.h>

namespace herald::core {

/// Layout version this build writes.
constexpr int k_sqlite_schema_version = 5;

/// Creates the tables of a new database, or upgrades an older layout in place (in one
/// transaction, keeping every row). Refuses a database written by a newer Herald.
void apply_sqlite_schema(SQLite::Database& db);

}  // namespace herald::core
