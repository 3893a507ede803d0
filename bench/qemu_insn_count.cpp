// A QEMU TCG plugin that counts the guest instructions a program executes, for bench/budget.sh:
// Debian 12's qemu-user is built with plugin support but ships neither the contrib plugins
// (libinsn.so) nor qemu-plugin.h, so this declares the few entry points of plugin API version 1
// (QEMU 7.2) itself. It is a host program: budget.sh builds it with the host's g++.
//
//   qemu-aarch64 -plugin ./libkiosk_insn.so,outfile=COUNT -L SYSROOT PROGRAM ARGS...
//
// writes the number of executed guest instructions to COUNT (or stderr) when the program exits.
// Every translated block adds its instruction count, inline, to one counter each time it runs;
// user-mode emulation of a single-threaded program has one vCPU, so the counter needs no lock.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

extern "C" {
using qemu_plugin_id_t = std::uint64_t;
struct qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
using qemu_plugin_vcpu_tb_trans_cb_t = void (*)(qemu_plugin_id_t, struct qemu_plugin_tb*);
using qemu_plugin_udata_cb_t = void (*)(qemu_plugin_id_t, void*);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb* tb, enum qemu_plugin_op op,
                                              void* ptr, std::uint64_t imm);
std::size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);

__attribute__((visibility("default"))) extern const int qemu_plugin_version;
const int qemu_plugin_version = 1;
__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t* info, int argc,
                                                               char** argv);
}

namespace {

std::uint64_t g_insns = 0;
std::string g_outfile;

void on_translate(qemu_plugin_id_t, struct qemu_plugin_tb* tb) {
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &g_insns,
                                           qemu_plugin_tb_n_insns(tb));
}

void on_exit(qemu_plugin_id_t, void*) {
  FILE* out = g_outfile.empty() ? stderr : std::fopen(g_outfile.c_str(), "w");
  if (!out) return;
  std::fprintf(out, "%llu\n", static_cast<unsigned long long>(g_insns));
  if (out != stderr) std::fclose(out);
}

}  // namespace

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t*, int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "outfile=", 8) == 0) g_outfile = argv[i] + 8;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_exit, nullptr);
  return 0;
}
