#include "chief/system/cron_flavor.h"

#include <unistd.h>

namespace chief::system {

CronFlavor detectCronFlavor() {
    if (::access("/usr/sbin/crond", X_OK) == 0) return CronFlavor::Cronie;
    if (::access("/etc/debian_version", F_OK) == 0 || ::access("/usr/sbin/cron", X_OK) == 0) return CronFlavor::Debian;
    return CronFlavor::Cronie;
}

}  // namespace chief::system
