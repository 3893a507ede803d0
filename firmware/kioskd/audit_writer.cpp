#include "firmware/kioskd/audit_writer.h"

#include <boost/asio/post.hpp>
#include <cassert>

namespace kiosk::kioskd {

AuditWriter::AuditWriter(AuditFiles files) : files_(std::move(files)) {
  assert(files_.log);
  guard_.emplace(boost::asio::make_work_guard(work_));
  thread_ = std::thread([this] { work_.run(); });
}

AuditWriter::~AuditWriter() {
  stop();
}

void AuditWriter::post(Job job) {
  if (stopped_) return;
  boost::asio::post(work_, [this, job = std::move(job)] { job(files_); });
}

void AuditWriter::stop() {
  if (stopped_) return;
  stopped_ = true;
  // Without the guard, run() returns once every queued job has run: nothing posted is lost.
  guard_.reset();
  if (thread_.joinable()) thread_.join();
}

AuditFiles& AuditWriter::files_after_stop() {
  assert(stopped_);
  return files_;
}

}  // namespace kiosk::kioskd
