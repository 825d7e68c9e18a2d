#include "layer_stack_editor.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "widgets.h"

namespace cl = convlab;
using Layer = cl::Layer;

ImU32 layer_colour(int index, int alpha) {
  // Twelve well-separated hues that read on the dark background and on photos.
  static const unsigned char rgb[12][3] = {{255, 196, 0},  {0, 200, 255},   {255, 92, 138}, {120, 230, 90},
                                           {190, 130, 255}, {255, 140, 50},  {60, 220, 200}, {255, 240, 120},
                                           {120, 160, 255}, {230, 110, 230}, {170, 220, 60}, {255, 170, 170}};
  const auto& c = rgb[((index % 12) + 12) % 12];
  return IM_COL32(c[0], c[1], c[2], alpha);
}

std::string layer_label(const Layer& l) {
  std::string t = l.type == Layer::Type::Pool ? "pool " : "conv ";
  t += std::to_string(l.kernel.h) + "x" + std::to_string(l.kernel.w);
  if (l.stride.h != 1 || l.stride.w != 1) t += " s" + std::to_string(l.stride.h);
  if (l.padding.h != 0) t += " p" + std::to_string(l.padding.h);
  if (l.dilation.h != 1) t += " d" + std::to_string(l.dilation.h);
  return t;
}

namespace {

struct Preset {
  const char* name;
  const char* text;
  const char* why;
};

const Preset kPresets[] = {
    {"two 3x3 convs", "c3,c3", "Two 3x3 layers: a 5x5 field, reached by 81 paths."},
    {"three 3x3 convs", "c3,c3,c3", "Three 3x3 layers see 7x7, like one 7x7 layer with fewer weights (VGG's argument)."},
    {"VGG block", "c3p1,c3p1,p2,c3p1,c3p1,p2", "Two 'same' 3x3 convs, a 2x2 max pool, twice: pooling doubles how fast the field grows."},
    {"ResNet stem", "c7s2p3,p3s2p1,c3p1,c3p1", "A 7x7 stride-2 conv and a 3x3 stride-2 pool: the field jumps 4 pixels per unit at once."},
    {"dilated 1, 2, 4", "c3p1,c3d2p2,c3d4p4", "Dilations 1, 2, 4 grow the field exponentially: 3, 7, 15."},
    {"strided", "c3s2p1,c3s2p1,c3s2p1", "Stride 2 in every layer: the jump doubles each time, and so does the growth."},
    {"one 5x5 conv", "c5", "A single 5x5 layer: the same 5x5 field as two 3x3 layers, but 25 paths instead of 81."},
};

// Keeps a layer within what a link can hold and what max pooling allows.
void sanitise(Layer& l) {
  auto clampi = [](int& v, int lo, int hi) { v = std::clamp(v, lo, hi); };
  clampi(l.kernel.h, 1, 15);
  clampi(l.kernel.w, 1, 15);
  clampi(l.stride.h, 1, 15);
  l.stride.w = l.stride.h;
  clampi(l.dilation.h, 1, 8);
  l.dilation.w = l.dilation.h;
  clampi(l.padding.h, 0, 8);
  if (l.type == Layer::Type::Pool) l.padding.h = std::min(l.padding.h, std::min(l.kernel.h, l.kernel.w) / 2);
  l.padding.w = l.padding.h;
}

// A compact number picker: a narrow combo listing lo..hi.
bool small_int(const char* id, int* v, int lo, int hi, const char* tooltip) {
  bool changed = false;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 3.3f);
  char preview[16];
  std::snprintf(preview, sizeof preview, "%d", *v);
  if (ImGui::BeginCombo(id, preview, ImGuiComboFlags_HeightLarge)) {
    for (int i = lo; i <= hi; ++i) {
      char label[16];
      std::snprintf(label, sizeof label, "%d", i);
      if (ImGui::Selectable(label, i == *v)) {
        changed = i != *v;
        *v = i;
      }
      if (i == *v && ImGui::IsWindowAppearing()) ImGui::SetScrollHereY();
    }
    ImGui::EndCombo();
  }
  tip(tooltip);
  return changed;
}

}  // namespace

