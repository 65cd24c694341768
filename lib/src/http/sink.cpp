#include "http/sink.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "slap/strings.hpp"

namespace slap::http::detail {

Error too_large(const Request& rq) {
  return Error(ErrorKind::input, fmt::format("{}: response larger than {} bytes", rq.url, rq.max_body.value_or(0)));
}

Error interrupted(const Request& rq) {
  return Error(ErrorKind::interrupted, fmt::format("transfer of {} interrupted", rq.url));
}

void add_header_line(Headers& headers, std::string_view line) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  headers.emplace_back(str::to_lower(str::strip(line.substr(0, colon))), std::string(str::strip(line.substr(colon + 1))));
}

Status BodySink::open(long status) {
  opened_ = true;
  consume_ = rq_.body_consumer && status < 300 && rq_.method != "HEAD";
  if (consume_) return {};
  if (rq_.output_file.empty() || status >= 300 || rq_.method == "HEAD") return {};
  bool append = rq_.resume_from > 0 && (status == 206 || status == 0);
  offset_ = append ? rq_.resume_from : 0;
  out_.reset(std::fopen(rq_.output_file.c_str(), append ? "ab" : "wb"));
  if (!out_) return fail(ErrorKind::io, fmt::format("cannot open {}: {}", rq_.output_file, std::strerror(errno)));
  return {};
}

Status BodySink::write(const char* data, std::size_t len) {
  if (rq_.max_body && offset_ + rs_.bytes + len > *rq_.max_body) return fail(too_large(rq_));
  if (consume_) {
    if (!rq_.body_consumer({data, len})) return fail(interrupted(rq_));
  } else if (out_) {
    if (std::fwrite(data, 1, len, out_.get()) != len)
      return fail(ErrorKind::io, fmt::format("cannot write {}: {}", rq_.output_file, std::strerror(errno)));
  } else {
    rs_.body.append(data, len);
  }
  rs_.bytes += len;
  return {};
}

Status BodySink::close() {
  if (out_ && std::fclose(out_.release()) != 0)
    return fail(ErrorKind::io, fmt::format("cannot write {}: {}", rq_.output_file, std::strerror(errno)));
  return {};
}

}  // namespace slap::http::detail
