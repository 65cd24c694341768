// Requests to the helper and the callbacks it makes while it works on them.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "python/channel.hpp"
#include "slap/python.hpp"
#include "slap/strings.hpp"

namespace slap::python {

using json = nlohmann::json;

struct Bridge::Impl {
  explicit Impl(Channel c, const Context* ctx) : channel(std::move(c)), ctx(ctx) {}
  Channel channel;
  const Context* ctx;
  // One request at a time, except that a callback may start another one (code that
  // initialises a section whose recipe runs Python too): the helper serves nested
  // requests while it waits for a callback's answer.
  std::recursive_mutex mutex;

  // Sends `request` and serves callbacks until the answer; a Python exception becomes an
  // Error prefixed with `what` ("[section] init").
  Result<json> call(json request, Host* host, const std::string& what);
};

namespace {

std::string text(const json& message, const char* key) {
  auto it = message.find(key);
  return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
Result<json> to_json(Result<T> r) {
  if (!r) return fail(std::move(r.error()));
  return json(std::move(*r));
}

Result<json> to_json(Status s) {
  if (!s) return fail(std::move(s.error()));
  return json(nullptr);
}

Result<json> to_json(Result<std::optional<std::string>> r) {
  if (!r) return fail(std::move(r.error()));
  return *r ? json(**r) : json(nullptr);
}

Result<json> dispatch(const json& message, Host& host) {
  std::string name = text(message, "cb");
  std::string section = text(message, "section"), option = text(message, "option");
  if (name == "get") return to_json(host.get(section, option));
  if (name == "set") return to_json(host.set(section, option, text(message, "value")));
  if (name == "erase") return to_json(host.erase(section, option));
  if (name == "keys") return to_json(host.keys(section));
  if (name == "section") return to_json(host.section(section));
  if (name == "sections") return json(host.sections());
  if (name == "parse") return to_json(host.parse(text(message, "text")));
  if (name == "download") return to_json(host.download(text(message, "url"), text(message, "md5sum")));
  if (name == "extract") return to_json(host.extract(text(message, "archive"), text(message, "dest")));
  return fail(ErrorKind::internal, fmt::format("unknown callback '{}' from the Python helper", name));
}

// The answer to a callback; a failure is also kept in `failed`, so that an exception the
// code does not catch reports the original error (with its location).
json callback(const json& message, Host* host, std::optional<Error>& failed) {
  auto value = host ? dispatch(message, *host) : Result<json>(fail(ErrorKind::internal, "no callbacks here"));
  if (value) return {{"value", std::move(*value)}};
  const Error& e = value.error();
  json reply = {{"error", {{"class", e.cls.empty() ? "UserError" : e.cls}, {"message", e.describe()}}}};
  failed = std::move(value.error());
  return reply;
}

// A Python exception. where = the code ("[section] option", or the hook file) and line,
// empty when the exception did not come from that code.
Error exception(const json& raised, const std::string& what, const std::optional<Error>& failed) {
  int line = raised.value("line", 0);
  if (raised.value("callback", false) && failed) {
    Error e = *failed;
    e.add_context(line ? fmt::format("running {} (line {} of the code)", what, line) : fmt::format("running {}", what));
    return e;
  }
  std::string type = text(raised, "type"), message = text(raised, "message");
  // As zc.buildout, a UserError is shown without a traceback.
  Error e(ErrorKind::recipe, raised.value("user", false)
                                 ? fmt::format("{}: {}", what, message)
                                 : fmt::format("{}: {}: {}\n{}", what, type, message, str::rstrip(text(raised, "traceback"))));
  e.where.file = text(raised, "code");
  e.where.line = line;
  return e;
}

}  // namespace

Result<json> Bridge::Impl::call(json request, Host* host, const std::string& what) {
  std::lock_guard lock(mutex);
  std::optional<Error> failed;
  std::string doing = "running " + what;
  SLAP_CHECK(channel.send(request));
  while (true) {
    json message = SLAP_TRY(channel.receive(doing));
    if (message.contains("cb")) {
      SLAP_CHECK(channel.send(callback(message, host, failed)));
      continue;
    }
    if (auto out = message.find("output"); out != message.end() && out->is_string() && ctx)
      if (auto shown = str::rstrip(out->get<std::string>()); !shown.empty()) ctx->info(fmt::format("{}:\n{}", what, shown));
    if (auto raised = message.find("raised"); raised != message.end()) return fail(exception(*raised, what, failed));
    return message.value("done", json());
  }
}

Bridge::Bridge(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Bridge::~Bridge() {
  if (impl_) impl_->channel.close();
}

Result<std::unique_ptr<Bridge>> Bridge::start(const Settings& settings) {
  auto channel = SLAP_TRY(Channel::open(settings));
  std::unique_ptr<Bridge> bridge(new Bridge(std::make_unique<Impl>(std::move(channel), settings.ctx)));
  std::string what = fmt::format("the Python helper start ({})", settings.interpreter);
  json hello = SLAP_TRY(bridge->impl_->call({{"op", "hello"}}, nullptr, what));
  bridge->description_ = fmt::format("Python {} ({})", hello.value("version", "?"), hello.value("python", "?"));
  return bridge;
}

Status Bridge::build_init(const std::string& section, const SharedPart& shared, Host& host) {
  json request = {{"op", "build.init"},
                  {"section", section},
                  {"shared", {{"maybe", shared.requested}, {"shared", shared.shared}, {"location", shared.location}}}};
  SLAP_TRY(impl_->call(std::move(request), &host, fmt::format("[{}] init", section)));
  return {};
}

Result<std::vector<std::string>> Bridge::build_install(const std::string& section, const std::string& log_file,
                                                       Host& host) {
  json request = {{"op", "build.install"}, {"section", section}, {"log", log_file}};
  json paths = SLAP_TRY(impl_->call(std::move(request), &host, fmt::format("[{}] install", section)));
  std::vector<std::string> out;
  for (const auto& p : paths)
    if (p.is_string()) out.push_back(p.get<std::string>());
  return out;
}

Status Bridge::build_update(const std::string& section, const std::string& log_file, Host& host) {
  json request = {{"op", "build.update"}, {"section", section}, {"log", log_file}};
  SLAP_TRY(impl_->call(std::move(request), &host, fmt::format("[{}] update", section)));
  return {};
}

Result<Hook> parse_hook(std::string_view value) {
  std::string_view v = str::strip(value);
  auto colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || str::strip(v.substr(colon + 1)).empty())
    return fail(ErrorKind::input, fmt::format("'{}' is not a hook (FILE#MD5:FUNCTION)", value));
  Hook hook;
  hook.function = std::string(str::strip(v.substr(colon + 1)));
  std::string_view file = v.substr(0, colon);
  auto hash = file.find('#');
  hook.file = std::string(file.substr(0, hash));
  if (hash != std::string_view::npos) hook.md5sum = std::string(file.substr(hash + 1));
  if (hook.file.empty()) return fail(ErrorKind::input, fmt::format("'{}' names no hook file", value));
  return hook;
}

Status Bridge::call_hook(const Hook& hook, const HookCall& call, Host& host) {
  std::string what = fmt::format("[{}] {} {}:{}", call.section, call.option.empty() ? "hook" : call.option, hook.file,
                                 hook.function);
  auto file = host.download(hook.file, hook.md5sum);
  if (!file) return fail(std::move(file.error()).add_context(fmt::format("fetching the hook file of {}", what)));
  json environment = json::object();
  for (const auto& [k, v] : call.environment) environment[k] = v;
  json request = {{"op", "hook.call"}, {"file", *file}, {"function", hook.function}, {"section", call.section},
                  {"cwd", call.cwd}, {"environment", environment}, {"log", call.log_file}};
  auto done = impl_->call(std::move(request), &host, what);
  if (!done) {
    Error e = std::move(done.error());
    if (e.kind == ErrorKind::recipe && e.where.file == *file) e.where.file = hook.file;
    return fail(std::move(e));
  }
  return {};
}

Result<Bridge*> Pool::get(const std::string& interpreter) {
  std::string name = interpreter.empty() ? defaults_.interpreter : interpreter;
  std::lock_guard lock(mutex_);
  for (auto& [n, bridge] : bridges_)
    if (n == name) return bridge.get();
  for (const auto& [n, error] : failed_)
    if (n == name) return fail(error);
  Settings settings = defaults_;
  settings.interpreter = name;
  auto bridge = Bridge::start(settings);
  if (!bridge) {
    failed_.emplace_back(name, bridge.error());
    return fail(std::move(bridge.error()));
  }
  if (defaults_.ctx) defaults_.ctx->debug(fmt::format("started the Python helper: {}", (*bridge)->description()));
  bridges_.emplace_back(name, std::move(*bridge));
  return bridges_.back().second.get();
}

}  // namespace slap::python
