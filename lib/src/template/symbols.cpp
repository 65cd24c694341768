#include "symbols.hpp"

#include <deque>
#include <mutex>
#include <unordered_map>

namespace slap::tmpl {

namespace {

// Templates are parsed on several threads (recipes install in parallel): one table for
// the process, behind a lock. Interning happens at parse time; the evaluator needs names
// back only for errors, exports and context snapshots.
struct Table {
  std::mutex lock;
  std::deque<std::string> names;  // deque: references stay valid as it grows
  std::unordered_map<std::string_view, Symbol> ids;
};

Table& table() {
  static Table t;
  return t;
}

}  // namespace

Symbol intern(std::string_view name) {
  Table& t = table();
  std::lock_guard guard(t.lock);
  auto it = t.ids.find(name);
  if (it != t.ids.end()) return it->second;
  auto id = static_cast<Symbol>(t.names.size());
  const std::string& stored = t.names.emplace_back(name);
  t.ids.emplace(stored, id);
  return id;
}

const std::string& symbol_name(Symbol s) {
  Table& t = table();
  std::lock_guard guard(t.lock);
  return t.names.at(s);
}

namespace sym {
const Symbol loop = intern("loop"), caller = intern("caller"), varargs = intern("varargs"), kwargs = intern("kwargs"),
             self = intern("self"), super = intern("super");
}

}  // namespace slap::tmpl
