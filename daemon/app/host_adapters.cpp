#include "app/host_adapters.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "logging/script_output_sinks.h"

namespace chief::daemon {

std::unique_ptr<ScriptProcess> ProcessLauncher::launch(const ScriptLaunch& launch, OutputSink& output,
                                                       ScriptProcess::ExitHandler onExit) {
    return ScriptProcess::start(io_, launch, output, std::move(onExit));
}

namespace {

bool isNumber(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

LoginAccount loginOf(const passwd& entry) {
    return {entry.pw_name ? entry.pw_name : "", entry.pw_dir ? entry.pw_dir : "", entry.pw_shell ? entry.pw_shell : ""};
}

}  // namespace

Result<RunIdentity> PosixAccountResolver::resolve(const std::string& user, const std::string& group) const {
    if (::geteuid() != 0) {
        const std::string who = !user.empty() ? "user \"" + user + "\"" : "group \"" + group + "\"";
        return makeError("running as " + who + " needs chiefd to run as root");
    }
    RunIdentity identity;
    std::vector<char> buffer(16384);
    if (!user.empty()) {
        passwd entry{};
        passwd* found = nullptr;
        if (isNumber(user)) {
            const auto uid = static_cast<uid_t>(std::stoul(user));
            ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
            identity.uid = uid;
            identity.gid = found ? found->pw_gid : static_cast<gid_t>(uid);
            identity.userName = found ? found->pw_name : user;
            // A uid without a passwd entry has no home or shell to give; USER/LOGNAME are the number.
            identity.login = found ? loginOf(*found) : LoginAccount{user, "", ""};
        } else {
            const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
            if (rc != 0 || !found)
                return makeError("user \"" + user + "\" does not exist" + (rc ? std::string(": ") + std::strerror(rc) : ""));
            identity.uid = found->pw_uid;
            identity.gid = found->pw_gid;
            identity.userName = found->pw_name;
            identity.login = loginOf(*found);
        }
    }
    if (user.empty()) identity.login = ownAccount();  // `group:` alone keeps chiefd's user
    if (!group.empty()) {
        ::group entry{};
        ::group* found = nullptr;
        if (isNumber(group)) {
            identity.gid = static_cast<gid_t>(std::stoul(group));
        } else {
            const int rc = ::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found);
            if (rc != 0 || !found)
                return makeError("group \"" + group + "\" does not exist" + (rc ? std::string(": ") + std::strerror(rc) : ""));
            identity.gid = found->gr_gid;
        }
    }
    return identity;
}

LoginAccount PosixAccountResolver::ownAccount() const {
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return {};
    return loginOf(*found);
}

std::unique_ptr<OutputSink> ScriptOutputSinks::open(const RunTicket& ticket, const Script& script) {
    const ScriptOutputContext context{ticket.job->name, ticket.id, script.resolvedPath};
    if (journal_) return std::make_unique<JournalOutputSink>(*journal_, context);
    return std::make_unique<ConsoleOutputSink>(console_, context);
}

}  // namespace chief::daemon
