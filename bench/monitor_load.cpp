// monitor_load: a load client for chief-monitord's HTTP API, for bench/monitor_bench.sh.
//
//   monitor_load ingest --port P [--connections 2] [--batch 250] [--seconds 20] [--jobs 1000]
//       Each connection (keep-alive, one thread each) POSTs /v1/events/batch back to back with
//       realistic chiefd events (unique eventIds, a host, job.started / script.* / job.completed
//       / worker.message), waiting for each 202. Prints events/s and batch latency percentiles.
//   monitor_load seed --port P --events N [--jobs 1000] [--hosts 1] [--connections 2] [--batch 500]
//       Stores N events spread over the jobs, as fast as the API takes them.
//   monitor_load query --port P --target /v1/status/jobs [--requests 1000]
//       GETs the target sequentially on one keep-alive connection; prints latency percentiles.
//
// --api-key K is sent as x-api-key. Output is one line of JSON per run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
    std::string mode;
    unsigned short port = 7410;
    int connections = 2;
    int batch = 250;
    double seconds = 20;
    long long events = 0;
    int jobs = 1000;
    int hosts = 0;  // 0: one per connection
    int requests = 1000;
    std::string target = "/v1/status/jobs";
    std::string apiKey;
};

Options parse(int argc, char** argv) {
    Options options;
    if (argc < 2) {
        std::cerr << "usage: monitor_load ingest|seed|query --port P [...] (see the source)\n";
        std::exit(2);
    }
    options.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const std::string value = argv[i + 1];
        if (name == "--port") options.port = static_cast<unsigned short>(std::stoi(value));
        else if (name == "--connections") options.connections = std::stoi(value);
        else if (name == "--batch") options.batch = std::stoi(value);
        else if (name == "--seconds") options.seconds = std::stod(value);
        else if (name == "--events") options.events = std::stoll(value);
        else if (name == "--jobs") options.jobs = std::stoi(value);
        else if (name == "--hosts") options.hosts = std::stoi(value);
        else if (name == "--requests") options.requests = std::stoi(value);
        else if (name == "--target") options.target = value;
        else if (name == "--api-key") options.apiKey = value;
        else {
            std::cerr << "monitor_load: unknown option " << name << "\n";
            std::exit(2);
        }
    }
    return options;
}

// One keep-alive connection.
class Connection {
public:
    Connection(unsigned short port, std::string apiKey) : stream_(io_), apiKey_(std::move(apiKey)) {
        asio::ip::tcp::resolver resolver(io_);
        stream_.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
        stream_.socket().set_option(asio::ip::tcp::no_delay(true));
    }
    // Returns the status; the body lands in `body`.
    int request(http::verb method, const std::string& target, std::string payload, std::string& body) {
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, "127.0.0.1");
        request.keep_alive(true);
        if (!apiKey_.empty()) request.set("x-api-key", apiKey_);
        if (method == http::verb::post) {
            request.set(http::field::content_type, "application/json");
            request.body() = std::move(payload);
            request.prepare_payload();
        }
        http::write(stream_, request);
        http::response_parser<http::string_body> parser;
        parser.body_limit(256 * 1024 * 1024);
        http::read(stream_, buffer_, parser);
        body = std::move(parser.get().body());
        return static_cast<int>(parser.get().result_int());
    }

private:
    asio::io_context io_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string apiKey_;
};

// Realistic chiefd traffic: a run is job.started, script.started, script.completed,
// worker.message, job.completed; every event has a host and a unique eventId.
class EventFactory {
public:
    EventFactory(int worker, int jobs, int host) : worker_(worker), jobs_(jobs), host_(host) {}

