#include "kernel_editor.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "imgui.h"
#include "kernels.h"
#include "widgets.h"

namespace cl = convlab;

// Turns the kernel into explicit custom values (all planes), so cells can be edited.
static void make_custom(State& s, int channels) {
  if (s.preset == "custom" && !s.values.empty()) return;
  const cl::Kernel2D k = state_kernel(s, 0);
  s.kh = k.h;
  s.kw = k.w;
  s.values.clear();
  const int planes = s.depth ? channels : 1;
  for (int c = 0; c < planes; ++c) s.values.insert(s.values.end(), k.data.begin(), k.data.end());
  s.preset = "custom";
}

static const cl::PresetInfo* preset_info(const std::string& name) {
  static const auto presets = cl::kernel_presets();
  for (const auto& p : presets)
    if (name == p.name) return &p;
  return nullptr;
}

bool kernel_editor(State& s, int channels, int max_size) {
  bool changed = false;
  ImGui::PushID("kernel_editor");
  const cl::PresetInfo* info = preset_info(s.preset);
  ImGui::SetNextItemWidth(std::min(190.0f, ImGui::GetContentRegionAvail().x - labelled_width(0, "preset")));
  if (ImGui::BeginCombo("preset", s.preset.c_str())) {
    for (const auto& p : cl::kernel_presets()) {
      if (ImGui::Selectable(p.name, s.preset == p.name)) {
        s.preset = p.name;
        s.values.clear();
        if (!p.has_size) s.kh = s.kw = 3;
        if (std::string(p.name).rfind("sobel", 0) == 0 && s.kh % 2 == 0) s.kh = s.kw = s.kh + 1;
        s.kw = s.kh;
        changed = true;
      }
      tip(p.description);
    }
    ImGui::EndCombo();
  }
  tip("Pick a named kernel; editing any cell below makes it a custom kernel.");
  if (info && info->has_size) {
    same_line_if_fits(labelled_width(120, "size"));
    ImGui::SetNextItemWidth(120);
    int k = s.kh;
    const bool odd_only = s.preset.rfind("sobel", 0) == 0;
    if (ImGui::SliderInt("size", &k, odd_only ? 3 : 1, max_size, "%d")) {
      if (odd_only && k % 2 == 0) k += 1;
      s.kh = s.kw = std::min(k, max_size + (odd_only ? 1 : 0));
      changed = true;
    }
    tip("Kernel side in pixels: bigger kernels see (and blur) more.");
  }
  if (info && info->has_sigma) {
    same_line_if_fits(labelled_width(120, "sigma"));
    ImGui::SetNextItemWidth(120);
    if (ImGui::SliderFloat("sigma", &s.sigma, 0.0f, 5.0f, s.sigma <= 0 ? "auto" : "%.2f")) changed = true;
    tip("Spread of the Gaussian; 0 = OpenCV's default for the size.");
  }
  if (s.preset == "custom") {
    same_line_if_fits(labelled_width(120, "h x w"));
    int hw[2] = {s.kh, s.kw};
    ImGui::SetNextItemWidth(120);
    if (ImGui::SliderInt2("h x w", hw, 1, max_size)) {
      const cl::Kernel2D old = state_kernel(s, 0);
      std::vector<float> values;
      const int planes = s.depth ? channels : 1;
      for (int c = 0; c < planes; ++c) {
        const cl::Kernel2D k = state_kernel(s, c);
        for (int y = 0; y < hw[0]; ++y)
          for (int x = 0; x < hw[1]; ++x) values.push_back(y < k.h && x < k.w ? k.at(y, x) : 0.0f);
      }
      s.kh = hw[0];
      s.kw = hw[1];
      s.values = values;
      changed = true;
    }
    tip("Custom kernels may be any size up to the limit, square or not, odd or even.");
  }
  if (channels > 1) {
    bool depth = s.depth;
    if (ImGui::Checkbox("a different kernel per channel", &depth)) {
      make_custom(s, channels);
      const std::size_t plane = std::size_t(s.kh) * s.kw;
      std::vector<float> first(s.values.begin(), s.values.begin() + plane);
      s.values.clear();
      for (int c = 0; c < (depth ? channels : 1); ++c) s.values.insert(s.values.end(), first.begin(), first.end());
      s.depth = depth;
      changed = true;
    }
    tip("A kernel has one 2-D plane per input channel (its depth = the channels); here you may make them differ.");
  }

  // The grid of cells, one table per channel plane.
  const int planes = (s.depth && channels > 1) ? channels : 1;
  const char* plane_names[3] = {"R", "G", "B"};
  ImGui::PushFont(mono_font());
  for (int c = 0; c < planes; ++c) {
    cl::Kernel2D k(1, 1);
    try {
      k = state_kernel(s, c);
    } catch (const std::exception&) {
      continue;
    }
    // Cells share the column's width, between a readable and a roomy size; a plane that does not fit
    // beside the last one goes below it (a narrow controls column).
    const float room = (ImGui::GetContentRegionAvail().x - 2.0f * float(k.w - 1)) / float(k.w);
    const float cell = std::clamp(room, 30.0f, k.w > 7 ? 44.0f : 52.0f);
    if (planes > 1) {
      if (c) same_line_if_fits(k.w * cell + (k.w - 1) * 2.0f);
      ImGui::BeginGroup();
      ImGui::Text("%s plane", plane_names[c]);
    }
    for (int y = 0; y < k.h; ++y)
      for (int x = 0; x < k.w; ++x) {
        if (x) ImGui::SameLine(0, 2);
        ImGui::PushID((c * 64 + y) * 64 + x);
        float v = k.at(y, x);
        ImGui::SetNextItemWidth(cell);
        if (ImGui::DragFloat("##cell", &v, 0.01f, -100.0f, 100.0f, "%.3g")) {
          make_custom(s, channels);
          s.values[std::size_t(c) * k.h * k.w + std::size_t(y) * k.w + x] = v;
          changed = true;
        }
        ImGui::PopID();
      }
    if (planes > 1) ImGui::EndGroup();
  }
  ImGui::PopFont();

  if (ImGui::Button("Normalise")) {
    make_custom(s, channels);
    const std::size_t plane = std::size_t(s.kh) * s.kw;
    for (std::size_t off = 0; off < s.values.size(); off += plane) {
      const cl::Kernel2D n = cl::normalise(cl::Kernel2D(s.kh, s.kw, std::vector<float>(s.values.begin() + off, s.values.begin() + off + plane)));
      std::copy(n.data.begin(), n.data.end(), s.values.begin() + off);
    }
    changed = true;
  }
  tip("Divide by the sum so the kernel keeps the image's brightness (by the sum of |values| when the sum is 0).");
  ImGui::SameLine();
  if (ImGui::Button("Flip 180")) {
    make_custom(s, channels);
    const std::size_t plane = std::size_t(s.kh) * s.kw;
    for (std::size_t off = 0; off < s.values.size(); off += plane) std::reverse(s.values.begin() + off, s.values.begin() + off + plane);
    changed = true;
  }
  tip("Rotate by 180 degrees. Deep learning's 'convolution' is cross-correlation; flipping the kernel turns it into a true convolution.");
  ImGui::SameLine();
  if (ImGui::Button("Randomise")) {
    make_custom(s, channels);
    static std::mt19937 rng(7);
    std::normal_distribution<float> dist(0.0f, 1.0f / float(s.kh * s.kw));
    for (float& v : s.values) v = dist(rng);
    changed = true;
  }
  tip("Random values, as an untrained network's kernel would have.");
  ImGui::PopID();
  return changed;
}
