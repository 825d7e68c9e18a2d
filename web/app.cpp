#include "app.h"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdio>

#include "conv_client.h"
#include "image.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "lesson_shell.h"
#include "touch_input.h"
#include "widgets.h"

namespace cl = convlab;
using emscripten::val;

namespace {

// Calls window.<name>(args...) if the page defines it (the page may be embedded without some hooks).
template <class... Args>
void call_page(const char* name, Args&&... args) {
  val window = val::global("window");
  if (window[name].typeOf().as<std::string>() == "function") window.call<void>(name, std::forward<Args>(args)...);
}

void apply_style() {
  ImGuiStyle& st = ImGui::GetStyle();
  ImGui::StyleColorsDark(&st);
  st.WindowRounding = 0.0f;
  st.ChildRounding = 6.0f;
  st.FrameRounding = 4.0f;
  st.GrabRounding = 4.0f;
  st.PopupRounding = 6.0f;
  st.FramePadding = ImVec2(8, 5);
  st.ItemSpacing = ImVec2(8, 7);
  st.WindowPadding = ImVec2(14, 12);
  ImVec4* c = st.Colors;
  // Child windows are not filled: the frame is cleared to their colour (App::kBackground) and the main
  // window draws no background, so nested children (lesson > column > panel) do not paint the same pixels
  // again and again. With WebGL in software (SwiftShader) every layer of fill costs milliseconds.
  // Children that want a colour of their own (error banner, notes) push one.
  c[ImGuiCol_WindowBg] = ImVec4(0.090f, 0.098f, 0.118f, 1.0f);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_MenuBarBg] = ImVec4(0.125f, 0.133f, 0.160f, 1.0f);
  c[ImGuiCol_FrameBg] = ImVec4(0.160f, 0.172f, 0.204f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.231f, 0.357f, 0.580f, 0.55f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.271f, 0.420f, 0.690f, 0.75f);
  c[ImGuiCol_Button] = ImVec4(0.200f, 0.310f, 0.510f, 0.75f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.271f, 0.420f, 0.690f, 1.0f);
  c[ImGuiCol_SliderGrab] = ImVec4(0.431f, 0.659f, 0.996f, 1.0f);
  c[ImGuiCol_CheckMark] = ImVec4(0.431f, 0.659f, 0.996f, 1.0f);
}

std::string json_string(const std::string& v) {
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 32) continue;
    out += ch;
  }
  return out + "\"";
}

}  // namespace

App& App::instance() {
  static App app;
  return app;
}

void App::init() {
  ImGuiIO& io = ImGui::GetIO();
  // Crisp text on HiDPI screens: SDL sizes the canvas in device pixels, so rasterise the fonts at the
  // device pixel ratio and scale them back to CSS pixels for layout.
  const float dpr = std::clamp(float(emscripten_get_device_pixel_ratio()), 1.0f, 4.0f);
  // Latin-1 plus the typography lessons use: dashes and quotes, arrows, minus, times, <= >= ~.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x2193, 0x2212, 0x2212,
                                   0x2248, 0x2248, 0x2260, 0x2265, 0};
  io.Fonts->AddFontFromFileTTF("/fonts/Roboto-Medium.ttf", 16.0f * dpr, nullptr, ranges);
  set_mono_font(io.Fonts->AddFontFromFileTTF("/fonts/JetBrainsMono-Regular.ttf", 14.0f * dpr, nullptr, ranges));
  io.FontGlobalScale = 1.0f / dpr;
  apply_style();
}

void App::show_error(const std::string& message) {
  dirty_ = true;
  error_ = message;
  error_from_lesson_ = false;
  last_error_ = message;
}

void App::set_image(const std::string& name, int width, int height, std::vector<std::uint8_t> rgba) {
  dirty_ = true;
  if (width < 1 || height < 1 || rgba.size() != std::size_t(width) * height * 4) {
    show_error("the image " + name + " could not be read: its size does not match its pixels");
    return;
  }
  images_[name] = RgbaImage{width, height, std::move(rgba)};
  if (name == "upload") state_.image = "upload";
  input_key_.clear();  // rebuild even if the name is the same (a new upload)
}

