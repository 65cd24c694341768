// The negotiation of a sync: what the receiving side lacks, decided from the sending side's
// listing and one bulk query per batch, before any blob moves.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "slap/cache.hpp"
#include "slap/cache_store.hpp"
#include "slap/sync.hpp"
#include "sync/peer.hpp"

namespace slap::sync {

struct KeyEntries {
  std::string key;
  std::vector<cache::Entry> entries;  // verified, in the sending side's order
};

struct Plan {
  std::vector<cache::StoredBlob> blobs;  // to transfer; size 0 when the peer did not tell
  std::vector<KeyEntries> entries;       // to transfer once their blob is on the receiving side
  Tally skipped;                         // already on the receiving side
  std::vector<Failure> refused;          // entries no trusted certificate verifies
  std::set<std::string> peer_lacks;      // push: the blobs the peer does not have
};

// Pull lists the peer's blobs and keys and compares them with the local store; push lists
// the local store and asks the peer which blobs it lacks. Without trusted certificates no
// entry could be verified: keys are then neither listed nor synced.
Result<Plan> plan_pull(Peer& peer, const cache::Store& store, const Options& options, const cache::TrustStore& trust);
Result<Plan> plan_push(Peer& peer, const cache::Store& store, const Options& options, const cache::TrustStore& trust);

// The pure steps of both plans.
using Pair = std::pair<std::string, std::string>;  // [info, signature], as compared
using PairsOf = std::function<Result<std::set<Pair>>(const std::string& key)>;
using Lacks = std::function<bool(const std::string& sha512)>;

// The `candidates` the receiving side lacks go into plan.blobs; the others count as skipped.
void choose_blobs(const std::vector<cache::StoredBlob>& candidates, const Lacks& lacks, Plan& plan);
// The sender's entries the receiving side does not hold (`held(key)`) go into plan.entries
// when a trusted certificate verifies them; the others go into plan.refused.
Status choose_entries(const std::vector<cache::StoredKey>& sender, const PairsOf& held,
                      const cache::TrustStore& trust, Plan& plan);
// The blobs the verified entries of `keys` name, each once, in order (sizes unknown: 0).
std::vector<cache::StoredBlob> named_blobs(const std::vector<cache::StoredKey>& keys, const cache::TrustStore& trust);

}  // namespace slap::sync
