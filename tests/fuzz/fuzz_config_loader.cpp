// libFuzzer target: arbitrary bytes as chief.yaml. The loader must never crash, hang or leak,
// whatever it is given; its diagnostics are rendered as text and JSON (escaping, cutting, bytes
// that are not UTF-8); when a config does load, its schedules are run through the time engine,
// preview and export so parsed-but-odd rules are exercised too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chief/config_loader.h"
#include "chief/cron_exporter.h"
#include "chief/json_text.h"
#include "chief/report_json.h"
#include "chief/schedule_preview.h"
#include "fake_host_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const chief::testing::FakeHostProbe files;
    chief::LoadContext context;
    context.sourcePath = "/etc/chief/chief.yaml";
    context.files = &files;
    context.systemTimezone = "UTC";
    context.sourceMode = 0644;  // so an api_key also takes the "readable by others" path
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const chief::LoadResult result = chief::loadConfig(text, context);
    for (const chief::Diagnostic& d : result.diagnostics) (void)chief::formatDiagnostic(d);
    (void)chief::jsonText(chief::validateReportJson(result));
    if (!result.config) return 0;
    const chief::SysSeconds from{chief::Seconds{1798761600}};  // 2027-01-01T00:00:00Z
    for (const chief::Job& job : result.config->jobs) (void)chief::previewJob(job, from, 3);
    chief::CronExportOptions options;
    options.now = from;
    (void)chief::exportCron(*result.config, {}, options);
    return 0;
}
