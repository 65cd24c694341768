// Filter implementations shared between the string filters (filters.cpp), the sequence
// filters (filters_seq.cpp) and the registry.
#pragma once

#include <vector>

#include "registry.hpp"

namespace slap::tmpl {

// Jinja2's make_attrgetter: "a.b.0" looks up a, then b, then item 0 on each item; an int
// is an item; None the item itself. The path is split once, and a str part is found in a
// dict by a hash computed once: filters read the same attribute off thousands of items.
class AttributeGetter {
 public:
  explicit AttributeGetter(const Value& attribute);
  Value operator()(Interp& in, const Value& item) const;
  // The same by reference: into `item` when it holds the attribute, else `scratch`.
  const Value& ref(Interp& in, const Value& item, Value& scratch) const;

 private:
  struct Part {
    Value key;
    std::size_t hash = 0;  // of a str key
  };
  std::vector<Part> parts_;  // none: the item itself
};
// The lowercase of strings (Jinja2's ignore_case), other values unchanged.
Value fold_case(const Value& v);
// True when str.lower() would give `s` itself.
bool is_folded(std::string_view s);
// Calls the filter or test `name` (map('lower'), select('odd')); args exclude the subject.
Value call_filter(Interp& in, const Value& name, const Value& subject, const Args& args);
bool call_test(Interp& in, const Value& name, const Value& subject, const Args& args);

// Sequence filters (filters_seq.cpp).
extern const FilterFn sequence_filters[];
extern const std::size_t sequence_filter_count;
// Markup and prose filters (filters_text.cpp).
extern const FilterFn text_filters[];
extern const std::size_t text_filter_count;
// urlize (urlize.cpp).
Value f_urlize(Interp& in, const Value& v, const Args& args);

}  // namespace slap::tmpl
