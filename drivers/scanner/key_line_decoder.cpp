#include "drivers/scanner/key_line_decoder.h"

#include <linux/input.h>

namespace kiosk::drivers {

namespace {

struct KeyChars {
  std::uint16_t code;
  char plain;
  char shifted;
};

// US layout (the scanner's factory default). Letters are handled apart for Caps Lock.
constexpr KeyChars kKeys[] = {
    {KEY_1, '1', '!'},         {KEY_2, '2', '@'},           {KEY_3, '3', '#'},
    {KEY_4, '4', '$'},         {KEY_5, '5', '%'},           {KEY_6, '6', '^'},
    {KEY_7, '7', '&'},         {KEY_8, '8', '*'},           {KEY_9, '9', '('},
    {KEY_0, '0', ')'},         {KEY_MINUS, '-', '_'},       {KEY_EQUAL, '=', '+'},
    {KEY_LEFTBRACE, '[', '{'}, {KEY_RIGHTBRACE, ']', '}'},  {KEY_BACKSLASH, '\\', '|'},
    {KEY_SEMICOLON, ';', ':'}, {KEY_APOSTROPHE, '\'', '"'}, {KEY_GRAVE, '`', '~'},
    {KEY_COMMA, ',', '<'},     {KEY_DOT, '.', '>'},         {KEY_SLASH, '/', '?'},
    {KEY_SPACE, ' ', ' '},     {KEY_KP0, '0', '0'},         {KEY_KP1, '1', '1'},
    {KEY_KP2, '2', '2'},       {KEY_KP3, '3', '3'},         {KEY_KP4, '4', '4'},
    {KEY_KP5, '5', '5'},       {KEY_KP6, '6', '6'},         {KEY_KP7, '7', '7'},
    {KEY_KP8, '8', '8'},       {KEY_KP9, '9', '9'},         {KEY_KPDOT, '.', '.'},
    {KEY_KPMINUS, '-', '-'},   {KEY_KPPLUS, '+', '+'},      {KEY_KPASTERISK, '*', '*'},
    {KEY_KPSLASH, '/', '/'},
};

// Linux key codes of the letters, in alphabetical order.
constexpr std::uint16_t kLetters[26] = {
    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
    KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};

std::optional<char> letter(std::uint16_t code, bool upper) {
  for (int i = 0; i < 26; ++i)
    if (kLetters[i] == code) return static_cast<char>((upper ? 'A' : 'a') + i);
  return std::nullopt;
}

}  // namespace

std::optional<char> us_key_char(std::uint16_t code, bool shift) {
  if (auto l = letter(code, shift)) return l;
  for (const auto& k : kKeys)
    if (k.code == code) return shift ? k.shifted : k.plain;
  return std::nullopt;
}

KeyLineDecoder::KeyLineDecoder(std::size_t max_line) : max_line_(max_line) {}

void KeyLineDecoder::reset() {
  line_.clear();
  left_shift_ = right_shift_ = caps_ = false;
  ctrl_alt_down_ = 0;
  discarding_ = false;
}

void KeyLineDecoder::reject(ScanReject r, std::vector<FramedLine>& out) {
  if (!discarding_) out.emplace_back(std::move(r));
  discarding_ = true;
  line_.clear();
}

void KeyLineDecoder::feed(std::uint16_t type, std::uint16_t code, std::int32_t value,
                          std::vector<FramedLine>& out) {
  if (type == EV_SYN && code == SYN_DROPPED) {
    // The kernel's buffer overflowed: keys of this line are missing, and the modifier state is
    // unknown. Refuse the line; a scanner releases its modifiers before Enter.
    left_shift_ = right_shift_ = false;
    ctrl_alt_down_ = 0;
    reject({ScanRejectReason::kEventsDropped, "the kernel dropped input events"}, out);
    return;
  }
  if (type != EV_KEY) return;
  const bool down = value != 0;  // 1 press, 2 autorepeat, 0 release
  switch (code) {
    case KEY_LEFTSHIFT:
      left_shift_ = down;
      return;
    case KEY_RIGHTSHIFT:
      right_shift_ = down;
      return;
    case KEY_CAPSLOCK:
      if (value == 1) caps_ = !caps_;
      return;
    case KEY_LEFTCTRL:
    case KEY_RIGHTCTRL:
    case KEY_LEFTALT:
    case KEY_RIGHTALT:
    case KEY_LEFTMETA:
    case KEY_RIGHTMETA:
      if (value == 1) ++ctrl_alt_down_;
      if (value == 0 && ctrl_alt_down_ > 0) --ctrl_alt_down_;
      return;
    case KEY_NUMLOCK:
      return;
    default:
      break;
  }
  if (!down) return;
  if (code == KEY_ENTER || code == KEY_KPENTER) {
    if (!discarding_ && !line_.empty()) out.emplace_back(std::move(line_));
    line_.clear();
    discarding_ = false;
    return;
  }
  if (discarding_) return;
  const bool shift = left_shift_ || right_shift_;
  std::optional<char> c = letter(code, shift != caps_);
  if (!c) c = us_key_char(code, shift);
  if (!c)
    return reject(
        {ScanRejectReason::kUnmappedKey, "key code " + std::to_string(code) + " has no character"},
        out);
  if (ctrl_alt_down_ > 0)
    return reject({ScanRejectReason::kUnmappedKey,
                   "key code " + std::to_string(code) + " typed with Ctrl/Alt/Meta held"},
                  out);
  if (line_.size() >= max_line_)
    return reject({ScanRejectReason::kLineTooLong,
                   "line longer than " + std::to_string(max_line_) + " characters"},
                  out);
  line_.push_back(*c);
}

}  // namespace kiosk::drivers
