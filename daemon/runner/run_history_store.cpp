#include "runner/run_history_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <system_error>

#include "chief/json_text.h"
#include "chief/system/bounded_file_reader.h"
#include "chief/time_format.h"
#include "state/file_lock.h"
#include "state/state_directory.h"

namespace chief::daemon {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// strerror() is not thread-safe, and writes happen on chiefd's history writer thread.
std::string errnoText(int error) { return std::system_category().message(error); }

json millisJson(const std::optional<SysMillis>& t) {
    return t ? json(t->time_since_epoch().count()) : json(nullptr);
}

json toJson(const RunRecord& run) {
    json scripts = json::array();
    for (const ScriptRecord& s : run.scripts) {
        scripts.push_back({{"path", s.path},
                           {"status", scriptStatusName(s.outcome.status)},
                           {"exit_code", s.outcome.exitCode},
                           {"signal", s.outcome.signal},
                           {"error", s.outcome.error},
                           {"started_ms", millisJson(s.startedAt)},
                           {"ended_ms", millisJson(s.endedAt)},
                           {"pid", s.pid},
                           {"output_tail", s.outputTail}});
    }
    return {{"id", run.id},
            {"job", run.job},
            {"trigger", triggerKindName(run.trigger)},
            {"scheduled_for", run.scheduledFor ? json(formatIsoUtc(*run.scheduledFor)) : json(nullptr)},
            {"scheduled_for_s", run.scheduledFor ? json(run.scheduledFor->time_since_epoch().count()) : json(nullptr)},
            {"started_ms", run.startedAt.time_since_epoch().count()},
            {"ended_ms", millisJson(run.endedAt)},
            {"duration_ms", run.durationMs()},
            {"result", run.result ? json(runResultName(*run.result)) : json(nullptr)},
            {"scripts", scripts}};
}

// A file that is valid JSON but not a history this chiefd wrote: the reason, for the message.
struct NotHistory {
    std::string why;
};

template <typename Enum, std::size_t N>
Enum enumFrom(const json& j, const char* field, const Enum (&values)[N], const char* (*nameOf)(Enum)) {
    if (!j.is_string()) throw NotHistory{std::string("\"") + field + "\" is not a string"};
    for (Enum v : values)
        if (j.get_ref<const std::string&>() == nameOf(v)) return v;
    throw NotHistory{std::string("unknown ") + field + " \"" + j.get<std::string>() + "\""};
}

// Strict typed access: a field of the wrong type makes the whole file unusable, instead of an
// exception escaping (which aborted chiefd at every start) or a silently wrong value.
const json& field(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end()) throw NotHistory{std::string("\"") + name + "\" is missing"};
    return *it;
}
std::string stringField(const json& object, const char* name) {
    const json& j = field(object, name);
    if (!j.is_string()) throw NotHistory{std::string("\"") + name + "\" is not a string"};
    return j.get<std::string>();
}
std::int64_t integerField(const json& object, const char* name) {
    const json& j = field(object, name);
    if (!j.is_number_integer()) throw NotHistory{std::string("\"") + name + "\" is not an integer"};
    return j.get<std::int64_t>();
}
std::optional<SysMillis> millisField(const json& object, const char* name) {
    const json& j = field(object, name);
    if (j.is_null()) return std::nullopt;
    if (!j.is_number_integer()) throw NotHistory{std::string("\"") + name + "\" is neither an integer nor null"};
    return SysMillis{std::chrono::milliseconds{j.get<std::int64_t>()}};
}

