#include "app/cbor.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

namespace kiosk::cbor {
namespace {

bool valid_utf8(ByteView s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points above U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

/// Identity of a map key for duplicate detection: equal values compare equal whatever their
/// encoding width.
struct KeyId {
  std::uint8_t cls;  // 0 uint, 1 nint, 2 bytes, 3 text, 9 other (compared by raw encoding)
  std::uint64_t value;
  ByteView bytes;
};

KeyId key_id(const Item& k) {
  switch (k.type) {
    case Type::kUint:
      return {0, k.value, {}};
    case Type::kNint:
      return {1, k.value, {}};
    case Type::kBytes:
      return {2, 0, k.bytes};
    case Type::kText:
      return {3, 0, k.bytes};
    default:
      return {9, 0, k.raw};
  }
}

bool key_less(const KeyId& a, const KeyId& b) {
  if (a.cls != b.cls) return a.cls < b.cls;
  if (a.value != b.value) return a.value < b.value;
  return std::lexicographical_compare(a.bytes.begin(), a.bytes.end(), b.bytes.begin(),
                                      b.bytes.end());
}

/// Reads the head of the item at `pos` (advanced past it): major type, additional information
/// and argument. Indefinite lengths and reserved additional information are errors.
std::optional<Error> read_head(ByteView in, std::size_t& pos, unsigned& major, unsigned& ai,
                               std::uint64_t& arg) {
  if (pos >= in.size()) return Error::kTruncated;
  std::uint8_t ib = in[pos++];
  major = ib >> 5;
  ai = ib & 0x1F;
  arg = 0;
  if (ai < 24) {
    arg = ai;
  } else if (ai <= 27) {
    std::size_t n = std::size_t{1} << (ai - 24);
    if (in.size() - pos < n) return Error::kTruncated;
    for (std::size_t k = 0; k < n; ++k)
      arg = arg << 8 | in[pos++];
  } else if (ai == 31) {
    return Error::kIndefinite;
  } else {
    return Error::kReserved;
  }
  return std::nullopt;
}

class Decoder {
 public:
  Decoder(ByteView in, int max_depth, std::size_t max_items = SIZE_MAX)
      : in_(in), max_depth_(max_depth), budget_(max_items) {}

  std::optional<Error> item(Item& out, int depth) {
    if (budget_ == 0) return Error::kTooMany;
    --budget_;
    std::size_t start = pos_;
    unsigned major = 0, ai = 0;
    std::uint64_t arg = 0;
    if (auto e = read_head(in_, pos_, major, ai, arg)) return e;
    out.value = arg;
    switch (major) {
      case 0:
        out.type = Type::kUint;
        break;
      case 1:
        out.type = Type::kNint;
        break;
      case 2:
      case 3: {
        if (arg > in_.size() - pos_) return Error::kTruncated;
        out.type = major == 2 ? Type::kBytes : Type::kText;
        out.bytes = in_.subspan(pos_, static_cast<std::size_t>(arg));
        pos_ += static_cast<std::size_t>(arg);
        if (out.type == Type::kText && !valid_utf8(out.bytes)) return Error::kInvalidUtf8;
        break;
      }
      case 4:
      case 5: {
        if (depth >= max_depth_) return Error::kTooDeep;
        std::uint64_t per = major == 4 ? 1 : 2;
        // Every item takes at least one byte: a count beyond the input is truncated, and checking
        // it first bounds the allocation by the input size.
        if (arg > (in_.size() - pos_) / per) return Error::kTruncated;
        if (arg > budget_ / per) return Error::kTooMany;  // before allocating them
        out.type = major == 4 ? Type::kArray : Type::kMap;
        out.items.resize(static_cast<std::size_t>(arg * per));
        for (auto& child : out.items) {
          if (auto e = item(child, depth + 1)) return e;
        }
        if (out.type == Type::kMap) {
          if (auto e = check_duplicates(out)) return e;
        }
        break;
      }
      case 6:
        if (depth >= max_depth_) return Error::kTooDeep;
        out.type = Type::kTag;
        out.items.resize(1);
        if (auto e = item(out.items[0], depth + 1)) return e;
        break;
      case 7:
        if (ai < 24) {
          out.type = Type::kSimple;
        } else if (ai == 24) {
          if (arg < 32) return Error::kReserved;  // RFC 8949 3.3: not well-formed
          out.type = Type::kSimple;
        } else {
          out.type = Type::kFloat;
        }
        break;
    }
    out.raw = in_.subspan(start, pos_ - start);
    return std::nullopt;
  }

  std::size_t pos() const { return pos_; }

 private:
  static std::optional<Error> check_duplicates(const Item& map) {
    std::size_t n = map.map_size();
    if (n < 2) return std::nullopt;
    if (n <= 8) {
      for (std::size_t i = 0; i < n; ++i) {
        KeyId a = key_id(map.items[2 * i]);
        for (std::size_t j = i + 1; j < n; ++j) {
          KeyId b = key_id(map.items[2 * j]);
          if (!key_less(a, b) && !key_less(b, a)) return Error::kDuplicateKey;
        }
      }
      return std::nullopt;
    }
    std::vector<KeyId> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back(key_id(map.items[2 * i]));
    std::sort(ids.begin(), ids.end(), key_less);
    for (std::size_t i = 1; i < n; ++i) {
      if (!key_less(ids[i - 1], ids[i])) return Error::kDuplicateKey;
    }
    return std::nullopt;
  }

  ByteView in_;
  std::size_t pos_ = 0;
  int max_depth_;
  std::size_t budget_;
};

/// The well-formedness walk of `check`: the rules of Decoder without building items.
class Checker {
 public:
  Checker(ByteView in, int max_depth) : in_(in), max_depth_(max_depth) {}

  /// Walks one item; `id` (when given) receives its identity as a map key.
  std::optional<Error> item(int depth, KeyId* id) {
    std::size_t start = pos_;
    unsigned major = 0, ai = 0;
    std::uint64_t arg = 0;
    if (auto e = read_head(in_, pos_, major, ai, arg)) return e;
    KeyId key{9, 0, {}};
    switch (major) {
      case 0:
      case 1:
        key = {static_cast<std::uint8_t>(major), arg, {}};
        break;
      case 2:
      case 3: {
        if (arg > in_.size() - pos_) return Error::kTruncated;
        ByteView content = in_.subspan(pos_, static_cast<std::size_t>(arg));
        pos_ += static_cast<std::size_t>(arg);
        if (major == 3 && !valid_utf8(content)) return Error::kInvalidUtf8;
        key = {static_cast<std::uint8_t>(major), 0, content};
        break;
      }
      case 4:
        if (depth >= max_depth_) return Error::kTooDeep;
        if (arg > in_.size() - pos_) return Error::kTruncated;
        for (std::uint64_t i = 0; i < arg; ++i) {
          if (auto e = item(depth + 1, nullptr)) return e;
        }
        break;
      case 5: {
        if (depth >= max_depth_) return Error::kTooDeep;
        if (arg > (in_.size() - pos_) / 2) return Error::kTruncated;
        std::array<KeyId, kCheckedMapPairs> keys;
        for (std::uint64_t i = 0; i < arg; ++i) {
          KeyId k;
          if (auto e = item(depth + 1, &k)) return e;
          if (arg <= kCheckedMapPairs) {
            const auto n = static_cast<std::size_t>(i);  // i < arg <= kCheckedMapPairs
            for (std::size_t j = 0; j < n; ++j) {
              if (!key_less(keys[j], k) && !key_less(k, keys[j])) return Error::kDuplicateKey;
            }
            keys[n] = k;
          }
          if (auto e = item(depth + 1, nullptr)) return e;
        }
        break;
      }
      case 6:
        if (depth >= max_depth_) return Error::kTooDeep;
        if (auto e = item(depth + 1, nullptr)) return e;
        break;
      case 7:
        if (ai == 24 && arg < 32) return Error::kReserved;
        break;
    }
    if (id) {
      *id = key;
      if (key.cls == 9) id->bytes = in_.subspan(start, pos_ - start);
    }
    return std::nullopt;
  }

  std::size_t pos() const { return pos_; }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
  int max_depth_;
};

}  // namespace

std::optional<std::int64_t> Item::as_int64() const {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (type == Type::kUint && value <= kMax) return static_cast<std::int64_t>(value);
  if (type == Type::kNint && value <= kMax) return -1 - static_cast<std::int64_t>(value);
  return std::nullopt;
}

const Item* Item::find(std::int64_t key) const {
  if (type != Type::kMap) return nullptr;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    auto k = items[i].as_int64();
    if (k && *k == key) return &items[i + 1];
  }
  return nullptr;
}

Result<Item, Error> decode(ByteView in, int max_depth) {
  Decoder d(in, max_depth);
  Item item;
  if (auto e = d.item(item, 0)) return Unexpected{*e};
  if (d.pos() != in.size()) return Unexpected{Error::kTrailing};
  return item;
}

Result<Item, Error> decode_bounded(ByteView in, std::size_t max_items, int max_depth) {
  Decoder d(in, max_depth, max_items);
  Item item;
  if (auto e = d.item(item, 0)) return Unexpected{*e};
  if (d.pos() != in.size()) return Unexpected{Error::kTrailing};
  return item;
}

std::optional<Error> check(ByteView in, int max_depth) {
  Checker c(in, max_depth);
  if (auto e = c.item(0, nullptr)) return e;
  if (c.pos() != in.size()) return Error::kTrailing;
  return std::nullopt;
}

const char* error_name(Error e) {
  switch (e) {
    case Error::kTruncated:
      return "truncated";
    case Error::kIndefinite:
      return "indefinite length";
    case Error::kReserved:
      return "reserved encoding";
    case Error::kTooDeep:
      return "nested too deep";
    case Error::kDuplicateKey:
      return "duplicate map key";
    case Error::kInvalidUtf8:
      return "text not UTF-8";
    case Error::kTrailing:
      return "trailing bytes";
    case Error::kTooMany:
      return "too many items";
  }
  return "?";
}

Writer& Writer::head(unsigned major, std::uint64_t v) {
  auto m = static_cast<std::uint8_t>(major << 5);
  if (v < 24) {
    out_.push_back(static_cast<std::uint8_t>(m | v));
  } else {
    int n = v <= 0xFF ? 1 : v <= 0xFFFF ? 2 : v <= 0xFFFFFFFF ? 4 : 8;
    out_.push_back(static_cast<std::uint8_t>(m | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27)));
    for (int i = n - 1; i >= 0; --i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  return *this;
}

Writer& Writer::bytes(ByteView b) {
  head(2, b.size());
  return raw(b);
}

Writer& Writer::text(std::string_view s) {
  head(3, s.size());
  return raw(as_bytes(s));
}

}  // namespace kiosk::cbor
