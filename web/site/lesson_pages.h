// The per-lesson files of the static site, written at build time from the lesson registry, so no list
// of lessons can fall out of step: an oEmbed description of each lesson (https://oembed.com/, type "rich")
// and a tiny page per lesson that carries the oEmbed discovery link and a link preview's title, then
// opens the playground at that lesson. No ImGui here: tested natively (tests/web/lesson_pages_test.cpp).
#pragma once
#include <string>

#include "lesson_info.h"

// The frame of an embed: the size share.js's Copy embed code writes.
constexpr int kEmbedWidth = 800;
constexpr int kEmbedHeight = 560;

// Paths inside the site folder.
std::string oembed_path(const LessonInfo& lesson);       // oembed/<id>.json
std::string lesson_page_path(const LessonInfo& lesson);  // lessons/<id>.html

// `site_url` is where the site is hosted, ending in '/': oEmbed consumers put the HTML in other sites'
// pages, so every address in it is absolute.
std::string embed_iframe_html(const LessonInfo& lesson, const std::string& site_url);
std::string oembed_json(const LessonInfo& lesson, const std::string& site_url);
std::string lesson_page_html(const LessonInfo& lesson, const std::string& site_url);

// Text escaped for a JSON string (without the quotes) and for an HTML attribute value or text.
std::string json_escape(const std::string& s);
std::string html_escape(const std::string& s);
