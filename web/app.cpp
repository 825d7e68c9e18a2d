#include "app.h"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <emscripten/val.h>

#include <algorithm>

#include "image.h"
#include "imgui.h"
#include "lesson.h"
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
  const ParseResult r = partial ? apply_hash(state_, hash) : apply_hash(State{}, hash);
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
  if (!r.error.empty()) show_error("This link could not be read, so ConvLab shows its defaults. " + r.error);
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

std::string App::readout_json() const {
  auto quote = [](const std::string& v) {
    std::string out = "\"";
    for (char ch : v) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (static_cast<unsigned char>(ch) < 32) continue;
      out += ch;
    }
    return out + "\"";
  };
  std::string json = "{";
  for (const auto& [k, v] : readout_) json += (json.size() > 1 ? "," : "") + quote(k) + ":" + quote(v);
  return json + "}";
}

std::string App::image_info_json() const {
  const auto it = images_.find(state_.image);
  const int w = it == images_.end() ? 0 : it->second.width, h = it == images_.end() ? 0 : it->second.height;
  // Image names are State choices (sample ids, pattern ids, "upload"): plain lower-case words.
  return "{\"name\":\"" + state_.image + "\",\"width\":" + std::to_string(w) + ",\"height\":" + std::to_string(h) + "}";
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  ImGui::TextColored(ImVec4(0.43f, 0.66f, 1.0f, 1.0f), "ConvLab");
  ImGui::Separator();
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
  if (ImGui::Button("Upload...")) call_page("convlabOpenFilePicker");
  tip("Use your own image (or drop one on the page). Large images are scaled down.");
  ImGui::Checkbox("grey", &state_.gray);
  tip("One luma channel instead of three colour channels.");
  ImGui::Separator();
  if (ImGui::Button("Copy link")) call_page("convlabCopyLink");
  tip("A link that reopens exactly this view.");
  if (ImGui::Button("Copy embed code")) call_page("convlabCopyEmbed");
  tip("An <iframe> snippet that embeds this lesson in a tutorial page.");
  ImGui::EndMenuBar();
}

void App::draw_sidebar(float width) {
  ImGui::BeginChild("lessons", ImVec2(width, 0), true);
  ImGui::TextDisabled("LESSONS");
  int n = 1;
  for (const Lesson& l : lessons()) {
    char label[96];
    std::snprintf(label, sizeof label, "%2d  %s", n++, l.title);
    if (ImGui::Selectable(label, state_.lesson == l.id)) {
      state_.lesson = l.id;
      state_.step = -1;
    }
    tip(l.summary);
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
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const bool embed = state_.embed;
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
  if (!embed) flags |= ImGuiWindowFlags_MenuBar;
  ImGui::Begin("ConvLab", nullptr, flags);
  if (!embed) draw_menu_bar();
  draw_error_banner();
  const bool narrow = vp->WorkSize.x < 900;
  if (!embed && !narrow) {
    draw_sidebar(230);
    ImGui::SameLine();
  } else if (!embed) {
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##lesson", find_lesson(state_.lesson) ? find_lesson(state_.lesson)->title : "")) {
      for (const Lesson& l : lessons())
        if (ImGui::Selectable(l.title, state_.lesson == l.id)) state_.lesson = l.id;
      ImGui::EndCombo();
    }
  }
  ImGui::BeginChild("lesson", ImVec2(0, 0), false);
  if (const Lesson* lesson = find_lesson(state_.lesson)) {
    std::string lesson_error;
    readout_.clear();
    LessonContext ctx{state_, input_, input_generation_, embed, lesson_error, readout_, animating_};
    if (input_.empty()) ImGui::TextDisabled("Loading the image...");
    else lesson->draw(ctx);
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
  } else {
    ImGui::Text("No lesson called %s", state_.lesson.c_str());
  }
  ImGui::EndChild();
  ImGui::End();
  notify_page();
}
