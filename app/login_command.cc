#include "app/login_command.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>
#include <optional>

#include "app/gateway_factory.h"
#include "app/secrets_commands.h"
#include "brokers/dhan/rest_session.h"
#include "brokers/kite/rest_session.h"

namespace tandem::app {

namespace {

namespace asio = boost::asio;

struct LoginOptions {
  SecretsPaths secrets;
  std::string api_key;
  std::string account;
  std::string api_url = "https://api.kite.trade";
  std::string login_base = "https://kite.zerodha.com";
  std::string ca_file;
};

int fail(const std::string& why) {
  std::cerr << "tandem login kite: " << why << "\n";
  return 1;
}

// How a broker names an app's key and secret among the secrets, and the flag that gives the key.
struct AppNames {
  std::string broker;        // kite, dhan
  std::string key_field;     // api_key, app_id
  std::string secret_field;  // api_secret, app_secret
  std::string key_flag;      // --api-key, --app-id
};
const AppNames kKiteApp{"kite", "api_key", "api_secret", "--api-key"};
const AppNames kDhanApp{"dhan", "app_id", "app_secret", "--app-id"};

// The app's key and secret are stored under the account, as its token is: a name must not
// carry the key (`secrets list` shows names). `given_key` (the flag's value) is stored once;
// later logins read it. A secret stored under the key by an earlier version
// (<broker>.<key>.<secret_field>) is moved to the account's name.
Result<std::pair<std::string, std::string>> app_credentials(crypto::SecretStore& store,
                                                            const AppNames& n,
                                                            const std::string& account,
                                                            const std::string& given_key) {
  const std::string key_name = n.broker + "." + account + "." + n.key_field;
  const std::string secret_name = n.broker + "." + account + "." + n.secret_field;
  std::string key = given_key;
  if (key.empty()) {
    const auto stored = store.get(key_name);
    if (!stored) {
      return Status::not_found("no " + n.key_field + " stored for " + account + ": run once with " +
                               n.key_flag + " (it is then stored as " + key_name + ")");
    }
    key = *stored;
  } else if (store.get(key_name) != key) {
    TANDEM_RETURN_IF_ERROR(store.set(key_name, key));
  }
  auto secret = store.get(secret_name);
  const std::string old_name = n.broker + "." + key + "." + n.secret_field;
  if (!secret) {
    secret = store.get(old_name);
    if (secret) TANDEM_RETURN_IF_ERROR(store.set(secret_name, *secret));
  }
  if (!secret) {
    return Status::not_found("no " + n.secret_field + " stored for " + account +
                             ": run `tandem secrets set " + secret_name + "` and paste it");
  }
  store.remove(old_name);
  TANDEM_RETURN_IF_ERROR(store.save());
  return std::pair{key, *secret};
}

int login_kite(const LoginOptions& o) {
  auto store = open_secrets(o.secrets);
  if (!store.ok()) return fail(store.status().message());
  auto app = app_credentials(*store, kKiteApp, o.account, o.api_key);
  if (!app.ok()) return fail(app.status().message());
  const std::string api_key = app->first;
  const std::string api_secret = app->second;
  config::Connection connection;
  connection.ca_file = o.ca_file;
  auto target = target_of(o.api_url, connection, "--api-url");
  if (!target.ok()) return fail(target.status().message());
  std::cout << "Open this address, log in to Kite, then paste the address it sends you to\n"
               "(or just its request_token):\n\n  "
            << brokers::kite::login_url(api_key, o.login_base) << "\n\n> " << std::flush;
  std::string pasted;
  std::getline(std::cin, pasted);
  auto request_token = brokers::kite::request_token_from(pasted);
  if (!request_token.ok()) return fail(request_token.status().message());

  asio::io_context io;
  net::HttpsClient http(io.get_executor(), *target, 1, std::chrono::seconds(15));
  std::optional<Result<brokers::kite::SessionGrant>> answer;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        answer = co_await brokers::kite::exchange_request_token(http, api_key, *request_token,
                                                                api_secret);
      },
      asio::detached);
  io.run();
  if (!answer) return fail("no answer from " + o.api_url);
  auto& grant = *answer;
  if (!grant.ok()) return fail(grant.status().message());
  if (grant->user_id != o.account) {
    return fail("logged in as " + grant->user_id + ", not " + o.account + "; nothing stored");
  }
  const std::string token_name = "kite." + grant->user_id + ".access_token";
  Status s = store->set(token_name, grant->access_token);
  if (s.ok()) s = store->save();
  if (!s.ok()) return fail(s.message());
  std::cout << "stored the access token for " << grant->user_id << " as " << token_name << " in "
            << o.secrets.file << " (Kite tokens expire around 06:00 IST)\n";
  return 0;
}

