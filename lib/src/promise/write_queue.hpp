// Runs jobs in order on one background thread. The runner hands it the writes of each
// promise's results, so their fsync latency overlaps with measuring the next promises.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace slap::promise {

class WriteQueue {
 public:
  WriteQueue();
  // Runs the jobs still queued, then stops the thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void push(std::function<void()> job);

 private:
  void work(std::stop_token stop);

  std::mutex mutex_;
  std::condition_variable_any ready_;
  std::deque<std::function<void()>> jobs_;
  std::jthread thread_;  // last: starts after the members it uses exist
};

}  // namespace slap::promise
