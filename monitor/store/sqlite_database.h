#pragma once
// A thin RAII seam over the SQLite C API: a connection and prepared statements that throw
// StoreError with SQLite's own message on failure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace chief::monitor {

// One prepared statement; reset() makes it reusable with new bindings. Parameters are 1-based,
// columns 0-based, as in SQLite.
class SqliteStatement {
public:
    SqliteStatement(sqlite3* db, std::string_view sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // Clears the previous execution and every binding.
    SqliteStatement& reset();
    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bindNull(int index);
    SqliteStatement& bind(int index, const std::optional<std::int64_t>& value);
    SqliteStatement& bind(int index, const std::optional<std::string>& value);
    // Binds text SQLite does not copy: it must stay valid until the statement is reset (the
    // event fields of an insert; temporaries must use bind()).
    SqliteStatement& bindStatic(int index, std::string_view text);
    SqliteStatement& bindStatic(int index, const std::optional<std::string>& value);

    // Runs to the next row: true when a row is ready, false when done.
    bool step();
    // Runs a statement that returns no rows.
    void run();

    bool isNull(int column) const;
    std::int64_t integer(int column) const;
    std::string text(int column) const;
    std::string_view textView(int column) const;  // valid until the next step() or reset()
    std::optional<std::int64_t> optionalInteger(int column) const;
    std::optional<std::string> optionalText(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

// One connection. Opened read-write (created if missing) or read-only.
class SqliteDatabase {
public:
    enum class Mode { ReadWrite, ReadOnly };
    SqliteDatabase(const std::string& path, Mode mode);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    // Runs one or more statements that return no rows.
    void exec(const std::string& sql);
    std::int64_t changes() const;
    std::int64_t lastInsertRowId() const;
    sqlite3* handle() const { return db_; }

private:
    sqlite3* db_ = nullptr;
};

}  // namespace chief::monitor
