// Python's pprint.pformat (width 80, dicts sorted by key): Jinja2's `pprint` filter.
#include "pprint.hpp"

#include <algorithm>

#include "errors.hpp"
#include "ops.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

constexpr std::int64_t page_width = 80;

// pprint's _safe_key: values that cannot be ordered fall back to their type's name.
bool safe_less(const Value& a, const Value& b) {
  try {
    return compare(a, b) < 0;
  } catch (const Error&) {
    return a.type_name() < b.type_name();
  }
}

std::vector<Dict::Entry> sorted_items(const Dict& d) {
  std::vector<Dict::Entry> items(d.begin(), d.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) { return safe_less(x.key, y.key); });
  return items;
}

// The containers being printed (pprint's `context`): one met again inside itself prints as
// pprint's recursion marker, with its address for Python's id().
using Active = std::vector<const void*>;

bool recursion_marker(std::string& out, const Value& v, const Active& active) {
  const void* id = container_identity(v);
  if (!id || std::find(active.begin(), active.end(), id) == active.end()) return false;
  out += "<Recursion on " + v.type_name() + " with id=" + std::to_string(reinterpret_cast<std::uintptr_t>(id)) + ">";
  return true;
}

// repr() with dict keys sorted, at every depth (pprint's _safe_repr). A container at
// `level` `depth` or deeper prints as {...}, [...] or (...) when depth is not 0.
void sorted_repr(std::string& out, const Value& v, Active& active, int level = 0, int depth = 0) {
  bool container = v.is_dict() || v.is_list() || v.is_tuple();
  bool empty = v.is_dict() ? v.as_dict().empty() : container && v.items().empty();
  if (container && !empty && depth && level >= depth) {
    out += v.is_dict() ? "{...}" : v.is_list() ? "[...]" : "(...)";
    return;
  }
  if (!empty && recursion_marker(out, v, active)) return;
  ++level;
  if (v.is_dict()) {
    NestingGuard nesting("while getting the repr of an object");
    active.push_back(container_identity(v));
    out += '{';
    bool first = true;
    for (const auto& e : sorted_items(v.as_dict())) {
      if (!first) out += ", ";
      first = false;
      sorted_repr(out, e.key, active, level, depth);
      out += ": ";
      sorted_repr(out, e.value, active, level, depth);
    }
    out += '}';
    active.pop_back();
  } else if (v.is_list() || v.is_tuple()) {
    NestingGuard nesting("while getting the repr of an object");
    active.push_back(container_identity(v));
    out += v.is_list() ? '[' : '(';
    const auto& items = v.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      sorted_repr(out, items[i], active, level, depth);
    }
    if (v.is_tuple() && items.size() == 1) out += ',';
    out += v.is_list() ? ']' : ')';
    active.pop_back();
  } else {
    append_repr(out, v);
  }
}

std::string repr_of(const Value& v, Active& active, int level = 0, int depth = 0) {
  std::string out;
  sorted_repr(out, v, active, level, depth);
  return out;
}

auto width(const std::string& s) { return static_cast<std::int64_t>(code_point_count(s)); }

class Printer {
 public:
  Printer(int depth, bool compact) : depth_(depth), compact_(compact) {}
  std::string out;

  void format(const Value& v, std::int64_t indent, std::int64_t allowance, int level) {
    if (recursion_marker(out, v, active_)) return;
    std::string rep = repr_of(v, active_, level, depth_);
    if (width(rep) <= page_width - indent - allowance) {
      out += rep;
      return;
    }
    NestingGuard nesting("while getting the repr of an object");
    active_.push_back(container_identity(v));
    expand(v, rep, indent, allowance, level);
    active_.pop_back();
  }

 private:
  Active active_;
  int depth_;     // pprint's depth: 0, no limit
  bool compact_;  // pprint's compact: as many items of a sequence on a line as fit

