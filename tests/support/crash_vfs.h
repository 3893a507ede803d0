// A test-only SQLite VFS that kills the process (SIGKILL) at the Nth write, sync, truncate or
// delete, tearing that write in half first: every instant of an install can be made a power cut.
#pragma once

namespace kiosk::test {

/// Registers the crashing VFS as SQLite's default; the `countdown`th file operation kills the
/// process. Call only in a forked child.
void install_crash_vfs(int countdown);

}  // namespace kiosk::test
