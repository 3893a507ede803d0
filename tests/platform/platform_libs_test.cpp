// The libraries the kiosk's drivers, scan pipeline and kioskd use, each doing one real piece of
// work on the target architecture: a QR code written by ZXing-C++, encoded to PNG and read back by
// OpenCV, preprocessed with imgproc and decoded by ZXing-C++; bytes through a Boost.Asio socket
// pair; an HTTP request through Boost.Beast's serializer and parser; pcsc-lite's context call.
#define ZX_USE_UTF8
#include <PCSC/winscard.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>
#include <doctest/doctest.h>

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

namespace {

constexpr const char* kText = "WPC1:PLATFORM-CHECK-0123456789";

cv::Mat render_qr(const std::string& text) {
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
  writer.setMargin(4);
  auto bits = writer.encode(text, 240, 240);
  auto m = ZXing::ToMatrix<std::uint8_t>(bits);
  cv::Mat img(m.height(), m.width(), CV_8UC1);
  for (int y = 0; y < m.height(); ++y) {
    for (int x = 0; x < m.width(); ++x)
      img.at<std::uint8_t>(y, x) = m.get(x, y);
  }
  return img;
}

std::vector<std::string> decode(const cv::Mat& gray) {
  ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(gray.step));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  std::vector<std::string> texts;
  for (const auto& r : ZXing::ReadBarcodes(view, hints))
    texts.push_back(r.text());
  return texts;
}

}  // namespace

TEST_CASE("ZXing-C++ and OpenCV: a QR code through PNG, colour, blur and back") {
  cv::Mat qr = render_qr(kText);
  REQUIRE(qr.cols >= 240);

  std::vector<std::uint8_t> png;
  REQUIRE(cv::imencode(".png", qr, png));
  CHECK(png.size() > 8);
  cv::Mat back = cv::imdecode(png, cv::IMREAD_COLOR);
  REQUIRE(back.channels() == 3);
  CHECK(back.cols == qr.cols);

  cv::Mat gray, blurred, scaled;
  cv::cvtColor(back, gray, cv::COLOR_BGR2GRAY);
  cv::GaussianBlur(gray, blurred, cv::Size(3, 3), 0);
  cv::resize(blurred, scaled, cv::Size(), 1.5, 1.5, cv::INTER_LINEAR);
  CHECK(decode(scaled) == std::vector<std::string>{kText});

  // A region of interest: non-contiguous rows, so the stride matters.
  cv::Mat framed(scaled.rows + 40, scaled.cols + 60, CV_8UC1, cv::Scalar(255));
  scaled.copyTo(framed(cv::Rect(30, 20, scaled.cols, scaled.rows)));
  cv::Mat roi = framed(cv::Rect(10, 10, scaled.cols + 40, scaled.rows + 20));
  CHECK_FALSE(roi.isContinuous());
  CHECK(decode(roi) == std::vector<std::string>{kText});

  // A blank image has no code.
  CHECK(decode(cv::Mat(200, 200, CV_8UC1, cv::Scalar(255))).empty());
}

TEST_CASE("OpenCV videoio: opening a file that does not exist fails cleanly") {
  cv::VideoCapture cap;
  CHECK_FALSE(cap.open(std::string(KIOSK_BUILD_DIR) + "/no-such-video.mkv", cv::CAP_ANY));
  CHECK_FALSE(cap.isOpened());
}

TEST_CASE("Boost.Asio: bytes through a local socket pair") {
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket a(io), b(io);
  boost::asio::local::connect_pair(a, b);
  const std::string sent = "APDU 00A4040C";
  boost::asio::async_write(a, boost::asio::buffer(sent),
                           [](boost::system::error_code ec, std::size_t) { CHECK_FALSE(ec); });
  std::string got(sent.size(), '\0');
  boost::asio::async_read(b, boost::asio::buffer(got),
                          [](boost::system::error_code ec, std::size_t n) {
                            CHECK_FALSE(ec);
                            CHECK(n == 13);
                          });
  io.run();
  CHECK(got == sent);
}

TEST_CASE("Boost.Beast: an HTTP request serialised and parsed back") {
  namespace http = boost::beast::http;
  http::request<http::string_body> req{http::verb::post, "/api/verify", 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = R"({"qr":"WPC1:X"})";
  req.prepare_payload();

  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket a(io), b(io);
  boost::asio::local::connect_pair(a, b);
  http::write(a, req);
  boost::beast::flat_buffer buf;
  http::request<http::string_body> parsed;
  http::read(b, buf, parsed);
  CHECK(parsed.method() == http::verb::post);
  CHECK(parsed.target() == "/api/verify");
  CHECK(parsed.body() == req.body());
  CHECK(parsed[http::field::content_length] == std::to_string(req.body().size()));
}

TEST_CASE("pcsc-lite: establishing a context answers success or no service, never crashes") {
  SCARDCONTEXT ctx = 0;
  LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
  // A pcscd may or may not run on this machine (tests start their own); both answers are valid.
  CHECK((rc == SCARD_S_SUCCESS || rc == SCARD_E_NO_SERVICE));
  if (rc == SCARD_S_SUCCESS) CHECK(SCardReleaseContext(ctx) == SCARD_S_SUCCESS);
  CHECK(std::string(pcsc_stringify_error(SCARD_E_NO_SERVICE)).size() > 0);
}
