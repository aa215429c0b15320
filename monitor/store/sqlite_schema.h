#pragma once
// The SQLite schema as versioned migrations, kept in the code: PRAGMA user_version says which
// have been applied; each new one runs in its own transaction at start-up.

#include <span>
#include <string_view>

namespace chief::monitor {

class SqliteDatabase;

// One step of the schema. Never edit a released step; add the next one.
struct SchemaMigration {
    int version;               // user_version after this step
    std::string_view summary;  // what it changes, for the log
    std::string_view sql;
};

// Every step, in order.
std::span<const SchemaMigration> schemaMigrations();

// Brings `db` to the latest version; returns how many steps ran. Refuses (StoreError) a file
// whose version is newer than this binary knows.
int migrateSchema(SqliteDatabase& db);

}  // namespace chief::monitor
