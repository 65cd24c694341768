// Runs tasks with dependencies on a pool of worker threads: a task starts once all the
// tasks it depends on succeeded. After a failure or a cancellation no new task starts;
// running ones finish. Tasks are given in a valid (topological) order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::build {

struct Task {
  std::vector<std::size_t> depends_on;  // indexes of earlier tasks
  std::function<Status()> run;
};

// The first error (by completion time), or an interrupted error when `cancel` fired.
Status run_tasks(std::vector<Task>& tasks, unsigned workers, const CancelToken* cancel);

}  // namespace slap::build
