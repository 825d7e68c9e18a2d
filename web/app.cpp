#include "app.h"

#include <emscripten.h>

#include <algorithm>
#include <cmath>

#include "conv2d.h"
#include "imgui.h"

namespace cl = convlab;

App& App::instance() {
  static App app;
  return app;
}

void App::init() {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->AddFontFromFileTTF("/fonts/Roboto-Medium.ttf", 16.0f);
  ImGui::StyleColorsDark();
  ImGui::GetStyle().WindowRounding = 6.0f;
  ImGui::GetStyle().FrameRounding = 4.0f;
  // Ask the page for the first sample image; it answers through setImage.
  EM_ASM(if (window.convlabRequestImage) window.convlabRequestImage('chelsea'););
}

static cl::Tensor rgb_tensor(int w, int h, const std::vector<std::uint8_t>& rgba) {
  cl::Tensor t(3, h, w);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) t.at(c, y, x) = rgba[(std::size_t(y) * w + x) * 4 + c] / 255.0f;
  return t;
}

static std::vector<std::uint8_t> rgba_bytes(const cl::Tensor& t) {
  std::vector<std::uint8_t> out(std::size_t(t.w) * t.h * 4, 255);
  for (int y = 0; y < t.h; ++y)
    for (int x = 0; x < t.w; ++x)
      for (int c = 0; c < 3; ++c) {
        const float v = t.at(std::min(c, t.c - 1), y, x);
        out[(std::size_t(y) * t.w + x) * 4 + c] = std::uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
      }
  return out;
}

void App::set_image(const std::string& name, int width, int height, std::vector<std::uint8_t> rgba) {
  try {
    input_ = rgb_tensor(width, height, rgba);
    image_name_ = name;
    input_texture_.upload(rgba.data(), width, height);
    dirty_ = true;
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

void App::recompute() {
  dirty_ = false;
  if (input_.empty()) return;
  try {
    const int k = kernel_size_;
    cl::Kernel2D mean(k, k, 1.0f / float(k * k));
    cl::Conv2dParams p;
    p.groups = 3;
    p.padding = cl::same_padding(k, k, {1, 1});
    p.padding_mode = cl::PadMode::Reflect;
    output_ = cl::conv2d(input_, cl::depthwise_weights(mean, 3), p);
    const auto bytes = rgba_bytes(output_);
    output_texture_.upload(bytes.data(), output_.w, output_.h);
    error_.clear();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

void App::frame() {
  if (dirty_) recompute();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("ConvLab", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted("ConvLab: a mean blur, computed by the C++ core in WebAssembly");
  if (ImGui::SliderInt("kernel size", &kernel_size_, 1, 15)) dirty_ = true;
  if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
  const float avail = ImGui::GetContentRegionAvail().x;
  const float side = std::max(64.0f, (avail - ImGui::GetStyle().ItemSpacing.x) / 2.0f);
  auto show = [&](const Texture& t, const char* label) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(label);
    if (t.valid()) ImGui::Image(t.imgui_id(), ImVec2(side, side * t.height() / t.width()));
    ImGui::EndGroup();
  };
  show(input_texture_, ("input: " + image_name_).c_str());
  ImGui::SameLine();
  show(output_texture_, "output");
  ImGui::End();
  if (!announced_first_frame_ && output_texture_.valid()) {
    announced_first_frame_ = true;
    EM_ASM(if (window.convlabFirstFrame) window.convlabFirstFrame(););
  }
}
