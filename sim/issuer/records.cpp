#include "sim/issuer/records.h"

#include <array>
#include <cstdio>

namespace kiosk::sim {
namespace {

constexpr std::array<City, 8> kCities{{
    {"shanghai", "上海", "Pudong New Area", "310115", "3101"},
    {"beijing", "北京", "Chaoyang District", "110105", "1101"},
    {"shenzhen", "深圳", "Nanshan District", "440305", "4403"},
    {"guangzhou", "广州", "Tianhe District", "440106", "4401"},
    {"hangzhou", "杭州", "Xihu District", "330106", "3301"},
    {"chengdu", "成都", "Wuhou District", "510107", "5101"},
    {"suzhou", "苏州", "Huqiu District", "320505", "3205"},
    {"tianjin", "天津", "Binhai New Area", "120116", "1201"},
}};

// Passport number shapes: 'L' an upper-case letter, 'D' a digit, anything else literal.
struct Nationality {
  std::string_view code;
  std::string_view passport;
  std::array<std::string_view, 6> given;
  std::array<std::string_view, 6> family;
};

constexpr std::array<Nationality, 16> kNationalities{{
    {"USA",
     "DDDDDDDDD",
     {"Michael", "Jennifer", "David", "Emily", "Christopher", "Ashley"},
     {"Johnson", "Williams", "Brown", "Miller", "Anderson", "Taylor"}},
    {"GBR",
     "DDDDDDDDD",
     {"Oliver", "Charlotte", "Harry", "Amelia", "George", "Isla"},
     {"Smith", "Jones", "Evans", "Wright", "Thompson", "Hughes"}},
    {"DEU",
     "CLDLDLDLD",
     {"Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Lena"},
     {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Köhler"}},
    {"FRA",
     "DDLLDDDDD",
     {"François", "Camille", "Louis", "Léa", "Hugo", "Chloé"},
     {"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard"}},
    {"JPN",
     "LLDDDDDDD",
     {"Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi"},
     {"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"}},
    {"KOR",
     "MDDDDDDDD",
     {"Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo"},
     {"Kim", "Lee", "Park", "Choi", "Jung", "Kang"}},
    {"IND",
     "LDDDDDDD",
     {"Aarav", "Priya", "Vivaan", "Ananya", "Arjun", "Diya"},
     {"Sharma", "Patel", "Reddy", "Iyer", "Nair", "Gupta"}},
    {"BRA",
     "LLDDDDDD",
     {"João", "Ana", "Gabriel", "Beatriz", "Lucas", "Mariana"},
     {"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Conceição"}},
    {"RUS",
     "DDDDDDDDD",
     {"Aleksandr", "Anastasia", "Dmitry", "Ekaterina", "Ivan", "Olga"},
     {"Ivanov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Volkova"}},
    {"CAN",
     "LLDDDDDD",
     {"Liam", "Olivia", "Noah", "Emma", "William", "Zoë"},
     {"Tremblay", "Roy", "Gagnon", "MacDonald", "Côté", "Campbell"}},
    {"AUS",
     "LDDDDDDD",
     {"Jack", "Matilda", "Thomas", "Ruby", "Cooper", "Grace"},
     {"Wilson", "Kelly", "Ryan", "Walker", "Harris", "O'Brien"}},
    {"ITA",
     "LLDDDDDDD",
     {"Giuseppe", "Giulia", "Lorenzo", "Francesca", "Matteo", "Chiara"},
     {"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"}},
    {"ESP",
     "LLLDDDDDD",
     {"José", "María", "Alejandro", "Lucía", "Pablo", "Sofía"},
     {"García", "Fernández", "González", "Rodríguez", "López", "Martínez"}},
    {"NGA",
     "LDDDDDDDD",
     {"Chinedu", "Ngozi", "Emeka", "Adaeze", "Oluwaseun", "Funmilayo"},
     {"Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze", "Okonkwo"}},
    {"SGP",
     "LDDDDDDDL",
     {"Wei Ming", "Hui Ling", "Jun Jie", "Xin Yi", "Rajesh", "Nur Aisyah"},
     {"Tan", "Lim", "Ng", "Wong", "Kumar", "Rahman"}},
    {"MEX",
     "LDDDDDDDD",
     {"Santiago", "Valentina", "Mateo", "Ximena", "Diego", "Regina"},
     {"Hernández", "Ramírez", "Cruz", "Flores", "Morales", "Vázquez"}},
}};

constexpr std::array<std::string_view, 12> kBrands{"华信", "瀚海", "星辰", "博远", "启明", "云帆",
                                                   "鼎盛", "睿思", "新桥", "东方", "科创", "中欧"};
constexpr std::array<std::string_view, 10> kTrades{
    "信息技术",   "生物医药", "国际贸易", "教育咨询",     "汽车零部件",
    "新能源科技", "文化传媒", "智能制造", "金融信息服务", "建筑设计"};
constexpr std::array<std::string_view, 3> kForms{"有限公司", "股份有限公司", "（中国）有限公司"};

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

template <class C>
const auto& pick(Rng& rng, const C& c) {
  return c[rng.index(c.size())];
}

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s.push_back(static_cast<char>('0' + rng.below(10)));
  return s;
}

std::string shaped(Rng& rng, std::string_view shape) {
  std::string s;
  for (char c : shape) {
    if (c == 'L') {
      s.push_back(static_cast<char>('A' + rng.below(26)));
    } else if (c == 'D') {
      s.push_back(static_cast<char>('0' + rng.below(10)));
    } else {
      s.push_back(c);
    }
  }
  return s;
}

// GB 11714 organisation code: 8 digits and a check character.
std::string org_code(Rng& rng) {
  static constexpr std::array<int, 8> kW{3, 7, 9, 10, 5, 8, 4, 2};
  std::string s = digits(rng, 8);
  int sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += (s[i] - '0') * kW[i];
  int c = 11 - sum % 11;
  s.push_back(c == 10 ? 'X' : c == 11 ? '0' : static_cast<char>('0' + c));
  return s;
}

}  // namespace

std::span<const City> cities() {
  return kCities;
}

const City* find_city(std::string_view key) {
  for (const City& c : kCities) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

char uscc_check_char(std::string_view first17) {
  static constexpr std::array<int, 17> kW{1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (std::size_t i = 0; i < 17 && i < first17.size(); ++i) {
    auto v = kUsccAlphabet.find(first17[i]);
    sum += static_cast<int>(v == std::string_view::npos ? 0 : v) * kW[i];
  }
  int c = 31 - sum % 31;
  return kUsccAlphabet[static_cast<std::size_t>(c == 31 ? 0 : c)];
}

char id_check_char(std::string_view first17) {
  static constexpr std::array<int, 17> kW{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::string_view kChk = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17 && i < first17.size(); ++i)
    sum += (first17[i] - '0') * kW[i];
  return kChk[static_cast<std::size_t>(sum % 11)];
}

PermitRecord make_record(Rng& rng, const City& city, int year_now) {
  PermitRecord r;
  const Nationality& n = pick(rng, kNationalities);
  r.nat = std::string(n.code);
  r.name = std::string(pick(rng, n.given)) + " " + std::string(pick(rng, n.family));
  r.ppn = shaped(rng, n.passport);

  int year = year_now - 23 - static_cast<int>(rng.below(38));
  int month = 1 + static_cast<int>(rng.below(12));
  int day = 1 + static_cast<int>(rng.below(28));
  char dob[48];
  std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", year, month, day);
  r.dob = dob;

  switch (rng.below(10)) {
    case 0:
    case 1:
      r.cat = 'A';
      break;
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
      r.cat = 'B';
      break;
    case 7:
    case 8:
      r.cat = 'C';
      break;
    default:
      break;  // no category recorded
  }

  r.loc = std::string(city.loc);
  // USCC: '9' (registered by market regulation), '1' (enterprise), the district, the
  // organisation code and the check character.
  std::string u = "91" + r.loc + org_code(rng);
  u.push_back(uscc_check_char(u));
  r.uscc = u;
  r.empn = std::string(city.name_zh) + std::string(pick(rng, kBrands)) +
           std::string(pick(rng, kTrades)) + std::string(pick(rng, kForms));

  // Work permit number: 156 (China), the district, the year of first issue, a serial.
  r.wpn =
      "156" + r.loc + std::to_string(year_now - static_cast<int>(rng.below(6))) + digits(rng, 5);
  // SSN in the shape of a GB 11643 number: district, date of birth, serial, check character.
  std::string s =
      r.loc + r.dob.substr(0, 4) + r.dob.substr(5, 2) + r.dob.substr(8, 2) + digits(rng, 3);
  s.push_back(id_check_char(s));
  r.ssn = s;
  return r;
}

}  // namespace kiosk::sim
