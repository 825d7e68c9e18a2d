// Writes the site's per-lesson files (lesson_pages.h) for every registered lesson. Built to wasm and run
// under Node at build time (cmake/wasm.cmake): node lesson_pages.js <site folder> <public site URL>.
// The folders oembed/ and lessons/ must exist.
#include <algorithm>
#include <cstdio>
#include <string>

#include "lesson_pages.h"

namespace {

bool write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

bool plain_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: lesson_pages <site folder> <public site URL>\n");
    return 2;
  }
  const std::string site = argv[1];
  std::string url = argv[2];
  if (url.empty() || url.back() != '/') url += '/';
  for (const LessonInfo& lesson : lesson_infos()) {
    if (!plain_id(lesson.id)) {
      std::fprintf(stderr, "lesson id \"%s\" is not a lower-case word\n", lesson.id.c_str());
      return 1;
    }
    for (const auto& [path, text] : {std::pair{oembed_path(lesson), oembed_json(lesson, url)},
                                     std::pair{lesson_page_path(lesson), lesson_page_html(lesson, url)}}) {
      if (!write_file(site + "/" + path, text)) {
        std::fprintf(stderr, "could not write %s/%s\n", site.c_str(), path.c_str());
        return 1;
      }
    }
  }
  std::printf("lesson_pages: oEmbed and page of %zu lessons in %s (site URL %s)\n", lesson_infos().size(), site.c_str(), url.c_str());
  return 0;
}
