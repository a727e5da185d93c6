// `tandem-bench`: the benchmarks (Release builds). Each prints its figures and the machine's
// own reference figures beside them; docs/performance.md records the commands and results.
#include <CLI/CLI.hpp>

#include "bench/broker_bench.h"
#include "bench/e2e_bench.h"
#include "bench/fleet_bench.h"
#include "bench/journal_bench.h"
#include "bench/replay_bench.h"

int main(int argc, char** argv) {
  CLI::App app{"tandem-bench: Tandem's benchmarks"};
  app.require_subcommand(1);
  int exit_code = 0;

  tandem::bench::JournalBenchOptions journal;
  CLI::App* j = app.add_subcommand("journal", "Durable append throughput/latency and replay");
  j->add_option("--dir", journal.dir, "Scratch directory on the disk to measure");
  j->add_option("--appenders", journal.appenders, "Concurrent appender counts to measure");
  j->add_option("--replay-records", journal.replay_records,
                "Records for the replay figure (0 skips)");
  j->add_option("--runs", journal.runs, "Runs per append figure (the median is reported)")
      ->check(CLI::Range(1, 50));
  j->add_flag("--quick", journal.quick, "Small counts (a smoke run, not a measurement)");
  j->callback([&] { exit_code = tandem::bench::run_journal_bench(journal); });

  tandem::bench::BrokerBenchOptions broker;
  CLI::App* b = app.add_subcommand("broker", "N orders on N accounts against the simulator");
  b->add_option("--runs", broker.repetitions, "Runs per configuration")->check(CLI::Range(1, 1000));
  b->callback([&] { exit_code = tandem::bench::run_broker_bench(broker); });

  tandem::bench::E2eBenchOptions e2e;
  CLI::App* e = app.add_subcommand("e2e", "The engine end to end: N followers on the simulator");
  e->add_option("--followers", e2e.followers, "Follower counts to measure")->capture_default_str();
  e->add_option("--runs", e2e.runs, "Leader orders per configuration")->check(CLI::Range(1, 1000));
  e->add_option("--broker-threads", e2e.broker_threads, "Threads the gateways are spread over")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  e->callback([&] { exit_code = tandem::bench::run_e2e_bench(e2e); });

  tandem::bench::FleetBenchOptions fleet;
  CLI::App* f = app.add_subcommand(
      "fleet", "A tap and N shards over a 3-node NATS cluster against one process");
  f->add_option("--layouts", fleet.layouts, "SHARDSxFOLLOWERS_PER_SHARD, e.g. 4x2500")
      ->delimiter(',')
      ->capture_default_str();
  f->add_option("--runs", fleet.runs, "Leader orders per layout")->check(CLI::Range(1, 1000));
  f->add_option("--broker-threads", fleet.broker_threads, "Broker threads per process")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  f->add_option("--replicas", fleet.replicas, "The stream's replicas (1 to 3)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3));
  f->callback([&] { exit_code = tandem::bench::run_fleet_bench(fleet); });

  // A shard of `fleet`, run by it as a child process.
  tandem::bench::FleetShardOptions shard;
  CLI::App* s = app.add_subcommand("fleet-shard", "");  // no description: hidden from --help
  s->add_option("--nats", shard.nats)->required();
  s->add_option("--shard", shard.shard)->required();
  s->add_option("--followers", shard.followers)->required();
  s->add_option("--runs", shard.runs)->required();
  s->add_option("--broker-threads", shard.broker_threads);
  s->callback([&] { exit_code = tandem::bench::run_fleet_shard(shard); });

  tandem::bench::ReplayBenchOptions replay;
  CLI::App* r = app.add_subcommand("replay", "replay --verify throughput over a generated journal");
  r->add_option("--dir", replay.dir, "Scratch directory for the journal")->capture_default_str();
  r->add_option("--events", replay.events, "Records to generate (at least)")->capture_default_str();
  r->add_option("--runs", replay.runs, "Replays to time")->check(CLI::Range(1, 20));
  r->add_flag("--keep", replay.keep, "Keep the generated journal (for tandem replay)");
  r->callback([&] { exit_code = tandem::bench::run_replay_bench(replay); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