std::string App::set_state_hash(const std::string& hash, bool partial) {
  dirty_ = true;
  // setState(partial) and an edit of the address bar: all or nothing, so a typo never loses the view
  // the learner has built. Only a link opened afresh applies what it can (load_initial_hash).
  const ParseResult r = apply_hash(partial ? state_ : State{}, hash);
  if (!r.error.empty()) {
    last_error_ = r.error;
    return r.error;
  }
  state_ = r.state;
  return "";
}

void App::load_initial_hash(const std::string& hash) {
  dirty_ = true;
  const ParseResult r = from_hash(hash);
  state_ = r.state;
  if (!r.error.empty()) show_error("This link could not be read in full; the rest of it is applied. " + r.error);
}

void App::update_input() {
  const std::string key = state_.image + (state_.gray ? "/gray" : "/rgb");
  if (key == input_key_) return;
  auto it = images_.find(state_.image);
  if (it == images_.end()) {
    if (state_.image == "upload") {  // a link cannot carry the learner's own file
      show_error("An uploaded image is not part of a link; showing a sample photo instead.");
      state_.image = "chelsea";
      return;
    }
    RgbaImage pattern = make_pattern(state_.image);
    if (!pattern.rgba.empty()) {
      it = images_.emplace(state_.image, std::move(pattern)).first;
    } else {
      if (!requested_[state_.image]) {
        requested_[state_.image] = true;
        call_page("convlabRequestImage", state_.image);
      }
      return;  // keep showing the previous input until the page answers
    }
  }
  try {
    const RgbaImage& img = it->second;
    input_ = cl::from_rgba8(img.rgba.data(), img.width, img.height, state_.gray ? 1 : 3);
    input_key_ = key;
    ++input_generation_;
  } catch (const std::exception& e) {
    show_error(e.what());
    input_key_ = key;
  }
}

bool App::wants_frame() const { return dirty_ || animating_ || !announced_ready_ || ConvClient::any_ready(); }

const convlab::Tensor* App::lesson_output() const {
  const LessonView* view = find_lesson_view(state_.lesson);
  return view ? view->output() : nullptr;
}

std::string App::readout_json() const {
  std::string json = "{";
  for (const auto& [k, v] : readout_) json += (json.size() > 1 ? "," : "") + json_string(k) + ":" + json_string(v);
  return json + "}";
}

std::string App::full_state_json(const State& s) {
  std::string json = "{";
  for (const auto& [k, v] : full_state(s)) json += (json.size() > 1 ? "," : "") + json_string(k) + ":" + json_string(v);
  return json + "}";
}

std::string App::lessons_json() const {
  std::string json = "[";
  for (const LessonInfo& l : lesson_infos()) {
    std::string controls;
    for (const std::string& c : l.controls) controls += (controls.empty() ? "" : ",") + json_string(c);
    json += (json.size() > 1 ? "," : "") + std::string("{\"id\":") + json_string(l.id) + ",\"title\":" + json_string(l.title) +
            ",\"controls\":[" + controls + "]}";
  }
  return json + "]";
}

std::string App::image_info_json() const {
  const auto it = images_.find(state_.image);
  const int w = it == images_.end() ? 0 : it->second.width, h = it == images_.end() ? 0 : it->second.height;
  // Image names are State choices (sample ids, pattern ids, "upload"): plain lower-case words.
  return "{\"name\":\"" + state_.image + "\",\"width\":" + std::to_string(w) + ",\"height\":" + std::to_string(h) + "}";
}

// The image picker, upload, grey and sharing: in the menu bar on wide screens, in a "More" menu on
// narrow ones (a phone's bar has room for the name, the lesson and one button).
void App::draw_image_controls() {
  ImGui::SetNextItemWidth(150);
  if (ImGui::BeginCombo("##image", state_.image.c_str())) {
    ImGui::TextDisabled("photos");
    for (const auto& id : sample_image_ids())
      if (ImGui::Selectable(id.c_str(), state_.image == id)) state_.image = id;
    ImGui::Separator();
    ImGui::TextDisabled("test patterns");
    for (const auto& id : pattern_image_ids())
      if (ImGui::Selectable(id.c_str(), state_.image == id)) state_.image = id;
    if (images_.count("upload")) {
      ImGui::Separator();
      if (ImGui::Selectable("your upload", state_.image == "upload")) state_.image = "upload";
    }
    ImGui::EndCombo();
  }
  tip("The image every lesson works on: a photo, a test pattern, or your own.");
}

