// A real NATS JetStream cluster on loopback for tests (issue 28): `nodes` nats-server
// processes (Debian's), each with its own store directory and client and route ports, routed
// to one another. kill() is a kill -9 of one node; start() brings it back on its own store.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace tandem::testing {

// A port nothing listens on now (the kernel's pick; taken again by the server at once).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t n = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

class NatsCluster {
 public:
  explicit NatsCluster(int nodes = 3) {
    for (int k = 0; k < nodes; ++k) nodes_.push_back({free_port(), free_port(), nullptr});
    for (int k = 0; k < nodes; ++k) start(k);
  }

  // nats://127.0.0.1:port of every node.
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const Node& n : nodes_) out.push_back("nats://127.0.0.1:" + std::to_string(n.client));
    return out;
  }
  int size() const { return static_cast<int>(nodes_.size()); }

  void start(int k) {
    Node& n = nodes_[static_cast<size_t>(k)];
    const std::string name = "n" + std::to_string(k + 1);
    const std::string conf = dir_.path(name + ".conf");
    std::ofstream out(conf);
    out << "server_name: " << name << "\nlisten: 127.0.0.1:" << n.client << "\n"
        << "jetstream { store_dir: \"" << dir_.path(name) << "\", max_memory_store: 64MB, "
        << "max_file_store: 1GB }\n";
    if (nodes_.size() > 1) {
      out << "cluster { name: tandem, listen: 127.0.0.1:" << n.route << ", routes: [";
      const char* comma = "";
      for (size_t j = 0; j < nodes_.size(); ++j) {
        if (static_cast<int>(j) == k) continue;
        out << comma << " \"nats-route://127.0.0.1:" << nodes_[j].route << "\"";
        comma = ",";
      }
      out << " ] }\n";
    }
    out.close();
    n.process =
        std::make_unique<Process>("/usr/sbin/nats-server", std::vector<std::string>{"-c", conf},
                                  dir_.path(name + ".log"), dir_.path());
  }
  // kill -9.
  void kill(int k) {
    Node& n = nodes_[static_cast<size_t>(k)];
    n.process->signal(SIGKILL);
    n.process->wait();
    n.process.reset();
  }
  std::string log(int k) const {
    return read_file(dir_.path("n" + std::to_string(k + 1) + ".log"));
  }

 private:
  struct Node {
    int client = 0, route = 0;
    std::unique_ptr<Process> process;
  };
  TempDir dir_;
  std::vector<Node> nodes_;
};

}  // namespace tandem::testing
