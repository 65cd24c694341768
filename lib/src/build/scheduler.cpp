#include "build/scheduler.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace slap::build {

Status run_tasks(std::vector<Task>& tasks, unsigned workers, const CancelToken* cancel) {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<std::size_t> waiting(tasks.size());
  std::vector<std::vector<std::size_t>> dependents(tasks.size());
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    waiting[i] = tasks[i].depends_on.size();
    for (std::size_t d : tasks[i].depends_on) dependents[d].push_back(i);
    if (waiting[i] == 0) ready.push_back(i);
  }
  std::size_t running = 0;
  std::optional<Error> failure;

  auto stopping = [&] { return failure.has_value() || (cancel && cancel->requested()); };
  auto worker = [&] {
    std::unique_lock lock(mutex);
    while (true) {
      // Wakes for work, for the end (nothing ready, nothing running), or to stop; the
      // timeout only bounds how late a cancellation is noticed.
      wake.wait_for(lock, std::chrono::milliseconds(100),
                    [&] { return !ready.empty() || running == 0 || stopping(); });
      if (stopping() || (ready.empty() && running == 0)) break;
      if (ready.empty()) continue;
      std::size_t i = ready.front();
      ready.pop_front();
      ++running;
      lock.unlock();
      Status result = tasks[i].run();
      lock.lock();
      --running;
      if (!result) {
        if (!failure) failure = std::move(result.error());
      } else {
        for (std::size_t d : dependents[i])
          if (--waiting[d] == 0) ready.push_back(d);
      }
      wake.notify_all();
    }
    wake.notify_all();
  };
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < std::max(1u, workers); ++w) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (failure) return fail(std::move(*failure));
  if (cancel && cancel->requested()) return fail(ErrorKind::interrupted, "interrupted");
  return {};
}

}  // namespace slap::build
