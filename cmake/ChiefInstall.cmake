# The Python worker helper (`from monitor_client import monitor` in a job's script; docs/telemetry-workers.md).
# The default is Debian's own place for modules of every python3 version, which Debian's python3
# imports without any path setup: /usr/lib/python3/dist-packages in the .deb (prefix /usr). The
# .rpm moves it to %{python3_sitelib}. For a /usr/local install on Debian, pass
# -DCHIEF_PYTHON_MODULE_DIR=lib/python3.11/dist-packages (the /usr/local directory its python3 reads).
set(CHIEF_PYTHON_MODULE_DIR "lib/python3/dist-packages" CACHE STRING
    "Where monitor_client.py is installed (relative: under CMAKE_INSTALL_PREFIX)")
install(FILES ${PROJECT_SOURCE_DIR}/workers/python/monitor_client.py DESTINATION ${CHIEF_PYTHON_MODULE_DIR})

# Where the system integration files go. Every directory comes from the pkg-config file of the
# component that reads it (systemd, dbus-1, bash-completion), never from a hard-coded path.
option(CHIEF_INSTALL_SYSTEM_FILES "Install the systemd unit, D-Bus policy, sysusers, man pages and completion" ON)
if(NOT CHIEF_INSTALL_SYSTEM_FILES)
  return()
endif()

pkg_get_variable(CHIEF_SYSTEMD_UNIT_DIR systemd systemdsystemunitdir)
pkg_get_variable(CHIEF_SYSTEMD_USER_UNIT_DIR systemd systemduserunitdir)
pkg_get_variable(CHIEF_SYSUSERS_DIR systemd sysusersdir)
pkg_get_variable(CHIEF_DBUS_DATADIR dbus-1 datadir)
pkg_get_variable(CHIEF_DBUS_INTERFACES_DIR dbus-1 interfaces_dir)
pkg_get_variable(CHIEF_BASH_COMPLETION_DIR bash-completion completionsdir)
foreach(var CHIEF_SYSTEMD_UNIT_DIR CHIEF_SYSTEMD_USER_UNIT_DIR CHIEF_SYSUSERS_DIR CHIEF_DBUS_DATADIR CHIEF_DBUS_INTERFACES_DIR CHIEF_BASH_COMPLETION_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "pkg-config did not tell ${var}; install systemd, libdbus-1-dev and bash-completion "
                        "(packaging/build-deps.sh), or configure with -DCHIEF_INSTALL_SYSTEM_FILES=OFF")
  endif()
endforeach()
find_program(CHIEF_SCDOC scdoc REQUIRED)

configure_file(${PROJECT_SOURCE_DIR}/units/chiefd.service.in ${PROJECT_BINARY_DIR}/units/chiefd.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/units/chiefd.service DESTINATION ${CHIEF_SYSTEMD_UNIT_DIR})
# The per-user unit, also named chiefd.service: `systemctl --user enable --now chiefd`.
configure_file(${PROJECT_SOURCE_DIR}/units/chiefd-user.service.in ${PROJECT_BINARY_DIR}/units/user/chiefd.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/units/user/chiefd.service DESTINATION ${CHIEF_SYSTEMD_USER_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/units/chief.sysusers.conf DESTINATION ${CHIEF_SYSUSERS_DIR} RENAME chief.conf)
install(FILES ${PROJECT_SOURCE_DIR}/units/org.chief.Scheduler1.conf DESTINATION ${CHIEF_DBUS_DATADIR}/dbus-1/system.d)
install(FILES ${PROJECT_SOURCE_DIR}/units/dbus/org.chief.Scheduler1.xml DESTINATION ${CHIEF_DBUS_INTERFACES_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/config/chief.default.yaml
        DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/chief RENAME chief.yaml)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/bash-completion/chiefctl DESTINATION ${CHIEF_BASH_COMPLETION_DIR})
# Each unit names the file that explains its settings: ship them where it says.
install(FILES ${PROJECT_SOURCE_DIR}/units/chiefd-hardening.txt ${PROJECT_SOURCE_DIR}/units/chief-monitord-hardening.txt
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# chief-monitord: its unit, system user and default settings.
configure_file(${PROJECT_SOURCE_DIR}/units/chief-monitord.service.in ${PROJECT_BINARY_DIR}/units/chief-monitord.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/units/chief-monitord.service DESTINATION ${CHIEF_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/units/chief-monitord.sysusers.conf DESTINATION ${CHIEF_SYSUSERS_DIR}
        RENAME chief-monitord.conf)
install(FILES ${PROJECT_SOURCE_DIR}/config/monitor.yaml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/chief)

# Man pages from their scdoc sources in docs/man.
set(CHIEF_MAN_PAGES chiefd.8 chiefctl.1 chief.yaml.5 chief-monitord.8)
set(CHIEF_MAN_OUTPUTS)
foreach(page ${CHIEF_MAN_PAGES})
  string(REGEX MATCH "[0-9]$" section ${page})
  add_custom_command(
    OUTPUT ${PROJECT_BINARY_DIR}/man/${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${CHIEF_SCDOC} < ${PROJECT_SOURCE_DIR}/docs/man/${page}.scd > ${PROJECT_BINARY_DIR}/man/${page}
    DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${page}.scd
    COMMENT "scdoc ${page}")
  list(APPEND CHIEF_MAN_OUTPUTS ${PROJECT_BINARY_DIR}/man/${page})
  install(FILES ${PROJECT_BINARY_DIR}/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(chief_man_pages ALL DEPENDS ${CHIEF_MAN_OUTPUTS})

message(STATUS "  unit dir        ${CHIEF_SYSTEMD_UNIT_DIR}")
message(STATUS "  D-Bus policy    ${CHIEF_DBUS_DATADIR}/dbus-1/system.d")