void App::draw_share_buttons(bool in_row) {
  auto next = [&] { if (in_row) ImGui::SameLine(); };
  if (ImGui::Button("Upload...")) call_page("convlabOpenFilePicker");
  tip("Use your own image (or drop one on the page). Large images are scaled down.");
  next();
  ImGui::Checkbox("grey", &state_.gray);
  tip("One luma channel instead of three colour channels.");
  next();
  if (ImGui::Button("Copy link")) call_page("convlabCopyLink");
  tip("A link that reopens exactly this view.");
  next();
  if (ImGui::Button("Copy embed code")) call_page("convlabCopyEmbed");
  tip("An <iframe> snippet that embeds this lesson in a tutorial page.");
}

void App::draw_lesson_picker(float width) {
  ImGui::SetNextItemWidth(width);
  const LessonInfo* current = find_lesson_info(state_.lesson);
  if (ImGui::BeginCombo("##lesson", current ? current->title.c_str() : "")) {
    for (const LessonInfo& l : lesson_infos())
      if (ImGui::Selectable(l.title.c_str(), state_.lesson == l.id)) select_lesson(l.id);
    ImGui::EndCombo();
  }
}

void App::select_lesson(const std::string& id) {
  state_.lesson = id;
  state_.step = -1;
}

void App::draw_menu_bar(bool narrow) {
  if (!ImGui::BeginMenuBar()) return;
  ImGui::TextColored(ImVec4(0.43f, 0.66f, 1.0f, 1.0f), "ConvLab");
  ImGui::Separator();
  if (narrow) {
    const float more_w = ImGui::CalcTextSize("More").x + 2 * ImGui::GetStyle().FramePadding.x;
    draw_lesson_picker(std::max(120.0f, ImGui::GetContentRegionAvail().x - more_w - 2 * ImGui::GetStyle().ItemSpacing.x));
    if (ImGui::Button("More")) ImGui::OpenPopup("more");
    if (ImGui::BeginPopup("more")) {
      ImGui::TextDisabled("image");
      draw_image_controls();
      draw_share_buttons(false);
      ImGui::EndPopup();
    }
  } else {
    draw_image_controls();
    draw_share_buttons(true);
  }
  ImGui::EndMenuBar();
}

void App::draw_sidebar(float width) {
  ImGui::BeginChild("lessons", ImVec2(width, 0), true);
  ImGui::TextDisabled("LESSONS");
  int n = 1;
  for (const LessonInfo& l : lesson_infos()) {
    char label[96];
    std::snprintf(label, sizeof label, "%2d  %s", n++, l.title.c_str());
    if (ImGui::Selectable(label, state_.lesson == l.id)) select_lesson(l.id);
    tip(l.summary.c_str());
  }
  ImGui::EndChild();
}

void App::draw_error_banner() {
  if (error_.empty()) return;
  // Height follows the wrapped message, so long messages stay readable and clear of the close button.
  const float close_w = ImGui::GetFrameHeight() + 8.0f;
  const float wrap_w = std::max(100.0f, ImGui::GetContentRegionAvail().x - close_w - 2 * ImGui::GetStyle().WindowPadding.x);
  const float text_h = ImGui::CalcTextSize(error_.c_str(), nullptr, false, wrap_w).y;
  const float h = std::max(ImGui::GetFrameHeight(), text_h) + 2 * ImGui::GetStyle().WindowPadding.y;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.45f, 0.16f, 0.16f, 1.0f));
  ImGui::BeginChild("error", ImVec2(0, h), true, ImGuiWindowFlags_NoScrollbar);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap_w);
  ImGui::TextUnformatted(error_.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::GetFrameHeight());
  if (ImGui::Button("x", ImVec2(ImGui::GetFrameHeight(), ImGui::GetFrameHeight()))) error_.clear();
  tip("Dismiss the message");
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void App::notify_page() {
  const std::string hash = to_hash(state_);
  if (hash != last_hash_) {
    last_hash_ = hash;
    dirty_ = true;  // one more frame sees the new state from the start
    call_page("convlabStateChanged", hash);
  }
  // An auto-height embed's wanted height (lesson_shell.cpp), sent when it changes: the page tells the parent.
  const auto wanted = readout_.find("content_height");
  if (wanted == readout_.end()) {
    sent_content_height_.clear();  // so that turning auto-height back on sends it again
  } else if (wanted->second != sent_content_height_) {
    sent_content_height_ = wanted->second;
    call_page("convlabContentHeight", std::stod(wanted->second));
  }
  if (!announced_ready_ && !input_.empty()) {
    // Two frames after the first image, so the page has really drawn it.
    if (ready_at_ == 0) ready_at_ = ImGui::GetFrameCount();
    else if (ImGui::GetFrameCount() >= ready_at_ + 2) {
      announced_ready_ = true;
      call_page("convlabFirstFrame");
    }
  }
}

