#include "promise/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

#include "promise/text.hpp"
#include "slap/fd.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

using nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n"; }

std::string sense_line(const Sense& s) {
  json j = {{"date", s.date}, {"failed", s.failed}, {"message", s.message}, {"execution-time", s.execution_time}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status append_line(const std::string& file, const std::string& line) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.open()) return fail(ErrorKind::io, fmt::format("cannot open {}: {}", file, std::strerror(errno)));
  std::string text = line + "\n";
  // One write() with O_APPEND: a line is never interleaved with another writer's.
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return fail(ErrorKind::io, fmt::format("cannot write {}: {}", file, std::strerror(errno)));
  return {};
}

json read_json(const std::string& file) {
  auto text = fs::read_file(file);
  if (!text) return nullptr;
  json j = json::parse(*text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

template <typename T>
T field(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  try {
    return it->template get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

}  // namespace

std::string Store::state_dir() const { return path::join(partition, ".slapgrid/promise"); }
std::string Store::result_file(const std::string& t) const { return path::join(state_dir(), "result/" + t + ".status.json"); }
std::string Store::history_file(const std::string& t) const { return path::join(state_dir(), "history/" + t + ".jsonl"); }
std::string Store::log_file(const std::string& t) const { return path::join(state_dir(), "log/" + t + ".log"); }
std::string Store::lock_file() const { return path::join(state_dir(), ".lock"); }
std::string Store::bang_log() const { return path::join(partition, ".slapgrid/log/promise-bang.log"); }

Status Store::make_dirs() const {
  for (const char* sub : {"result", "history", "log"}) SLAP_CHECK(fs::make_dirs(path::join(state_dir(), sub)));
  return fs::make_dirs(path::dirname(bang_log()));
}

Status Store::record_sense(const std::string& title, const std::vector<Sense>& history) const {
  std::string file = history_file(title);
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || static_cast<std::size_t>(st.st_size) < history_compact_size)
    return append_line(file, sense_line(history.back()));
  std::string text;
  auto from = history.size() > history_limit ? history.end() - history_limit : history.begin();
  for (auto it = from; it != history.end(); ++it) text += sense_line(*it) + "\n";
  return fs::write_atomic(file, text);
}

Status Store::write_result(const Report& r) const {
  json doc = {{"title", r.promise.title}, {"name", r.promise.name}, {"path", r.promise.path},
              {"execution-time", r.execution_time},
              {"result", {{"type", r.type}, {"failed", r.failed}, {"date", r.date}, {"message", r.message}}}};
  return fs::write_atomic(result_file(r.promise.title), dump(doc));
}

Status Store::log_sense(const std::string& title, const Sense& s, const std::string& run_id) const {
  auto date = parse_result_date(s.date).value_or(Clock::now());
  return append_rotated(log_file(title),
                        fmt::format("{} - {} - {} - {}", log_date(date), s.failed ? "ERROR" : "INFO", run_id, s.message));
}

void Store::remove_stale(const std::vector<Promise>& promises) const {
  std::set<std::string> keep;
  for (const auto& p : promises) {
    keep.insert(path::basename(result_file(p.title)));
    keep.insert(path::basename(history_file(p.title)));
  }
  for (const char* sub : {"result", "history"}) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(path::join(state_dir(), sub), ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      bool ours = name.ends_with(".json") || name.ends_with(".jsonl");
      if (ours && !name.starts_with('.') && !keep.contains(name)) std::filesystem::remove(it->path(), ec);
    }
  }
}

Status append_rotated(const std::string& file, const std::string& line) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && static_cast<std::size_t>(st.st_size) > log_rotate_size &&
      std::rename(file.c_str(), (file + ".1").c_str()) != 0)
    return fail(ErrorKind::io, fmt::format("cannot rotate {}: {}", file, std::strerror(errno)));
  return append_line(file, line);
}

std::vector<Sense> load_history(const std::string& partition, const std::string& title) {
  std::vector<Sense> out;
  auto text = fs::read_file(Store{partition}.history_file(title));
  if (!text) return out;
  for (const auto& line : str::split(*text, "\n")) {
    json s = json::parse(line, nullptr, false);  // a line torn by a crash is skipped
    if (s.is_object())
      out.push_back({field<std::string>(s, "date", ""), field<bool>(s, "failed", true),
                     field<std::string>(s, "message", ""), field<double>(s, "execution-time", 0)});
  }
  if (out.size() > history_limit) out.erase(out.begin(), out.end() - history_limit);
  return out;
}

std::optional<Report> load_status(const std::string& partition, const Promise& promise) {
  json doc = read_json(Store{partition}.result_file(promise.title));
  if (!doc.is_object() || !doc.contains("result") || !doc["result"].is_object()) return std::nullopt;
  const json& r = doc["result"];
  Report out;
  out.promise = promise;
  out.type = field<std::string>(r, "type", "");
  out.failed = field<bool>(r, "failed", true);
  out.date = field<std::string>(r, "date", "");
  out.message = field<std::string>(r, "message", "");
  out.execution_time = field<double>(doc, "execution-time", 0);
  return out;
}

}  // namespace slap::promise
