#include "engine/operator_feed.h"

#include <algorithm>
#include <vector>

namespace tandem::engine {

namespace d = ::tandem::domain;

void OperatorFeed::record_copies(const d::LeaderOrderUpdate& u,
                                 std::span<const journal::AppendItem> batch) {
  CopyRow row;
  row.at_ns = u.received_time_ns;
  row.leader_order_id = u.order_id.value;
  row.instrument = d::to_text(u.instrument);
  row.side = std::string(d::to_string(u.side));
  row.status = std::string(d::to_string(u.status));
  row.quantity_units = u.quantity_units;
  row.filled_units = u.filled_units;
  row.recovered = u.recovered;
  const d::CopyDecision* decision = nullptr;
  for (const journal::AppendItem& item : batch) {
    const d::Event& e = item.event;
    if (const auto* c = std::get_if<d::CopyDecision>(&e)) {
      decision = c;
      if (c->action != d::CopyAction::skip) continue;  // its intent follows
      row.followers.push_back({c->follower.value, "skip", std::string(d::to_string(c->skip_reason)),
                               0, "", "skipped", "", -1});
    } else if (const auto* i = std::get_if<d::FollowerOrderIntent>(&e)) {
      row.followers.push_back({i->follower.value, std::string(d::to_string(i->action)), "",
                               decision != nullptr ? decision->quantity_units : 0, i->tag.value,
                               "sent", "", -1});
    }
  }
  const uint64_t id = first_copy_id_ + copies_.size();
  for (size_t i = 0; i < row.followers.size(); ++i) {
    if (!row.followers[i].tag.empty()) copy_of_tag_[row.followers[i].tag] = {id, i};
  }
  copies_.push_back(std::make_shared<CopyRow>(std::move(row)));
  while (copies_.size() > kRecentCopies) {
    for (const auto& f : copies_.front()->followers) copy_of_tag_.erase(f.tag);
    copies_.pop_front();
    ++first_copy_id_;
  }
}

void OperatorFeed::record_outcome(const OutcomeFact& f, const std::string& broker,
                                  double latency_ms, d::TimeNs at) {
  ++live_.counters.orders[{broker, f.acked.empty() ? "rejected" : "acked"}];
  FollowerAnswers& answers = answers_[f.intent.follower.value];
  answers.last = f.acked.empty() ? "rejected: " + f.message : "acked " + f.acked.value;
  answers.at_ns = at;
  ++(f.acked.empty() ? answers.rejected : answers.acked);
  if (latency_ms >= 0) {
    answers.latency.add(latency_ms);
    answers.latencies_ms.push_back(latency_ms);
    if (answers.latencies_ms.size() > FollowerAnswers::kKept) answers.latencies_ms.pop_front();
    answers.changed = true;
  }
  const auto where = copy_of_tag_.find(f.intent.tag.value);
  if (where == copy_of_tag_.end()) return;  // older than the rows kept
  auto& row = copies_[where->second.first - first_copy_id_];
  if (row.use_count() > 1) row = std::make_shared<CopyRow>(*row);  // a published view holds it
  auto& follower = row->followers[where->second.second];
  follower.state = f.acked.empty() ? "rejected" : "acked";
  follower.detail = f.acked.empty() ? f.message : f.acked.value;
  follower.latency_ms = latency_ms;
}

void OperatorFeed::record_alert(AlertRow alert) {
  live_.alerts.push_back(std::move(alert));
  while (live_.alerts.size() > kRecentAlerts) live_.alerts.pop_front();
}

bool OperatorFeed::due(SteadyTime now, bool force) {
  if (!force && now - published_at_ < kViewInterval) return false;
  published_at_ = now;
  return true;
}

void OperatorFeed::fill_answers(FollowerRow& row) {
  const auto it = answers_.find(row.id);
  if (it == answers_.end()) return;
  FollowerAnswers& a = it->second;
  if (a.changed && !a.latencies_ms.empty()) {
    // Only for followers answered since the last view: a view every 200 ms must not sort a
    // thousand followers' latencies on the engine thread.
    std::vector<double> v(a.latencies_ms.begin(), a.latencies_ms.end());
    const auto at = [&v](size_t k) {
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
      return v[k];
    };
    a.p50_ms = at((v.size() - 1) / 2);
    a.p99_ms = at((v.size() - 1) * 99 / 100);
    a.changed = false;
  }
  row.last_answer = a.last;
  row.last_answer_ns = a.at_ns;
  row.acked_total = a.acked;
  row.rejected_total = a.rejected;
  row.latency = a.latency;
  row.latency_p50_ms = a.p50_ms;
  row.latency_p99_ms = a.p99_ms;
}

std::shared_ptr<OperatorView> OperatorFeed::draft() const {
  auto view = std::make_shared<OperatorView>();
  view->copies.assign(copies_.begin(), copies_.end());
  view->alerts = live_.alerts;
  view->counters = live_.counters;
  return view;
}

void OperatorFeed::publish(std::shared_ptr<OperatorView> view) {
  for (FollowerRow& row : view->followers) fill_answers(row);
  std::lock_guard lock(view_mu_);
  view->version = published_->version + 1;
  published_ = std::move(view);
}

std::shared_ptr<const OperatorView> OperatorFeed::view() const {
  std::lock_guard lock(view_mu_);
  return published_;
}

}  // namespace tandem::engine