struct DhanLoginOptions {
  SecretsPaths secrets;
  std::string account;  // the dhanClientId
  std::string api_url = "https://api.dhan.co/v2";
  // With either: the API-key consent flow; without: a pasted token. The app id given is
  // stored as dhan.<account>.app_id; --consent uses the stored one.
  std::string app_id;
  bool consent = false;
  std::string auth_url = "https://auth.dhan.co";
  std::string ca_file;
};

// With an API key (dhan.<account>.app_id, its secret dhan.<account>.app_secret): a consent
// for the client, the browser login, then the consent traded for the client's access token.
Result<std::string> dhan_token_by_consent(const DhanLoginOptions& o, crypto::SecretStore& store) {
  auto app = app_credentials(store, kDhanApp, o.account, o.app_id);
  if (!app.ok()) return app.status();
  const std::string app_id = app->first;
  const std::string app_secret = app->second;
  config::Connection connection;
  connection.ca_file = o.ca_file;
  auto target = target_of(o.auth_url, connection, "--auth-url");
  if (!target.ok()) return target.status();
  asio::io_context io;
  net::HttpsClient auth(io.get_executor(), *target, 1, std::chrono::seconds(15));
  std::optional<Result<std::string>> consent;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        consent = co_await brokers::dhan::generate_consent(auth, app_id, app_secret, o.account);
      },
      asio::detached);
  io.run();
  if (!consent) return Status(StatusCode::unavailable, "no answer from " + o.auth_url);
  if (!consent->ok()) return consent->status();
  std::cout << "Open this address, log in to Dhan, then paste the address it sends you to\n"
               "(or just its tokenId):\n\n  "
            << brokers::dhan::consent_login_url(o.auth_url, **consent) << "\n\n> " << std::flush;
  std::string pasted;
  std::getline(std::cin, pasted);
  auto token_id = brokers::dhan::token_id_from(pasted);
  if (!token_id.ok()) return token_id.status();
  std::optional<Result<brokers::dhan::ConsumedConsent>> consumed;
  io.restart();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        consumed = co_await brokers::dhan::consume_consent(auth, app_id, app_secret, *token_id);
      },
      asio::detached);
  io.run();
  if (!consumed) return Status(StatusCode::unavailable, "no answer from " + o.auth_url);
  if (!consumed->ok()) return consumed->status();
  if ((*consumed)->client_id != o.account) {
    return Status::invalid_argument("logged in as " + (*consumed)->client_id + ", not " +
                                    o.account + "; nothing stored");
  }
  return (*consumed)->access_token;
}