bool layer_stack_editor(State& s, const LayerStackOptions& o) {
  bool changed = false;
  ImGui::PushID("layer-stack");

  // Presets.
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11);
  if (ImGui::BeginCombo("##preset", "load a preset...")) {
    for (const Preset& p : kPresets) {
      if (!o.allow_pool && (p.text[0] == 'p' || std::strstr(p.text, ",p"))) continue;
      if (ImGui::Selectable(p.name)) {
        s.layers = layers_from_text(p.text);
        changed = true;
      }
      tip(p.why);
    }
    ImGui::EndCombo();
  }
  tip("Replace the stack with a well-known arrangement of layers.");
  ImGui::SameLine();
  const bool room = int(s.layers.size()) < o.max_layers;
  ImGui::BeginDisabled(!room);
  if (ImGui::Button("+ conv")) {
    s.layers.push_back(Layer{});
    changed = true;
  }
  tip("Add a 3x3 convolution layer (stride 1, no padding) at the end of the stack.");
  if (o.allow_pool) {
    ImGui::SameLine();
    if (ImGui::Button("+ pool")) {
      Layer p;
      p.type = Layer::Type::Pool;
      p.kernel = p.stride = cl::Pair{2, 2};
      s.layers.push_back(p);
      changed = true;
    }
    tip("Add a 2x2 pooling layer with stride 2 at the end of the stack.");
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(s.layers.empty());
  if (ImGui::Button("clear")) {
    s.layers.clear();
    changed = true;
  }
  tip("Remove every layer.");
  ImGui::EndDisabled();

  // One row per layer.
  // In a column narrower than its seven columns the table scrolls sideways (a swipe on touch screens).
  const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollX;
  const float row_h = ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  const ImVec2 table_size(0, row_h * float(s.layers.size() + 1) + ImGui::GetStyle().ScrollbarSize + 4);
  int move_from = -1, move_to = -1, remove = -1;
  if (!s.layers.empty() && ImGui::BeginTable("layers", 7, flags, table_size)) {
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("type");
    ImGui::TableSetupColumn("kernel");
    ImGui::TableSetupColumn("stride");
    ImGui::TableSetupColumn("padding");
    ImGui::TableSetupColumn("dilation");
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    for (int i = 0; i < int(s.layers.size()); ++i) {
      Layer& l = s.layers[std::size_t(i)];
      ImGui::PushID(i);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (o.colour_rows) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetFrameHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 4), ImVec2(p.x + 6, p.y + h - 4), layer_colour(i), 2.0f);
        ImGui::Dummy(ImVec2(9, h));
        ImGui::SameLine(0, 2);
      }
      ImGui::AlignTextToFramePadding();
      ImGui::Text("%d", i + 1);
      ImGui::TableNextColumn();
      int type = l.type == Layer::Type::Pool ? 1 : 0;
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4.4f);
      const char* types[] = {"conv", "pool"};
      if (ImGui::Combo("##type", &type, types, o.allow_pool ? 2 : 1)) {
        const bool pool = type == 1;
        if (pool != (l.type == Layer::Type::Pool)) {
          l.type = pool ? Layer::Type::Pool : Layer::Type::Conv;
          l.stride = pool ? l.kernel : cl::Pair{1, 1};  // each type's usual stride
          changed = true;
        }
      }
      tip("conv: a learned k x k filter; pool: max/mean over a k x k window. Their geometry (field, jump) is the same.");
      ImGui::TableNextColumn();
      int k = l.kernel.h;
      if (small_int("##k", &k, 1, 15, "Kernel size k (square): the window each unit reads from the layer below.")) {
        const bool follow = l.type == Layer::Type::Pool && l.stride.h == l.kernel.h;  // pool stride tracks its kernel
        l.kernel = cl::Pair{k, k};
        if (follow) l.stride = l.kernel;
        changed = true;
      }
      ImGui::TableNextColumn();
      if (small_int("##s", &l.stride.h, 1, 15, "Stride s: how many units of the layer below the window moves per output unit.")) changed = true;
      ImGui::TableNextColumn();
      if (small_int("##p", &l.padding.h, 0, 8, "Padding p per side: units of zeros (conv) or -inf (max pool) around the layer's input. It moves the field, it never grows it.")) changed = true;
      ImGui::TableNextColumn();
      if (small_int("##d", &l.dilation.h, 1, 8, "Dilation d: gaps between the kernel's taps; the window spans d*(k-1)+1 units.")) changed = true;
      ImGui::TableNextColumn();
      ImGui::BeginDisabled(i == 0);
      if (ImGui::ArrowButton("up", ImGuiDir_Up)) move_from = i, move_to = i - 1;
      tip("Move this layer one place earlier in the stack.");
      ImGui::EndDisabled();
      ImGui::SameLine(0, 2);
      ImGui::BeginDisabled(i + 1 == int(s.layers.size()));
      if (ImGui::ArrowButton("down", ImGuiDir_Down)) move_from = i, move_to = i + 1;
      tip("Move this layer one place later in the stack.");
      ImGui::EndDisabled();
      ImGui::SameLine(0, 2);
      if (ImGui::Button("x")) remove = i;
      tip("Remove this layer.");
      sanitise(l);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (move_from >= 0) {
    std::swap(s.layers[std::size_t(move_from)], s.layers[std::size_t(move_to)]);
    changed = true;
  }
  if (remove >= 0) {
    s.layers.erase(s.layers.begin() + remove);
    changed = true;
  }
  if (s.layers.empty()) ImGui::TextDisabled("No layers: the field of the image itself is one pixel.");

  // The stack as text, editable.
  static char buf[256];
  static std::string shown;
  static std::string text_error;
  static bool text_active = false;
  const std::string text = layers_to_text(s.layers);
  if (text != shown && !text_active) {
    std::snprintf(buf, sizeof buf, "%s", text.c_str());
    shown = text;
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("as text");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 20));
  const bool entered = ImGui::InputText("##text", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue);
  text_active = ImGui::IsItemActive();
  if (entered) {
    try {
      std::vector<Layer> parsed = buf[0] ? layers_from_text(buf) : std::vector<Layer>{};
      if (int(parsed.size()) > o.max_layers) throw std::invalid_argument("at most " + std::to_string(o.max_layers) + " layers");
      for (Layer& l : parsed) sanitise(l);
      s.layers = parsed;
      text_error.clear();
      changed = true;
    } catch (const std::invalid_argument& e) {
      text_error = e.what();
    }
  }
  tip("The stack as the link writes it: c3 = conv 3x3, p2 = pool 2x2 (stride 2), then s<N> stride, d<N> dilation, "
      "p<N> padding, e.g. c3,c3d2p2,p2. Edit and press Enter.");
  if (!text_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.45f, 1.0f));
    ImGui::TextWrapped("%s", text_error.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::PopID();
  return changed;
}
