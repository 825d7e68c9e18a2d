#include "lesson_pages.h"

#include <cstdio>

std::string oembed_path(const LessonInfo& lesson) { return "oembed/" + lesson.id + ".json"; }
std::string lesson_page_path(const LessonInfo& lesson) { return "lessons/" + lesson.id + ".html"; }

std::string json_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// "ConvLab: the receptive field lesson", as page.js titles an embed.
std::string frame_title(const LessonInfo& lesson) {
  std::string words = lesson.id;
  for (char& c : words)
    if (c == '-') c = ' ';
  return "ConvLab: the " + words + " lesson";
}

}  // namespace

std::string embed_iframe_html(const LessonInfo& lesson, const std::string& site_url) {
  const std::string src = site_url + "#lesson=" + lesson.id + "&embed=1";
  return "<iframe src=\"" + html_escape(src) + "\" width=\"" + std::to_string(kEmbedWidth) + "\" height=\"" +
         std::to_string(kEmbedHeight) + "\" title=\"" + html_escape(frame_title(lesson)) +
         "\" style=\"border:0;max-width:100%\" loading=\"lazy\"></iframe>";
}

std::string oembed_json(const LessonInfo& lesson, const std::string& site_url) {
  auto field = [](const char* key, const std::string& value) { return std::string("  \"") + key + "\": \"" + json_escape(value) + "\",\n"; };
  return "{\n" + field("version", "1.0") + field("type", "rich") + field("title", "ConvLab: " + lesson.title) +
         field("provider_name", "ConvLab") + field("provider_url", site_url) + field("html", embed_iframe_html(lesson, site_url)) +
         "  \"width\": " + std::to_string(kEmbedWidth) + ",\n  \"height\": " + std::to_string(kEmbedHeight) + "\n}\n";
}

std::string lesson_page_html(const LessonInfo& lesson, const std::string& site_url) {
  const std::string title = html_escape("ConvLab: " + lesson.title);
  const std::string summary = html_escape(lesson.summary);
  const std::string app = "../index.html";  // the playground, next to the lessons/ folder
  // The id goes into a script: registry ids are lower-case words (the build stops otherwise, see main).
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title + "</title>\n" +
         "<meta name=\"description\" content=\"" + summary + "\">\n" +
         "<meta property=\"og:title\" content=\"" + title + "\">\n" +
         "<meta property=\"og:description\" content=\"" + summary + "\">\n" +
         "<link rel=\"canonical\" href=\"" + html_escape(site_url + lesson_page_path(lesson)) + "\">\n" +
         "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"" + html_escape(site_url + oembed_path(lesson)) +
         "\" title=\"" + title + "\">\n" +
         "<!-- Opens the playground at this lesson; keys in this page's own hash or query are kept. -->\n" +
         "<script>location.replace('" + app + "' + location.search + '#lesson=" + lesson.id +
         "' + (location.hash.length > 1 ? '&' + location.hash.slice(1) : ''));</script>\n" +
         "</head>\n<body>\n<p><a href=\"" + app + "#lesson=" + lesson.id + "\">" + title + "</a>: " + summary + "</p>\n" +
         "</body>\n</html>\n";
}
