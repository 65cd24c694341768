#include "sync/plan.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <fmt/format.h>
#include <map>

namespace slap::sync {

namespace {

std::set<Pair> pairs_of(const std::vector<cache::Entry>& entries) {
  std::set<Pair> pairs;
  for (const auto& e : entries) pairs.emplace(e.info, e.signature);
  return pairs;
}

// The local blobs among `blobs`, with their local size, each once.
std::map<std::string, std::uint64_t> present(const cache::Store& store, const std::vector<cache::StoredBlob>& blobs) {
  std::map<std::string, std::uint64_t> found;
  for (const auto& b : blobs) {
    struct stat st {};
    if (::stat(store.blob_path(b.sha512).c_str(), &st) == 0) found.emplace(b.sha512, static_cast<std::uint64_t>(st.st_size));
  }
  return found;
}

}  // namespace

void choose_blobs(const std::vector<cache::StoredBlob>& candidates, const Lacks& lacks, Plan& plan) {
  for (const auto& blob : candidates) {
    if (lacks(blob.sha512)) {
      plan.blobs.push_back(blob);
      continue;
    }
    ++plan.skipped.blobs;
    plan.skipped.bytes += blob.size;
  }
}

Status choose_entries(const std::vector<cache::StoredKey>& sender, const PairsOf& held, const cache::TrustStore& trust,
                      Plan& plan) {
  for (const auto& key : sender) {
    std::set<Pair> there = SLAP_TRY(held(key.key));
    KeyEntries to_send{key.key, {}};
    for (const auto& entry : key.entries) {
      if (there.contains({entry.info, entry.signature})) {
        ++plan.skipped.entries;
      } else if (!trust.verify(entry.info, entry.signature)) {
        plan.refused.push_back({"entry", key.key, entry.signature.empty()
                                                      ? "unsigned entry: refused"
                                                      : "not signed by a trusted certificate: refused"});
      } else {
        to_send.entries.push_back(entry);
      }
    }
    if (!to_send.entries.empty()) plan.entries.push_back(std::move(to_send));
  }
  return {};
}

std::vector<cache::StoredBlob> named_blobs(const std::vector<cache::StoredKey>& keys, const cache::TrustStore& trust) {
  std::set<std::string> seen;
  std::vector<cache::StoredBlob> blobs;
  for (const auto& key : keys)
    for (const auto& e : key.entries)
      if (!e.sha512.empty() && !seen.contains(e.sha512) && trust.verify(e.info, e.signature)) {
        seen.insert(e.sha512);
        blobs.push_back({e.sha512, 0});
      }
  return blobs;
}

Result<Plan> plan_pull(Peer& peer, const cache::Store& store, const Options& o, const cache::TrustStore& trust) {
  Plan plan;
  std::vector<cache::StoredKey> keys;
  if (trust.size() > 0) keys = SLAP_TRY(peer.list_keys(o.only_keys, o.batch));
  auto offered = o.only_keys.empty() ? SLAP_TRY(peer.list_blobs(o.batch)) : named_blobs(keys, trust);
  auto here = present(store, offered);
  choose_blobs(offered, [&](const std::string& sha512) { return !here.contains(sha512); }, plan);
  PairsOf local = [&](const std::string& key) -> Result<std::set<Pair>> {
    auto list = SLAP_TRY(store.entries(key));
    if (!list) return std::set<Pair>{};
    auto entries = cache::parse_entries(*list);
    if (!entries) return fail(ErrorKind::io, fmt::format("{}: the local entry list of '{}' is corrupt", store.root(), key));
    return pairs_of(*entries);
  };
  SLAP_CHECK(choose_entries(keys, local, trust, plan));
  return plan;
}

Result<Plan> plan_push(Peer& peer, const cache::Store& store, const Options& o, const cache::TrustStore& trust) {
  Plan plan;
  std::vector<cache::StoredKey> keys;
  if (trust.size() > 0) keys = SLAP_TRY(store.list_keys("", SIZE_MAX, o.only_keys));
  auto offered = named_blobs(keys, trust);
  if (o.only_keys.empty()) {
    auto all = SLAP_TRY(store.list_blobs("", SIZE_MAX));
    offered.insert(offered.end(), all.begin(), all.end());
  }
  // Blobs named by entries are asked about even when missing here: their entries may go
  // if the peer has them.
  std::set<std::string> asked;
  for (const auto& b : offered) asked.insert(b.sha512);
  if (!asked.empty()) {
    auto lacks = SLAP_TRY(peer.missing(std::vector<std::string>(asked.begin(), asked.end()), o.batch));
    plan.peer_lacks.insert(lacks.begin(), lacks.end());
  }
  std::vector<cache::StoredBlob> local;
  for (const auto& [sha512, size] : present(store, offered)) local.push_back({sha512, size});
  choose_blobs(local, [&](const std::string& sha512) { return plan.peer_lacks.contains(sha512); }, plan);
  if (keys.empty()) return plan;
  std::map<std::string, std::set<Pair>> remote;
  for (const auto& key : SLAP_TRY(peer.list_keys(o.only_keys, o.batch))) remote[key.key] = pairs_of(key.entries);
  PairsOf on_peer = [&](const std::string& key) -> Result<std::set<Pair>> {
    auto it = remote.find(key);
    return it == remote.end() ? std::set<Pair>{} : it->second;
  };
  SLAP_CHECK(choose_entries(keys, on_peer, trust, plan));
  return plan;
}

}  // namespace slap::sync
