#include "http/test_server.hpp"

#include <fmt/format.h>

namespace slap::test {

TestServer::TestServer() {
  server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { on_get(req, res); });
  server_.Put(".*", [this](const httplib::Request& req, httplib::Response& res) {
    if (misbehave(req, res)) return;
    serve(req.path, req.body);
    res.status = 201;
  });
  server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    if (misbehave(req, res)) return;
    res.set_content(fmt::format("{} bytes: {}", req.body.size(), req.body), "text/plain");
  });
  server_.Delete(".*", [this](const httplib::Request& req, httplib::Response& res) {
    if (misbehave(req, res)) return;
    std::lock_guard lock(mutex_);
    res.status = files_.erase(req.path) ? 204 : 404;
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::yield();
}

TestServer::~TestServer() {
  server_.stop();
  thread_.join();
}

std::string TestServer::url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

void TestServer::serve(const std::string& path, std::string content) {
  std::lock_guard lock(mutex_);
  files_[path] = std::move(content);
}

std::string TestServer::stored(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  return it == files_.end() ? "" : it->second;
}

std::vector<SeenRequest> TestServer::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

// Records the request; answers 503 while fail_next is positive.
bool TestServer::misbehave(const httplib::Request& req, httplib::Response& res) {
  {
    std::lock_guard lock(mutex_);
    seen_.push_back({req.method, req.path, req.get_header_value("Range")});
  }
  if (fail_next.load() <= 0) return false;
  --fail_next;
  res.status = 503;
  res.set_content("busy", "text/plain");
  return true;
}

void TestServer::on_get(const httplib::Request& req, httplib::Response& res) {
  if (misbehave(req, res)) return;
  std::string content;
  {
    std::lock_guard lock(mutex_);
    auto it = files_.find(req.path);
    if (it == files_.end()) {
      res.status = 404;
      return;
    }
    content = it->second;
  }
  res.set_header("X-Test-Header", "Served");
  // httplib slices the body by itself when the request has ranges: forgetting them is the
  // way to play a server without range support.
  if (ignore_ranges) const_cast<httplib::Request&>(req).ranges.clear();
  long cut = cut_next_at.exchange(-1);
  if (cut < 0) {
    res.set_content(content, "application/octet-stream");
    return;
  }
  res.set_content_provider(content.size(), "application/octet-stream",
                           [content, cut = static_cast<std::size_t>(cut)](std::size_t offset, std::size_t length,
                                                                          httplib::DataSink& sink) {
                             std::size_t end = std::min(offset + length, cut);
                             if (end > offset) sink.write(content.data() + offset, end - offset);
                             return end == offset + length;  // false drops the connection
                           });
}

}  // namespace slap::test
