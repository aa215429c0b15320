#!/bin/sh
# Demo worker that succeeds: prints what Chief passed it.
echo "report: args: $*"
echo "report: running as job ${CHIEF_JOB_NAME:-?} (run ${CHIEF_RUN_ID:-?}), scheduled for ${CHIEF_SCHEDULED_FOR:-?}"
echo "report: done"
