#include "emit_helper.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "chief/display_text.h"
#include "emit_command.h"
#include "exit_codes.h"

#ifndef CHIEF_EMIT_HELPER
#error "CHIEF_EMIT_HELPER (the installed chief-emit) must be defined by the build"
#endif

namespace chief::ctl {

std::string emitHelperPath() {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::filesystem::path beside = self.parent_path() / "chief-emit";
        if (::access(beside.c_str(), X_OK) == 0) return beside.string();
    }
    return CHIEF_EMIT_HELPER;
}

int execEmitHelper(const std::vector<std::string>& args, std::ostream& err) {
    const std::string helper = emitHelperPath();
    std::vector<char*> argv;
    argv.reserve(args.size() + 2);
    argv.push_back(const_cast<char*>(helper.c_str()));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    err.flush();
    ::execv(helper.c_str(), argv.data());
    const int error = errno;
    const auto request = parseEmitArguments(args);
    const bool strict = request && request.value().strict;
    err << "chiefctl emit: " << (strict ? "" : "warning: ") << "cannot run " << escapeForDisplay(helper) << ": "
        << std::strerror(error) << "; the event was not sent (is the chief package complete?)\n";
    return strict ? kExitFailed : kExitOk;
}

}  // namespace chief::ctl
