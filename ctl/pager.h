#pragma once
// Pager: whether chiefctl's long text output goes through a pager, which one and with what
// environment, as systemctl decides it (systemd's pager.c). The process itself is
// PagerProcess's (pager_process.h); these take the environment and the terminal as values.

#include <string>
#include <utility>
#include <vector>

#include "terminal_style.h"

namespace chief::ctl {

// Whether to page at all: the verb's output is long text for a reader (not --json, not a verb
// that waits, not --no-pager: CommandLine::pagesOutput), standard output is a terminal, and
// $TERM is set and not "dumb" (no terminal program would show a pager there).
bool pagerWanted(bool longTextOutput, bool stdoutIsTerminal, const EnvironmentLookup& getenv);

// The commands to try, in order: $SYSTEMD_PAGER, else $PAGER (split into words as a shell
// would), then "less", then "more". Empty when the one that is set is "" or "cat": the user
// asked for no pager.
std::vector<std::vector<std::string>> pagerCandidates(const EnvironmentLookup& getenv);

// Variables to set in the pager's environment: LESS=FRSXMK (quit when the text fits one
// screen, pass colours through, keep the text on the screen after quitting, quit on Ctrl-C)
// and LESSCHARSET=utf-8, each only when the user has not set it.
std::vector<std::pair<std::string, std::string>> pagerEnvironment(const EnvironmentLookup& getenv);

}  // namespace chief::ctl
