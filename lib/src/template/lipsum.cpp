// lipsum(n=5, html=True, min=20, max=100): Jinja2's random lorem ipsum, with its word list
// (jinja2.constants.LOREM_IPSUM_WORDS of Jinja2 3.1.2) and its way of placing capitals,
// commas and full stops. The output is random: test cases check its shape.
#include <random>

#include "builtins.hpp"
#include "errors.hpp"
#include "methods.hpp"
#include "object.hpp"
#include "slap/strings.hpp"

namespace slap::tmpl {

namespace {

constexpr const char* lorem_ipsum_words =
    "a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at auctor augue "
    "bibendum blandit class commodo condimentum congue consectetuer consequat conubia convallis cras "
    "cubilia cum curabitur curae cursus dapibus diam dictum dictumst dignissim dis dolor donec dui "
    "duis egestas eget eleifend elementum elit enim erat eros est et etiam eu euismod facilisi "
    "facilisis fames faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac "
    "hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum justo lacinia lacus "
    "laoreet lectus leo libero ligula litora lobortis lorem luctus maecenas magna magnis malesuada "
    "massa mattis mauris metus mi molestie mollis montes morbi mus nam nascetur natoque nec neque "
    "netus nibh nisi nisl non nonummy nostra nulla nullam nunc odio orci ornare parturient pede "
    "pellentesque penatibus per pharetra phasellus placerat platea porta porttitor posuere potenti "
    "praesent pretium primis proin pulvinar purus quam quis quisque rhoncus ridiculus risus rutrum "
    "sagittis sapien scelerisque sed sem semper senectus sit sociis sociosqu sodales sollicitudin "
    "suscipit suspendisse taciti tellus tempor tempus tincidunt torquent tortor tristique turpis "
    "ullamcorper ultrices ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae "
    "vivamus viverra volutpat vulputate ";

// random.randrange(a, b): ValueError on an empty range, as Python.
std::int64_t randrange(std::mt19937_64& rng, std::int64_t a, std::int64_t b) {
  if (b <= a) value_error("empty range for randrange() (" + std::to_string(a) + ", " + std::to_string(b) + ", " +
                          std::to_string(b - a) + ")");
  return std::uniform_int_distribution<std::int64_t>(a, b - 1)(rng);
}

std::string paragraph(std::mt19937_64& rng, const std::vector<std::string>& words, std::int64_t min, std::int64_t max) {
  bool next_capitalized = true;
  std::int64_t last_comma = 0, last_fullstop = 0;
  const std::string* last = nullptr;
  std::string out;
  const std::int64_t count = randrange(rng, min, max);
  if (count > max_value_size / 16) memory_error();
  for (std::int64_t idx = 0; idx < count; ++idx) {
    const std::string* pick;
    do pick = &words[static_cast<std::size_t>(randrange(rng, 0, static_cast<std::int64_t>(words.size())))];
    while (pick == last);
    last = pick;
    std::string word = *pick;
    if (next_capitalized) {
      word[0] = static_cast<char>(word[0] - 'a' + 'A');
      next_capitalized = false;
    }
    if (idx - randrange(rng, 3, 8) > last_comma) {
      last_comma = idx;
      last_fullstop += 2;
      word += ',';
    }
    if (idx - randrange(rng, 10, 20) > last_fullstop) {
      last_comma = last_fullstop = idx;
      word += '.';
      next_capitalized = true;
    }
    if (!out.empty()) out += ' ';
    out += word;
  }
  if (!out.empty() && out.back() == ',') out.back() = '.';
  else if (out.empty() || out.back() != '.') out += '.';
  return out;
}

Value f_lipsum(Interp&, Args& args) {
  auto a = bind_args(args, "generate_lorem_ipsum",
                     SLAP_PARAMS({"n", Value(5)}, {"html", Value(true)}, {"min", Value(20)}, {"max", Value(100)}), 0);
  static const std::vector<std::string> words = str::split_ws(lorem_ipsum_words);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::int64_t n = int_arg(a[0]);
  if (n > max_value_size / 16) memory_error();
  const bool html = a[1].truthy();
  std::string out;
  for (std::int64_t i = 0; i < n; ++i) {
    if (i > 0) out += html ? "\n" : "\n\n";
    std::string p = paragraph(rng, words, int_arg(a[2]), int_arg(a[3]));
    out += html ? "<p>" + p + "</p>" : p;
  }
  return html ? Value::markup(std::move(out)) : Value(std::move(out));
}

}  // namespace

Value lipsum_function() { return builtin_function("lipsum", "generate_lorem_ipsum", f_lipsum); }

}  // namespace slap::tmpl
