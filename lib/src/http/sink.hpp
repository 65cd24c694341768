// What a transfer does with an answer: record its header lines, and send its body where it
// belongs. Error pages stay in memory so they never corrupt a
// download; a 206 answer to a resumed request is appended to what Request::output_file
// already holds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "slap/error.hpp"
#include "slap/fd.hpp"
#include "slap/http.hpp"

namespace slap::http::detail {

// Not a network error: retrying would get the same answer.
Error too_large(const Request& rq);
Error interrupted(const Request& rq);

// Adds "Name: value" to `headers` (name lower-cased, both stripped); ignores a line
// without a colon.
void add_header_line(Headers& headers, std::string_view line);

class BodySink {
 public:
  BodySink(const Request& rq, Response& rs) : rq_(rq), rs_(rs) {}

  // Called once the final status is known (0 for non-HTTP schemes), before the first body
  // byte; opens output_file when the body belongs there.
  Status open(long status);
  bool opened() const { return opened_; }
  // Stores `len` bytes; fails past Request::max_body.
  Status write(const char* data, std::size_t len);
  // Flushes and closes output_file, if it was opened.
  Status close();
  // Where the received body starts in the resource (resume_from for a 206, else 0).
  std::uint64_t offset() const { return offset_; }

 private:
  const Request& rq_;
  Response& rs_;
  UniqueFile out_;
  bool opened_ = false;
  bool consume_ = false;  // the body goes to Request::body_consumer
  std::uint64_t offset_ = 0;
};

}  // namespace slap::http::detail
