// The site's per-lesson files (web/site/lesson_pages.h): the oEmbed JSON and the discovery page, exact
// for one lesson, present for every lesson, and escaping that keeps any title or summary inside its quotes.
#include "lesson_pages.h"

#include <gtest/gtest.h>

namespace {

const std::string kSite = "https://example.org/convlab/";

TEST(LessonPages, OembedOfThePaddingLessonIsExact) {
  const LessonInfo* padding = find_lesson_info("padding");
  ASSERT_NE(padding, nullptr);
  EXPECT_EQ(oembed_path(*padding), "oembed/padding.json");
  EXPECT_EQ(oembed_json(*padding, kSite),
            "{\n"
            "  \"version\": \"1.0\",\n"
            "  \"type\": \"rich\",\n"
            "  \"title\": \"ConvLab: Padding\",\n"
            "  \"provider_name\": \"ConvLab\",\n"
            "  \"provider_url\": \"https://example.org/convlab/\",\n"
            "  \"html\": \"<iframe src=\\\"https://example.org/convlab/#lesson=padding&amp;embed=1\\\" width=\\\"800\\\" "
            "height=\\\"560\\\" title=\\\"ConvLab: the padding lesson\\\" style=\\\"border:0;max-width:100%\\\" "
            "loading=\\\"lazy\\\"></iframe>\",\n"
            "  \"width\": 800,\n"
            "  \"height\": 560\n"
            "}\n");
}

TEST(LessonPages, EveryLessonsPageLinksItsOembedAndOpensThePlayground) {
  ASSERT_FALSE(lesson_infos().empty());
  for (const LessonInfo& l : lesson_infos()) {
    const std::string page = lesson_page_html(l, kSite);
    EXPECT_EQ(lesson_page_path(l), "lessons/" + l.id + ".html");
    EXPECT_NE(page.find("<link rel=\"alternate\" type=\"application/json+oembed\" href=\"" + kSite + "oembed/" + l.id + ".json\""),
              std::string::npos) << l.id;
    EXPECT_NE(page.find("location.replace('../index.html' + location.search + '#lesson=" + l.id + "'"), std::string::npos) << l.id;
    EXPECT_NE(page.find("<title>ConvLab: " + html_escape(l.title) + "</title>"), std::string::npos) << l.id;
    EXPECT_NE(oembed_json(l, kSite).find("#lesson=" + l.id + "&amp;embed=1"), std::string::npos) << l.id;
  }
}

TEST(LessonPages, EscapesKeepTextInsideItsQuotes) {
  EXPECT_EQ(json_escape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\u000ad\\u0001");
  EXPECT_EQ(json_escape("<p>&</p>"), "<p>&</p>");
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  LessonInfo odd{"odd", "Quotes \" and <tags>", "A & B", 0, {}, {}};
  const std::string json = oembed_json(odd, kSite);
  EXPECT_NE(json.find("\"title\": \"ConvLab: Quotes \\\" and <tags>\""), std::string::npos) << json;
  const std::string page = lesson_page_html(odd, kSite);
  EXPECT_NE(page.find("<title>ConvLab: Quotes &quot; and &lt;tags&gt;</title>"), std::string::npos) << page;
  EXPECT_NE(page.find("content=\"A &amp; B\""), std::string::npos) << page;
}

}  // namespace
