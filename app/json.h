// Minimal JSON: a streaming writer for verdict lines and a strict, bounded parser for the small
// files the kiosk reads (chip files, vectors, scenarios). Parsing failures are values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::json {

class Writer {
 public:
  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view k);
  Writer& string(std::string_view s);
  Writer& number(std::int64_t n);
  Writer& boolean(bool b);
  Writer& null();
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

/// Appends `s` as a JSON string literal (quoted, escaped) to `out`.
void append_quoted(std::string& out, std::string_view s);

struct Member;

struct Value {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<Member> object;  ///< members in document order

  const Value* get(std::string_view key) const;
  bool is_string() const { return type == Type::kString; }
  bool is_object() const { return type == Type::kObject; }
  bool is_array() const { return type == Type::kArray; }
  bool is_number() const { return type == Type::kNumber; }
};

/// An object member; `first`/`second` as in a pair, so structured bindings work.
struct Member {
  std::string first;
  Value second;
};

struct ParseError {
  std::size_t offset;
  std::string what;
};

/// Parses one JSON document (RFC 8259), nesting at most 64 deep. Duplicate keys are refused.
std::optional<Value> parse(std::string_view text, ParseError* error = nullptr);

}  // namespace kiosk::json
