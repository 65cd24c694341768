// `slap sync`: lock the local store, negotiate with the peer, transfer, report.
#include "slap/sync.hpp"

#include <chrono>
#include <fmt/format.h>

#include "slap/cache.hpp"
#include "slap/cache_store.hpp"
#include "slap/fs.hpp"
#include "slap/lock.hpp"
#include "slap/paths.hpp"
#include "sync/peer.hpp"
#include "sync/plan.hpp"
#include "sync/transfer.hpp"

namespace slap::sync {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A pull creates the store; a push needs one to read from.
Status prepare_root(const Options& o) {
  if (o.direction == Direction::push) {
    if (fs::is_dir(path::join(o.root, "shacache"))) return {};
    return fail(ErrorKind::input, fmt::format("{} is not a cache store (it has no shacache directory): nothing to push",
                                              o.root));
  }
  for (const char* sub : {"shacache", "shadir", "partial"}) SLAP_CHECK(fs::make_dirs(path::join(o.root, sub)));
  return {};
}

}  // namespace

Result<std::uint64_t> parse_rate(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  std::size_t end = digits;
  if (digits > 0 && end < text.size() && text[end] == '.') {
    while (++end < text.size() && is_digit(text[end])) {
    }
    if (end == digits + 1) end = 0;  // "1." has no fraction
  }
  std::string_view suffix = end > 0 ? text.substr(end) : text;
  double unit = suffix.empty()                   ? 1.0
                : suffix == "k" || suffix == "K" ? 1024.0
                : suffix == "m" || suffix == "M" ? 1024.0 * 1024
                : suffix == "g" || suffix == "G" ? 1024.0 * 1024 * 1024
                                                 : 0.0;
  if (end == 0 || unit == 0.0)
    return fail(ErrorKind::usage, fmt::format("expected bytes per second such as 500k, 2M or 1000, not '{}'", text));
  return static_cast<std::uint64_t>(std::stod(std::string(text.substr(0, end))) * unit);
}

Result<Report> run(const Options& o, const Context& ctx) {
  auto start = std::chrono::steady_clock::now();
  auto trust = cache::TrustStore::from_pem_list(o.trusted_certificates, ctx);
  if (trust.size() == 0) {
    if (!o.only_keys.empty())
      return fail(ErrorKind::usage, "--only-keys selects blobs through verified Shadir entries: it needs trusted "
                                    "certificates (cache.trusted-certificates)");
    ctx.debug("no trusted certificates (cache.trusted-certificates): Shadir entries are not synced");
  }
  SLAP_CHECK(prepare_root(o));
  std::string lock_file = path::join(o.root, "sync.lock");
  auto lock = SLAP_TRY(FileLock::try_acquire(lock_file));
  if (!lock)
    return fail(ErrorKind::io, fmt::format("another slap sync is running on {} (it holds {}): not starting{}", o.root,
                                           lock_file, FileLock::holder_note(lock_file)));
  cache::Store store(o.root);
  std::atomic<unsigned> negotiation{0};
  Peer peer(o.peer_url, o.upload_token, ctx, negotiation);
  auto plan = o.direction == Direction::pull ? plan_pull(peer, store, o, trust) : plan_push(peer, store, o, trust);
  if (!plan) return fail(std::move(plan.error()));
  Report report;
  report.peer = peer.url();
  report.negotiation_requests = negotiation;
  report.skipped = plan->skipped;
  for (const auto& refused : plan->refused) {
    ctx.warn(fmt::format("entry under '{}': {}", refused.name, refused.message));
    report.failures.push_back(refused);
  }
  ctx.debug(fmt::format("{} blobs and {} keys' entries to transfer; {} blobs already there", plan->blobs.size(),
                        plan->entries.size(), plan->skipped.blobs));
  SLAP_CHECK(transfer(*plan, o, store, ctx, report));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace slap::sync
