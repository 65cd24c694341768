// Carrying out a plan: the blobs several at once (each resumable, each verified before it
// becomes visible), then the entries whose blob the receiving side holds.
#pragma once

#include <cstdint>

#include "slap/cache_store.hpp"
#include "slap/sync.hpp"
#include "sync/plan.hpp"

namespace slap::sync {

// What a pull does with the bytes of a blob an earlier run left in ROOT/partial/.
enum class PartialUse {
  restart,  // none, or more than the blob holds: download from the first byte
  resume,   // download the rest (Range: bytes=N-)
  adopt,    // all there (a run ended between the last byte and the rename): verify it
};
// `blob_size` 0 means unknown (blobs named by entries): a partial is then always resumed.
PartialUse use_of_partial(std::uint64_t partial_bytes, std::uint64_t blob_size);

// The bytes that crossed the network: a 206 carried only what followed the `resumed` ones.
std::uint64_t bytes_received(long status, std::uint64_t file_bytes, std::uint64_t resumed);

// Adds to `report` what moved, what was held back and what failed (one by one: those
// do not stop the others). Fails as a whole when the peer stops answering, refuses the
// upload token, or on interruption; what arrived until then stays.
Status transfer(const Plan& plan, const Options& options, cache::Store& store, const Context& ctx,
                Report& report);

}  // namespace slap::sync
