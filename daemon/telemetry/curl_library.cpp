#include "telemetry/curl_library.h"

#include <dlfcn.h>

namespace chief::daemon::telemetry {

namespace {

template <typename Function>
bool resolve(void* handle, const char* name, Function& target, std::string& missing) {
    target = reinterpret_cast<Function>(::dlsym(handle, name));
    if (target == nullptr && missing.empty()) missing = name;
    return target != nullptr;
}

}  // namespace

std::variant<CurlLibrary, std::string> loadCurlLibrary(const char* soname) {
    // A second load (a reload that changed the endpoint) finds the library already mapped.
    void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = ::dlerror();
        return std::string("cannot load ") + soname + ": " + (why != nullptr ? why : "unknown error");
    }
    CurlLibrary curl;
    std::string missing;
    resolve(handle, "curl_global_init", curl.globalInit, missing);
    resolve(handle, "curl_easy_init", curl.easyInit, missing);
    resolve(handle, "curl_easy_setopt", curl.easySetopt, missing);
    resolve(handle, "curl_easy_getinfo", curl.easyGetinfo, missing);
    resolve(handle, "curl_easy_cleanup", curl.easyCleanup, missing);
    resolve(handle, "curl_easy_strerror", curl.easyStrerror, missing);
    resolve(handle, "curl_multi_init", curl.multiInit, missing);
    resolve(handle, "curl_multi_setopt", curl.multiSetopt, missing);
    resolve(handle, "curl_multi_add_handle", curl.multiAddHandle, missing);
    resolve(handle, "curl_multi_remove_handle", curl.multiRemoveHandle, missing);
    resolve(handle, "curl_multi_socket_action", curl.multiSocketAction, missing);
    resolve(handle, "curl_multi_info_read", curl.multiInfoRead, missing);
    resolve(handle, "curl_multi_cleanup", curl.multiCleanup, missing);
    resolve(handle, "curl_slist_append", curl.slistAppend, missing);
    resolve(handle, "curl_slist_free_all", curl.slistFreeAll, missing);
    if (!missing.empty()) return std::string(soname) + " has no " + missing + " (too old a libcurl)";
    // Counted by libcurl: only the first call initialises. Always from chiefd's main thread.
    const CURLcode code = curl.globalInit(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) return std::string("curl_global_init failed: ") + curl.easyStrerror(code);
    return curl;
}

}  // namespace chief::daemon::telemetry