    // Written as text directly: the client should cost the server's machine as little CPU as
    // possible (it shares it), so the figure is the server's.
    std::string batch(int count, long long& sequence) {
        static const char* kTypes[] = {"job.started", "script.started", "script.completed", "worker.message", "job.completed"};
        std::string out;
        out.reserve(static_cast<std::size_t>(count) * 420);
        out += '[';
        const std::string host = "bench-host-" + std::to_string(host_);
        for (int i = 0; i < count; ++i, ++sequence) {
            const long long run = sequence / 5;
            const int step = static_cast<int>(sequence % 5);
            const std::string job = "job-" + std::to_string(run % jobs_);
            if (i > 0) out += ',';
            out += R"({"sourceType":")";
            out += step == 3 ? "worker" : "chief";
            out += R"(","eventType":")";
            out += kTypes[step];
            out += R"(","level":"INFO","message":")";
            out += kTypes[step];
            out += " for ";
            out += job;
            out += R"(","jobName":")";
            out += job;
            out += R"(","runId":"w)";
            out += std::to_string(worker_) + "-r" + std::to_string(run);
            out += R"(","eventId":"bench-)";
            out += std::to_string(worker_) + "-" + std::to_string(sequence);
            out += R"(","host":")";
            out += host;
            out += '"';
            if (step == 1 || step == 2) out += R"(,"scriptPath":"/etc/chief/scripts/)" + job + R"(.sh")";
            if (step >= 2 && step != 3)
                out += R"(,"success":true,"returnCode":0,"durationMs":)" + std::to_string(1000 + (sequence % 997));
            if (step == 3) out += R"(,"metadata":{"phase":"load","rows":)" + std::to_string(sequence % 10000) + "}";
            out += '}';
        }
        out += ']';
        return out;
    }

private:
    int worker_;
    int jobs_;
    int host_;
};

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

int ingest(const Options& options, bool seed) {
    std::atomic<long long> stored{0};
    std::atomic<bool> failed{false};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(options.connections));
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
    const long long perWorker = seed ? (options.events + options.connections - 1) / options.connections : 0;
    const auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < options.connections; ++w) {
        threads.emplace_back([&, w] {
            try {
                Connection connection(options.port, options.apiKey);
                EventFactory factory(w, options.jobs, options.hosts > 0 ? w % options.hosts : w);
                // Seeding continues a sequence per worker so repeated seeds add new events.
                long long sequence = static_cast<long long>(std::chrono::system_clock::now().time_since_epoch().count() % 1000000000) * 1000;
                long long sent = 0;
                std::string body;
                while (seed ? sent < perWorker : Clock::now() < deadline) {
                    const int count = seed ? static_cast<int>(std::min<long long>(options.batch, perWorker - sent)) : options.batch;
                    std::string payload = factory.batch(count, sequence);
                    const auto before = Clock::now();
                    const int status = connection.request(http::verb::post, "/v1/events/batch", std::move(payload), body);
                    latencies[static_cast<std::size_t>(w)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
                    if (status != 202) {
                        std::cerr << "monitor_load: HTTP " << status << ": " << body << "\n";
                        failed = true;
                        return;
                    }
                    stored += json::parse(body).at("inserted").get<long long>();
                    sent += count;
                }
            } catch (const std::exception& error) {
                std::cerr << "monitor_load: " << error.what() << "\n";
                failed = true;
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    json result = {{"mode", seed ? "seed" : "ingest"},
                   {"connections", options.connections},
                   {"batch", options.batch},
                   {"seconds", elapsed},
                   {"events", stored.load()},
                   {"eventsPerSecond", static_cast<double>(stored.load()) / elapsed},
                   {"batchLatencyMs", {{"p50", percentile(all, 50)}, {"p99", percentile(all, 99)}, {"max", percentile(all, 100)}}}};
    std::cout << result.dump() << "\n";
    return failed ? 1 : 0;
}

int query(const Options& options) {
    Connection connection(options.port, options.apiKey);
    std::vector<double> latencies;
    std::string body;
    std::size_t bytes = 0;
    for (int i = 0; i < options.requests; ++i) {
        const auto before = Clock::now();
        const int status = connection.request(http::verb::get, options.target, {}, body);
        latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
        if (status != 200) {
            std::cerr << "monitor_load: HTTP " << status << ": " << body.substr(0, 200) << "\n";
            return 1;
        }
        bytes = body.size();
    }
    json result = {{"mode", "query"},
                   {"target", options.target},
                   {"requests", options.requests},
                   {"responseBytes", bytes},
                   {"latencyMs",
                    {{"p50", percentile(latencies, 50)}, {"p99", percentile(latencies, 99)}, {"max", percentile(latencies, 100)}}}};
    std::cout << result.dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    if (options.mode == "ingest") return ingest(options, false);
    if (options.mode == "seed") return ingest(options, true);
    if (options.mode == "query") return query(options);
    std::cerr << "monitor_load: unknown mode " << options.mode << "\n";
    return 2;
}
