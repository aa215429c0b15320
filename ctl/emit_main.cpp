// chief-emit: the HTTP half of `chiefctl emit`, a program of its own so that only an emit
// loads libcurl (and its ~30 libraries); every other chiefctl call starts without it.
// chiefctl executes it with the arguments that followed `emit` (see emit_helper.h).
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <random>

#include "chief/display_text.h"
#include "emit_command.h"
#include "exit_codes.h"
#include "http_event_poster.h"

namespace {

// 128 random bits in hex: unique per event, so the monitor can drop a repeat and only a repeat.
std::string freshEventId() {
    std::random_device entropy;  // getrandom(2) on Linux
    std::string id;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int word = 0; word < 4; ++word) {
        std::uint32_t bits = entropy();
        for (int nibble = 0; nibble < 8; ++nibble, bits >>= 4) id += kHex[bits & 0xf];
    }
    return id;
}

std::string hostName() {
    char name[HOST_NAME_MAX + 1] = "";
    if (::gethostname(name, sizeof name) != 0) return "";
    name[HOST_NAME_MAX] = '\0';
    return name;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace chief;
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto request = ctl::parseEmitArguments(args);
    if (!request) {
        std::cerr << "chiefctl emit: " << escapeForDisplay(request.error())
                  << "\nTry 'chiefctl emit --help' for more information.\n";
        return ctl::kExitUsage;
    }
    const ctl::WorkerContext context = ctl::readWorkerContext([](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (!value) return std::nullopt;
        return std::string(value);
    });
    const ctl::EmitStamp stamp{date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()),
                               freshEventId(), hostName()};
    ctl::HttpEventPoster poster;
    return ctl::runEmit(request.value(), context, stamp, poster, std::cout, std::cerr);
}
