#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "app/crypto.h"

int main(int argc, char** argv) {
  if (!kiosk::crypto_init()) return 1;
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
