#include "app.h"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
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

// Screen boxes as "x,y,w,h;x,y,w,h" (CSS pixels).
std::string boxes_text(const std::vector<ImVec4>& boxes) {
  std::string text;
  for (const ImVec4& b : boxes) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "%s%.0f,%.0f,%.0f,%.0f", text.empty() ? "" : ";", b.x, b.y, b.z, b.w);
    text += buf;
  }
  return text;
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
  // The webcam's first frame after a start shows it; later frames only replace the picture, so a choice of
  // another image made between two frames stands (and turns the camera off).
  if (name == "upload" || (name == "webcam" && webcam_select_)) state_.image = name;
  if (name == "webcam") webcam_select_ = false;
  // A new upload discards the paint on the old one; the webcam's paint stays over each new frame.
  if (name == paint_image_ && name != "webcam") paint_image_.clear();
  painted_current_ = false;
  input_key_.clear();  // rebuild even if the name is the same (a new upload)
}

void App::set_webcam_status(const std::string& status) {
  dirty_ = true;
  webcam_ = status;
  if (status == "starting") webcam_select_ = true;
}

App::PaintSettings App::paint_settings() const { return PaintSettings{ImageView::paint_tool().on, brush_, gray_level_}; }

void App::set_paint_settings(const PaintSettings& p) {
  dirty_ = true;
  ImageView::paint_tool().on = p.on;
  brush_ = p.brush;
  gray_level_ = p.gray_level;
}

void App::clear_paint() {
  ImageView::paint_tool().strokes.clear();
  if (paint_.empty()) return;  // nothing to take off: no recompute
  dirty_ = true;
  paint_image_.clear();
  input_key_.clear();
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
  if (key == input_key_) {
    apply_paint_strokes();
    return;
  }
  ImageView::paint_tool().strokes.clear();  // made on the image being replaced
  auto it = images_.find(state_.image);
  if (it == images_.end()) {
    if (state_.image == "upload") {  // a link cannot carry the learner's own file
      show_error("An uploaded image is not part of a link; showing a sample photo instead.");
      state_.image = "chelsea";
      return;
    }
    if (state_.image == "webcam") {  // nor the camera, which only the learner may turn on
      show_error("The webcam is not part of a link; showing a sample photo instead. Choose \"webcam\" in the image list to use yours.");
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
    // Another image (or another size of webcam frame) discards the paint.
    if (paint_image_ != state_.image || paint_.width() != img.width || paint_.height() != img.height) {
      paint_.reset(img.width, img.height);
      paint_image_ = state_.image;
      painted_current_ = false;
    }
    const RgbaImage* shown = &img;
    if (!paint_.empty()) {
      if (!painted_current_) paint_.composite(img, PixelRect{0, 0, img.width, img.height}, painted_);
      painted_current_ = true;
      shown = &painted_;
    }
    input_ = cl::from_rgba8(shown->rgba.data(), shown->width, shown->height, state_.gray ? 1 : 3);
    input_key_ = key;
    ++input_generation_;
  } catch (const std::exception& e) {
    show_error(e.what());
    input_key_ = key;
  }
}

bool App::wants_frame() const { return dirty_ || animating_ || !announced_ready_; }

const convlab::Tensor* App::lesson_output() const {
  const LessonView* view = find_lesson_view(state_.lesson);
  return view ? view->output() : nullptr;
}

// The strokes the input view collected since the last frame: the layer, then only the rectangle they
// changed is converted into the input, which gets a new generation so every lesson recomputes once.
void App::apply_paint_strokes() {
  std::vector<PaintStroke>& strokes = ImageView::paint_tool().strokes;
  if (strokes.empty()) return;
  const auto it = images_.find(paint_image_);
  if (it == images_.end() || paint_image_ != state_.image || input_.empty()) {
    strokes.clear();
    return;
  }
  Brush brush = brush_;
  if (state_.gray) brush.r = brush.g = brush.b = std::uint8_t(std::clamp(gray_level_, 0, 255));
  PixelRect changed;
  for (const PaintStroke& s : strokes) changed.include(paint_.stroke(s.x0, s.y0, s.x1, s.y1, brush));
  strokes.clear();
  if (changed.empty()) return;
  const RgbaImage& original = it->second;
  if (!painted_current_) {
    paint_.composite(original, PixelRect{0, 0, original.width, original.height}, painted_);
    painted_current_ = true;
  } else {
    paint_.composite(original, changed, painted_);
  }
  update_input_rect(painted_, changed, input_);
  PaintTool& tool = ImageView::paint_tool();
  tool.from = input_generation_;
  tool.to = ++input_generation_;
  tool.rect = changed;
  ConvClient::input_patched(tool.from, tool.to, changed);  // the workers get only this rectangle
  dirty_ = true;
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
  const std::size_t painted = paint_image_ == state_.image ? paint_.painted_pixels() : 0;
  // Image names are State choices (sample ids, pattern ids, "upload", "webcam"): plain lower-case words.
  return "{\"name\":\"" + state_.image + "\",\"width\":" + std::to_string(w) + ",\"height\":" + std::to_string(h) +
         ",\"painted\":" + std::to_string(painted) + ",\"webcam\":\"" + webcam_ + "\"}";
}

std::string App::input_pixel_json(int x, int y) const {
  if (input_.empty() || x < 0 || y < 0 || x >= input_.w || y >= input_.h) return "[]";
  std::string json = "[";
  for (int c = 0; c < input_.c; ++c) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.9g", c ? "," : "", double(input_.at(c, y, x)));
    json += buf;
  }
  return json + "]";
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
    ImGui::Separator();
    ImGui::TextDisabled("your own");
    if (images_.count("upload") && ImGui::Selectable("your upload", state_.image == "upload")) state_.image = "upload";
    // The camera starts on this choice; the image switches to it with the first frame.
    if (ImGui::Selectable(webcam_ == "live" ? "webcam (live)" : "webcam", state_.image == "webcam"))
      call_page("convlabWebcam", std::string("start"));
    ImGui::EndCombo();
  }
  tip("The image every lesson works on: a photo, a test pattern, your own file or your webcam.");
}

