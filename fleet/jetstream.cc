#include "fleet/jetstream.h"

#include <nats/nats.h>

#include <future>
#include <regex>

namespace tandem::fleet {

namespace {

// The client's words for a failure: its status, JetStream's error code when there is one,
// and the library's last error text (which names the server's answer).
Status failure(const std::string& what, natsStatus s,
               jsErrCode js_error = static_cast<jsErrCode>(0)) {
  std::string message = what + ": " + natsStatus_GetText(s);
  if (js_error != 0) message += " (JetStream error " + std::to_string(js_error) + ")";
  natsStatus last = NATS_OK;
  if (const char* text = nats_GetLastError(&last); text != nullptr && *text != '\0') {
    message += ": " + std::string(text);
  }
  const bool transient = s == NATS_TIMEOUT || s == NATS_CONNECTION_CLOSED || s == NATS_NO_SERVER ||
                         s == NATS_CONNECTION_DISCONNECTED || s == NATS_NO_RESPONDERS ||
                         s == NATS_STALE_CONNECTION;
  return {transient ? StatusCode::disconnected : StatusCode::unavailable, message};
}

int64_t ms(std::chrono::milliseconds d) { return static_cast<int64_t>(d.count()); }

}  // namespace

std::vector<std::string> split_urls(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    std::string url =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!url.empty()) out.push_back(std::move(url));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string redacted(const std::string& url) {
  static const std::regex credentials(R"(^([a-z]+://)[^@/]*@)");
  return std::regex_replace(url, credentials, "$1");
}

struct JetStream::Handles {
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
  ~Handles() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(connection);
  }
};

struct PullConsumer::Handles {
  natsSubscription* subscription = nullptr;
  std::string where;  // stream/durable, for messages
  ~Handles() { natsSubscription_Destroy(subscription); }
};

struct Subscription::Handles {
  JetStream::OnMessage on_message;  // its address is the client's closure
  natsSubscription* subscription = nullptr;
  std::promise<void> completed;  // the client's last call of on_message has returned
  ~Handles() {
    // A handler may be running on the client's thread: on_message outlives it.
    auto done = completed.get_future();
    if (natsSubscription_Unsubscribe(subscription) == NATS_OK) {
      done.wait_for(std::chrono::seconds(5));
    }
    natsSubscription_Destroy(subscription);
  }
};

Subscription::Subscription(std::unique_ptr<Handles> handles) : h_(std::move(handles)) {}
Subscription::~Subscription() = default;

JetStream::JetStream(std::unique_ptr<Handles> handles, std::chrono::milliseconds timeout)
    : h_(std::move(handles)), timeout_(timeout) {}
JetStream::~JetStream() = default;

