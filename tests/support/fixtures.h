// Reading the brokers' own sample payloads from ../shared/fixtures (see each SOURCE.md).
// A missing fixture fails the test loudly: these tests must never pass by finding nothing.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tandem::testing {

inline std::string fixture(const std::string& relative) {
  const std::string path = std::string(TANDEM_FIXTURES_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "fixture not found: " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The .packet fixtures hold base64 text.
inline std::vector<uint8_t> base64_fixture(const std::string& relative) {
  std::string text = fixture(relative);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const uint8_t*>(text.data()),
                                static_cast<int>(text.size()));
  EXPECT_GE(n, 0) << relative << " is not base64";
  size_t size = n < 0 ? 0 : static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;  // padding
  out.resize(size);
  return out;
}

}  // namespace tandem::testing
