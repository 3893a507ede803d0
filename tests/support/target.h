// Programs of this build are target programs: in a cross build the tests run under qemu-user
// (ctest's CMAKE_CROSSCOMPILING_EMULATOR), and a test that starts kioskctl, kioskd or another
// program of the build itself must start it through the same emulator, since without binfmt_misc
// the kernel cannot exec a foreign ELF file. Host programs (chromium, nginx, openssl, a shell)
// start as they are. KIOSK_TARGET_EMULATOR is "" in a native build (tests/CMakeLists.txt).
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::test {

/// Whether `path` is an ELF program of this test's own architecture that needs the emulator.
inline bool needs_target_emulator(const std::string& path) {
  if (std::string_view(KIOSK_TARGET_EMULATOR).empty()) return false;
#if defined(__aarch64__)
  constexpr std::uint16_t kMachine = 183;  // EM_AARCH64
#elif defined(__arm__)
  constexpr std::uint16_t kMachine = 40;  // EM_ARM
#elif defined(__x86_64__)
  constexpr std::uint16_t kMachine = 62;  // EM_X86_64
#else
  constexpr std::uint16_t kMachine = 0;
#endif
  std::ifstream in(path, std::ios::binary);
  unsigned char h[20] = {};
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return false;
  if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') return false;
  return static_cast<std::uint16_t>(h[18] | h[19] << 8) == kMachine;  // e_machine, little-endian
}

/// `argv` with the emulator's words in front when argv[0] needs it.
inline std::vector<std::string> target_argv(std::vector<std::string> argv) {
  if (argv.empty() || !needs_target_emulator(argv[0])) return argv;
  std::vector<std::string> out;
  std::istringstream words{std::string(KIOSK_TARGET_EMULATOR)};
  for (std::string w; words >> w;)
    out.push_back(w);
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

/// The shell words that start `program` (for popen and std::system): the program itself, or the
/// emulator and the program.
inline std::string target_command(const std::string& program) {
  if (!needs_target_emulator(program)) return program;
  return std::string(KIOSK_TARGET_EMULATOR) + " " + program;
}

}  // namespace kiosk::test
