#include "sync/transfer.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"

namespace slap::sync {

namespace {

std::string excerpt(std::string_view body) {
  std::string first_line(str::strip(body.substr(0, body.find('\n'))));
  return first_line.size() > 200 ? first_line.substr(0, 200) + "..." : first_line;
}

// What the workers found, under one lock; failures are also logged as warnings.
class Ledger {
 public:
  Ledger(Report& report, const Context& ctx) : report_(report), ctx_(ctx) {}

  void moved(Tally Report::*side, std::uint64_t bytes, const std::string& sha512) {
    std::lock_guard lock(mutex_);
    ++(report_.*side).blobs;
    (report_.*side).bytes += bytes;
    arrived_.insert(sha512);
  }
  void entry_moved(Tally Report::*side) {
    std::lock_guard lock(mutex_);
    ++(report_.*side).entries;
  }
  void held_back(const std::string& key, const std::string& sha512) {
    ctx_.debug(fmt::format("entry under '{}' held back: blob {} is not on the receiving side", key, sha512));
    std::lock_guard lock(mutex_);
    ++report_.entries_held_back;
  }
  void failed(const char* what, const std::string& name, std::string message) {
    ctx_.warn(fmt::format("{} {}: {}", what, name, message));
    std::lock_guard lock(mutex_);
    report_.failures.push_back({what, name, std::move(message)});
  }
  bool arrived(const std::string& sha512) {
    std::lock_guard lock(mutex_);
    return arrived_.contains(sha512);
  }

 private:
  Report& report_;
  const Context& ctx_;
  std::mutex mutex_;
  std::set<std::string> arrived_;
};

// What every worker shares besides its own Peer.
struct Job {
  const Plan& plan;
  const Options& options;
  cache::Store& store;
  const Context& ctx;
  Ledger& ledger;
  std::uint64_t rate = 0;                // bytes per second for each transfer
  std::atomic<std::uint64_t> moved{0};  // bytes, for the progress line
  const Progress* task = nullptr;

