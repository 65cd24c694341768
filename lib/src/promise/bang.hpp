// A "bang": when a promise fails, slap records it in the partition's log and runs the
// configured promise.bang-command, so the node can react (slapgrid instead asks the
// master to reprocess the instance tree). At most one per run.
#pragma once

#include "promise/store.hpp"
#include "slap/context.hpp"
#include "slap/promise.hpp"

namespace slap::promise {

// Appends "DATE BANG title: message" to store.bang_log(), then runs
// `/bin/sh -c COMMAND slap-promise-bang TITLE MESSAGE` in the partition with
// SLAP_PROMISE_NAME, SLAP_PROMISE_MESSAGE and SLAP_PARTITION set. Problems are warnings.
Bang bang(const Context& ctx, const RunOptions& options, const Store& store, const Report& failed);

}  // namespace slap::promise