Result<std::unique_ptr<JetStream>> JetStream::connect(const std::vector<std::string>& urls,
                                                      const std::string& client_name,
                                                      std::chrono::milliseconds timeout) {
  if (urls.empty()) return Status::invalid_argument("no NATS server given");
  std::string named;
  for (const std::string& url : urls) named += (named.empty() ? "" : ", ") + redacted(url);
  natsOptions* options = nullptr;
  if (natsStatus s = natsOptions_Create(&options); s != NATS_OK) {
    return failure("NATS options", s);
  }
  std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> owned(options, &natsOptions_Destroy);
  std::vector<const char*> servers;
  for (const std::string& url : urls) servers.push_back(url.c_str());
  natsStatus s = natsOptions_SetServers(options, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetName(options, client_name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(options, ms(timeout));
  // A node that dies is left for another at once, and the client keeps trying for ever:
  // a shard or tap outlives any one node.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(options, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(options, 100);
  if (s != NATS_OK) return failure("NATS options for " + named, s);
  auto handles = std::make_unique<Handles>();
  if (s = natsConnection_Connect(&handles->connection, options); s != NATS_OK) {
    return failure("cannot connect to NATS at " + named, s);
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = ms(timeout);
  if (s = natsConnection_JetStream(&handles->js, handles->connection, &js_options); s != NATS_OK) {
    return failure("JetStream at " + named, s);
  }
  return std::unique_ptr<JetStream>(new JetStream(std::move(handles), timeout));
}

Status JetStream::publish_now(const std::string& subject, std::span<const uint8_t> bytes) {
  if (natsStatus s = natsConnection_Publish(h_->connection, subject.c_str(), bytes.data(),
                                            static_cast<int>(bytes.size()));
      s != NATS_OK) {
    return failure("publish on " + subject, s);
  }
  return Status();
}

Result<std::unique_ptr<Subscription>> JetStream::subscribe(const std::string& subject,
                                                           OnMessage on_message) {
  auto handles = std::make_unique<Subscription::Handles>();
  handles->on_message = std::move(on_message);
  auto deliver = [](natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    const auto* data = reinterpret_cast<const uint8_t*>(natsMsg_GetData(msg));
    (*static_cast<OnMessage*>(closure))(
        std::span<const uint8_t>(data, static_cast<size_t>(natsMsg_GetDataLength(msg))));
    natsMsg_Destroy(msg);
  };
  if (natsStatus s = natsConnection_Subscribe(&handles->subscription, h_->connection,
                                              subject.c_str(), deliver, &handles->on_message);
      s != NATS_OK) {
    return failure("subscribe to " + subject, s);
  }
  if (natsStatus s = natsSubscription_SetOnCompleteCB(
          handles->subscription,
          [](void* closure) { static_cast<std::promise<void>*>(closure)->set_value(); },
          &handles->completed);
      s != NATS_OK) {
    return failure("subscribe to " + subject, s);
  }
  return std::unique_ptr<Subscription>(new Subscription(std::move(handles)));
}

Status JetStream::ensure_stream(const StreamSpec& spec) {
  jsStreamInfo* info = nullptr;
  jsErrCode error = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, h_->js, spec.name.c_str(), nullptr, &error);
  if (s == NATS_OK) {
    const jsStreamConfig* c = info->Config;
    const bool same =
        c->Replicas == spec.replicas && c->SubjectsLen == 1 && spec.subject == c->Subjects[0];
    const std::string had = "subject " + std::string(c->SubjectsLen > 0 ? c->Subjects[0] : "") +
                            ", " + std::to_string(c->Replicas) + " replicas";
    jsStreamInfo_Destroy(info);
    if (!same) {
      return Status::failed_precondition("the JetStream stream " + spec.name + " exists with " +
                                         had + ", not subject " + spec.subject + ", " +
                                         std::to_string(spec.replicas) + " replicas");
    }
    return Status();
  }
  if (s != NATS_NOT_FOUND) return failure("the JetStream stream " + spec.name, s, error);
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = spec.name.c_str();
  const char* subjects[] = {spec.subject.c_str()};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Replicas = spec.replicas;
  config.Duplicates = static_cast<int64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(spec.duplicate_window).count());
  if (s = js_AddStream(nullptr, h_->js, &config, nullptr, &error); s != NATS_OK) {
    return failure("cannot create the JetStream stream " + spec.name, s, error);
  }
  return Status();
}

Result<Published> JetStream::publish(const std::string& subject, std::span<const uint8_t> bytes,
                                     const std::string& message_id) {
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MsgId = message_id.c_str();
  options.MaxWait = ms(timeout_);
  jsPubAck* ack = nullptr;
  jsErrCode error = static_cast<jsErrCode>(0);
  const natsStatus s = js_Publish(&ack, h_->js, subject.c_str(), bytes.data(),
                                  static_cast<int>(bytes.size()), &options, &error);
  if (s != NATS_OK) return failure("publish of " + message_id + " to " + subject, s, error);
  Published out{ack->Sequence, ack->Duplicate};
  jsPubAck_Destroy(ack);
  return out;
}

Result<uint64_t> JetStream::last_seq(const std::string& stream) {
  jsStreamInfo* info = nullptr;
  jsErrCode error = static_cast<jsErrCode>(0);
  if (natsStatus s = js_GetStreamInfo(&info, h_->js, stream.c_str(), nullptr, &error);
      s != NATS_OK) {
    return failure("the JetStream stream " + stream, s, error);
  }
  const uint64_t last = info->State.LastSeq;
  jsStreamInfo_Destroy(info);
  return last;
}

Result<std::optional<std::vector<uint8_t>>> JetStream::last_message(const std::string& stream,
                                                                    const std::string& subject) {
  natsMsg* msg = nullptr;
  jsErrCode error = static_cast<jsErrCode>(0);
  const natsStatus s =
      js_GetLastMsg(&msg, h_->js, stream.c_str(), subject.c_str(), nullptr, &error);
  if (s == NATS_NOT_FOUND) return std::optional<std::vector<uint8_t>>();
  if (s != NATS_OK) return failure("the last message of " + stream + " on " + subject, s, error);
  const auto* data = reinterpret_cast<const uint8_t*>(natsMsg_GetData(msg));
  std::vector<uint8_t> bytes(data, data + natsMsg_GetDataLength(msg));
  natsMsg_Destroy(msg);
  return std::optional<std::vector<uint8_t>>(std::move(bytes));
}

Result<std::unique_ptr<PullConsumer>> JetStream::pull(const std::string& stream,
                                                      const std::string& subject,
                                                      const std::string& durable,
                                                      std::chrono::milliseconds ack_wait,
                                                      uint64_t from_seq) {
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = stream.c_str();
  if (from_seq > 0) {
    // Made anew where the caller says: a consumer's own position would hand back what it had
    // delivered unacknowledged only after ack_wait, behind what came after it.
    jsErrCode gone = static_cast<jsErrCode>(0);
    const natsStatus s = js_DeleteConsumer(h_->js, stream.c_str(), durable.c_str(), nullptr, &gone);
    if (s != NATS_OK && s != NATS_NOT_FOUND) {
      return failure("the durable consumer " + stream + "/" + durable, s, gone);
    }
    options.Config.DeliverPolicy = js_DeliverByStartSequence;
    options.Config.OptStartSeq = from_seq;
  }
  options.Config.AckPolicy = js_AckExplicit;
  options.Config.AckWait =
      static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(ack_wait).count());
  auto handles = std::make_unique<PullConsumer::Handles>();
  handles->where = stream + "/" + durable;
  jsErrCode error = static_cast<jsErrCode>(0);
  if (natsStatus s = js_PullSubscribe(&handles->subscription, h_->js, subject.c_str(),
                                      durable.c_str(), nullptr, &options, &error);
      s != NATS_OK) {
    return failure("the durable consumer " + handles->where, s, error);
  }
  return std::unique_ptr<PullConsumer>(new PullConsumer(std::move(handles)));
}

