#include "tests/support/crash_vfs.h"

#include <sqlite3.h>

#include <unistd.h>
#include <csignal>
#include <cstring>

namespace kiosk::test {
namespace {

sqlite3_vfs* g_real = nullptr;
int g_countdown = 0;

struct CrashFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<CrashFile*>(f)->real;
}

/// True when this operation is the one to die at.
bool dies_now() {
  return --g_countdown == 0;
}
[[noreturn]] void die() {
  raise(SIGKILL);
  _exit(99);  // not reached
}

int x_close(sqlite3_file* f) {
  return real(f)->pMethods->xClose(real(f));
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (dies_now()) {
    real(f)->pMethods->xWrite(real(f), buf, n / 2, off);  // a torn write
    die();
  }
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (dies_now()) die();
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (dies_now()) die();
  return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int x_lock(sqlite3_file* f, int l) {
  return real(f)->pMethods->xLock(real(f), l);
}
int x_unlock(sqlite3_file* f, int l) {
  return real(f)->pMethods->xUnlock(real(f), l);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int x_device_chars(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

const sqlite3_io_methods kMethods = {
    1,       x_close,  x_read,           x_write,        x_truncate,    x_sync,         x_file_size,
    x_lock,  x_unlock, x_check_reserved, x_file_control, x_sector_size, x_device_chars, nullptr,
    nullptr, nullptr,  nullptr,          nullptr,        nullptr};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* cf = reinterpret_cast<CrashFile*>(f);
  cf->real = reinterpret_cast<sqlite3_file*>(cf + 1);
  int rc = g_real->xOpen(g_real, name, cf->real, flags, out_flags);
  cf->base.pMethods = rc == SQLITE_OK ? &kMethods : nullptr;
  return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (dies_now()) die();
  return g_real->xDelete(g_real, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
int v_randomness(sqlite3_vfs*, int n, char* out) {
  return g_real->xRandomness(g_real, n, out);
}
int v_sleep(sqlite3_vfs*, int us) {
  return g_real->xSleep(g_real, us);
}
int v_current_time(sqlite3_vfs*, double* t) {
  return g_real->xCurrentTime(g_real, t);
}
int v_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError(g_real, n, out);
}
int v_current_time64(sqlite3_vfs*, sqlite3_int64* t) {
  return g_real->xCurrentTimeInt64(g_real, t);
}

sqlite3_vfs g_vfs;

}  // namespace

void install_crash_vfs(int countdown) {
  g_real = sqlite3_vfs_find(nullptr);
  g_countdown = countdown;
  std::memset(&g_vfs, 0, sizeof g_vfs);
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(CrashFile)) + g_real->szOsFile;
  g_vfs.mxPathname = g_real->mxPathname;
  g_vfs.zName = "crash";
  g_vfs.xOpen = v_open;
  g_vfs.xDelete = v_delete;
  g_vfs.xAccess = v_access;
  g_vfs.xFullPathname = v_full_pathname;
  g_vfs.xRandomness = v_randomness;
  g_vfs.xSleep = v_sleep;
  g_vfs.xCurrentTime = v_current_time;
  g_vfs.xGetLastError = v_last_error;
  g_vfs.xCurrentTimeInt64 = v_current_time64;
  sqlite3_vfs_register(&g_vfs, 1);
}

}  // namespace kiosk::test
