#pragma once
// CurlLibrary: the libcurl functions chiefd's telemetry uses, resolved with dlopen when telemetry
// is first switched on. Linking libcurl maps it and about 30 libraries it needs (TLS, HTTP/2,
// LDAP, Kerberos) into every chiefd: 5.8 MB of resident memory measured for a program that only
// links it, paid even when no `monitor:` block is configured. Loading it on demand keeps a
// chiefd without telemetry at the size it had before the emitter existed.

#include <curl/curl.h>

#include <string>
#include <variant>

namespace chief::daemon::telemetry {

struct CurlLibrary {
    decltype(&::curl_global_init) globalInit = nullptr;
    decltype(&::curl_easy_init) easyInit = nullptr;
    decltype(&::curl_easy_setopt) easySetopt = nullptr;
    decltype(&::curl_easy_getinfo) easyGetinfo = nullptr;
    decltype(&::curl_easy_cleanup) easyCleanup = nullptr;
    decltype(&::curl_easy_strerror) easyStrerror = nullptr;
    decltype(&::curl_multi_init) multiInit = nullptr;
    decltype(&::curl_multi_setopt) multiSetopt = nullptr;
    decltype(&::curl_multi_add_handle) multiAddHandle = nullptr;
    decltype(&::curl_multi_remove_handle) multiRemoveHandle = nullptr;
    decltype(&::curl_multi_socket_action) multiSocketAction = nullptr;
    decltype(&::curl_multi_info_read) multiInfoRead = nullptr;
    decltype(&::curl_multi_cleanup) multiCleanup = nullptr;
    decltype(&::curl_slist_append) slistAppend = nullptr;
    decltype(&::curl_slist_free_all) slistFreeAll = nullptr;
};

// The soname of Debian's libcurl4 (and Fedora's libcurl), the ABI the headers describe.
inline constexpr const char* kCurlSoname = "libcurl.so.4";

// Loads libcurl (or finds it already loaded), resolves every function above and runs
// curl_global_init (counted by libcurl; call from one thread). The library is never unloaded: libcurl's TLS back end
// registers process-wide state that does not survive dlclose. Returns why it could not, e.g.
// "cannot load libcurl.so.4: libcurl.so.4: cannot open shared object file".
std::variant<CurlLibrary, std::string> loadCurlLibrary(const char* soname = kCurlSoname);

}  // namespace chief::daemon::telemetry
