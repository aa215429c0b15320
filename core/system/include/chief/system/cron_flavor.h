#pragma once
// Which cron this host runs, for `export-cron --cron auto`.

#include "chief/cron_exporter.h"

namespace chief::system {

// cronie when its daemon is installed (/usr/sbin/crond, as on Fedora and RHEL); otherwise, on a
// Debian system (/etc/debian_version) or wherever /usr/sbin/cron is Vixie's, Debian's cron,
// which ignores CRON_TZ; cronie when nothing tells.
CronFlavor detectCronFlavor();

}  // namespace chief::system
