// A strict CBOR (RFC 8949) decoder and a small deterministic encoder.
//
// The decoder accepts exactly one well-formed, definite-length item and rejects: indefinite
// lengths, reserved additional information, nesting deeper than the limit (arrays, maps and tags
// each count as a level), duplicate map keys (compared by value, so 1 and 0x18 0x01 collide),
// text strings that are not UTF-8, and bytes after the top-level item. Integer encodings need not
// be minimal: every decoded item keeps a view of its exact bytes, nothing is re-encoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "app/bytes.h"
#include "app/result.h"

namespace kiosk::cbor {

enum class Type : std::uint8_t { kUint, kNint, kBytes, kText, kArray, kMap, kTag, kSimple, kFloat };

/// A decoded item. Views (`bytes`, `raw`) point into the decoded input, which must outlive it.
struct Item {
  Type type = Type::kUint;
  /// kUint: the value; kNint: n for the value -1-n; kTag: the tag number; kSimple: its value;
  /// kArray, kMap: the element or pair count.
  std::uint64_t value = 0;
  ByteView bytes;  ///< kBytes, kText: the content
  ByteView raw;    ///< the whole encoding of this item
  /// kArray: the elements; kMap: key0, value0, key1, value1, ...; kTag: the tagged item.
  std::vector<Item> items;

  bool is_uint() const { return type == Type::kUint; }
  bool is_int() const { return type == Type::kUint || type == Type::kNint; }
  bool is_bytes() const { return type == Type::kBytes; }
  bool is_text() const { return type == Type::kText; }
  bool is_array() const { return type == Type::kArray; }
  bool is_map() const { return type == Type::kMap; }
  std::string_view text() const { return as_chars(bytes); }
  /// The integer value when it fits an int64_t.
  std::optional<std::int64_t> as_int64() const;
  /// For a map: the value under integer key `key`, or nullptr.
  const Item* find(std::int64_t key) const;
  std::size_t map_size() const { return items.size() / 2; }
};

enum class Error {
  kTruncated,     ///< input ends inside an item, or a length exceeds the input
  kIndefinite,    ///< indefinite-length item or a stray break
  kReserved,      ///< reserved additional information or a non-well-formed simple value
  kTooDeep,       ///< nesting deeper than the limit
  kDuplicateKey,  ///< two equal keys in one map
  kInvalidUtf8,   ///< a text string that is not UTF-8
  kTrailing,      ///< bytes after the top-level item
  kTooMany,       ///< more items than the caller's budget (decode_bounded)
};

constexpr int kMaxDepth = 8;

/// Decodes exactly one item filling all of `in`. Memory: about 72 bytes per item, so up to ~72
/// times the input for hostile input; use decode_bounded or check for untrusted large input.
Result<Item, Error> decode(ByteView in, int max_depth = kMaxDepth);

/// As decode, but refuses (kTooMany) input of more than `max_items` items before allocating
/// them: memory stays below about 72 * max_items bytes whatever the input.
Result<Item, Error> decode_bounded(ByteView in, std::size_t max_items, int max_depth = kMaxDepth);

/// Checks that `in` is exactly one item that decode would accept, without building it: no heap
/// memory, time linear in the input. Duplicate keys are found in maps of up to
/// kCheckedMapPairs pairs; larger maps are left to decode. nullopt: well-formed.
constexpr std::size_t kCheckedMapPairs = 8;
std::optional<Error> check(ByteView in, int max_depth = kMaxDepth);

const char* error_name(Error e);

/// Deterministic encoder (shortest heads, definite lengths), appending to a buffer.
class Writer {
 public:
  Writer& uint(std::uint64_t v) { return head(0, v); }
  Writer& integer(std::int64_t v) {
    return v >= 0 ? head(0, static_cast<std::uint64_t>(v))
                  : head(1, static_cast<std::uint64_t>(-(v + 1)));
  }
  Writer& bytes(ByteView b);
  Writer& text(std::string_view s);
  Writer& array(std::uint64_t n) { return head(4, n); }
  Writer& map(std::uint64_t n) { return head(5, n); }
  Writer& tag(std::uint64_t t) { return head(6, t); }
  Writer& boolean(bool b) {
    out_.push_back(b ? 0xF5 : 0xF4);
    return *this;
  }
  /// Appends an already-encoded item verbatim.
  Writer& raw(ByteView b) {
    out_.insert(out_.end(), b.begin(), b.end());
    return *this;
  }
  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Writer& head(unsigned major, std::uint64_t v);
  Bytes out_;
};

}  // namespace kiosk::cbor
