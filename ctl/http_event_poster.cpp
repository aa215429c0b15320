#include "http_event_poster.h"

#include <curl/curl.h>

#include <memory>
#include <string>

namespace chief::ctl {

namespace {

struct EasyCleanup {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
// The request's header lines; curl_slist_append leaves the list as it was when it fails.
class HeaderList {
public:
    HeaderList() = default;
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    ~HeaderList() { curl_slist_free_all(head_); }
    bool add(const std::string& line) {
        curl_slist* grown = curl_slist_append(head_, line.c_str());
        if (grown) head_ = grown;
        return grown != nullptr;
    }
    curl_slist* get() const { return head_; }

private:
    curl_slist* head_ = nullptr;
};

// The answer's body is not needed: the status says whether the event was taken.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

Result<PostAnswer> HttpEventPoster::post(const EventPost& request) {
    std::unique_ptr<CURL, EasyCleanup> curl(curl_easy_init());
    if (!curl) return makeError("libcurl could not start a transfer");
    HeaderList headers;
    // No "Expect: 100-continue": it would cost a round trip (or a second's wait) per event.
    bool ok = headers.add("Content-Type: application/json") && headers.add("Expect:");
    if (request.apiKey) ok = ok && headers.add("x-api-key: " + *request.apiKey);
    if (!ok) return makeError("out of memory building the request");

    CURL* h = curl.get();
    char problem[CURL_ERROR_SIZE] = "";
    const long timeoutMs = static_cast<long>(request.timeout.count());
    CURLcode set = CURLE_OK;
    auto option = [&set](CURLcode code) {
        if (set == CURLE_OK) set = code;
    };
    option(curl_easy_setopt(h, CURLOPT_URL, request.url.c_str()));
    option(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"));
    // The monitor is reached directly, as the Python helper does: an http_proxy meant for the
    // internet must not swallow a loopback monitor's events.
    option(curl_easy_setopt(h, CURLOPT_PROXY, ""));
    option(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()));
    option(curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data()));
    option(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size())));
    option(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeoutMs));
    option(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs));
    // Timeouts without SIGALRM: chiefctl is a worker's child and must not disturb its signals.
    option(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    option(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &discard));
    option(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, problem));
    if (set != CURLE_OK) return makeError(std::string("libcurl refused an option: ") + curl_easy_strerror(set));

    const CURLcode done = curl_easy_perform(h);
    if (done != CURLE_OK) return makeError(problem[0] ? std::string(problem) : std::string(curl_easy_strerror(done)));
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return PostAnswer{status};
}

}  // namespace chief::ctl
