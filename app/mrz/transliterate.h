// ICAO Doc 9303 part 3 section 6: a name in Latin letters written in the MRZ alphabet. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::mrz {

/// One name component (a word of the name) in every spelling the MRZ may give it: Ä, Ö, Ü, Å and
/// Ø have two (AE or A, ...), every other letter one. Capped: a word with many such letters keeps
/// its first spellings.
using Component = std::vector<std::string>;

/// The name's components in MRZ letters: diacritics transliterated (Zoë -> ZOE, ß -> SS), letters
/// upper-cased, apostrophes and full stops dropped, spaces, hyphens and commas separating. nullopt
/// when the name holds a letter outside Latin-1 and Latin Extended-A (another script): such a name
/// is not comparable with an MRZ, never a match. Invalid UTF-8 is nullopt too.
std::optional<std::vector<Component>> mrz_components(std::string_view utf8);

}  // namespace kiosk::mrz