  http::ProgressFn progress() {
    return [this, last = std::uint64_t{0}](std::uint64_t done, std::uint64_t) mutable {
      if (done > last) moved += done - std::exchange(last, done);
      if (task) task->advance(moved);
      return true;
    };
  }
};

using Task = std::function<Status(Peer&, std::size_t)>;

// Runs `task(peer, i)` for every i below `count` on up to options.jobs threads, each with its
// own Peer (its own connection). The first error stops new tasks from starting; it is returned.
Status run_parallel(std::size_t count, Job& job, std::atomic<unsigned>& requests, const Task& task) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::optional<Error> first;
  auto work = [&] {
    Peer peer(job.options.peer_url, job.options.upload_token, job.ctx, requests);
    for (std::size_t i; !stop && (i = next++) < count;) {
      Status done;
      try {
        done = task(peer, i);
      } catch (const std::exception& e) {
        done = fail(ErrorKind::internal, std::string("internal error: ") + e.what());
      }
      if (done) continue;
      std::lock_guard lock(mutex);
      if (!first) first = std::move(done.error());
      stop = true;
    }
  };
  std::size_t threads = std::clamp<std::size_t>(job.options.jobs, 1, std::max<std::size_t>(count, 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (first) return fail(std::move(*first));
  return {};
}

Status check_token(const http::Response& rs, const std::string& peer) {
  if (rs.status != 401 && rs.status != 403) return {};
  return fail(ErrorKind::network, fmt::format("the peer {} refused the upload token (HTTP {}): set cache.upload-token-file, "
                                              "or give the peer as http://user:TOKEN@host", peer, rs.status));
}

Status pull_blob(Peer& peer, const cache::StoredBlob& blob, Job& job) {
  // Not in incoming/, which `slap cache-serve` empties when it starts on the same store.
  std::string partial = fmt::format("{}/partial/{}.part", job.store.root(), blob.sha512);
  switch (use_of_partial(fs::size_or_zero(partial), blob.size)) {
    case PartialUse::adopt:
      // When the bytes are wrong, adopt() removed them and the download starts over.
      if (!job.store.adopt(partial, blob.sha512)) break;
      job.ledger.moved(&Report::received, 0, blob.sha512);
      return {};
    case PartialUse::restart: ::unlink(partial.c_str()); break;
    case PartialUse::resume: break;
  }
  std::uint64_t resumed = fs::size_or_zero(partial);
  auto rs = peer.get_blob(blob.sha512, blob.size, job.options.max_blob, partial, job.rate, job.progress());
  if (!rs) return fail(std::move(rs.error()));
  if (rs->status == 404) {
    job.ctx.debug(fmt::format("blob {}: the peer does not have it", blob.sha512));
    return {};
  }
  if (rs->status != 200 && rs->status != 206) {
    job.ledger.failed("blob", blob.sha512, fmt::format("the peer answered HTTP {}: {}", rs->status, excerpt(rs->body)));
    return {};
  }
  if (!fs::exists(partial)) SLAP_CHECK(fs::write_atomic(partial, ""));  // an empty blob has no byte to write
  std::uint64_t size = fs::size_or_zero(partial);
  auto adopted = job.store.adopt(partial, blob.sha512);
  if (!adopted && adopted.error().kind == ErrorKind::checksum) {
    job.ledger.failed("blob", blob.sha512, "refused: the peer's " + adopted.error().message);
    return {};
  }
  if (!adopted) return fail(std::move(adopted.error()));
  job.ledger.moved(&Report::received, bytes_received(rs->status, size, resumed), blob.sha512);
  return {};
}

Status push_blob(Peer& peer, const cache::StoredBlob& blob, Job& job) {
  std::string file = job.store.blob_path(blob.sha512);
  auto digest = checksum::file_hex_digest(checksum::Algorithm::sha512, file);
  if (!digest || *digest != blob.sha512) {
    job.ledger.failed("blob", blob.sha512, digest ? fmt::format("not sent: the local content's sha512 is {}", *digest)
                                                  : digest.error().message);
    return {};
  }
  auto rs = peer.put_blob(blob.sha512, file, job.rate, job.progress());
  if (!rs) return fail(std::move(rs.error()));
  SLAP_CHECK(check_token(*rs, peer.url()));
  if (rs->status != 201 || str::strip(rs->body) != blob.sha512) {
    job.ledger.failed("blob", blob.sha512, fmt::format("the peer answered HTTP {}: {}", rs->status, excerpt(rs->body)));
    return {};
  }
  job.ledger.moved(&Report::sent, blob.size, blob.sha512);
  return {};
}

// Pull: entries are appended to the local store once their blob is there.
Status store_entries(Job& job) {
  for (const auto& key : job.plan.entries)
    for (const auto& entry : key.entries) {
      if (!entry.sha512.empty() && !job.store.blob_size(entry.sha512).value_or(std::nullopt)) {
        job.ledger.held_back(key.key, entry.sha512);
        continue;
      }
      SLAP_CHECK(job.store.append_entry(key.key, entry.info, entry.signature));
      job.ledger.entry_moved(&Report::received);
    }
  return {};
}

// Push: a key's entries go in order, once the peer has their blob.
Status push_entries(Peer& peer, const KeyEntries& key, Job& job) {
  for (const auto& entry : key.entries) {
    if (!entry.sha512.empty() && job.plan.peer_lacks.contains(entry.sha512) && !job.ledger.arrived(entry.sha512)) {
      job.ledger.held_back(key.key, entry.sha512);
      continue;
    }
    auto rs = peer.put_entry(key.key, entry);
    if (!rs) return fail(std::move(rs.error()));
    SLAP_CHECK(check_token(*rs, peer.url()));
    if (rs->status != 201)
      job.ledger.failed("entry", key.key, fmt::format("the peer answered HTTP {}: {}", rs->status, excerpt(rs->body)));
    else
      job.ledger.entry_moved(&Report::sent);
  }
  return {};
}

Error stopped(Error error, const std::string& peer) {
  if (error.kind != ErrorKind::network || error.message.starts_with("the peer ")) return error;
  error.message = fmt::format("the peer {} stopped answering: {}", peer, error.message);
  return error;
}

// Pull: what ROOT/partial holds besides the blobs of this plan can never be resumed.
void remove_stale_partials(const std::string& dir, const std::vector<cache::StoredBlob>& blobs) {
  std::set<std::string> wanted;
  for (const auto& b : blobs) wanted.insert(b.sha512 + ".part");
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (!wanted.contains(e.path().filename().string())) std::filesystem::remove(e.path(), ec);
}

}  // namespace

PartialUse use_of_partial(std::uint64_t partial_bytes, std::uint64_t blob_size) {
  if (partial_bytes == 0 || (blob_size > 0 && partial_bytes > blob_size)) return PartialUse::restart;
  return partial_bytes == blob_size ? PartialUse::adopt : PartialUse::resume;
}

std::uint64_t bytes_received(long status, std::uint64_t file_bytes, std::uint64_t resumed) {
  return status == 206 && file_bytes >= resumed ? file_bytes - resumed : file_bytes;
}

Status transfer(const Plan& plan, const Options& o, cache::Store& store, const Context& ctx, Report& report) {
  std::atomic<unsigned> requests{0};
  Ledger ledger(report, ctx);
  Job job{plan, o, store, ctx, ledger};
  bool pull = o.direction == Direction::pull;
  if (pull) remove_stale_partials(store.root() + "/partial", plan.blobs);
  std::uint64_t parallel = std::clamp<std::uint64_t>(o.jobs, 1, std::max<std::size_t>(plan.blobs.size(), 1));
  job.rate = o.limit_rate == 0 ? 0 : std::max<std::uint64_t>(1, o.limit_rate / parallel);
  std::uint64_t total = 0;
  for (const auto& b : plan.blobs) total += b.size;
  std::optional<Progress> task;
  if (!plan.blobs.empty())
    task.emplace(ctx, fmt::format("{} {} blobs", pull ? "pulling" : "pushing", plan.blobs.size()), total, ProgressUnit::bytes);
  job.task = task ? &*task : nullptr;
  Status done = run_parallel(plan.blobs.size(), job, requests, [&](Peer& peer, std::size_t i) {
    return pull ? pull_blob(peer, plan.blobs[i], job) : push_blob(peer, plan.blobs[i], job);
  });
  job.task = nullptr;
  task.reset();
  if (done && pull) done = store_entries(job);
  if (done && !pull)
    done = run_parallel(plan.entries.size(), job, requests,
                        [&](Peer& peer, std::size_t i) { return push_entries(peer, plan.entries[i], job); });
  report.transfer_requests = requests;
  if (!done) return fail(stopped(std::move(done.error()), cache::without_credentials(o.peer_url)));
  return {};
}

}  // namespace slap::sync
