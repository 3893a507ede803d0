// The catalogue of what `kiosk-sim issue` can make: for each document, the valid credential and
// one variant per failure the spec names, with the verdict each must get.
//
// The promise: verified at the issue's `now`, on a store holding the trust package of
// `make_test_pki(seed, now)` (or `kiosk-sim keys --now` at that time), with the kiosk's
// jurisdiction set to the issue city's prefix (e.g. "3101" for Shanghai), max_age 90 s and skew
// 30 s, a variant's verdict is exactly `expected` (outcome, document, reasons in table order).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "app/reason.h"

namespace kiosk::sim {

/// The four things an applicant can present, as the command line names them.
enum class DocKind { kEcard, kWpnl, kWpcard, kChip };

std::string_view name(DocKind d);
std::optional<DocKind> doc_kind_from_name(std::string_view s);
/// The spec's doc code of the credential a DocKind normally carries.
Document document_of(DocKind d);
/// True for the QR documents (ecard, wpnl, wpcard), false for the chip.
bool is_qr(DocKind d);

struct ExpectedVerdict {
  Outcome outcome = Outcome::kAccept;
  Document document = Document::kUnknown;
  std::vector<Reason> reasons;  ///< in the order of the spec's table
};

struct VariantInfo {
  DocKind doc;
  std::string_view name;
  std::string_view what;  ///< one line: how it is made
  ExpectedVerdict expected;
};

/// Every (doc, variant) pair, grouped by doc, valid first.
std::span<const VariantInfo> variants();
const VariantInfo* find_variant(DocKind doc, std::string_view name);

}  // namespace kiosk::sim
