// Pointwise (1x1) convolution: a kernel of size 1 x 1 x C is a row of a channel-mixing matrix. Each
// output pixel is that matrix times the input pixel's channel vector: RGB -> grey with Rec.601's
// weights (1 x 3), or RGB -> 8 feature maps (8 x 3). The matrix is editable; the cost is cost()'s.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "conv2d.h"
#include "cost.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "pointwise_model.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kFeatures = 8;

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

std::string grouped(long long v) {
  std::string s = std::to_string(v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

struct Row {
  const char* name;
  const char* meaning;
  float w[3];
};

const std::vector<Row>& gray_rows() {
  static const std::vector<Row> rows = {{"grey", "Rec.601 luma: how bright the pixel looks (green counts most)", {0.299f, 0.587f, 0.114f}}};
  return rows;
}

// Hand-designed rows, each a feature a first layer could learn: the channels, brightness, and the
// opponent colours our own eyes use.
const std::vector<Row>& feature_rows() {
  static const std::vector<Row> rows = {
      {"R", "the red channel alone", {1, 0, 0}},
      {"G", "the green channel alone", {0, 1, 0}},
      {"B", "the blue channel alone", {0, 0, 1}},
      {"luma", "brightness, Rec.601 weights", {0.299f, 0.587f, 0.114f}},
      {"R - G", "red against green: positive (red) on red things, negative (blue) on green ones", {1, -1, 0}},
      {"B - Y", "blue against yellow (Y = (R + G) / 2): sky positive, sand and skin negative", {-0.5f, -0.5f, 1}},
      {"G - M", "green against magenta ((R + B) / 2): foliage positive", {-0.5f, 1, -0.5f}},
      {"R - B", "warm against cool", {1, 0, -1}},
  };
  return rows;
}

struct PointwiseLesson {
  ImageView input_view, views[kFeatures];
  std::string key;
  cl::LayerCost pw_cost;
  std::vector<float> matrix;  // rows x 3 as used for the output
  Hover hover;
  int pixel_y = -1, pixel_x = -1;  // the pixel whose outputs the matrix table shows

  static const std::vector<Row>& rows_of(const State& s) { return lesson_params<PointwiseParams>(s).mix == "features" ? feature_rows() : gray_rows(); }

  // The state's matrix: the edited values when they fit the mode, else the mode's default.
  static std::vector<float> state_matrix(const State& s) {
    const auto& rows = rows_of(s);
    if (lesson_params<PointwiseParams>(s).values.size() == rows.size() * 3) return lesson_params<PointwiseParams>(s).values;
    std::vector<float> m;
    for (const Row& r : rows) m.insert(m.end(), r.w, r.w + 3);
    return m;
  }

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    std::vector<float> m = state_matrix(s);
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    std::string k = std::to_string(ctx.input_generation) + "|" + lesson_params<PointwiseParams>(s).mix + "|" + s.display;
    for (float v : m) k += "," + std::to_string(v);
    if (k == key) return;
    key = k;
    if (ctx.input.c != 3) return;
    try {
      const int rows = int(m.size() / 3);
      const cl::Weights w(rows, 3, 1, 1, m);
      cl::Tensor out = cl::conv2d(ctx.input, w);
      cl::CostLayer layer;
      layer.kind = cl::LayerKind::Pointwise;
      layer.out_channels = rows;
      pw_cost = cl::cost(layer, 3, ctx.input.h, ctx.input.w);
      matrix = std::move(m);
      // The output lives in views[0]; the other views share it, each showing one channel (auto: per channel).
      const int channels = out.c;
      views[0].set(std::move(out), s.display, channels > 1 ? 0 : -1);
      for (int i = 1; i < channels && i < kFeatures; ++i) views[i].set(views[0].shared_tensor(), s.display, i);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
  }

  void matrix_editor(LessonContext& ctx) {
    const cl::Tensor& output = views[0].tensor();
    State& s = ctx.state;
    const auto& rows = rows_of(s);
    std::vector<float> m = state_matrix(s);
    bool changed = false;
    const float cell_w = ImGui::GetFontSize() * 3.6f;
    const bool at_pixel = pixel_y >= 0 && !output.empty() && int(matrix.size()) == int(m.size());
    ImGui::PushTextWrapPos(-1.0f);  // no wrapping inside the table
    if (ImGui::BeginTable("mix", at_pixel ? 5 : 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
      ImGui::TableSetupColumn("output");
      ImGui::TableSetupColumn("x R");
      ImGui::TableSetupColumn("x G");
      ImGui::TableSetupColumn("x B");
      if (at_pixel) ImGui::TableSetupColumn("at the pixel");
      ImGui::TableHeadersRow();
      for (std::size_t r = 0; r < rows.size(); ++r) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%zu  %s", r, rows[r].name);
        tip(rows[r].meaning);
        for (int c = 0; c < 3; ++c) {
          ImGui::TableNextColumn();
          ImGui::PushID(int(r * 3 + c));
          ImGui::SetNextItemWidth(cell_w);
          if (ImGui::DragFloat("##w", &m[r * 3 + c], 0.01f, -4.0f, 4.0f, "%.3f")) changed = true;
          tip("This output channel's weight for the input channel of this column; drag or double-click to type.");
          ImGui::PopID();
        }
        if (at_pixel) {
          ImGui::TableNextColumn();
          ImGui::PushFont(mono_font());
          ImGui::Text("%+.3f", double(output.at(int(r), pixel_y, pixel_x)));
          ImGui::PopFont();
          tip("This output channel at the pixel below: the row of weights times the pixel's (R, G, B).");
        }
      }
      ImGui::EndTable();
    }
    ImGui::PopTextWrapPos();
    if (changed) lesson_params<PointwiseParams>(s).values = m;
    if (!lesson_params<PointwiseParams>(s).values.empty()) {
      if (ImGui::SmallButton("reset the matrix")) lesson_params<PointwiseParams>(s).values.clear();
      tip("Back to the default weights of this mode.");
    }
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Pointwise (1x1) convolution: mixing channels",
                  "A 1 x 1 kernel sees one pixel, but through all its channels: each output channel is a weighted sum of the "
                  "input channels at the same pixel. Together the kernels form a matrix (outputs x inputs) applied to every pixel.");
    const auto [wide, left_w] = begin_left_column("pw-left", 900, 0.34f, 320.0f, 400.0f, 420.0f);
    ImGui::PushTextWrapPos(0.0f);
    if (ctx.visible("mix")) {
      if (ImGui::RadioButton("RGB -> grey (1 x 3)", lesson_params<PointwiseParams>(s).mix == "gray") && lesson_params<PointwiseParams>(s).mix != "gray") lesson_params<PointwiseParams>(s).mix = "gray", lesson_params<PointwiseParams>(s).values.clear();
      tip("One 1x1x3 kernel: the Rec.601 weights turn colour into brightness.");
      if (ImGui::RadioButton("RGB -> 8 features (8 x 3)", lesson_params<PointwiseParams>(s).mix == "features") && lesson_params<PointwiseParams>(s).mix != "features")
        lesson_params<PointwiseParams>(s).mix = "features", lesson_params<PointwiseParams>(s).values.clear();
      tip("Eight 1x1x3 kernels: the channels, brightness and colour-opponent features, one output map each.");
    }
    compute(ctx);
    const cl::Tensor& output = views[0].tensor();  // after compute(), which may replace it
    pixel_y = pixel_x = -1;
    if (ctx.input.c == 3 && !output.empty()) {
      pixel_y = hover.active ? hover.y : ctx.input.h / 2, pixel_x = hover.active ? hover.x : ctx.input.w / 2;
      if (pixel_y >= output.h || pixel_x >= output.w) pixel_y = pixel_x = -1;
    }
    if (ctx.visible("matrix")) matrix_editor(ctx);
    if (pixel_y >= 0) {
      const float r = ctx.input.at(0, pixel_y, pixel_x), g = ctx.input.at(1, pixel_y, pixel_x), b = ctx.input.at(2, pixel_y, pixel_x);
      ImGui::TextDisabled("pixel (row %d, col %d)%s: RGB = (%.3f, %.3f, %.3f)", pixel_y, pixel_x, hover.active ? "" : ", the centre",
                          double(r), double(g), double(b));
    }
    if (ctx.input.c != 3) {
      ImGui::Spacing();
      ImGui::TextWrapped("The image is grey (one channel), so there is nothing to mix. Untick 'grey' in the menu bar to mix the "
                         "red, green and blue channels.");
      ImGui::PopTextWrapPos();
      ImGui::EndChild();
      return;
    }
    if (!output.empty()) {
      const int rows = output.c;
      ImGui::Spacing();
      ImGui::TextUnformatted("Shapes");
      help("PyTorch: nn.Conv2d(3, outputs, kernel_size=1). The weight is the matrix above with two extra axes of size 1.");
      ImGui::PushFont(mono_font());
      ImGui::Text("input   3 x %d x %d", ctx.input.h, ctx.input.w);
      ImGui::Text("weight  %d x 3 x 1 x 1", rows);
      ImGui::Text("output  %d x %d x %d", rows, output.h, output.w);
      ImGui::PopFont();
      ImGui::Spacing();
      ImGui::TextUnformatted("Cost");
      help("cost() of the core for a pointwise layer: outputs x inputs multiply-adds at every pixel.");
      ImGui::PushFont(mono_font());
      ImGui::Text("MACs    %d*3*%d*%d = %s", rows, output.h, output.w, grouped(pw_cost.macs).c_str());
      ImGui::Text("weights %d*3 = %s", rows, grouped(pw_cost.params).c_str());
      ImGui::PopFont();
      ImGui::TextDisabled("The height and width never change: a 1x1 kernel needs no padding.");
      ctx.publish("input_shape", shape_text(ctx.input));
      ctx.publish("output_shape", shape_text(output));
      ctx.publish("weight_shape", std::to_string(rows) + "x3x1x1");
      ctx.publish("macs", std::to_string(pw_cost.macs));
      ctx.publish("params", std::to_string(pw_cost.params));
      std::string mt;
      for (std::size_t i = 0; i < matrix.size(); ++i) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%s%g", i ? "," : "", double(matrix[i]));
        mt += buf;
      }
      ctx.publish("matrix", mt);
      const int cy = ctx.input.h / 2, cx = ctx.input.w / 2;
      ctx.publish("centre_rgb", std::to_string(ctx.input.at(0, cy, cx)) + "," + std::to_string(ctx.input.at(1, cy, cx)) + "," +
                                    std::to_string(ctx.input.at(2, cy, cx)));
      std::string centre;
      for (int o = 0; o < rows; ++o) centre += (o ? "," : "") + std::to_string(output.at(o, cy, cx));
      ctx.publish("centre_out", centre);
    }
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    if (output.empty()) return;
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float total_h = wide ? avail.y : 640.0f;
    Hover h;
    if (output.c == 1) {
      const float half = (avail.x - gap) * 0.5f;
      const ImVec2 box(half, std::max(160.0f, total_h - line - 50));
      ImGui::BeginGroup();
      ImGui::Text("input 3 x %d x %d", ctx.input.h, ctx.input.w);
      const Hover a = input_view.draw("pw-in", box, s);
      ImGui::EndGroup();
      ImGui::SameLine();
      ImGui::BeginGroup();
      ImGui::Text("output 1 x %d x %d: grey", output.h, output.w);
      const Hover b = views[0].draw("pw-out", box, s);
      ImGui::EndGroup();
      h = a.active ? a : b;
    } else {
      // A 3 x 3 grid: the input, then the 8 feature maps.
      const float cell_w = (avail.x - 2 * gap) / 3.0f;
      const float cell_h = std::max(100.0f, (total_h - 3 * (line + 6) - 2 * ImGui::GetStyle().ItemSpacing.y - 4) / 3.0f);
      const ImVec2 box(cell_w, cell_h);
      for (int i = 0; i < 9; ++i) {
        if (i % 3) ImGui::SameLine();
        char cid[16];
        std::snprintf(cid, sizeof cid, "pw-cell%d", i);
        ImGui::BeginChild(cid, ImVec2(cell_w, cell_h + line + 6), false,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        Hover v;
        if (i == 0) {
          ImGui::Text("input (RGB)");
          v = input_view.draw("pw-in", box, s);
        } else {
          const int o = i - 1;
          ImGui::Text("%d  %s", o, feature_rows()[o].name);
          tip(feature_rows()[o].meaning);
          char id[16];
          std::snprintf(id, sizeof id, "pw-f%d", o);
          v = views[o].draw(id, box, s);
        }
        if (v.active) h = v;
        ImGui::EndChild();
      }
    }
    hover = h;
    ImGui::EndGroup();
  }
};

PointwiseLesson g_lesson;

}  // namespace

REGISTER_LESSON("pointwise", "Pointwise (1x1) convolution", "1x1xC kernels mix channels: RGB to grey, RGB to 8 feature maps.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
