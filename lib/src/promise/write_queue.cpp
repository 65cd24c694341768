#include "promise/write_queue.hpp"

namespace slap::promise {

WriteQueue::WriteQueue() : thread_([this](std::stop_token stop) { work(stop); }) {}

WriteQueue::~WriteQueue() {
  thread_.request_stop();
  thread_.join();
}

void WriteQueue::push(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void WriteQueue::work(std::stop_token stop) {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      if (!ready_.wait(lock, stop, [this] { return !jobs_.empty(); })) return;  // stopped, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace slap::promise
