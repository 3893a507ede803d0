# Debian packages of the kiosk (CPack DEB), for the native build (amd64) and the cross builds
# (arm64, armhf: the architecture comes from the toolchain file):
#   onecard-kiosk               kioskd, kioskctl, the systemd unit, /etc/kiosk/kioskd.conf, the
#                               production trust anchors (keys/anchors/*.pub) in
#                               /usr/share/kiosk/anchors; postinst makes user `kiosk` and
#                               /var/lib/kiosk
#   onecard-kiosk-sim           kiosk-sim (when the target exists)
#   onecard-kiosk-test-anchors  the test vectors' anchors in /usr/share/kiosk/test-anchors, never
#                               in the production anchor folder
# Build them with `cpack --config BUILD/CPackConfig.cmake -B BUILD/packages` after the build (see
# docs/embedded.md). Installs to FHS paths: the package prefix is "/" and the destinations below
# are relative to it (for a plain `cmake --install`, pass `--prefix /` and a DESTDIR).
# Programs are installed only when their target exists, so this file works before and after the
# branches that add kioskd and kiosk-sim are merged.

set(KIOSK_PKG_NAME onecard-kiosk)
set(KIOSK_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/firmware/packaging)
# kioskd's own unit and default config win over the generic ones here when its branch ships them.
set(KIOSK_UNIT_FILE ${KIOSK_PACKAGING_DIR}/kioskd.service)
if(EXISTS ${PROJECT_SOURCE_DIR}/firmware/kioskd/kioskd.service)
  set(KIOSK_UNIT_FILE ${PROJECT_SOURCE_DIR}/firmware/kioskd/kioskd.service)
endif()
set(KIOSK_CONF_FILE ${KIOSK_PACKAGING_DIR}/kioskd.conf)
if(EXISTS ${PROJECT_SOURCE_DIR}/firmware/kioskd/kioskd.conf)
  set(KIOSK_CONF_FILE ${PROJECT_SOURCE_DIR}/firmware/kioskd/kioskd.conf)
endif()

set(KIOSK_PKG_BINARIES "")  # component=file pairs, for the Depends of cross-built packages
foreach(prog kioskd kioskctl)
  if(TARGET ${prog})
    install(TARGETS ${prog} RUNTIME DESTINATION usr/bin COMPONENT kiosk)
    list(APPEND KIOSK_PKG_BINARIES "kiosk=$<TARGET_FILE:${prog}>")
  endif()
endforeach()
set(KIOSK_PKG_COMPONENTS kiosk test-anchors)
if(TARGET kiosk-sim)
  install(TARGETS kiosk-sim RUNTIME DESTINATION usr/bin COMPONENT sim)
  list(APPEND KIOSK_PKG_BINARIES "sim=$<TARGET_FILE:kiosk-sim>")
  list(APPEND KIOSK_PKG_COMPONENTS sim)
endif()

set(KIOSK_PKG_CONFFILES "")
if(TARGET kioskd)
  install(FILES ${KIOSK_UNIT_FILE} DESTINATION lib/systemd/system RENAME kioskd.service
          COMPONENT kiosk)
  install(FILES ${KIOSK_CONF_FILE} DESTINATION etc/kiosk RENAME kioskd.conf COMPONENT kiosk)
  string(APPEND KIOSK_PKG_CONFFILES "/etc/kiosk/kioskd.conf\n")
endif()