// While the webcam is the input: freeze it (a still, the camera off) or let it run again.
void App::draw_webcam_button() {
  if (state_.image != "webcam") return;
  if (webcam_ == "live") {
    if (ImGui::Button("Freeze")) call_page("convlabWebcam", std::string("freeze"));
    tip("Keep this frame as a still and turn the camera off.");
  } else if (webcam_ == "starting") {
    ImGui::BeginDisabled();
    ImGui::Button("Camera...");
    ImGui::EndDisabled();
  } else {
    if (ImGui::Button("Live")) call_page("convlabWebcam", std::string("start"));
    tip("Turn the camera on again: each new frame is the input.");
  }
}

// The brush's settings while paint mode is on: one row, wrapped onto more on a narrow screen.
void App::draw_paint_bar() {
  PaintTool& tool = ImageView::paint_tool();
  if (!tool.on) return;
  bool first = true;
  // Puts the next item (w pixels wide) on this row if it fits, else starts a new one.
  const auto place = [&](float w) {
    if (!first) {
      ImGui::SameLine();
      if (ImGui::GetCursorPosX() + w > ImGui::GetContentRegionMax().x) ImGui::NewLine();
    }
    first = false;
  };
  const ImGuiStyle& st = ImGui::GetStyle();
  const auto label_w = [&](const char* text) { return ImGui::CalcTextSize(text).x + st.ItemInnerSpacing.x; };
  const float box = ImGui::GetFrameHeight();
  place(ImGui::CalcTextSize("Paint").x);
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(ImVec4(0.43f, 0.66f, 1.0f, 1.0f), "Paint");
  tip("Drag on the input image to paint on it; every lesson uses the painted image. Painted pixels are not part of links.");
  int size = int(std::lround(brush_.size));
  place(100 + label_w("size"));
  ImGui::SetNextItemWidth(100);
  if (ImGui::SliderInt("size", &size, 1, 64, "%d px")) brush_.size = float(size);
  tip("The brush's diameter in image pixels.");
  tool.size = brush_.size;
  if (state_.gray) {
    place(100 + label_w("grey"));
    ImGui::SetNextItemWidth(100);
    ImGui::SliderInt("grey", &gray_level_, 0, 255);
    tip("The brush's intensity in grey mode, 0 black to 255 white.");
  } else {
    place(box + label_w("colour"));
    float rgb[3] = {brush_.r / 255.0f, brush_.g / 255.0f, brush_.b / 255.0f};
    if (ImGui::ColorEdit3("colour", rgb, ImGuiColorEditFlags_NoInputs | ImGuiColorEditFlags_Uint8)) {
      brush_.r = std::uint8_t(std::lround(rgb[0] * 255)), brush_.g = std::uint8_t(std::lround(rgb[1] * 255));
      brush_.b = std::uint8_t(std::lround(rgb[2] * 255));
    }
  }
  place(box + label_w("erase"));
  ImGui::Checkbox("erase", &brush_.erase);
  tip("Brings back the image's own pixels under the brush.");
  place(ImGui::CalcTextSize("Clear").x + 2 * st.FramePadding.x);
  if (ImGui::Button("Clear")) clear_paint();
  tip("Removes all the paint: back to the original image. Choosing another image discards the paint too.");
  place(ImGui::CalcTextSize("Done").x + 2 * st.FramePadding.x);
  if (ImGui::Button("Done")) tool.on = false;
  tip("Leave paint mode (the paint stays); dragging pans the image again.");
}

void App::draw_share_buttons(bool in_row) {
  auto next = [&] { if (in_row) ImGui::SameLine(); };
  if (ImGui::Button("Upload...")) call_page("convlabOpenFilePicker");
  tip("Use your own image (or drop one on the page). Large images are scaled down.");
  next();
  if (state_.image == "webcam") {
    draw_webcam_button();
    next();
  }
  PaintTool& tool = ImageView::paint_tool();
  ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(tool.on ? ImGuiCol_ButtonActive : ImGuiCol_Button));
  if (ImGui::Button("Paint")) tool.on = !tool.on;
  ImGui::PopStyleColor();
  tip("Paint on the input image with a brush (drag on it); every lesson recomputes.");
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
  if (!announced_ready_ && !input_.empty() && !ConvClient::any_busy()) {  // the lesson's output is on screen
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
  if (previous_image_ == "webcam" && state_.image != "webcam" && (webcam_ == "live" || webcam_ == "starting"))
    call_page("convlabWebcam", std::string("stop"));
  previous_image_ = state_.image;
  PaintTool& paint = ImageView::paint_tool();
  paint.input = &input_;
  paint.boxes.clear();
  update_input();
  paint.generation = input_generation_;
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
  draw_paint_bar();
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
    readout_["view_boxes"] = boxes_text(ImageView::drawn_boxes());  // each image view on screen, for the layout tests
    readout_["hit_target_px"] = std::to_string(int(ImGui::GetFrameHeight()));  // a button's height
    if (paint.on) readout_["paint_boxes"] = boxes_text(paint.boxes);  // the views a drag paints on
  } else {
    ImGui::Text("No lesson called %s", state_.lesson.c_str());
  }
  ImGui::EndChild();
  ImGui::End();
  touch::set_paint_boxes(paint.boxes);
  touch::clear_pressed_trail();
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
