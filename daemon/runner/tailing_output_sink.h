#pragma once
// TailingOutputSink: passes a script's output on (to the journal) and keeps its last lines
// (OutputTail) for the run record.

#include <memory>

#include "chief/output_tail.h"
#include "process/output_sink.h"

namespace chief::daemon {

class TailingOutputSink final : public OutputSink {
public:
    explicit TailingOutputSink(std::unique_ptr<OutputSink> inner) : inner_(std::move(inner)) {}
    void onLine(OutputStream stream, std::string_view line, bool continued) override {
        if (inner_) inner_->onLine(stream, line, continued);
        tail_.add(line, continued);
    }
    const OutputTail& tail() const { return tail_; }

private:
    std::unique_ptr<OutputSink> inner_;
    OutputTail tail_;
};

}  // namespace chief::daemon
