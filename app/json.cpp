#include "app/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kiosk::json {

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void Writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) out_ += ", ";
  first_ = false;
}
Writer& Writer::begin_object() {
  separate();
  out_ += '{';
  first_ = true;
  return *this;
}
Writer& Writer::end_object() {
  out_ += '}';
  first_ = false;
  return *this;
}
Writer& Writer::begin_array() {
  separate();
  out_ += '[';
  first_ = true;
  return *this;
}
Writer& Writer::end_array() {
  out_ += ']';
  first_ = false;
  return *this;
}
Writer& Writer::key(std::string_view k) {
  separate();
  append_quoted(out_, k);
  out_ += ": ";
  after_key_ = true;
  return *this;
}
Writer& Writer::string(std::string_view s) {
  separate();
  append_quoted(out_, s);
  return *this;
}
Writer& Writer::number(std::int64_t n) {
  separate();
  out_ += std::to_string(n);
  return *this;
}
Writer& Writer::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}
Writer& Writer::null() {
  separate();
  out_ += "null";
  return *this;
}

const Value* Value::get(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (const auto& [k, v] : object) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool document(Value& v) {
    ws();
    if (!value(v, 0)) return false;
    ws();
    if (pos_ != s_.size()) return fail("trailing characters");
    return true;
  }
  ParseError error() const { return {err_pos_, err_}; }

 private:
  bool fail(const char* what) {
    if (err_.empty()) {
      err_ = what;
      err_pos_ = pos_;
    }
    return false;
  }
  void ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("unexpected token");
    pos_ += word.size();
    return true;
  }
  bool value(Value& v, int depth) {
    if (depth > 64) return fail("nested too deep");
    if (pos_ >= s_.size()) return fail("unexpected end");
    char c = s_[pos_];
    switch (c) {
      case '{':
        return object(v, depth);
      case '[':
        return array(v, depth);
      case '"':
        v.type = Value::Type::kString;
        return string(v.string);
      case 't':
        v.type = Value::Type::kBool;
        v.boolean = true;
        return literal("true");
      case 'f':
        v.type = Value::Type::kBool;
        v.boolean = false;
        return literal("false");
      case 'n':
        v.type = Value::Type::kNull;
        return literal("null");
      default:
        return number(v);
    }
  }
  bool object(Value& v, int depth) {
    v.type = Value::Type::kObject;
    ++pos_;
    ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a key");
      std::string k;
      if (!string(k)) return false;
      if (v.get(k)) return fail("duplicate key");
      ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      ws();
      Value child;
      if (!value(child, depth + 1)) return false;
      v.object.push_back(Member{std::move(k), std::move(child)});
      ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }
  bool array(Value& v, int depth) {
    v.type = Value::Type::kArray;
    ++pos_;
    ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      ws();
      Value child;
      if (!value(child, depth + 1)) return false;
      v.array.push_back(std::move(child));
      ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }
  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | cp >> 6));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | cp >> 12));
      out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | cp >> 18));
      out.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool hex4(std::uint32_t& cp) {
    if (s_.size() - pos_ < 4) return fail("bad \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return fail("bad \\u escape");
      cp = cp << 4 | static_cast<std::uint32_t>(d);
    }
    return true;
  }
  bool string(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= s_.size()) return fail("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return fail("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo;
            if (s_.substr(pos_, 2) != "\\u") return fail("lone surrogate");
            pos_ += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
  }
  bool number(Value& v) {
    std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      std::size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')
        ++pos_;
      return pos_ - d;
    };
    if (digits() == 0) return fail("unexpected character");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return fail("bad number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("bad number");
    }
    std::string tok(s_.substr(start, pos_ - start));
    v.type = Value::Type::kNumber;
    v.number = std::strtod(tok.c_str(), nullptr);
    if (!std::isfinite(v.number)) return fail("number out of range");
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string err_;
  std::size_t err_pos_ = 0;
};

}  // namespace

std::optional<Value> parse(std::string_view text, ParseError* error) {
  Parser p(text);
  Value v;
  if (!p.document(v)) {
    if (error) *error = p.error();
    return std::nullopt;
  }
  return v;
}

}  // namespace kiosk::json