void App::frame() {
  dirty_ = false;
  animating_ = false;
  update_input();
  apply_touch_style(touch::in_use());
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const bool embed = state_.embed;
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
  if (!embed) flags |= ImGuiWindowFlags_MenuBar;
  // Small screens and embeds keep a thin margin: every pixel goes to the picture.
  const bool small = embed || vp->WorkSize.x < kNarrowWidth;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, small ? ImVec2(6, 6) : ImGui::GetStyle().WindowPadding);
  ImGui::Begin("ConvLab", nullptr, flags);
  ImGui::PopStyleVar();
  const bool sidebar = !embed && vp->WorkSize.x >= 1100;
  if (!embed) draw_menu_bar(vp->WorkSize.x < kNarrowWidth);
  draw_error_banner();
  if (sidebar) {
    draw_sidebar(230);
    ImGui::SameLine();
  } else if (!embed && vp->WorkSize.x >= kNarrowWidth) {
    draw_lesson_picker(-1);
  }
  const ImVec2 area = ImGui::GetContentRegionAvail();
  const LessonInfo* info = find_lesson_info(state_.lesson);
  LessonView* view = find_lesson_view(state_.lesson);
  ImGui::BeginChild("lesson", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (info && view) {
    std::string lesson_error;
    readout_.clear();
    ImageView::drawn_boxes().clear();
    LessonContext ctx{state_, input_, input_generation_, choose_layout(state_, area), touch::in_use(), lesson_error, readout_, animating_};
    if (input_.empty()) ImGui::TextDisabled("Loading the image...");
    else draw_lesson(ctx, *view, *info);
    // Lessons report errors only in the frame that recomputes, so clear one once the state has moved on
    // and a frame passes without a new error.
    if (!lesson_error.empty()) {
      if (lesson_error != error_) show_error(lesson_error);
      error_from_lesson_ = true;
      error_hash_ = to_hash(state_);
    } else if (error_from_lesson_ && to_hash(state_) != error_hash_) {
      error_.clear();
      error_from_lesson_ = false;
    }
    std::string boxes;
    for (const ImVec4& b : ImageView::drawn_boxes()) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "%s%.0f,%.0f,%.0f,%.0f", boxes.empty() ? "" : ";", b.x, b.y, b.z, b.w);
      boxes += buf;
    }
    readout_["view_boxes"] = boxes;  // x,y,w,h of each image view on screen, for the layout tests
    readout_["hit_target_px"] = std::to_string(int(ImGui::GetFrameHeight()));  // a button's height
  } else {
    ImGui::Text("No lesson called %s", state_.lesson.c_str());
  }
  ImGui::EndChild();
  ImGui::End();
  if (touch::animating()) animating_ = true;
  notify_page();
}

// Touch screens get targets at least 40 CSS pixels tall (frame height = font + 2 * padding) and more
// room between them; the mouse keeps the compact style.
void App::apply_touch_style(bool touch) {
  if (touch == touch_style_) return;
  touch_style_ = touch;
  ImGuiStyle& st = ImGui::GetStyle();
  st.FramePadding = touch ? ImVec2(12, 12) : ImVec2(8, 5);
  st.ItemSpacing = touch ? ImVec2(10, 10) : ImVec2(8, 7);
  st.ItemInnerSpacing = touch ? ImVec2(8, 8) : ImVec2(4, 4);
  st.TouchExtraPadding = touch ? ImVec2(2, 2) : ImVec2(0, 0);
  st.GrabMinSize = touch ? 28.0f : 10.0f;
  st.ScrollbarSize = touch ? 6.0f : 14.0f;  // swipes scroll; the bar only shows where you are
}
