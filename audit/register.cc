#include "audit/register.h"

#include <date/date.h>

#include <map>
#include <set>
#include <vector>

#include "audit/rows.h"
#include "copy/copy_state.h"
#include "journal/codec.h"
#include "journal/record_reader.h"

namespace tandem::audit {

namespace {

namespace d = ::tandem::domain;

std::string utc_text(d::TimeNs ns) {
  using Ns = std::chrono::nanoseconds;
  return date::format("%FT%TZ", std::chrono::sys_time<Ns>(Ns(ns)));
}

std::string ist_text(d::TimeNs ns) {
  using Ns = std::chrono::nanoseconds;
  return date::format("%FT%T+05:30", std::chrono::sys_time<Ns>(Ns(ns)) + d::kIstOffset);
}

// The columns every row has: where the record is in the journal and when it was written.
Row header_row(const journal::Record& r) {
  Row row(register_columns());
  row.set("seq", static_cast<int64_t>(r.seq))
      .set("recorded_at_ist", ist_text(r.recorded_at_ns))
      .set("recorded_at_utc", utc_text(r.recorded_at_ns))
      .set("trading_day", static_cast<int64_t>(r.trading_day))
      .set("record", std::string(d::to_string(d::event_type(r.event))));
  return row;
}

void order_columns(Row& row, const d::OrderTerms& o) {
  row.set("side", std::string(d::to_string(o.side)))
      .set("instrument", d::to_text(o.instrument))
      .set("product", std::string(d::to_string(o.product)))
      .set("order_type", std::string(d::to_string(o.order_type)))
      .set("validity", std::string(d::to_string(o.validity)))
      .set("quantity_units", o.quantity_units)
      .set("price_paise", o.price_paise)
      .set("trigger_price_paise", o.trigger_price_paise);
}

Row leader_row(const journal::Record& r, const d::LeaderOrderUpdate& u) {
  Row row = header_row(r);
  row.set("leader_order_id", u.order_id.value);
  order_columns(row, u);  // its terms
  row.set("status", std::string(d::to_string(u.status)))
      .set("filled_units", u.filled_units)
      .set("average_price_paise", u.average_price_paise)
      .set("exchange_time_ist", ist_text(u.exchange_time_ns))
      .set("recovered", u.recovered ? "yes" : "no");
  return row;
}

Row decision_row(const journal::Record& r, const d::CopyDecision& c) {
  const d::SizingInputs& s = c.sizing;
  Row row = header_row(r);
  row.set("follower", c.follower.value)
      .set("leader_order_id", c.leader_order_id.value)
      .set("action", std::string(d::to_string(c.action)))
      .set("ordinal", c.ordinal)
      .set("side", std::string(d::to_string(c.side)))
      .set("instrument", d::to_text(c.instrument))
      .set("quantity_units", c.quantity_units)
      .set("skip_reason", std::string(d::to_string(c.skip_reason)))
      .set("clamp", std::string(d::to_string(c.clamp)))
      .set("sizing_policy", std::string(d::to_string(s.policy)))
      .set("ratio_ppm", s.ratio_ppm)
      .set("leader_qty_units", s.leader_qty_units)
      .set("leader_capital_paise", s.leader_capital_paise)
      .set("follower_capital_paise", s.follower_capital_paise)
      .set("lot_size_units", s.lot_size_units)
      .set("premium_paise", s.premium_paise)
      .set("max_position_pct_bp", s.max_position_pct_bp)
      .set("raw_qty_micro", s.raw_qty_micro)
      .set("remainder_in_micro", s.remainder_in_micro)
      .set("rounded_qty_units", s.rounded_qty_units)
      .set("remainder_out_micro", s.remainder_out_micro)
      .set("position_before_units", s.position_before_units)
      .set("final_qty_units", s.final_qty_units);
  return row;
}

Row intent_row(const journal::Record& r, const d::FollowerOrderIntent& i) {
  Row row = header_row(r);
  row.set("follower", i.follower.value)
      .set("leader_order_id", i.leader_order_id.value)
      .set("tag", i.tag.value)
      .set("action", std::string(d::to_string(i.action)))
      .set("ordinal", i.ordinal);
  order_columns(row, i.order);
  row.set("target_tag", i.target_tag.value).set("target_order_id", i.target_order_id.value);
  return row;
}

// The journal's own JSON of a record, for rows whose content is settings or words.
std::string detail_of(const d::Event& e) {
  auto json = journal::event_to_json(e);
  return json.ok() ? *json : json.status().message();
}

struct Summary {
  std::map<std::string, int64_t> counts;  // column → count, in the summary's column order
};

const std::vector<std::string_view>& summary_columns() {
  static const std::vector<std::string_view> columns = {"trading_day",
                                                        "follower",
                                                        "leader",
                                                        "leader_events",
                                                        "place",
                                                        "modify",
                                                        "cancel",
                                                        "skip",
                                                        "acked",
                                                        "rejected",
                                                        "order_updates",
                                                        "filled_units",
                                                        "realized_pnl_paise",
                                                        "skip_reasons"};
  return columns;
}

class Builder {
 public:
  Builder(const ExportRequest& request, uint64_t first) : request_(request), first_(first) {}

