#include "firmware/kioskd/access_backlog.h"

namespace kiosk::kioskd {

AccessBacklog::Admission AccessBacklog::admit() {
  Admission a;
  if (pending_ >= limit_) {
    a.first_drop = dropped_++ == 0;
    return a;
  }
  a.admitted = true;
  a.gap = dropped_;
  dropped_ = 0;
  pending_ += a.gap > 0 ? 2 : 1;
  return a;
}

void AccessBacklog::done() {
  if (pending_ > 0) --pending_;
}

}  // namespace kiosk::kioskd