RunRecord runFromJson(const json& j) {
    if (!j.is_object()) throw NotHistory{"a run is not an object"};
    static const TriggerKind triggers[] = {TriggerKind::Schedule, TriggerKind::Manual, TriggerKind::Once};
    static const RunResult results[] = {RunResult::Succeeded, RunResult::Failed, RunResult::Cancelled,
                                        RunResult::Interrupted};
    static const ScriptOutcome::Status statuses[] = {
        ScriptOutcome::Status::Exited,  ScriptOutcome::Status::Signaled,    ScriptOutcome::Status::TimedOut,
        ScriptOutcome::Status::Stopped, ScriptOutcome::Status::SpawnFailed, ScriptOutcome::Status::Skipped};
    RunRecord run;
    run.id = stringField(j, "id");
    run.job = stringField(j, "job");
    if (run.id.empty() || run.job.empty()) throw NotHistory{"a run without an id or job"};
    run.trigger = enumFrom(field(j, "trigger"), "trigger", triggers, triggerKindName);
    if (const json& due = field(j, "scheduled_for_s"); !due.is_null()) {
        if (!due.is_number_integer()) throw NotHistory{"\"scheduled_for_s\" is neither an integer nor null"};
        run.scheduledFor = SysSeconds{Seconds{due.get<std::int64_t>()}};
    }
    run.startedAt = SysMillis{std::chrono::milliseconds{integerField(j, "started_ms")}};
    run.endedAt = millisField(j, "ended_ms");
    if (const json& result = field(j, "result"); !result.is_null())
        run.result = enumFrom(result, "result", results, runResultName);
    const json& scripts = field(j, "scripts");
    if (!scripts.is_array()) throw NotHistory{"\"scripts\" is not a list"};
    for (const json& s : scripts) {
        if (!s.is_object()) throw NotHistory{"a script is not an object"};
        ScriptRecord script;
        script.path = stringField(s, "path");
        script.outcome.status = enumFrom(field(s, "status"), "status", statuses, scriptStatusName);
        script.outcome.exitCode = static_cast<int>(integerField(s, "exit_code"));
        script.outcome.signal = static_cast<int>(integerField(s, "signal"));
        script.outcome.error = stringField(s, "error");
        script.startedAt = millisField(s, "started_ms");
        script.endedAt = millisField(s, "ended_ms");
        script.pid = integerField(s, "pid");
        // Optional: history written before chiefd kept output has none.
        if (const auto tail = s.find("output_tail"); tail != s.end() && tail->is_string()) script.outputTail = *tail;
        run.scripts.push_back(std::move(script));
    }
    return run;
}

// A job file's runs, or why it is not a usable history.
struct ParsedFile {
    std::vector<RunRecord> runs;
    std::optional<std::string> problem;
};

ParsedFile parseHistory(const std::string& text, const std::string& job) {
    ParsedFile parsed;
    const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        parsed.problem = "is not valid JSON";
        return parsed;
    }
    try {
        if (!doc.is_object()) throw NotHistory{"is not a JSON object"};
        const json& version = field(doc, "version");
        if (!version.is_number_integer() || version.get<std::int64_t>() != RunHistoryStore::kFormatVersion)
            throw NotHistory{"has history format version " + jsonText(version) + ", which this chiefd does not know (it "
                             "reads and writes version " + std::to_string(RunHistoryStore::kFormatVersion) + ")"};
        const json& runs = field(doc, "runs");
        if (!runs.is_array()) throw NotHistory{"\"runs\" is not a list"};
        for (const json& r : runs) {
            RunRecord run = runFromJson(r);
            if (run.job != job) throw NotHistory{"holds a run of job \"" + run.job + "\""};
            parsed.runs.push_back(std::move(run));
        }
    } catch (const NotHistory& notHistory) {
        parsed.runs.clear();
        parsed.problem = notHistory.why;
    }
    return parsed;
}

fs::path runsDirectory(const std::string& directory) { return fs::path(directory) / "runs"; }

std::optional<RunHistoryStore::FileStamp> stampOf(const fs::path& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return RunHistoryStore::FileStamp{static_cast<std::uint64_t>(st.st_ino),
                                      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                                      static_cast<std::int64_t>(st.st_size)};
}

// Moves an unusable file out of the way, keeping it for inspection; never overwritten later.
std::string setAside(const fs::path& path, const std::string& problem) {
    const fs::path aside = fs::path(path).concat(".corrupt");
    std::error_code ec;
    fs::rename(path, aside, ec);
    if (ec) return "run history " + path.string() + " " + problem + " and cannot be moved aside (" + ec.message() + ")";
    return "run history " + path.string() + " " + problem + "; moved aside to " + aside.string() + ", ignoring it";
}

// Writes `text` to a fresh temporary file beside `path` and renames it over `path`.
std::optional<std::string> replaceFile(const fs::path& path, const std::string& text) {
    static thread_local std::minstd_rand random{std::random_device{}()};
    std::string tmp;
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
        tmp = path.string() + ".tmp." + std::to_string(random());
        // O_EXCL|O_NOFOLLOW: a name someone else created (or linked) is never written through.
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
        if (fd < 0 && errno != EEXIST) return "cannot create " + tmp + ": " + errnoText(errno);
    }
    if (fd < 0) return "cannot create a temporary file beside " + path.string();
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string error = errnoText(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return "cannot write " + tmp + ": " + error;
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string error = errnoText(errno);
        ::unlink(tmp.c_str());
        return "cannot flush " + tmp + ": " + error;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string error = errnoText(errno);
        ::unlink(tmp.c_str());
        return "cannot replace " + path.string() + ": " + error;
    }
    return std::nullopt;
}