  void visit(const journal::Record& r) {
    // The journal's own fold, from its first record: a fill's realised P&L is counted in the
    // book of the share whose order it filled (each leader's share of an account apart).
    const d::FollowerId* filled = filled_share(r.event);
    const int64_t realised_before = filled != nullptr ? realised(*filled) : 0;
    d::apply(state_, r.event);
    if (filled != nullptr && r.seq >= first_ && wanted(filled->value)) {
      summary(r, filled->value).counts["realized_pnl_paise"] += realised(*filled) - realised_before;
    }
    if (r.seq < first_) {  // before the range: only the settings in force when it begins
      if (const auto* c = std::get_if<d::FollowerConfigured>(&r.event)) {
        in_force_.insert_or_assign(c->settings.follower.value, r);
        leader_of_[c->settings.follower.value] = c->settings.leader.value;
      }
      return;
    }
    if (!started_) emit_settings_in_force();
    ++range_.records[std::string(d::to_string(d::event_type(r.event)))];
    range_.last_hash = journal::to_hex(r.hash);
    std::visit([&](const auto& e) { on(r, e); }, r.event);
  }

  ExportContent finish() {
    if (!started_) emit_settings_in_force();
    const bool csv = request_.format == Format::csv;
    for (auto& [follower, rows] : registers_) {
      ExportFile file;
      if (csv) file.bytes = csv_header(register_columns());
      for (const Row& row : rows) {
        file.bytes += csv ? csv_line(register_columns(), row) : jsonl_line(row);
      }
      file.rows = rows.size();
      const std::string name =
          "register-" + file_safe(follower) + "." + std::string(to_string(request_.format));
      range_.registers.push_back(name);
      content_.files[name] = std::move(file);
    }
    ExportFile summary;
    if (csv) summary.bytes = csv_header(summary_columns());
    for (const auto& [key, s] : summaries_) {
      Row row(summary_columns());
      row.set("trading_day", static_cast<int64_t>(key.first))
          .set("follower", key.second)
          .set("leader", leader_of(key.second));
      std::string reasons;
      for (const auto& [name, n] : s.counts) {
        if (name.starts_with("skip:")) {
          reasons += (reasons.empty() ? "" : ";") + name.substr(5) + "=" + std::to_string(n);
        }
      }
      for (const auto column : summary_columns()) {
        if (column == "trading_day" || column == "follower" || column == "leader") continue;
        if (column == "skip_reasons") {
          row.set(column, reasons);
          continue;
        }
        const auto it = s.counts.find(std::string(column));
        row.set(column, it == s.counts.end() ? 0 : it->second);
      }
      summary.bytes += csv ? csv_line(summary_columns(), row) : jsonl_line(row);
      ++summary.rows;
    }
    content_.files["summary." + std::string(to_string(request_.format))] = std::move(summary);
    content_.journals = {std::move(range_)};
    return std::move(content_);
  }

  std::set<std::string> followers_seen;

 private:
  // --follower names a share, or a follower of several leaders by its own id: each share.
  bool wanted(const std::string& follower) const {
    if (request_.follower && *request_.follower != follower &&
        !follower.starts_with(*request_.follower + "@")) {
      return false;
    }
    return !request_.leader || leader_of(follower) == *request_.leader;
  }
  // The share whose position a record may fill: an order update's or a found order's.
  static const d::FollowerId* filled_share(const d::Event& e) {
    if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&e)) return &u->follower;
    if (const auto* f = std::get_if<d::FollowerOrderFound>(&e)) return &f->follower;
    return nullptr;
  }
  // The realised P&L of a share's book.
  int64_t realised(const d::FollowerId& share) const {
    const auto f = state_.followers.find(share);
    return f == state_.followers.end() ? 0 : state_.positions.realized_pnl(d::book_of(f->second));
  }
  // The leader a follower's share copies ("" with one leader).
  std::string leader_of(const std::string& follower) const {
    const auto it = leader_of_.find(follower);
    return it == leader_of_.end() ? std::string() : it->second;
  }

