// Template-defined callables and the loop object: macros (and the `caller` of a call
// block), the `loop` variable of a for loop, and imported template modules.
#pragma once

#include "interp.hpp"

namespace slap::tmpl {

class Macro final : public InternalObject {
 public:
  Macro(std::shared_ptr<const MacroDef> def, ScopePtr closure, bool autoescape)
      : def_(std::move(def)), closure_(std::move(closure)), autoescape_(autoescape) {}
  std::string type_name() const override { return "Macro"; }
  std::string repr() const override { return "<Macro '" + def_->name + "'>"; }
  bool callable() const override { return true; }
  std::optional<Value> attr(std::string_view name) const override;
  Value invoke(Interp& in, Args& args) const override;
  // The call's text appended to `out` instead of returned: what invoke() would return, as
  // a str or, when the caller's eval context escapes, as Markup.
  void invoke_into(Interp& in, Args& args, std::string& out) const;
  const Macro* as_macro() const override { return this; }

 private:
  ScopePtr bind(Interp& in, Args& args) const;
  std::shared_ptr<const MacroDef> def_;
  ScopePtr closure_;
  bool autoescape_;  // as where it was defined
  mutable ScopePtr spare_;  // bind()'s scope for the next call (objects live in one render)
};

// `loop` inside a for body. One object per loop, advanced in place.
class LoopObject final : public InternalObject, public std::enable_shared_from_this<LoopObject> {
 public:
  LoopObject(const ForStmt& node, ScopePtr outer, std::shared_ptr<std::vector<Value>> items, int depth)
      : node_(node), outer_(std::move(outer)), items_(std::move(items)), depth_(depth) {}
  std::string type_name() const override { return "LoopContext"; }
  std::string repr() const override;
  bool callable() const override { return node_.recursive; }
  std::optional<Value> attr(std::string_view name) const override;
  // loop(items) in a recursive loop renders the loop body over `items` one level deeper.
  Value invoke(Interp& in, Args& args) const override;

  std::size_t index0 = 0;

 private:
  const ForStmt& node_;
  ScopePtr outer_;
  std::shared_ptr<std::vector<Value>> items_;
  int depth_;
  mutable std::optional<Value> last_changed_;
};

// Runs a for loop over `items` (already filtered) in `scope`, `depth` levels deep.
Flow run_loop(Interp& in, const ForStmt& node, const ScopePtr& scope, std::vector<Value> items, int depth);
// Runs `for k, v in x.items()`; without a filter or `loop` in the body, a dict's pairs are
// assigned from its entries, no tuple built per item.
Flow run_items_loop(Interp& in, const ForStmt& node, const ScopePtr& scope);
// Whether run_items_loop applies to the loop `node`.
bool is_items_loop(const ForStmt& node);

}  // namespace slap::tmpl
