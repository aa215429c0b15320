#include "runner/run_history_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "chief/time_format.h"

namespace chief::daemon {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json millisJson(const std::optional<SysMillis>& t) {
    return t ? json(t->time_since_epoch().count()) : json(nullptr);
}

std::optional<SysMillis> millisFrom(const json& j) {
    if (!j.is_number_integer()) return std::nullopt;
    return SysMillis{std::chrono::milliseconds{j.get<std::int64_t>()}};
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
                           {"pid", s.pid}});
    }
    return {{"id", run.id},
            {"job", run.job},
            {"trigger", triggerKindName(run.trigger)},
            {"scheduled_for", formatIsoUtc(run.scheduledFor)},
            {"scheduled_for_s", run.scheduledFor.time_since_epoch().count()},
            {"started_ms", run.startedAt.time_since_epoch().count()},
            {"ended_ms", millisJson(run.endedAt)},
            {"duration_ms", run.durationMs()},
            {"result", run.result ? json(runResultName(*run.result)) : json(nullptr)},
            {"scripts", scripts}};
}

template <typename Enum, std::size_t N>
std::optional<Enum> enumFrom(const std::string& name, const Enum (&values)[N], const char* (*nameOf)(Enum)) {
    for (Enum v : values)
        if (name == nameOf(v)) return v;
    return std::nullopt;
}

std::optional<RunRecord> fromJson(const json& j) {
    if (!j.is_object()) return std::nullopt;
    RunRecord run;
    run.id = j.value("id", "");
    run.job = j.value("job", "");
    if (run.id.empty() || run.job.empty()) return std::nullopt;
    static const TriggerKind triggers[] = {TriggerKind::Schedule, TriggerKind::Manual, TriggerKind::Once};
    run.trigger = enumFrom(j.value("trigger", ""), triggers, triggerKindName).value_or(TriggerKind::Schedule);
    run.scheduledFor = SysSeconds{Seconds{j.value("scheduled_for_s", std::int64_t{0})}};
    run.startedAt = SysMillis{std::chrono::milliseconds{j.value("started_ms", std::int64_t{0})}};
    run.endedAt = millisFrom(j.value("ended_ms", json(nullptr)));
    static const RunResult results[] = {RunResult::Succeeded, RunResult::Failed, RunResult::Cancelled};
    if (j.contains("result") && j["result"].is_string()) run.result = enumFrom(j["result"].get<std::string>(), results, runResultName);
    static const ScriptOutcome::Status statuses[] = {
        ScriptOutcome::Status::Exited,  ScriptOutcome::Status::Signaled,    ScriptOutcome::Status::TimedOut,
        ScriptOutcome::Status::Stopped, ScriptOutcome::Status::SpawnFailed, ScriptOutcome::Status::Skipped};
    for (const json& s : j.value("scripts", json::array())) {
        ScriptRecord script;
        script.path = s.value("path", "");
        script.outcome.status = enumFrom(s.value("status", ""), statuses, scriptStatusName).value_or(ScriptOutcome::Status::Skipped);
        script.outcome.exitCode = s.value("exit_code", -1);
        script.outcome.signal = s.value("signal", 0);
        script.outcome.error = s.value("error", "");
        script.startedAt = millisFrom(s.value("started_ms", json(nullptr)));
        script.endedAt = millisFrom(s.value("ended_ms", json(nullptr)));
        script.pid = s.value("pid", std::int64_t{0});
        run.scripts.push_back(std::move(script));
    }
    return run;
}

// strerror() is not thread-safe, and writes happen on chiefd's history writer thread.
std::string errnoText(int error) { return std::system_category().message(error); }

// Writes `text` to `path` so that a crash leaves either the old file or the complete new one.
std::optional<std::string> writeAtomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return "cannot create " + tmp + ": " + errnoText(errno);
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string error = errnoText(errno);
            ::close(fd);
            return "cannot write " + tmp + ": " + error;
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) return "cannot flush " + tmp + ": " + errnoText(errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return "cannot replace " + path + ": " + errnoText(errno);
    return std::nullopt;
}

}  // namespace

std::string runRecordJson(const RunRecord& run) { return toJson(run).dump(); }

RunHistoryStore::RunHistoryStore(std::string directory, std::size_t perJob)
    : directory_(std::move(directory)), perJob_(perJob) {}

std::vector<std::string> RunHistoryStore::load() {
    std::vector<std::string> problems;
    if (directory_.empty()) return problems;
    const fs::path dir = fs::path(directory_) / "runs";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return problems;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const fs::path path = entry.path();
        if (path.extension() != ".json") continue;
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded() || !doc.is_object() || !doc["runs"].is_array()) {
            fs::rename(path, fs::path(path).concat(".corrupt"), ec);
            problems.push_back("run history " + path.string() + " is unreadable; moved aside to " + path.string() +
                               ".corrupt, ignoring");
            continue;
        }
        const std::string job = path.stem().string();
        auto& runs = runs_[job];
        for (const json& r : doc["runs"])
            if (auto run = fromJson(r)) runs.push_back(std::move(*run));
        while (runs.size() > perJob_) runs.pop_front();
    }
    return problems;
}

void RunHistoryStore::record(const RunRecord& run) {
    auto& runs = runs_[run.job];
    runs.push_back(run);
    while (runs.size() > perJob_) runs.pop_front();
    if (!directory_.empty()) dirty_.insert(run.job);
}

std::vector<RunHistoryStore::FileWrite> RunHistoryStore::takeChanges() {
    std::vector<FileWrite> files;
    if (directory_.empty()) return files;
    const fs::path dir = fs::path(directory_) / "runs";
    files.reserve(dirty_.size());
    for (const std::string& job : dirty_) {
        json list = json::array();
        for (const RunRecord& r : runs_[job]) list.push_back(toJson(r));
        files.push_back({(dir / (job + ".json")).string(), json{{"version", 1}, {"runs", list}}.dump() + "\n"});
    }
    dirty_.clear();
    return files;
}

std::optional<std::string> RunHistoryStore::write(const std::string& directory, const std::vector<FileWrite>& files) {
    if (files.empty()) return std::nullopt;
    const fs::path dir = fs::path(directory) / "runs";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    std::optional<std::string> firstError;
    for (const FileWrite& file : files) {
        auto error = writeAtomically(file.path, file.text);
        if (error && !firstError) firstError = std::move(error);
    }
    return firstError;
}

std::vector<RunRecord> RunHistoryStore::history(const std::string& job, std::size_t limit) const {
    std::vector<RunRecord> out;
    auto it = runs_.find(job);
    if (it == runs_.end()) return out;
    for (auto r = it->second.rbegin(); r != it->second.rend(); ++r) {
        if (limit && out.size() == limit) break;
        out.push_back(*r);
    }
    return out;
}

std::optional<RunRecord> RunHistoryStore::last(const std::string& job) const {
    auto it = runs_.find(job);
    if (it == runs_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

}  // namespace chief::daemon
