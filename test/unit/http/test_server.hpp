// An HTTP server for the http and fetch tests, on 127.0.0.1 with an ephemeral port: serves
// files from memory (GET/HEAD with Range, PUT stores, POST echoes, DELETE removes) and
// misbehaves on demand. Stopped by its destructor.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace slap::test {

struct SeenRequest {
  std::string method;
  std::string path;
  std::string range;  // the Range header, "" when absent
};

class TestServer {
 public:
  TestServer();
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string url(const std::string& path) const;
  void serve(const std::string& path, std::string content);
  std::string stored(const std::string& path) const;
  std::vector<SeenRequest> requests() const;

  std::atomic<int> fail_next{0};         // the next N requests get 503
  std::atomic<long> cut_next_at{-1};     // the next GET drops the connection at this byte
  std::atomic<bool> ignore_ranges{false};  // answer Range requests with 200 and everything

 private:
  void on_get(const httplib::Request& req, httplib::Response& res);
  bool misbehave(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> files_;
  std::vector<SeenRequest> seen_;
};

}  // namespace slap::test
