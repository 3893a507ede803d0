#include "drivers/pcsc/pcsc_card_reader.h"

#include <PCSC/winscard.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "drivers/pcsc/pcsc_channel.h"
#include "drivers/pcsc/pcsc_errors.h"
#include "drivers/pcsc/pcsc_worker.h"

namespace kiosk::drivers {

using pcsc::classify;
using pcsc::Context;
using pcsc::failure;
using pcsc::PcscChannel;
using pcsc::service_lost;
using pcsc::Worker;
using Millis = std::chrono::milliseconds;

namespace {

constexpr char kPnpReader[] = "\\\\?PnP?\\Notification";
constexpr std::size_t kMaxReaderList = 64 * 1024;  // bytes of reader names accepted from pcscd
constexpr std::size_t kMaxReaders = 16;

// The reader names pcscd lists now (SCARD_E_NO_READERS_AVAILABLE: none).
LONG list_names(Context& ctx, std::vector<std::string>& out) {
  out.clear();
  DWORD len = 0;
  LONG rv = SCardListReaders(ctx.handle, nullptr, nullptr, &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return SCARD_S_SUCCESS;
  if (rv != SCARD_S_SUCCESS) return rv;
  if (len == 0 || len > kMaxReaderList) return SCARD_E_INSUFFICIENT_BUFFER;
  std::string buf(len, '\0');
  rv = SCardListReaders(ctx.handle, nullptr, buf.data(), &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return SCARD_S_SUCCESS;
  if (rv != SCARD_S_SUCCESS) return rv;
  buf.resize(std::min<std::size_t>(len, buf.size()));
  for (std::size_t at = 0; at < buf.size() && out.size() < kMaxReaders;) {
    std::size_t end = buf.find('\0', at);
    if (end == std::string::npos) end = buf.size();
    if (end > at) out.push_back(buf.substr(at, end - at));
    at = end + 1;
  }
  return SCARD_S_SUCCESS;
}

bool card_in(DWORD state) {
  return (state & SCARD_STATE_PRESENT) && !(state & SCARD_STATE_MUTE);
}

// One slice of a wait for a card, run on the worker.
struct WaitStep {
  LONG rv = SCARD_S_SUCCESS;
  std::string call;
  std::string found;        // the reader holding a card
  bool saw_reader = false;  // a (matching) reader exists
};

WaitStep wait_step(Context& ctx, const std::string& only, DWORD slice_ms) {
  WaitStep s;
  if ((s.rv = ctx.ensure()) != SCARD_S_SUCCESS) {
    s.call = "SCardEstablishContext";
    return s;
  }
  std::vector<std::string> names;
  if ((s.rv = list_names(ctx, names)) != SCARD_S_SUCCESS) {
    s.call = "SCardListReaders";
    if (service_lost(s.rv)) ctx.drop();
    return s;
  }
  std::size_t all = names.size();
  if (!only.empty()) std::erase_if(names, [&](const std::string& n) { return n != only; });
  s.saw_reader = !names.empty();

  std::vector<SCARD_READERSTATE> st(names.size() + 1);
  for (std::size_t i = 0; i < names.size(); ++i) {
    st[i].szReader = names[i].c_str();
    st[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  // The PnP pseudo-reader changes when the number of readers differs from the high word.
  st.back().szReader = kPnpReader;
  st.back().dwCurrentState = static_cast<DWORD>(all << 16);

  auto n = static_cast<DWORD>(st.size());
  // First the current states, at once; then wait for a change for one slice.
  s.rv = SCardGetStatusChange(ctx.handle, 0, st.data(), n);
  if (s.rv != SCARD_S_SUCCESS && s.rv != SCARD_E_TIMEOUT) {
    s.call = "SCardGetStatusChange";
    if (service_lost(s.rv)) ctx.drop();
    if (s.rv == SCARD_E_UNKNOWN_READER) s.rv = SCARD_S_SUCCESS;  // gone meanwhile: list again
    return s;
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    if (card_in(st[i].dwEventState)) {
      s.found = names[i];
      s.rv = SCARD_S_SUCCESS;
      return s;
    }
  for (auto& r : st)
    r.dwCurrentState = r.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
  st.back().dwCurrentState = static_cast<DWORD>(all << 16);
  s.rv = SCardGetStatusChange(ctx.handle, slice_ms, st.data(), n);
  if (s.rv == SCARD_E_TIMEOUT || s.rv == SCARD_E_UNKNOWN_READER) {
    s.rv = SCARD_S_SUCCESS;
    return s;
  }
  if (s.rv != SCARD_S_SUCCESS) {
    s.call = "SCardGetStatusChange";
    if (service_lost(s.rv)) ctx.drop();
    return s;
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    if (card_in(st[i].dwEventState)) {
      s.found = names[i];
      break;
    }
  return s;
}

// One slice of a wait for the card in `reader` to leave, run on the worker.
struct RemovalStep {
  LONG rv = SCARD_S_SUCCESS;
  std::string call;
  bool gone = false;
};

RemovalStep removal_step(Context& ctx, const std::string& reader, DWORD slice_ms) {
  RemovalStep s;
  if ((s.rv = ctx.ensure()) != SCARD_S_SUCCESS) {
    s.call = "SCardEstablishContext";
    return s;
  }
  SCARD_READERSTATE st{};
  st.szReader = reader.c_str();
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  auto absent = [](DWORD e) {
    return (e & (SCARD_STATE_EMPTY | SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) != 0;
  };
  for (DWORD wait : {DWORD{0}, slice_ms}) {
    s.rv = SCardGetStatusChange(ctx.handle, wait, &st, 1);
    if (s.rv == SCARD_E_UNKNOWN_READER) {  // the reader went with it
      s.rv = SCARD_S_SUCCESS;
      s.gone = true;
      return s;
    }
    if (s.rv == SCARD_E_TIMEOUT) {
      s.rv = SCARD_S_SUCCESS;
      continue;
    }
    if (s.rv != SCARD_S_SUCCESS) {
      s.call = "SCardGetStatusChange";
      if (service_lost(s.rv)) ctx.drop();
      return s;
    }
    if (absent(st.dwEventState)) {
      s.gone = true;
      return s;
    }
    st.dwCurrentState = st.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
  }
  return s;
}

}  // namespace

PcscCardReader::PcscCardReader(PcscConfig config) : config_(config) {}

PcscCardReader::~PcscCardReader() {
  std::shared_ptr<Worker> w;
  {
    std::lock_guard l(m_);
    w = std::move(worker_);
  }
  if (w) w->shutdown(w->wedged() ? Millis(0) : config_.call_timeout);
}

std::shared_ptr<Worker> PcscCardReader::worker() {
  std::lock_guard l(m_);
  std::erase_if(abandoned_, [](const std::shared_ptr<Worker>& w) { return w->finished(); });
  if (worker_ && worker_->wedged()) {
    // The old worker is stuck in a call to pcscd; it finishes (or not) on its own thread.
    worker_->shutdown(Millis(0));
    abandoned_.push_back(std::move(worker_));
  }
  // Past the bound, the wedged worker is handed out again: its calls fail at once (kTimeout).
  if (!worker_ && abandoned_.size() >= kMaxAbandoned) return abandoned_.back();
  if (!worker_) worker_ = Worker::create();
  return worker_;
}

void PcscCardReader::set_state(DeviceState s, std::string detail) {
  std::lock_guard l(m_);
  state_ = s;
  detail_ = std::move(detail);
}

DeviceState PcscCardReader::state() const {
  std::lock_guard l(m_);
  return state_;
}

std::string PcscCardReader::state_detail() const {
  std::lock_guard l(m_);
  return detail_;
}

CardReaderFailure PcscCardReader::wedged(std::string_view what) {
  CardReaderFailure f{CardReaderError::kTimeout,
                      std::string(what) + ": no answer from pcscd within " +
                          std::to_string(config_.call_timeout.count()) + " ms"};
  set_state(DeviceState::kFailed, f.detail);
  return f;
}

Result<std::vector<ReaderStatus>, CardReaderFailure> PcscCardReader::readers() {
  struct Out {
    LONG rv = SCARD_S_SUCCESS;
    std::string call;
    std::vector<ReaderStatus> list;
  };
  auto r = worker()->call<Out>(
      [](Context& ctx) {
        Out o;
        if ((o.rv = ctx.ensure()) != SCARD_S_SUCCESS) {
          o.call = "SCardEstablishContext";
          return o;
        }
        std::vector<std::string> names;
        if ((o.rv = list_names(ctx, names)) != SCARD_S_SUCCESS) {
          o.call = "SCardListReaders";
          if (service_lost(o.rv)) ctx.drop();
          return o;
        }
        if (names.empty()) return o;
        std::vector<SCARD_READERSTATE> st(names.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
          st[i].szReader = names[i].c_str();
          st[i].dwCurrentState = SCARD_STATE_UNAWARE;
        }
        o.rv = SCardGetStatusChange(ctx.handle, 0, st.data(), static_cast<DWORD>(st.size()));
        if (o.rv == SCARD_E_TIMEOUT) o.rv = SCARD_S_SUCCESS;
        if (o.rv != SCARD_S_SUCCESS) {
          o.call = "SCardGetStatusChange";
          if (service_lost(o.rv)) ctx.drop();
          return o;
        }
        for (std::size_t i = 0; i < names.size(); ++i) {
          ReaderStatus s;
          s.name = names[i];
          s.card_present = card_in(st[i].dwEventState);
          if (s.card_present)
            s.atr.assign(st[i].rgbAtr, st[i].rgbAtr + std::min<DWORD>(st[i].cbAtr, MAX_ATR_SIZE));
          o.list.push_back(std::move(s));
        }
        return o;
      },
      config_.call_timeout);
  if (!r) return Unexpected{wedged("listing readers")};
  if (r->rv != SCARD_S_SUCCESS) {
    auto f = failure(classify(r->rv), r->call, r->rv);
    set_state(
        f.reason == CardReaderError::kNoService ? DeviceState::kStarting : DeviceState::kFailed,
        f.detail);
    return Unexpected{f};
  }
  if (r->list.empty()) {
    set_state(DeviceState::kAbsent, "no card reader attached");
  } else {
    set_state(DeviceState::kReady, std::to_string(r->list.size()) + " reader(s)");
  }
  return std::move(r->list);
}

Result<std::string, CardReaderFailure> PcscCardReader::wait_for_card(std::string_view only,
                                                                     Millis timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  const std::string want(only);
  bool saw_reader = false, saw_service = false;
  CardReaderFailure last{CardReaderError::kNoService, "pcscd never answered"};
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    auto slice = std::clamp(left, Millis(0), config_.poll_slice);
    auto r = worker()->call<WaitStep>([want, ms = static_cast<DWORD>(slice.count())](
                                          Context& ctx) { return wait_step(ctx, want, ms); },
                                      slice + config_.call_timeout);
    if (!r) {
      // pcscd did not answer in time: say so now, and try again (a fresh worker) until the
      // deadline, since a stalled pcscd often comes back.
      last = wedged("waiting for a card");
      auto pause = std::min(config_.retry_interval,
                            std::chrono::duration_cast<Millis>(deadline - Clock::now()));
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    } else if (r->rv == SCARD_S_SUCCESS) {
      saw_service = true;
      saw_reader = saw_reader || r->saw_reader;
      if (!r->found.empty()) {
        set_state(DeviceState::kReady, "card in " + r->found);
        return std::move(r->found);
      }
      if (r->saw_reader) {
        set_state(DeviceState::kReady, "waiting for a card");
      } else {
        set_state(DeviceState::kAbsent,
                  want.empty() ? "no card reader attached" : "reader '" + want + "' not attached");
      }
    } else {
      last = failure(classify(r->rv), r->call, r->rv);
      set_state(last.reason == CardReaderError::kNoService ? DeviceState::kStarting
                                                           : DeviceState::kFailed,
                last.detail);
      // Without a service (or after an error) the next attempt comes after a pause, not at once.
      auto pause = std::min(config_.retry_interval,
                            std::chrono::duration_cast<Millis>(deadline - Clock::now()));
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
    if (Clock::now() >= deadline) break;
  }
  if (saw_reader)
    return Unexpected{CardReaderFailure{
        CardReaderError::kNoCard, "no card within " + std::to_string(timeout.count()) + " ms"}};
  if (saw_service)
    return Unexpected{CardReaderFailure{CardReaderError::kNoReader,
                                        want.empty() ? std::string("no card reader attached")
                                                     : "reader '" + want + "' not attached"}};
  return Unexpected{last};
}

Result<bool, CardReaderFailure> PcscCardReader::wait_for_removal(std::string_view reader,
                                                                 Millis timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  const std::string name(reader);
  std::optional<CardReaderFailure> last;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    auto slice = std::clamp(left, Millis(0), config_.poll_slice);
    auto r = worker()->call<RemovalStep>([name, ms = static_cast<DWORD>(slice.count())](
                                             Context& ctx) { return removal_step(ctx, name, ms); },
                                         slice + config_.call_timeout);
    if (r && r->rv == SCARD_S_SUCCESS) {
      last.reset();
      if (r->gone) return true;
    } else {
      last = r ? failure(classify(r->rv), r->call, r->rv) : wedged("waiting for the card to leave");
      auto pause = std::min(config_.retry_interval,
                            std::chrono::duration_cast<Millis>(deadline - Clock::now()));
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
    if (Clock::now() >= deadline) break;
  }
  if (last) return Unexpected{*last};
  return false;
}

Result<std::unique_ptr<CardChannel>, CardReaderFailure> PcscCardReader::connect(
    std::string_view reader) {
  struct Out {
    LONG rv = SCARD_S_SUCCESS;
    std::string call;
    SCARDHANDLE h = 0;
    DWORD proto = 0;
  };
  std::shared_ptr<Worker> w = worker();
  auto r = w->call<Out>(
      [name = std::string(reader)](Context& ctx) {
        Out o;
        if ((o.rv = ctx.ensure()) != SCARD_S_SUCCESS) {
          o.call = "SCardEstablishContext";
          return o;
        }
        o.rv = SCardConnect(ctx.handle, name.c_str(), SCARD_SHARE_SHARED,
                            SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &o.h, &o.proto);
        if (o.rv != SCARD_S_SUCCESS) {
          o.call = "SCardConnect";
          if (service_lost(o.rv)) ctx.drop();
          return o;
        }
        // The three steps of the protocol run as one transaction: no other program in between.
        o.rv = SCardBeginTransaction(o.h);
        if (o.rv != SCARD_S_SUCCESS) {
          o.call = "SCardBeginTransaction";
          (void)SCardDisconnect(o.h, SCARD_LEAVE_CARD);
          if (service_lost(o.rv)) ctx.drop();
        }
        return o;
      },
      config_.call_timeout);
  if (!r) return Unexpected{wedged("connecting to the card")};
  if (r->rv != SCARD_S_SUCCESS) {
    auto f = failure(classify(r->rv), r->call, r->rv);
    if (f.reason == CardReaderError::kNoService) set_state(DeviceState::kStarting, f.detail);
    return Unexpected{f};
  }
  return std::unique_ptr<CardChannel>(
      std::make_unique<PcscChannel>(w, r->h, r->proto, std::string(reader), config_));
}

}  // namespace kiosk::drivers
