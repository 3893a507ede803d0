// Finding a keyboard-wedge scanner among the Linux input devices by its name, as the kernel
// reports it (/sys/class/input/eventN/device/name, or the EVIOCGNAME ioctl).
#pragma once

#include <string>

#include "app/result.h"

namespace kiosk::drivers {

/// The event device path (dev_root/eventN) whose name equals `name` exactly; sysfs is searched
/// first, then each dev_root/event* node by EVIOCGNAME. Error: a reason ("no input device named
/// ..."). The roots are parameters so that tests can lay out a tree of their own.
Result<std::string, std::string> find_input_device(const std::string& name,
                                                   const std::string& sys_root = "/sys/class/input",
                                                   const std::string& dev_root = "/dev/input");

}  // namespace kiosk::drivers