  // Follower ids come from the user's config: anything but [A-Za-z0-9._-] becomes '_'.
  static std::string file_safe(std::string id) {
    for (char& c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
    }
    return id;
  }

  Row settings_row(const journal::Record& r, const std::string& follower) {
    Row row = header_row(r);
    row.set("follower", follower)
        .set("detail", detail_of(r.event))
        .set("record_hash", journal::to_hex(r.hash));
    return row;
  }

  void emit_settings_in_force() {
    started_ = true;
    for (const auto& [follower, record] : in_force_) {
      if (wanted(follower)) add(follower, settings_row(record, follower));
    }
  }

  void add(const std::string& follower, Row row) {
    followers_seen.insert(follower);
    registers_[follower].push_back(std::move(row));
  }

  void add_for(const journal::Record& r, const std::string& follower, Row row) {
    if (!wanted(follower)) return;
    row.set("record_hash", journal::to_hex(r.hash));
    add(follower, std::move(row));
  }

  Summary& summary(const journal::Record& r, const std::string& follower) {
    return summaries_[{r.trading_day, follower}];
  }

  void on(const journal::Record& r, const d::LeaderOrderUpdate& u) {
    // Every event of a leader goes into the register of every share of it: a leader exit
    // that a follower did not copy must be as visible to the auditor as one it did.
    for (auto& [follower, rows] : registers_) {
      if (leader_of(follower) != u.leader.value) continue;
      add_for(r, follower, leader_row(r, u));
      ++summary(r, follower).counts["leader_events"];
    }
  }
  void on(const journal::Record& r, const d::CopyDecision& c) {
    if (!wanted(c.follower.value)) return;
    add_for(r, c.follower.value, decision_row(r, c));
    auto& s = summary(r, c.follower.value);
    ++s.counts[std::string(d::to_string(c.action))];
    if (c.action == d::CopyAction::skip)
      ++s.counts["skip:" + std::string(d::to_string(c.skip_reason))];
  }
  void on(const journal::Record& r, const d::FollowerOrderIntent& i) {
    add_for(r, i.follower.value, intent_row(r, i));
  }
  void on(const journal::Record& r, const d::FollowerOrderAck& a) {
    Row row = header_row(r);
    row.set("follower", a.follower.value)
        .set("tag", a.tag.value)
        .set("broker_order_id", a.broker_order_id.value);
    if (!wanted(a.follower.value)) return;
    add_for(r, a.follower.value, std::move(row));
    ++summary(r, a.follower.value).counts["acked"];
  }
  void on(const journal::Record& r, const d::FollowerOrderRejected& j) {
    Row row = header_row(r);
    row.set("follower", j.follower.value)
        .set("tag", j.tag.value)
        .set("error_class", std::string(d::to_string(j.error_class)))
        .set("message", j.message);
    if (!wanted(j.follower.value)) return;
    add_for(r, j.follower.value, std::move(row));
    ++summary(r, j.follower.value).counts["rejected"];
  }
  // Filled units grow per order; count the growth so the day total is the units filled.
  void count_fills(Summary& s, const d::ClientTag& tag, int64_t filled_units) {
    int64_t& known = filled_[tag.value];
    if (filled_units > known) {
      s.counts["filled_units"] += filled_units - known;
      known = filled_units;
    }
  }
  void on(const journal::Record& r, const d::FollowerOrderUpdate& u) {
    Row row = header_row(r);
    row.set("follower", u.follower.value)
        .set("tag", u.tag.value)
        .set("broker_order_id", u.broker_order_id.value)
        .set("status", std::string(d::to_string(u.status)))
        .set("quantity_units", u.quantity_units)
        .set("filled_units", u.filled_units)
        .set("average_price_paise", u.average_price_paise)
        .set("exchange_time_ist", ist_text(u.exchange_time_ns));
    if (!wanted(u.follower.value)) return;
    add_for(r, u.follower.value, std::move(row));
    auto& s = summary(r, u.follower.value);
    ++s.counts["order_updates"];
    count_fills(s, u.tag, u.filled_units);
  }
  // An order found at the follower's broker under a tag the journal had lost (an orphan,
  // folded into positions): the auditor sees it as placed, with what it has filled.
  void on(const journal::Record& r, const d::FollowerOrderFound& f) {
    if (!wanted(f.follower.value)) return;
    Row row = header_row(r);
    row.set("follower", f.follower.value)
        .set("leader_order_id", f.leader_order_id.value)
        .set("tag", f.tag.value)
        .set("action", "found")
        .set("ordinal", f.ordinal);
    order_columns(row, f.order);
    row.set("broker_order_id", f.broker_order_id.value)
        .set("status", std::string(d::to_string(f.status)))
        .set("filled_units", f.filled_units)
        .set("average_price_paise", f.average_price_paise)
        .set("exchange_time_ist", ist_text(f.exchange_time_ns));
    add_for(r, f.follower.value, std::move(row));
    auto& s = summary(r, f.follower.value);
    ++s.counts["place"];
    count_fills(s, f.tag, f.filled_units);
  }
  void on(const journal::Record& r, const d::FollowerConfigured& c) {
    leader_of_[c.settings.follower.value] = c.settings.leader.value;
    if (wanted(c.settings.follower.value))
      add(c.settings.follower.value, settings_row(r, c.settings.follower.value));
  }
  // Operator actions and loss-guard trips on one follower: this row, then its decisions as
  // usual.
  template <typename OperatorEvent>
  void on_operator(const journal::Record& r, const OperatorEvent& e) {
    Row row = header_row(r);
    row.set("follower", e.follower.value).set("detail", detail_of(r.event));
    add_for(r, e.follower.value, std::move(row));
  }
  void on(const journal::Record& r, const d::FollowerPaused& p) { on_operator(r, p); }
  void on(const journal::Record& r, const d::FollowerResumed& p) { on_operator(r, p); }
  void on(const journal::Record& r, const d::FollowerFlattenRequested& p) { on_operator(r, p); }
  void on(const journal::Record& r, const d::LossGuardTripped& g) { on_operator(r, g); }
  template <typename Other>
  void on(const journal::Record&, const Other&) {}  // not part of a follower's register

