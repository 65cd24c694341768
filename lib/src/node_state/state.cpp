// The node's state database: requested instances, partitions, software releases, and what
// the node reported back. Every change is one immediate transaction, so that a process
// killed at any point leaves either the state before or the state after it.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "slap/node_state.hpp"
#include "slap/sqlite.hpp"
#include "slap/strings.hpp"

namespace slap::node {

namespace {

using json = nlohmann::json;

constexpr std::string_view schema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('clock', 0);
INSERT OR IGNORE INTO meta VALUES ('version', 1);
CREATE TABLE IF NOT EXISTS partition (id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS software (
  url TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS instance (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL UNIQUE,
  software_url TEXT NOT NULL,
  software_type TEXT NOT NULL,
  parameters TEXT NOT NULL,
  shared INTEGER NOT NULL,
  state TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  message TEXT NOT NULL DEFAULT '',
  partition TEXT UNIQUE REFERENCES partition(id),
  requester INTEGER REFERENCES instance(id),
  host INTEGER REFERENCES instance(id),
  connection TEXT NOT NULL DEFAULT '{}',
  timestamp INTEGER NOT NULL);
)";

constexpr std::string_view instance_columns =
    "id, title, software_url, software_type, parameters, shared, state, status, message, "
    "partition, requester, host, connection, timestamp";

Instance read_instance(const sql::Statement& s) {
  Instance i;
  i.id = s.integer(0);
  i.title = s.text(1);
  i.software_url = s.text(2);
  i.software_type = s.text(3);
  i.parameters_json = s.text(4);
  i.shared = s.integer(5) != 0;
  i.state = s.text(6);
  i.status = s.text(7);
  i.message = s.text(8);
  i.partition = s.text(9);
  i.requester = s.optional_integer(10);
  i.host = s.optional_integer(11);
  i.connection_json = s.text(12);
  i.timestamp = s.integer(13);
  return i;
}

// Parameters as stored: a JSON object, the serialised form {"_": "<json object>"} unwrapped.
Result<std::string> normalise_parameters(const std::string& text) {
  json j = json::parse(text.empty() ? "{}" : text, nullptr, false);
  if (!j.is_object()) return fail(ErrorKind::input, fmt::format("instance parameters must be a JSON object, not: {}", text));
  if (j.size() == 1 && j.contains("_") && j["_"].is_string()) {
    json inner = json::parse(j["_"].get<std::string>(), nullptr, false);
    if (inner.is_object()) j = std::move(inner);
  }
  return j.dump();
}

Status check_state(const std::string& state) {
  if (state == "started" || state == "stopped" || state == "destroyed") return {};
  return fail(ErrorKind::usage, fmt::format("state '{}': expected started, stopped or destroyed", state));
}

}  // namespace

bool Instance::ready() const {
  if (state == "destroyed") return status == "destroyed";
  json c = json::parse(connection_json, nullptr, false);
  return c.is_object() && !c.empty();
}

struct State::Impl {
  sql::Database db;

  Result<long long> tick() {
    SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'clock'")).run());
    return clock();
  }

  Result<long long> clock() {
    auto s = SLAP_TRY(db.prepare("SELECT value FROM meta WHERE key = 'clock'"));
    SLAP_TRY(s.step());
    return s.integer(0);
  }

  Status touch(long long id) {
    long long now = SLAP_TRY(tick());
    return SLAP_TRY(db.prepare("UPDATE instance SET timestamp = ?1 WHERE id = ?2")).bind(1, now).bind(2, id).run();
  }

  Result<std::vector<Instance>> select(std::string_view where, auto&&... binds) {
    auto s = SLAP_TRY(db.prepare(fmt::format("SELECT {} FROM instance {}", instance_columns, where)));
    int index = 1;
    (s.bind(index++, binds), ...);
    std::vector<Instance> out;
    while (SLAP_TRY(s.step())) out.push_back(read_instance(s));
    return out;
  }

  Result<std::optional<Instance>> select_one(std::string_view where, auto&&... binds) {
    auto rows = SLAP_TRY(select(where, binds...));
    if (rows.empty()) return std::optional<Instance>();
    return std::optional<Instance>(std::move(rows.front()));
  }

  Result<Instance> by_id(long long id) {
    auto i = SLAP_TRY(select_one("WHERE id = ?1", id));
    if (!i) return fail(ErrorKind::internal, fmt::format("{}: no instance {}", db.file(), id));
    return std::move(*i);
  }