// `mine` and `theirs` merged by run id, oldest first, the newest `perJob` kept. For a run both
// hold, mine wins unless only theirs knows how it ended.
std::vector<RunRecord> mergeRuns(std::vector<RunRecord> mine, const std::vector<RunRecord>& theirs, std::size_t perJob) {
    std::map<std::string, std::size_t> known;
    for (std::size_t i = 0; i < mine.size(); ++i) known.emplace(mine[i].id, i);
    for (const RunRecord& r : theirs) {
        const auto it = known.find(r.id);
        if (it == known.end())
            mine.push_back(r);
        else if (!mine[it->second].result && r.result)
            mine[it->second] = r;
    }
    std::stable_sort(mine.begin(), mine.end(), [](const RunRecord& a, const RunRecord& b) { return a.id < b.id; });
    if (mine.size() > perJob) mine.erase(mine.begin(), mine.end() - static_cast<std::ptrdiff_t>(perJob));
    return mine;
}

}  // namespace

RunHistoryStore::RunHistoryStore(std::string directory, std::size_t perJob)
    : directory_(std::move(directory)), perJob_(perJob) {}

std::vector<std::string> RunHistoryStore::load() {
    std::vector<std::string> problems;
    if (directory_.empty()) return problems;
    const fs::path dir = runsDirectory(directory_);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return problems;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const fs::path path = entry.path();
        if (path.extension() != ".json") continue;
        const std::string job = path.stem().string();
        const auto stamp = stampOf(path);
        auto text = system::readRegularFile(path.string(), kMaxFileBytes);
        if (!text) {
            problems.push_back(setAside(path, "cannot be used (" + text.error() + ")"));
            continue;
        }
        ParsedFile parsed = parseHistory(text.value(), job);
        if (parsed.problem) {
            problems.push_back(setAside(path, *parsed.problem));
            continue;
        }
        auto& runs = runs_[job];
        for (const RunRecord& run : parsed.runs) insert(runs, run);
        if (stamp) stamps_[job] = *stamp;
    }
    return problems;
}

std::vector<std::string> RunHistoryStore::refresh() {
    std::vector<std::string> problems;
    if (directory_.empty()) return problems;
    const fs::path dir = runsDirectory(directory_);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const fs::path path = entry.path();
        if (path.extension() != ".json") continue;
        const std::string job = path.stem().string();
        const auto stamp = stampOf(path);
        if (!stamp) continue;
        if (const auto known = stamps_.find(job); known != stamps_.end() && known->second == *stamp) continue;
        auto text = system::readRegularFile(path.string(), kMaxFileBytes);
        if (!text) continue;  // gone or replaced meanwhile; the next load() or write reports it
        ParsedFile parsed = parseHistory(text.value(), job);
        stamps_[job] = *stamp;  // a bad file is reported once, not at every call
        if (parsed.problem) {
            problems.push_back("run history " + path.string() + " " + *parsed.problem + "; ignoring it for now");
            continue;
        }
        adoptRuns(job, parsed.runs);
    }
    return problems;
}

void RunHistoryStore::insert(std::deque<RunRecord>& runs, const RunRecord& run) const {
    // Runs arrive nearly in id order: look from the newest end.
    auto it = runs.end();
    while (it != runs.begin() && std::prev(it)->id > run.id) --it;
    if (it != runs.begin() && std::prev(it)->id == run.id)
        *std::prev(it) = run;
    else
        runs.insert(it, run);
    while (runs.size() > perJob_) runs.pop_front();
}

void RunHistoryStore::record(const RunRecord& run) {
    insert(runs_[run.job], run);
    if (!directory_.empty()) dirty_.insert(run.job);
}

std::vector<RunRecord> RunHistoryStore::interruptUnfinished() {
    std::vector<RunRecord> out;
    for (auto& [job, runs] : runs_) {
        for (RunRecord& run : runs) {
            if (run.result) continue;
            run.result = RunResult::Interrupted;
            out.push_back(run);
            if (!directory_.empty()) dirty_.insert(job);
        }
    }
    std::sort(out.begin(), out.end(), [](const RunRecord& a, const RunRecord& b) { return a.id < b.id; });
    return out;
}

