#pragma once
// CHIEF_SKIP_TEST: a test that needs what this machine lacks (root, dbus-daemon, setpriv) says so
// and returns, so that a developer's unprivileged run still works; under CHIEF_TESTS_NO_SKIP
// (set by tests/run-all.sh, hence in CI) it fails instead, so CI cannot pass by skipping.

#include <catch2/catch.hpp>

#include <cstdlib>

#define CHIEF_SKIP_TEST(why)                                                         \
    do {                                                                             \
        if (std::getenv("CHIEF_TESTS_NO_SKIP") != nullptr)                           \
            FAIL(why << " (CHIEF_TESTS_NO_SKIP is set: nothing may be skipped)");    \
        WARN(why);                                                                   \
        return;                                                                      \
    } while (false)