# Production anchors: whatever keys/anchors/*.pub holds (nothing today). Data, not sources: a glob.
file(GLOB KIOSK_ANCHORS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/keys/anchors/*.pub)
install(DIRECTORY DESTINATION usr/share/kiosk/anchors COMPONENT kiosk)
if(KIOSK_ANCHORS)
  install(FILES ${KIOSK_ANCHORS} DESTINATION usr/share/kiosk/anchors COMPONENT kiosk)
endif()
# Test anchors, in their own package and folder.
install(FILES ${PROJECT_SOURCE_DIR}/tests/data/vectors/anchors/root.pub
        DESTINATION usr/share/kiosk/test-anchors COMPONENT test-anchors)
file(WRITE ${PROJECT_BINARY_DIR}/packaging/README.test-anchors
  "These are the anchors of the project's test vectors (tests/data/vectors/anchors).\n"
  "Their private keys are public: never use them as a production kiosk's anchors.\n")
install(FILES ${PROJECT_BINARY_DIR}/packaging/README.test-anchors
        DESTINATION usr/share/kiosk/test-anchors RENAME README COMPONENT test-anchors)

# Maintainer scripts and conffiles of onecard-kiosk.
set(KIOSK_PKG_CONTROL ${PROJECT_BINARY_DIR}/packaging/control)
file(MAKE_DIRECTORY ${KIOSK_PKG_CONTROL})
foreach(script postinst prerm postrm)
  file(COPY ${KIOSK_PACKAGING_DIR}/${script} DESTINATION ${KIOSK_PKG_CONTROL}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()
set(KIOSK_KIOSK_CONTROL_EXTRA
  ${KIOSK_PKG_CONTROL}/postinst ${KIOSK_PKG_CONTROL}/prerm ${KIOSK_PKG_CONTROL}/postrm)
if(KIOSK_PKG_CONFFILES)
  file(WRITE ${KIOSK_PKG_CONTROL}/conffiles "${KIOSK_PKG_CONFFILES}")
  list(APPEND KIOSK_KIOSK_CONTROL_EXTRA ${KIOSK_PKG_CONTROL}/conffiles)
else()
  file(REMOVE ${KIOSK_PKG_CONTROL}/conffiles)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${KIOSK_PKG_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "One-Card kiosk project")
set(CPACK_PACKAGE_CONTACT "One-Card kiosk maintainers <kiosk@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Offline work-permit credential verification kiosk")
set(CPACK_PACKAGING_INSTALL_PREFIX "/")
set(CPACK_COMPONENTS_ALL ${KIOSK_PKG_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)  # debug info stays in the build tree

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME ${KIOSK_PKG_NAME})
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "One-Card counter kiosk: kioskd, kioskctl, systemd unit, \
default configuration\nVerifies work-permit credentials (QR codes, social-security-card chips) \
offline against a signed key set.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA "${KIOSK_KIOSK_CONTROL_EXTRA}")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "pcscd")
set(CPACK_DEBIAN_SIM_PACKAGE_NAME ${KIOSK_PKG_NAME}-sim)
set(CPACK_COMPONENT_SIM_DESCRIPTION "One-Card counter kiosk simulator (kiosk-sim), for field tests")
set(CPACK_DEBIAN_TEST-ANCHORS_PACKAGE_NAME ${KIOSK_PKG_NAME}-test-anchors)
set(CPACK_DEBIAN_TEST-ANCHORS_PACKAGE_ARCHITECTURE all)
set(CPACK_COMPONENT_TEST-ANCHORS_DESCRIPTION
  "One-Card counter kiosk: TEST trust anchors of the test vectors (never for production)")

# Depends: dpkg-shlibdeps on a native build; on a cross build dpkg knows nothing of the target's
# libraries, so cmake/PackagingDepends.cmake maps the programs' DT_NEEDED sonames to the packages
# that make-sysroot.sh recorded in the sysroot (.kiosk-sonames), when cpack runs.
if(CMAKE_CROSSCOMPILING)
  file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/packaging/binaries.cmake CONTENT
    "set(KIOSK_PKG_BINARIES \"${KIOSK_PKG_BINARIES}\")\nset(KIOSK_SONAME_MAP \"${KIOSK_SYSROOT}/.kiosk-sonames\")\n")
  set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/PackagingDepends.cmake)
  set(KIOSK_PKG_BINARIES_FILE ${PROJECT_BINARY_DIR}/packaging/binaries.cmake)
  set(CPACK_KIOSK_PKG_BINARIES_FILE ${KIOSK_PKG_BINARIES_FILE})
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()

include(CPack)
