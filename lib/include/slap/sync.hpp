// `slap sync`: one-way synchronisation between a local cache directory (the store of
// `slap cache-serve --root DIR`) and a peer cache served by `slap cache-serve`.
//
// Pull copies what the peer has and the local store lacks; push the reverse. The sending
// side's listing and one bulk query per batch decide what the receiving side lacks; only
// that is transferred, several blobs at once. A blob becomes visible on the receiving side
// only once its sha512 was verified; a download interrupted by anything (peer gone,
// network cut, kill -9) is resumed with an HTTP Range by the next run. Shadir entries
// travel with their signatures and are refused unless a trusted certificate verifies them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::sync {

enum class Direction { pull, push };

struct Options {
  Direction direction = Direction::pull;
  std::string peer_url;              // base URL: the peer serves PEER/shacache and PEER/shadir
  std::string root;                  // the local store
  std::string only_keys;             // fnmatch(3) pattern on Shadir keys: only those keys and
                                     // the blobs their entries name; "" = everything
  std::uint64_t limit_rate = 0;      // bytes per second for all transfers together; 0 = no limit
  unsigned jobs = 1;                 // transfers at once
  std::string upload_token;          // push: the peer's upload token (or user:TOKEN@ in the URL)
  std::string trusted_certificates;  // PEM certificates; an entry must verify against one
  std::size_t batch = 10000;         // digests per bulk query, blobs or keys per listing page
  std::uint64_t max_blob = 4ull << 30;  // bytes accepted for a blob whose size was not announced
                                        // (named by an entry; the peer's listing gives sizes)
};

// One blob or entry that could not be transferred; the others still were.
struct Failure {
  std::string what;  // "blob" or "entry"
  std::string name;  // the sha512, or the key
  std::string message;
};

struct Tally {
  std::uint64_t blobs = 0;
  std::uint64_t bytes = 0;
  std::uint64_t entries = 0;
};

struct Report {
  std::string peer;                     // the peer URL without user:password@
  Tally sent;
  Tally received;
  Tally skipped;                       // already on the receiving side
  std::uint64_t entries_held_back = 0;  // their blob is not on the receiving side
  unsigned negotiation_requests = 0;    // HTTP requests (retries included) deciding what to send
  unsigned transfer_requests = 0;
  std::vector<Failure> failures;
  double seconds = 0;

  bool ok() const { return failures.empty(); }
};

// "500k", "2M", "1.5G", "1000": bytes per second (k = 1024). ErrorKind::usage otherwise.
Result<std::uint64_t> parse_rate(std::string_view text);

// Fails as a whole (nothing or part transferred) when another sync holds the local store's
// lock, when the peer cannot be reached or stops answering, when it refuses the upload token,
// or when interrupted; blobs and entries refused one by one are listed in Report::failures.
Result<Report> run(const Options& options, const Context& ctx);

}  // namespace slap::sync
