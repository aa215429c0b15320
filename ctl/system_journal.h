#pragma once
// SystemJournal: this machine's journal files, read with sd-journal (every file the caller may
// read: root and the adm / systemd-journal groups see the system journal, others their own).

#include <memory>
#include <optional>
#include <string>

#include "journal_source.h"

struct sd_journal;

namespace chief::ctl {

class SystemJournal final : public JournalSource {
public:
    SystemJournal();
    ~SystemJournal() override;
    SystemJournal(const SystemJournal&) = delete;
    SystemJournal& operator=(const SystemJournal&) = delete;

    std::string unavailableReason() override;
    Result<std::size_t> read(const JournalQuery& query, const std::function<void(const JournalEntry&)>& each) override;
    Result<bus::Done> follow(const std::function<bool(const JournalEntry&)>& each) override;

private:
    sd_journal* journal_ = nullptr;
    std::string openError_;
    std::optional<std::string> unavailable_;  // decided once: asking moves the read position
};

}  // namespace chief::ctl
