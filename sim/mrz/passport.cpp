#include "sim/mrz/passport.h"

#include <opencv2/imgproc.hpp>
#include <random>

#include "app/mrz/transliterate.h"
#include "sim/mrz/ocrb_render.h"

namespace kiosk::sim {
namespace {

std::string yymmdd(std::string_view iso) {
  if (iso.size() != 10) return "<<<<<<";
  return std::string(iso.substr(2, 2)) + std::string(iso.substr(5, 2)) +
         std::string(iso.substr(8, 2));
}

void paste(cv::Mat& page, const cv::Mat& line, int x, int y) {
  cv::Rect r(x, y, line.cols, line.rows);
  r &= cv::Rect(0, 0, page.cols, page.rows);
  if (r.empty()) return;
  cv::Mat grey;
  cv::cvtColor(line(cv::Rect(0, 0, r.width, r.height)), grey, cv::COLOR_GRAY2BGR);
  cv::Mat dst = page(r);
  cv::min(dst, grey, dst);
}

}  // namespace

Result<PassportVariant, std::string> passport_variant(std::string_view n) {
  if (n == "match") return PassportVariant::kMatch;
  if (n == "other-number") return PassportVariant::kOtherNumber;
  if (n == "other-birth") return PassportVariant::kOtherBirth;
  if (n == "other-name") return PassportVariant::kOtherName;
  if (n == "other-nationality") return PassportVariant::kOtherNationality;
  return Unexpected{"unknown passport variant '" + std::string(n) +
                    "' (match, other-number, other-birth, other-name, other-nationality)"};
}

Result<std::array<std::string, 2>, std::string> passport_zone(const PassportHolder& h,
                                                              PassportVariant v) {
  // The last space-separated word is the surname (a hyphenated one stays whole).
  std::size_t space = h.name.rfind(' ');
  std::string given = space == std::string::npos ? "" : h.name.substr(0, space);
  auto sur = mrz::mrz_components(space == std::string::npos ? h.name : h.name.substr(space + 1));
  auto giv = mrz::mrz_components(given);
  if (!sur || !giv || sur->empty()) return Unexpected{"'" + h.name + "' has no Latin spelling"};
  mrz::Td3Fields f;
  for (std::size_t i = 0; i < sur->size(); ++i)
    f.surname += (i ? " " : "") + (*sur)[i].front();
  for (std::size_t i = 0; i < giv->size(); ++i)
    f.given_names += (i ? " " : "") + (*giv)[i].front();
  f.issuing_state = h.nat == "DEU" ? "D" : h.nat;
  f.nationality = f.issuing_state;
  f.document_number.clear();
  for (char c : h.ppn)
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) f.document_number += c;
  f.birth = yymmdd(h.dob);
  f.sex = h.sex;
  f.expiry = yymmdd(h.expiry);
  switch (v) {
    case PassportVariant::kMatch:
      break;
    case PassportVariant::kOtherNumber:
      f.document_number.back() = f.document_number.back() == '1' ? '2' : '1';
      break;
    case PassportVariant::kOtherBirth:
      f.birth[5] = f.birth[5] == '1' ? '2' : '1';
      break;
    case PassportVariant::kOtherName:
      f.surname += "SON";
      break;
    case PassportVariant::kOtherNationality:
      f.nationality = f.nationality == "FRA" ? "BEL" : "FRA";
      break;
  }
  return mrz::compose(f);
}

Result<cv::Mat, std::string> passport_page(const std::array<std::string, 2>& lines,
                                           const PageOptions& o) {
  if (o.mrz_px < 8 || o.mrz_px > 200) return Unexpected{std::string("--px must be 8..200")};
  std::mt19937_64 rng(o.seed);
  auto l1 = render_ocrb_line(lines[0], o.mrz_px);
  auto l2 = render_ocrb_line(lines[1], o.mrz_px);
  if (!l1) return Unexpected{l1.error()};
  if (!l2) return Unexpected{l2.error()};
  int margin = o.mrz_px;
  int w = l1->cols + 2 * margin, line_gap = o.mrz_px * 6 / 10;
  int h = static_cast<int>(w * 0.70);  // a TD3 data page is 125 x 88 mm
  cv::Mat page(h, w, CV_8UC3, cv::Scalar(214, 226, 232));
  // The visual zone: a photo, labels and values (decoys in the same font, shorter lines).
  cv::rectangle(page, cv::Rect(margin, margin, w / 4, h / 2), cv::Scalar(150, 160, 170),
                cv::FILLED);
  const char* decoys[] = {"PASSPORT",    "TYPE P",      "SURNAME",
                          "GIVEN NAMES", "NATIONALITY", "DATE OF BIRTH"};
  int y = margin;
  for (const char* d : decoys) {
    auto t = render_ocrb_line(d, o.mrz_px * 3 / 4);
    if (t) paste(page, *t, margin + w / 4 + margin, y);
    y += o.mrz_px + o.mrz_px / 3;
  }
  int y2 = h - margin - l2->rows;
  int y1 = y2 - line_gap - l1->rows;
  paste(page, *l1, margin, y1);
  paste(page, *l2, margin, y2);

  // The page on a desk, in the frame: tilt with a border of desk.
  int fw = w + 2 * margin * 3, fh = h + 2 * margin * 3;
  cv::Mat frame(fh, fw, CV_8UC3, cv::Scalar(60, 70, 80));
  page.copyTo(frame(cv::Rect((fw - w) / 2, (fh - h) / 2, w, h)));
  if (o.tilt_deg != 0) {
    cv::Mat m = cv::getRotationMatrix2D(
        cv::Point2f(static_cast<float>(fw) / 2, static_cast<float>(fh) / 2), o.tilt_deg, 1.0);
    cv::warpAffine(frame, frame, m, frame.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(60, 70, 80));
  }
  if (o.uneven_light) {
    // Light falling off from one corner to the other, to 45 %.
    cv::Mat f;
    frame.convertTo(f, CV_32FC3);
    for (int r = 0; r < f.rows; ++r) {
      auto* p = f.ptr<cv::Vec3f>(r);
      for (int c = 0; c < f.cols; ++c)
        p[c] *= static_cast<float>(1.0 - 0.55 * (0.5 * c / f.cols + 0.5 * r / f.rows));
    }
    f.convertTo(frame, CV_8UC3);
  }
  if (o.glare) {
    cv::ellipse(frame, cv::Point(fw / 3, fh / 3), cv::Size(fw / 8, fh / 10), 0, 0, 360,
                cv::Scalar(255, 255, 255), cv::FILLED);
  }
  if (o.blur > 0) cv::GaussianBlur(frame, frame, cv::Size(0, 0), o.blur);
  if (o.noise > 0) {
    cv::Mat n(frame.size(), CV_32FC3);
    std::normal_distribution<float> d(0.0f, static_cast<float>(o.noise));
    for (int r = 0; r < n.rows; ++r) {
      auto* p = n.ptr<cv::Vec3f>(r);
      for (int c = 0; c < n.cols; ++c) {
        float v = d(rng);
        p[c] = cv::Vec3f(v, v, v);
      }
    }
    cv::Mat f;
    frame.convertTo(f, CV_32FC3);
    f += n;
    f.convertTo(frame, CV_8UC3);
  }
  return frame;
}

}  // namespace kiosk::sim