std::vector<RunHistoryStore::FileWrite> RunHistoryStore::takeChanges() {
    std::vector<FileWrite> files;
    if (directory_.empty()) return files;
    files.reserve(dirty_.size());
    for (const std::string& job : dirty_) {
        const auto& runs = runs_[job];
        files.push_back({job, std::vector<RunRecord>(runs.begin(), runs.end())});
    }
    dirty_.clear();
    return files;
}

RunHistoryStore::WriteOutcome RunHistoryStore::write(const std::string& directory, std::vector<FileWrite> files,
                                                     std::size_t perJob) {
    WriteOutcome outcome;
    if (files.empty()) return outcome;
    const fs::path dir = runsDirectory(directory);
    if (auto prepared = prepareStateDirectory(dir.string()); !prepared) {
        outcome.error = prepared.error();
        return outcome;
    }
    for (FileWrite& file : files) {
        const fs::path path = dir / (file.job + ".json");
        auto lock = FileLock::acquire((dir / (file.job + ".lock")).string());
        if (!lock) {
            if (!outcome.error) outcome.error = lock.error();
            continue;
        }
        // What another process (chiefd --once from cron) added since: kept, not overwritten.
        std::vector<RunRecord> theirs;
        if (auto text = system::readRegularFile(path.string(), kMaxFileBytes)) {
            ParsedFile parsed = parseHistory(text.value(), file.job);
            if (parsed.problem) setAside(path, *parsed.problem);  // reported by the next load()
            theirs = std::move(parsed.runs);
        }
        file.runs = mergeRuns(std::move(file.runs), theirs, perJob);
        json list = json::array();
        for (const RunRecord& r : file.runs) list.push_back(toJson(r));
        const std::string text = jsonText(json{{"version", kFormatVersion}, {"runs", list}}) + "\n";
        if (auto error = replaceFile(path, text)) {
            if (!outcome.error) outcome.error = std::move(error);
            continue;
        }
        if (const auto stamp = stampOf(path)) outcome.written.emplace_back(file.job, *stamp);  // still under the lock
        if (!theirs.empty()) outcome.merged.push_back(std::move(file));
    }
    // The renames are durable once the directory is.
    if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    return outcome;
}

void RunHistoryStore::adoptRuns(const std::string& job, const std::vector<RunRecord>& runs) {
    auto& mine = runs_[job];
    for (const RunRecord& run : runs) {
        const auto known = std::find_if(mine.begin(), mine.end(), [&](const RunRecord& r) { return r.id == run.id; });
        if (known == mine.end())
            insert(mine, run);
        else if (!known->result && run.result)
            *known = run;  // another process saw its end (its own run, recorded here at its start)
    }
}

void RunHistoryStore::adopt(const WriteOutcome& outcome) {
    for (const FileWrite& file : outcome.merged) adoptRuns(file.job, file.runs);
    for (const auto& [job, stamp] : outcome.written) stamps_[job] = stamp;
}

std::optional<std::string> RunHistoryStore::flush() {
    WriteOutcome outcome = write(directory_, takeChanges(), perJob_);
    adopt(outcome);
    return outcome.error;
}

std::vector<RunRecord> RunHistoryStore::history(const std::string& job, std::size_t limit, bool finishedOnly) const {
    std::vector<RunRecord> out;
    auto it = runs_.find(job);
    if (it == runs_.end()) return out;
    for (auto r = it->second.rbegin(); r != it->second.rend(); ++r) {
        if (limit && out.size() == limit) break;
        if (finishedOnly && !r->result) continue;
        out.push_back(*r);
    }
    return out;
}

std::optional<RunRecord> RunHistoryStore::last(const std::string& job) const {
    auto it = runs_.find(job);
    if (it == runs_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

const RunRecord* RunHistoryStore::find(const RunId& id) const {
    for (const auto& [job, runs] : runs_)
        for (const RunRecord& run : runs)
            if (run.id == id) return &run;
    return nullptr;
}

std::optional<RunRecord> RunHistoryStore::lastFinished(const std::string& job) const {
    auto it = runs_.find(job);
    if (it == runs_.end()) return std::nullopt;
    for (auto r = it->second.rbegin(); r != it->second.rend(); ++r)
        if (r->result) return *r;
    return std::nullopt;
}

}  // namespace chief::daemon
