// Goal: secrets are sealed so that only the right key opens them: any sealed message opens
// to itself with its key; a wrong key or any altered bit is refused; the secrets file keeps
// what was saved, is private (0600), and refuses a key file others can read; error
// messages name the file but never a secret.
#include "crypto/secret_store.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace tandem::crypto {
namespace {

AeadKey key_of(uint8_t seed) {
  AeadKey k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed * 31 + i);
  return k;
}

RC_GTEST_PROP(Aead, SealedOpensWithItsKeyAndNeverAltered,
              (const std::string& plain, const std::string& aad, uint8_t seed)) {
  const auto sealed = seal(key_of(seed), plain, aad);
  RC_ASSERT(sealed.ok());
  RC_ASSERT(*open(key_of(seed), *sealed, aad) == plain);
  RC_ASSERT(!open(key_of(static_cast<uint8_t>(seed + 1)), *sealed, aad).ok());
  RC_ASSERT(!open(key_of(seed), *sealed, aad + "x").ok());
  const size_t bit = *rc::gen::inRange<size_t>(0, sealed->size() * 8);
  std::string flipped = *sealed;
  flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
  const auto opened = open(key_of(seed), flipped, aad);
  RC_ASSERT(opened.status().code() == StatusCode::unauthenticated);
}

TEST(SecretStore, SavedSecretsComeBackAndTheFileIsPrivate) {
  testing::TempDir dir;
  const std::string path = dir.path("secrets.bin");
  auto store = SecretStore::open(path, key_of(1));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(store->set("kite.L1.access_token", "tok\twith\nodd bytes").ok());
  ASSERT_TRUE(store->set("kite.api_secret", "s3cret").ok());
  EXPECT_FALSE(store->set("bad name", "x").ok());
  ASSERT_TRUE(store->save().ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream raw(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(raw)), {});
  EXPECT_EQ(bytes.find("s3cret"), std::string::npos);  // sealed, not merely encoded

  auto again = SecretStore::open(path, key_of(1));
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->get("kite.L1.access_token"), "tok\twith\nodd bytes");
  EXPECT_EQ(again->names(), (std::vector<std::string>{"kite.L1.access_token", "kite.api_secret"}));
  EXPECT_TRUE(again->remove("kite.api_secret"));
  ASSERT_TRUE(again->save().ok());
  EXPECT_FALSE(SecretStore::open(path, key_of(1))->get("kite.api_secret").has_value());

  auto wrong = SecretStore::open(path, key_of(2));
  EXPECT_EQ(wrong.status().code(), StatusCode::unauthenticated);
  EXPECT_NE(wrong.status().message().find(path), std::string::npos);
  EXPECT_EQ(wrong.status().message().find("tok"), std::string::npos);
}

TEST(SecretStore, KeyComesFromTheEnvironmentOrAPrivateKeyFile) {
  testing::TempDir dir;
  const std::string key_file = dir.path("secret.key");
  ::unsetenv("TANDEM_SECRET_KEY");
  EXPECT_EQ(load_secret_key(key_file).status().code(), StatusCode::invalid_argument);
  ASSERT_TRUE(create_key_file(key_file).ok());
  EXPECT_FALSE(create_key_file(key_file).ok());  // never replaced: that would lose every secret
  auto key = load_secret_key(key_file);
  ASSERT_TRUE(key.ok()) << key.status().to_string();
  ::chmod(key_file.c_str(), 0644);
  auto open_to_all = load_secret_key(key_file);
  EXPECT_EQ(open_to_all.status().code(), StatusCode::failed_precondition);
  EXPECT_NE(open_to_all.status().message().find("chmod 600"), std::string::npos);
  ::setenv("TANDEM_SECRET_KEY", std::string(64, 'a').c_str(), 1);
  auto from_env = load_secret_key(key_file);
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ((*from_env)[0], 0xaa);
  ::setenv("TANDEM_SECRET_KEY", "short", 1);
  EXPECT_EQ(load_secret_key(key_file).status().code(), StatusCode::invalid_argument);
  ::unsetenv("TANDEM_SECRET_KEY");
}

TEST(SecretStore, AFileThatIsNotOursIsNamedAsSuch) {
  testing::TempDir dir;
  const std::string path = dir.path("other.bin");
  std::ofstream(path) << "hello";
  auto store = SecretStore::open(path, key_of(1));
  EXPECT_EQ(store.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(store.status().message().find("not a Tandem secrets file"), std::string::npos);
}

}  // namespace
}  // namespace tandem::crypto