PullConsumer::PullConsumer(std::unique_ptr<Handles> handles) : h_(std::move(handles)) {}
PullConsumer::~PullConsumer() = default;

Result<std::vector<FeedMessage>> PullConsumer::fetch(int max, std::chrono::milliseconds wait) {
  natsMsgList list{};
  jsErrCode error = static_cast<jsErrCode>(0);
  const natsStatus s = natsSubscription_Fetch(&list, h_->subscription, max, ms(wait), &error);
  std::vector<FeedMessage> out;
  if (s == NATS_TIMEOUT) return out;  // nothing new
  if (s != NATS_OK) return failure("fetch from " + h_->where, s, error);
  for (int k = 0; k < list.Count; ++k) {
    natsMsg* msg = list.Msgs[k];
    list.Msgs[k] = nullptr;  // owned by the FeedMessage now
    FeedMessage m;
    const auto* data = reinterpret_cast<const uint8_t*>(natsMsg_GetData(msg));
    m.bytes.assign(data, data + natsMsg_GetDataLength(msg));
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      m.stream_seq = meta->Sequence.Stream;
      m.delivered = meta->NumDelivered;
      m.pending = meta->NumPending;
      jsMsgMetaData_Destroy(meta);
    }
    m.handle =
        std::shared_ptr<void>(msg, [](void* p) { natsMsg_Destroy(static_cast<natsMsg*>(p)); });
    out.push_back(std::move(m));
  }
  natsMsgList_Destroy(&list);
  return out;
}

Status PullConsumer::ack(const FeedMessage& message) {
  jsErrCode error = static_cast<jsErrCode>(0);
  const natsStatus s =
      natsMsg_AckSync(static_cast<natsMsg*>(message.handle.get()), nullptr, &error);
  if (s != NATS_OK) {
    return failure(
        "ack of stream message " + std::to_string(message.stream_seq) + " to " + h_->where, s,
        error);
  }
  return Status();
}

}  // namespace tandem::fleet
