// The demo's closing summary for people, not for the journal's internals: each follower's
// P&L, turnover and positions at the close (from the journal's final state, marked at the
// ticker's last prices), and the alerts grouped by kind.
#pragma once

#include <string>
#include <vector>

#include "copy/copy_state.h"

namespace tandem::app {

void print_followers_at_close(const domain::CopyState& state);

struct RaisedAlert {
  std::string at;  // "HH:MM" IST
  std::string kind;
  std::string text;
};
// One line per kind: how many, when the first and the last came, and the last one's text.
void print_alerts_by_kind(const std::vector<RaisedAlert>& alerts);

}  // namespace tandem::app