  const ExportRequest& request_;
  uint64_t first_;
  bool started_ = false;
  ExportContent content_;
  JournalRange range_;
  std::map<std::string, journal::Record> in_force_;
  std::map<std::string, std::string> leader_of_;  // by follower (share) id
  std::map<std::string, std::vector<Row>> registers_;
  std::map<std::pair<d::TradingDay, std::string>, Summary> summaries_;
  std::map<std::string, int64_t> filled_;
  d::CopyState state_;  // the journal folded up to the record being visited
};

}  // namespace

std::string_view to_string(Format format) { return format == Format::csv ? "csv" : "jsonl"; }

Result<ExportContent> build_journal_export(const journal::Store& store,
                                           const ExportRequest& request,
                                           const journal::ReadProgress& progress) {
  auto span = journal::days_range(store, request.from, request.to);
  if (!span.ok()) return span.status();
  const uint64_t first = span->from_seq, last = span->to_seq;
  Builder builder(request, first);
  TANDEM_RETURN_IF_ERROR(journal::read_records(
      store, {1, last},
      [&](journal::Record&& r) {
        builder.visit(r);
        return true;
      },
      progress));
  ExportContent content = builder.finish();
  content.journals.front().first_seq = first;
  content.journals.front().last_seq = last;
  return content;
}

Status registers_found(const ExportContent& content, const ExportRequest& request) {
  for (const JournalRange& j : content.journals) {
    if (!j.registers.empty()) return Status();  // only wanted followers have one
  }
  if (request.follower) {
    return Status::not_found("no follower \"" + *request.follower + "\" in those days");
  }
  if (request.leader) {
    return Status::not_found("no follower of leader \"" + *request.leader + "\" in those days");
  }
  return Status();
}

Result<ExportContent> build_export(const journal::Store& store, const ExportRequest& request,
                                   const journal::ReadProgress& progress) {
  auto content = build_journal_export(store, request, progress);
  if (!content.ok()) return content.status();
  TANDEM_RETURN_IF_ERROR(registers_found(*content, request));
  return content;
}

}  // namespace tandem::audit