// Dhan's access tokens are made on web.dhan.co (valid 24 h): the user pastes one; it is
// checked against GET /profile (it works, and it is this account's) before it is stored.
int login_dhan(const DhanLoginOptions& o) {
  auto dhan_fail = [](const std::string& why) {
    std::cerr << "tandem login dhan: " << why << "\n";
    return 1;
  };
  auto store = open_secrets(o.secrets);
  if (!store.ok()) return dhan_fail(store.status().message());
  config::Connection connection;
  connection.ca_file = o.ca_file;
  auto target = target_of(o.api_url, connection, "--api-url");
  if (!target.ok()) return dhan_fail(target.status().message());
  std::string token;
  if (!o.app_id.empty() || o.consent) {
    auto consented = dhan_token_by_consent(o, *store);
    if (!consented.ok()) return dhan_fail(consented.status().message());
    token = *consented;
  } else {
    std::cout << "Paste the access token generated on web.dhan.co (My Profile > Access DhanHQ "
                 "APIs) for "
              << o.account << ":\n> " << std::flush;
    std::getline(std::cin, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) return dhan_fail("no token given; nothing stored");
  }

  asio::io_context io;
  net::HttpsClient http(io.get_executor(), *target, 1, std::chrono::seconds(15));
  brokers::RateLimiter limiter(brokers::RateLimits{});
  brokers::dhan::RestSession session(
      io.get_executor(), http, {o.account, token}, limiter, [] { return domain::TimeNs{0}; },
      brokers::dhan::SecurityMap(), path_of(o.api_url));
  std::optional<Result<brokers::dhan::Profile>> answer;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { answer = co_await session.profile(); }, asio::detached);
  io.run();
  if (!answer) return dhan_fail("no answer from " + o.api_url);
  if (!answer->ok()) return dhan_fail("the token does not work: " + answer->status().message());
  if ((*answer)->client_id != o.account) {
    return dhan_fail("the token is " + (*answer)->client_id + "'s, not " + o.account +
                     "; nothing stored");
  }
  const std::string token_name = "dhan." + o.account + ".access_token";
  Status s = store->set(token_name, token);
  if (s.ok()) s = store->save();
  if (!s.ok()) return dhan_fail(s.message());
  std::cout << "stored the access token for " << o.account << " as " << token_name << " in "
            << o.secrets.file << " (valid until " << (*answer)->token_validity
            << " as Dhan says; Dhan tokens last 24 h)\n";
  return 0;
}

}  // namespace

void add_login_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LoginOptions>();
  CLI::App* login = app.add_subcommand("login", "Log in to a broker and store the access token");
  login->require_subcommand(1);
  CLI::App* kite = login->add_subcommand("kite", "Zerodha Kite Connect's daily login");
  kite->footer(
      "Example: tandem login kite --account AB1234 --api-key APIKEY   # the key only the first "
      "time");
  kite->add_option("--account", options->account, "The Kite user id that logs in")->required();
  kite->add_option("--api-key", options->api_key,
                   "The Kite Connect app's API key (stored as kite.ACCOUNT.api_key; needed once)");
  kite->add_option("--api-url", options->api_url, "Kite's API root")->capture_default_str();
  kite->add_option("--login-base", options->login_base, "Kite's login site")->capture_default_str();
  kite->add_option("--ca", options->ca_file, "Also trust this CA (the simulator's)");
  add_secrets_options(*kite, options->secrets);
  kite->callback([options, &exit_code] { exit_code = login_kite(*options); });

  auto dhan_options = std::make_shared<DhanLoginOptions>();
  CLI::App* dhan = login->add_subcommand("dhan", "Store a DhanHQ access token, checked first");
  dhan->add_option("--account", dhan_options->account, "The dhanClientId")->required();
  dhan->add_option("--api-url", dhan_options->api_url, "Dhan's API root")->capture_default_str();
  dhan->add_option("--app-id", dhan_options->app_id,
                   "An API key: log in through Dhan's consent flow instead of pasting a token "
                   "(stored as dhan.ACCOUNT.app_id; its secret in dhan.ACCOUNT.app_secret)");
  dhan->add_flag("--consent", dhan_options->consent,
                 "The consent flow with the app id stored by an earlier --app-id");
  dhan->add_option("--auth-url", dhan_options->auth_url, "Dhan's consent site")
      ->capture_default_str();
  dhan->add_option("--ca", dhan_options->ca_file, "Also trust this CA (the simulator's)");
  add_secrets_options(*dhan, dhan_options->secrets);
  dhan->footer(
      "Examples: echo \"$DHAN_TOKEN\" | tandem login dhan --account 1000000009\n"
      "          tandem login dhan --account 1000000009 --app-id APPID   (then: --consent)");
  dhan->callback([dhan_options, &exit_code] { exit_code = login_dhan(*dhan_options); });
}

}  // namespace tandem::app
