// Pointwise (1x1) convolution: a kernel of size 1 x 1 x C is a row of a channel-mixing matrix. The
// visual: the input and each output channel; the controls: the mode, the editable matrix (with each
// output's value at the pixel under the pointer) and the shapes and cost, all from pointwise_model.h.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "pointwise_model.h"
#include "view_cells.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kMaxOutputs = 8;

class PointwiseView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    const State& s = ctx.state;
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    const bool fresh = model_.update(ctx.input, ctx.input_generation, lesson_params<PointwiseParams>(s), s.display);
    if (!model_.error().empty()) ctx.error = model_.error();
    const PointwiseResult& r = model_.result();
    if (!r.output) return;
    const LazyTensor::Shape out = r.output.shape();  // values read one pixel at a time (value())
    if (fresh)  // one view per map, all sharing the output, each coloured by the workers on its own
      for (std::size_t i = 0; i < r.shown.size() && i < kMaxOutputs; ++i) views_[i].set_displayed(r.shown[i]);
    // The pixel the matrix table shows: the one under the pointer, else the centre.
    pixel_y_ = hover_.active ? hover_.y : ctx.input.h / 2, pixel_x_ = hover_.active ? hover_.x : ctx.input.w / 2;
    if (pixel_y_ >= out.h || pixel_x_ >= out.w) pixel_y_ = pixel_x_ = -1;
    ctx.publish("version", model_.version());
    ctx.publish("workers", model_.workers());
    ctx.publish("input_shape", shape_text(ctx.input));
    ctx.publish("output_shape", shape_text(out));
    ctx.publish("weight_shape", weight_shape_text(r));
    ctx.publish("macs", std::to_string(r.cost.macs));
    ctx.publish("params", std::to_string(r.cost.params));
    ctx.publish("matrix", matrix_text(r.matrix));
    ctx.publish("centre_rgb", pixel_text(LazyTensor::borrow(ctx.input), ctx.input.h / 2, ctx.input.w / 2));
    ctx.publish("centre_out", pixel_text(r.output, out.h / 2, out.w / 2));
  }

  const cl::Tensor* output() const override { return model_.result().output.shared().get(); }
  bool computing() const override { return model_.busy(); }

  // The input, then every output channel: two views side by side for grey, a grid for the features.
  void visual(LessonContext& ctx, ImVec2 size) override {
    const PointwiseResult& r = model_.result();
    std::vector<ViewCell> cells = {{&input_view_, "input " + shape_text(ctx.input), ""}};
    if (ctx.input.c != 3) cells[0].caption += ": grey, nothing to mix";
    else if (r.output && r.output.shape().c == 1) cells.push_back({&views_[0], "output " + shape_text(r.output.shape()) + ": grey", ""});
    else if (r.output) {
      const std::vector<MixRow>& rows = mix_rows(lesson_params<PointwiseParams>(ctx.state).mix);
      for (int o = 0; o < r.output.shape().c && o < kMaxOutputs; ++o) {
        const bool named = int(rows.size()) == r.output.shape().c;
        cells.push_back({&views_[o], std::to_string(o) + "  " + (named ? rows[o].name : "output"), named ? rows[o].meaning : ""});
      }
    }
    hover_ = draw_view_cells("pw", cells, size, float(ctx.input.h) / float(ctx.input.w), ctx.state);
  }

  void controls(LessonContext& ctx) override {
    PointwiseParams& p = lesson_params<PointwiseParams>(ctx.state);
    if (ctx.section("mix", "Mode")) {
      if (ImGui::RadioButton("RGB -> grey (1 x 3)", p.mix == "gray") && p.mix != "gray") p.mix = "gray", p.values.clear();
      tip("One 1x1x3 kernel: the Rec.601 weights turn colour into brightness.");
      if (ImGui::RadioButton("RGB -> 8 features (8 x 3)", p.mix == "features") && p.mix != "features") p.mix = "features", p.values.clear();
      tip("Eight 1x1x3 kernels: the channels, brightness and colour-opponent features, one output map each.");
    }
    if (ctx.section("matrix", "Matrix: outputs x inputs")) {
      ImGui::TextWrapped("Each output channel is a weighted sum of the input channels at the same pixel: one row of weights "
                         "per output, applied to every pixel.");
      if (ctx.input.c != 3)
        ImGui::TextWrapped("The image is grey (one channel), so there is nothing to mix. Untick 'grey' in the menu bar to mix "
                           "the red, green and blue channels.");
      else
        matrix_editor(p, ctx.input);
    }
    const PointwiseResult& r = model_.result();
    if (!r.output || ctx.input.c != 3 || !ctx.section("cost", "Shapes and cost")) return;
    const int rows = r.output.shape().c;
    ImGui::PushFont(mono_font());
    ImGui::Text("input   3 x %d x %d", ctx.input.h, ctx.input.w);
    ImGui::Text("weight  %d x 3 x 1 x 1", rows);
    ImGui::Text("output  %d x %d x %d", rows, r.output.shape().h, r.output.shape().w);
    ImGui::PopFont();
    help("PyTorch: nn.Conv2d(3, outputs, kernel_size=1). The weight is the matrix with two extra axes of size 1.");
    ImGui::Spacing();
    ImGui::PushFont(mono_font());
    ImGui::Text("MACs    %d*3*%d*%d = %s", rows, r.output.shape().h, r.output.shape().w, grouped(r.cost.macs).c_str());
    ImGui::Text("weights %d*3 = %s", rows, grouped(r.cost.params).c_str());
    ImGui::PopFont();
    help("cost() of the core for a pointwise layer: outputs x inputs multiply-adds at every pixel.");
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("The height and width never change: a 1x1 kernel needs no padding.");
    ImGui::PopTextWrapPos();
  }

 private:
  // The matrix as a table of drag fields, a row per output channel, with that output at the chosen pixel.
  void matrix_editor(PointwiseParams& p, const cl::Tensor& in) {
    const PointwiseResult& r = model_.result();
    const std::vector<MixRow>& rows = mix_rows(p.mix);
    std::vector<float> m = mix_matrix(p);
    const bool at_pixel = pixel_y_ >= 0 && r.output && r.matrix.size() == m.size();
    bool changed = false;
    const float cell_w = ImGui::GetFontSize() * 3.6f;
    ImGui::PushTextWrapPos(-1.0f);  // no wrapping inside the table
    if (ImGui::BeginTable("mix", at_pixel ? 5 : 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
      for (const char* name : {"output", "x R", "x G", "x B"}) ImGui::TableSetupColumn(name);
      if (at_pixel) ImGui::TableSetupColumn("at pixel");
      ImGui::TableHeadersRow();
      for (std::size_t o = 0; o < rows.size(); ++o) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%zu  %s", o, rows[o].name);
        tip(rows[o].meaning);
        for (int c = 0; c < 3; ++c) {
          ImGui::TableNextColumn();
          ImGui::PushID(int(o * 3 + c));
          ImGui::SetNextItemWidth(cell_w);
          if (ImGui::DragFloat("##w", &m[o * 3 + c], 0.01f, -4.0f, 4.0f, "%.3f")) changed = true;
          tip("This output channel's weight for the input channel of this column; drag or double-click to type.");
          ImGui::PopID();
        }
        if (at_pixel) {
          ImGui::TableNextColumn();
          ImGui::PushFont(mono_font());
          ImGui::Text("%+.3f", double(r.output.value(int(o), pixel_y_, pixel_x_)));
          ImGui::PopFont();
          tip("This output channel at the pixel below: the row of weights times the pixel's (R, G, B).");
        }
      }
      ImGui::EndTable();
    }
    ImGui::PopTextWrapPos();
    if (changed) p.values = m;
    if (!p.values.empty()) {
      if (ImGui::SmallButton("reset the matrix")) p.values.clear();
      tip("Back to the default weights of this mode.");
    }
    if (at_pixel) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextDisabled("pixel (row %d, col %d)%s: RGB = (%.3f, %.3f, %.3f)", pixel_y_, pixel_x_, hover_.active ? "" : ", the centre",
                          double(in.at(0, pixel_y_, pixel_x_)), double(in.at(1, pixel_y_, pixel_x_)), double(in.at(2, pixel_y_, pixel_x_)));
      ImGui::PopTextWrapPos();
    }
  }

  PointwiseModel model_;
  ImageView input_view_, views_[kMaxOutputs];
  Hover hover_;                    // from the visual of the frame before (the controls are drawn first)
  int pixel_y_ = -1, pixel_x_ = -1;  // the pixel whose outputs the matrix table shows
};

}  // namespace

REGISTER_LESSON_VIEW("pointwise", PointwiseView);