  Status supply(const std::string& url, const std::string& state) {
    return SLAP_TRY(db.prepare(
                        "INSERT INTO software (url, state) VALUES (?1, ?2) "
                        "ON CONFLICT (url) DO UPDATE SET state = ?2, "
                        "status = CASE WHEN state != ?2 THEN '' ELSE status END, "
                        "message = CASE WHEN state != ?2 THEN '' ELSE message END"))
        .bind(1, url)
        .bind(2, state)
        .run();
  }

  // Destroys an instance and everything it requested; its shared instances wait for
  // another host.
  Status destroy_tree(long long id, std::set<long long>& seen) {
    if (!seen.insert(id).second) return {};
    Instance i = SLAP_TRY(by_id(id));
    if (i.state != "destroyed") {
      long long now = SLAP_TRY(tick());
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET state = 'destroyed', timestamp = ?1 WHERE id = ?2"))
                     .bind(1, now).bind(2, id).run());
    }
    if (i.shared) {
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET host = NULL, status = 'destroyed' WHERE id = ?1")).bind(1, id).run());
      if (i.host) SLAP_CHECK(touch(*i.host));
    } else {
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET host = NULL, status = 'pending' WHERE host = ?1 AND state != 'destroyed'"))
                     .bind(1, id).run());
      if (i.partition.empty())
        SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET status = 'destroyed' WHERE id = ?1")).bind(1, id).run());
    }
    for (const auto& child : SLAP_TRY(select("WHERE requester = ?1 AND state != 'destroyed'", id)))
      SLAP_CHECK(destroy_tree(child.id, seen));
    return {};
  }

  Status allocate() {
    auto waiting = SLAP_TRY(select("WHERE shared = 0 AND state != 'destroyed' AND partition IS NULL ORDER BY id"));
    for (const auto& i : waiting) {
      auto free = SLAP_TRY(db.prepare(
          "SELECT id FROM partition WHERE id NOT IN (SELECT partition FROM instance WHERE partition IS NOT NULL) "
          "ORDER BY number LIMIT 1"));
      if (!SLAP_TRY(free.step())) {
        SLAP_CHECK(report(i.id, "pending", "no free partition: add some with `slap node format --partitions N`"));
        continue;
      }
      long long now = SLAP_TRY(tick());
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET partition = ?1, status = 'pending', message = '', "
                                     "timestamp = ?2 WHERE id = ?3"))
                     .bind(1, free.text(0)).bind(2, now).bind(3, i.id).run());
    }
    auto unhosted = SLAP_TRY(select("WHERE shared = 1 AND state != 'destroyed' AND host IS NULL ORDER BY id"));
    for (const auto& s : unhosted) {
      auto host = SLAP_TRY(select_one("WHERE shared = 0 AND state != 'destroyed' AND software_url = ?1 "
                                      "AND software_type = ?2 ORDER BY id LIMIT 1",
                                      s.software_url, s.software_type));
      if (!host) {
        SLAP_CHECK(report(s.id, "pending",
                          fmt::format("no instance of {} (type {}) to host this shared instance", s.software_url,
                                      s.software_type)));
        continue;
      }
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET host = ?1, status = 'pending', message = '' WHERE id = ?2"))
                     .bind(1, host->id).bind(2, s.id).run());
      SLAP_CHECK(touch(host->id));
    }
    return {};
  }

  Status report(long long id, const std::string& status, const std::string& message) {
    return SLAP_TRY(db.prepare("UPDATE instance SET status = ?1, message = ?2 WHERE id = ?3"))
        .bind(1, status).bind(2, message).bind(3, id).run();
  }

  Result<long long> upsert(const InstanceRequest& r, const std::string& parameters) {
    auto existing = SLAP_TRY(select_one("WHERE title = ?1", r.title));
    if (!existing) {
      if (r.state == "destroyed") return fail(ErrorKind::input, fmt::format("no instance titled '{}' to destroy", r.title));
      long long now = SLAP_TRY(tick());
      SLAP_CHECK(SLAP_TRY(db.prepare("INSERT INTO instance (title, software_url, software_type, parameters, shared, "
                                     "state, requester, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"))
                     .bind(1, r.title).bind(2, r.software_url).bind(3, r.software_type).bind(4, parameters)
                     .bind(5, r.shared ? 1LL : 0LL).bind(6, r.state).bind(7, r.requester).bind(8, now).run());
      return db.last_insert_id();
    }
    const Instance& i = *existing;
    if (i.shared != r.shared)
      return fail(ErrorKind::input, fmt::format("'{}' is {} shared instance: it cannot be requested as {}", r.title,
                                                i.shared ? "a" : "not a", r.shared ? "one" : "a partition's instance"));
    bool revived = i.state == "destroyed" && r.state != "destroyed";
    if (revived && !i.partition.empty())
      return fail(ErrorKind::input, fmt::format("'{}' is being destroyed: run `slap node instance` before requesting it again",
                                                r.title));
    bool changed = revived || i.software_url != r.software_url || i.software_type != r.software_type ||
                   i.parameters_json != parameters || i.state != r.state;
    long long timestamp = changed ? SLAP_TRY(tick()) : i.timestamp;
    SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET software_url = ?1, software_type = ?2, parameters = ?3, "
                                   "state = ?4, timestamp = ?5, requester = ?6 WHERE id = ?7"))
                   .bind(1, r.software_url).bind(2, r.software_type).bind(3, parameters).bind(4, r.state)
                   .bind(5, timestamp).bind(6, r.requester ? r.requester : i.requester).bind(7, i.id).run());
    if (revived)
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET status = 'pending', message = '', connection = '{}' WHERE id = ?1"))
                     .bind(1, i.id).run());
    // What a shared instance asks for shows in its host's slave_instance_list.
    if (changed && i.shared && i.host && r.state != "destroyed") SLAP_CHECK(touch(*i.host));
    if (changed && i.shared && i.host && (i.software_url != r.software_url || i.software_type != r.software_type)) {
      SLAP_CHECK(SLAP_TRY(db.prepare("UPDATE instance SET host = NULL WHERE id = ?1")).bind(1, i.id).run());
    }
    return i.id;
  }
};

