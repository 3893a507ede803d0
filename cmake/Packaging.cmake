# Debian packages of the kiosk (CPack DEB), for the native build (amd64) and the cross builds
# (arm64, armhf: the architecture comes from the toolchain file):
#   onecard-kiosk               kioskd, kioskctl, the screens (/usr/share/kiosk/www), the place
#                               names (/usr/share/kiosk/gbt2260, GB/T 2260 tables), the one
#                               systemd unit, /etc/kiosk/kioskd.conf (a conffile, every key at its
#                               default: it starts as installed), the production anchors folder
#                               /usr/share/kiosk/anchors (keys/anchors/*.pub); postinst makes the
#                               system user `kiosk` and /var/lib/kiosk
#   onecard-kiosk-sim           kiosk-sim, kiosk-scenes, kioskd-demo, the conformance vectors
#                               (/usr/share/kiosk/vectors, for kioskd-demo --demo-vectors)
#   onecard-kiosk-test-anchors  the test vectors' anchors in /usr/share/kiosk/test-anchors, never
#                               in the production anchor folder
# One command builds them all for amd64 and arm64: toolchain/build-packages.sh (README). By hand:
# `cpack --config BUILD/CPackConfig.cmake -B BUILD/packages` after the build. The version is the
# project's, or KIOSK_PKG_VERSION (`cpack -D KIOSK_PKG_VERSION=...` is not read: pass
# -DKIOSK_PKG_VERSION=... to cmake, or `cpack -D CPACK_PACKAGE_VERSION=...`).
# Installs to FHS paths: the package prefix is "/" and the destinations below are relative to it.

set(KIOSK_PKG_NAME onecard-kiosk)
set(KIOSK_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/firmware/packaging)
set(KIOSK_PKG_VERSION ${PROJECT_VERSION} CACHE STRING "Version of the Debian packages")

set(KIOSK_PKG_BINARIES "")  # component=file pairs, for the Depends of cross-built packages
foreach(prog kioskd kioskctl)
  if(TARGET ${prog})
    install(TARGETS ${prog} RUNTIME DESTINATION usr/bin COMPONENT kiosk)
    list(APPEND KIOSK_PKG_BINARIES "kiosk=$<TARGET_FILE:${prog}>")
  endif()
endforeach()
# kioskctl's modules, loaded only when needed: the OpenCV stages and MRZ reader
# (firmware/kioskctl/vision.h) and the commands that need libcrypto, libsodium, SQLite or
# pcsc-lite (firmware/kioskctl/commands.h). kioskctl looks for them in ../lib/kiosk beside itself.
foreach(module kiosk_vision_module kiosk_commands_module)
  if(TARGET ${module})
    install(TARGETS ${module} LIBRARY DESTINATION usr/lib/kiosk COMPONENT kiosk)
    list(APPEND KIOSK_PKG_BINARIES "kiosk=$<TARGET_FILE:${module}>")
  endif()
endforeach()
set(KIOSK_PKG_COMPONENTS kiosk test-anchors sim)
foreach(prog kiosk-sim kiosk-scenes kioskd-demo)
  if(TARGET ${prog})
    install(TARGETS ${prog} RUNTIME DESTINATION usr/bin COMPONENT sim)
    list(APPEND KIOSK_PKG_BINARIES "sim=$<TARGET_FILE:${prog}>")
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/data/vectors/ DESTINATION usr/share/kiosk/vectors
        COMPONENT sim)

set(KIOSK_PKG_CONFFILES "")
if(TARGET kioskd)
  install(FILES ${KIOSK_PACKAGING_DIR}/kioskd.service DESTINATION lib/systemd/system
          COMPONENT kiosk)
  install(FILES ${KIOSK_PACKAGING_DIR}/kioskd.conf DESTINATION etc/kiosk COMPONENT kiosk)
  string(APPEND KIOSK_PKG_CONFFILES "/etc/kiosk/kioskd.conf\n")
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/firmware/kioskd/www/ DESTINATION usr/share/kiosk/www
          COMPONENT kiosk)
  # The GB/T 2260 place names the screens show ([ui] places), with their licence and README.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/data/data/gbt2260/ DESTINATION usr/share/kiosk/gbt2260
          COMPONENT kiosk)
endif()
# Documentation and copyright of every package (Debian policy 12.5, 12.7).
foreach(comp kiosk sim test-anchors)
  if(comp STREQUAL "kiosk")
    set(pkg ${KIOSK_PKG_NAME})
  else()
    set(pkg ${KIOSK_PKG_NAME}-${comp})
  endif()
  install(FILES ${KIOSK_PACKAGING_DIR}/copyright DESTINATION usr/share/doc/${pkg} COMPONENT ${comp})
  # changelog.gz: gzip -9n of the packaging changelog, made at configure time (reproducible).
  set(clog ${PROJECT_BINARY_DIR}/packaging/${pkg}/changelog.gz)
  file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/packaging/${pkg})
  execute_process(COMMAND gzip -9nc ${KIOSK_PACKAGING_DIR}/changelog OUTPUT_FILE ${clog})
  install(FILES ${clog} DESTINATION usr/share/doc/${pkg} COMPONENT ${comp})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/docs/kioskd-config.md DESTINATION usr/share/doc/${KIOSK_PKG_NAME}
        COMPONENT kiosk)

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
  "Their private keys are public: never use them as a production kiosk's anchors.\n"
  "kioskd uses them only when [data] anchors = /usr/share/kiosk/test-anchors is set by hand.\n")
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
set(CPACK_PACKAGE_VERSION ${KIOSK_PKG_VERSION})
set(CPACK_PACKAGE_VENDOR "One-Card kiosk project")
set(CPACK_PACKAGE_CONTACT "One-Card kiosk maintainers <kiosk@onecard-kiosk.invalid>")
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
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "adduser")  # postinst; shlibdeps adds the libraries
set(CPACK_DEBIAN_SIM_PACKAGE_NAME ${KIOSK_PKG_NAME}-sim)
set(CPACK_COMPONENT_SIM_DESCRIPTION "One-Card counter kiosk simulator and demo (TEST material)\nkiosk-sim, kiosk-scenes and kioskd-demo (kioskd with simulated devices), and the conformance\nvectors. Every key here comes from a public seed: never for a production counter.")
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