  void expand(const Value& v, const std::string& rep, std::int64_t indent, std::int64_t allowance, int level) {
    if (v.is_dict() && !v.as_dict().empty()) {
      out += '{';
      dict_items(sorted_items(v.as_dict()), indent, allowance + 1, level + 1);
      out += '}';
    } else if (v.is_list() && !v.items().empty()) {
      out += '[';
      items(v.items(), indent, allowance + 1, level + 1);
      out += ']';
    } else if (v.is_tuple() && !v.items().empty()) {
      out += '(';
      std::string end = v.items().size() == 1 ? ",)" : ")";
      items(v.items(), indent, allowance + width(end), level + 1);
      out += end;
    } else if (v.is_string() && !v.as_string().empty()) {
      string(v.as_string(), indent, allowance, level + 1);
    } else {
      out += rep;
    }
  }

  void dict_items(const std::vector<Dict::Entry>& entries, std::int64_t indent, std::int64_t allowance, int level) {
    indent += 1;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      bool last = i + 1 == entries.size();
      std::string rep = repr_of(entries[i].key, active_, level, depth_);
      out += rep + ": ";
      format(entries[i].value, indent + width(rep) + 2, last ? allowance : 1, level);
      if (!last) out += ",\n" + std::string(static_cast<std::size_t>(indent), ' ');
    }
  }

  // pprint's _format_items: one item per line, or under compact as many as fit.
  void items(std::span<const Value> values, std::int64_t indent, std::int64_t allowance, int level) {
    indent += 1;
    const std::string newline = ",\n" + std::string(static_cast<std::size_t>(indent), ' ');
    std::string_view delimiter;
    std::int64_t room = page_width - indent + 1, max_room = room;
    for (std::size_t i = 0; i < values.size(); ++i) {
      bool last = i + 1 == values.size();
      if (last) {
        max_room -= allowance;
        room -= allowance;
      }
      if (compact_) {
        std::string rep = repr_of(values[i], active_, level, depth_);
        std::int64_t w = width(rep) + 2;
        if (room < w) {
          room = max_room;
          if (!delimiter.empty()) delimiter = newline;
        }
        if (room >= w) {
          room -= w;
          out += delimiter;
          delimiter = ", ";
          out += rep;
          continue;
        }
      }
      out += delimiter;
      delimiter = newline;
      format(values[i], indent, last ? allowance : 1, level);
    }
  }

  // Long strings become adjacent literals, split after whitespace, one per line.
  void string(const std::string& s, std::int64_t indent, std::int64_t allowance, int level) {
    std::vector<std::string> lines;
    for (std::size_t b = 0; b < s.size();) {
      std::size_t e = s.find('\n', b);
      e = e == std::string::npos ? s.size() : e + 1;
      lines.push_back(s.substr(b, e - b));
      b = e;
    }
    if (level == 1) {
      indent += 1;
      allowance += 1;
    }
    std::int64_t max_width1 = page_width - indent, max_width = max_width1;
    std::vector<std::string> chunks;
    std::string rep;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      rep = string_repr(line);
      if (i + 1 == lines.size()) max_width1 -= allowance;
      if (width(rep) <= max_width1) {
        chunks.push_back(rep);
        continue;
      }
      std::vector<std::string> parts;  // re.findall(r'\S*\s*', line), the final empty match dropped
      for (std::size_t b = 0; b < line.size();) {
        std::size_t e = b;
        while (e < line.size() && !str_space(line[e])) ++e;
        while (e < line.size() && str_space(line[e])) ++e;
        parts.push_back(line.substr(b, e - b));
        b = e;
      }
      std::int64_t max_width2 = max_width;
      std::string current;
      for (std::size_t j = 0; j < parts.size(); ++j) {
        std::string candidate = current + parts[j];
        if (j + 1 == parts.size() && i + 1 == lines.size()) max_width2 -= allowance;
        if (width(string_repr(candidate)) > max_width2) {
          if (!current.empty()) chunks.push_back(string_repr(current));
          current = parts[j];
        } else {
          current = std::move(candidate);
        }
      }
      if (!current.empty()) chunks.push_back(string_repr(current));
    }
    if (chunks.size() == 1) {
      out += rep;
      return;
    }
    if (level == 1) out += '(';
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (i) out += "\n" + std::string(static_cast<std::size_t>(indent), ' ');
      out += chunks[i];
    }
    if (level == 1) out += ')';
  }

  static bool str_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }
};

}  // namespace

std::string pformat(const Value& v, int depth, bool compact) {
  Printer p(depth, compact);
  p.format(v, 0, 0, 0);
  return p.out;
}

}  // namespace slap::tmpl