State::State(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
State::State(State&&) noexcept = default;
State& State::operator=(State&&) noexcept = default;
State::~State() = default;

Result<State> State::open(const Layout& layout) {
  auto db = SLAP_TRY(sql::Database::open(layout.database()));
  SLAP_CHECK(db.transaction([&]() -> Status { return db.exec(schema); }));
  return State(std::make_unique<Impl>(Impl{std::move(db)}));
}

Result<std::vector<std::string>> State::format(unsigned count) {
  return impl_->db.transaction([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> added;
    for (unsigned n = 0; n < count; ++n) {
      std::string id = fmt::format("slappart{}", n);
      auto s = SLAP_TRY(impl_->db.prepare("INSERT OR IGNORE INTO partition (id, number) VALUES (?1, ?2)"));
      SLAP_CHECK(s.bind(1, id).bind(2, static_cast<long long>(n)).run());
      if (impl_->db.changes() > 0) added.push_back(id);
    }
    SLAP_CHECK(impl_->allocate());
    return added;
  });
}

Result<Instance> State::request(const InstanceRequest& r) {
  if (r.title.empty()) return fail(ErrorKind::usage, "an instance needs a title");
  if (r.software_url.empty()) return fail(ErrorKind::usage, fmt::format("instance '{}': no software release URL", r.title));
  SLAP_CHECK(check_state(r.state));
  std::string parameters = SLAP_TRY(normalise_parameters(r.parameters_json));
  return impl_->db.transaction([&]() -> Result<Instance> {
    long long id = SLAP_TRY(impl_->upsert(r, parameters));
    if (r.state == "destroyed") {
      std::set<long long> seen;
      SLAP_CHECK(impl_->destroy_tree(id, seen));
    } else {
      SLAP_CHECK(impl_->supply(r.software_url, "available"));
    }
    SLAP_CHECK(impl_->allocate());
    return impl_->by_id(id);
  });
}

Result<std::optional<Instance>> State::find(const std::string& title) { return impl_->select_one("WHERE title = ?1", title); }

Result<Instance> State::instance(long long id) { return impl_->by_id(id); }

Result<std::optional<Instance>> State::instance_on(const std::string& partition) {
  return impl_->select_one("WHERE partition = ?1", partition);
}

Result<std::vector<Instance>> State::instances() { return impl_->select("ORDER BY id"); }

Result<std::vector<Partition>> State::partitions() {
  auto s = SLAP_TRY(impl_->db.prepare("SELECT id, number FROM partition ORDER BY number"));
  std::vector<Partition> out;
  while (SLAP_TRY(s.step())) out.push_back({s.text(0), static_cast<int>(s.integer(1)), std::nullopt});
  for (auto& p : out) p.instance = SLAP_TRY(instance_on(p.id));
  return out;
}

Result<std::vector<Instance>> State::hosted_by(long long host) {
  return impl_->select("WHERE host = ?1 AND shared = 1 AND state != 'destroyed' ORDER BY id", host);
}

Result<std::string> State::root_title(long long id) {
  std::set<long long> seen;
  Instance i = SLAP_TRY(impl_->by_id(id));
  while (i.requester && seen.insert(i.id).second) i = SLAP_TRY(impl_->by_id(*i.requester));
  return i.title;
}

Status State::allocate() {
  return impl_->db.transaction([&]() -> Status { return impl_->allocate(); });
}

Status State::publish(long long id, const std::string& connection_json) {
  json c = json::parse(connection_json, nullptr, false);
  if (!c.is_object()) return fail(ErrorKind::input, fmt::format("connection parameters must be a JSON object: {}", connection_json));
  std::string text = c.dump();
  return impl_->db.transaction([&]() -> Status {
    Instance i = SLAP_TRY(impl_->by_id(id));
    if (i.connection_json == text) return {};
    SLAP_CHECK(SLAP_TRY(impl_->db.prepare("UPDATE instance SET connection = ?1 WHERE id = ?2")).bind(1, text).bind(2, id).run());
    // The requester reads these values back (connection-*): it has something new to see.
    if (i.requester) SLAP_CHECK(impl_->touch(*i.requester));
    return {};
  });
}

Status State::report(long long id, const std::string& status, const std::string& message) {
  return impl_->db.transaction([&]() -> Status { return impl_->report(id, status, message); });
}

Status State::bang(long long id) {
  return impl_->db.transaction([&]() -> Status { return impl_->touch(id); });
}

Status State::free_partition(const std::string& partition) {
  return impl_->db.transaction([&]() -> Status {
    SLAP_CHECK(SLAP_TRY(impl_->db.prepare("UPDATE instance SET partition = NULL, status = 'destroyed', message = '', "
                                          "connection = '{}' WHERE partition = ?1"))
                   .bind(1, partition).run());
    return impl_->allocate();
  });
}

Result<std::vector<std::string>> State::keep_only_children(long long requester, const std::vector<std::string>& titles) {
  std::set<std::string> keep(titles.begin(), titles.end());
  return impl_->db.transaction([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> destroyed;
    std::set<long long> seen;
    for (const auto& child : SLAP_TRY(impl_->select("WHERE requester = ?1 AND state != 'destroyed' ORDER BY id", requester))) {
      if (keep.contains(child.title)) continue;
      SLAP_CHECK(impl_->destroy_tree(child.id, seen));
      destroyed.push_back(child.title);
    }
    return destroyed;
  });
}

Result<std::vector<Software>> State::software() {
  auto s = SLAP_TRY(impl_->db.prepare("SELECT url, state, status, message FROM software ORDER BY url"));
  std::vector<Software> out;
  while (SLAP_TRY(s.step())) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

Status State::supply(const std::string& url, const std::string& state) {
  if (state != "available" && state != "destroyed")
    return fail(ErrorKind::usage, fmt::format("software state '{}': expected available or destroyed", state));
  return impl_->db.transaction([&]() -> Status {
    if (state == "destroyed") {
      std::vector<std::string> users;
      for (const auto& i : SLAP_TRY(impl_->select("WHERE software_url = ?1 AND (state != 'destroyed' OR partition IS NOT NULL) "
                                                  "ORDER BY id", url)))
        users.push_back("'" + i.title + "'");
      if (!users.empty())
        return fail(ErrorKind::input, fmt::format("{} is still used by {}: destroy them first (`slap request ... --state "
                                                  "destroyed`, then `slap node instance`)", url, str::join(users, ", ")));
    }
    return impl_->supply(url, state);
  });
}

Status State::report_software(const std::string& url, const std::string& status, const std::string& message) {
  return impl_->db.transaction([&]() -> Status {
    return SLAP_TRY(impl_->db.prepare("UPDATE software SET status = ?1, message = ?2 WHERE url = ?3"))
        .bind(1, status).bind(2, message).bind(3, url).run();
  });
}

Status State::forget_software(const std::string& url) {
  return impl_->db.transaction([&]() -> Status {
    return SLAP_TRY(impl_->db.prepare("DELETE FROM software WHERE url = ?1 AND state = 'destroyed'")).bind(1, url).run();
  });
}

Result<long long> State::clock() { return impl_->clock(); }

}  // namespace slap::node
