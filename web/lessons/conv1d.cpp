// 1-D convolution: a kernel slides along a signal. Two line plots share one x axis, the padded input above
// (padding as rings on a grey band) and the output below, each output drawn under its window (its start,
// centre or end); hovering or tapping an output shows its window on the input and its sum of products.
#include <algorithm>
#include <cstdio>
#include <string>

#include "conv1d_model.h"
#include "imgui.h"
#include "lesson.h"
#include "line_plot.h"
#include "widgets.h"

namespace {

constexpr ImU32 kInput = IM_COL32(110, 170, 255, 255);
constexpr ImU32 kPadding = IM_COL32(150, 158, 175, 255);
constexpr ImU32 kOutput = IM_COL32(255, 160, 60, 255);
constexpr ImU32 kWindow = IM_COL32(255, 160, 60, 48);
constexpr ImU32 kPaddingBand = IM_COL32(255, 255, 255, 14);
constexpr ImU32 kSelected = IM_COL32(255, 220, 60, 255);

const char* label_of(const std::vector<Conv1dChoice>& choices, const std::string& id) {
  for (const Conv1dChoice& c : choices)
    if (id == c.id) return c.label;
  return id.c_str();
}

// A combo over choices, each with its sentence as a tooltip; true when the choice changed.
bool choice_combo(const char* label, std::string& value, const std::vector<Conv1dChoice>& choices) {
  bool changed = false;
  if (ImGui::BeginCombo(label, label_of(choices, value))) {
    for (const Conv1dChoice& c : choices) {
      if (ImGui::Selectable(c.label, value == c.id) && value != c.id) value = c.id, changed = true;
      tip(c.text);
    }
    ImGui::EndCombo();
  }
  return changed;
}

// An editable list of numbers: shows `values` until it is edited; Enter (or leaving the field) applies.
class ValuesField {
 public:
  // Returns true with `out` set when the learner entered a valid list; a bad one sets `error`.
  bool draw(const char* id, const std::vector<float>& values, std::size_t max_count, const char* what,
            std::vector<float>& out, std::string& error) {
    const std::string text = conv1d_values_text(values);
    if (text != shown_ && !active_) {
      std::snprintf(buf_, sizeof buf_, "%s", text.c_str());
      shown_ = text;
    }
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    const bool entered = ImGui::InputText(id, buf_, sizeof buf_, ImGuiInputTextFlags_EnterReturnsTrue);
    active_ = ImGui::IsItemActive();
    const ImVec2 lo = ImGui::GetItemRectMin(), size = ImGui::GetItemRectSize();
    char rect[96];
    std::snprintf(rect, sizeof rect, "%.0f,%.0f,%.0f,%.0f", lo.x, lo.y, size.x, size.y);
    rect_ = rect;
    bool applied = false;
    if (entered || ImGui::IsItemDeactivatedAfterEdit()) {
      try {
        out = parse_conv1d_values(buf_, max_count, what);
        error_.clear();
        applied = true;
        shown_.clear();  // show the list as the URL writes it
      } catch (const std::invalid_argument& e) {
        error_ = e.what();
        error = error_;
      }
    }
    if (!error_.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.45f, 1.0f));
      ImGui::TextWrapped("%s", error_.c_str());
      ImGui::PopStyleColor();
    }
    return applied;
  }
  const std::string& rect() const { return rect_; }  // x,y,w,h on screen, for the browser tests

 private:
  std::string rect_;
  char buf_[1024] = {};
  std::string shown_, error_;
  bool active_ = false;
};

class Conv1dView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    const Conv1dParams& p = lesson_params<Conv1dParams>(ctx.state);
    model_.update(p);
    if (!model_.error().empty()) ctx.error = model_.error();
    const Conv1dResult& r = model_.result();
    if (r.output.empty()) return;
    const int chosen = hover_ >= 0 && hover_ < int(r.output.size()) ? hover_ : conv1d_selected(r, p.selected);
    window_ = conv1d_window(r, chosen);
    ctx.publish("signal", r.signal_name);
    ctx.publish("kernel_name", r.kernel_name);
    ctx.publish("input", conv1d_values_text(r.signal));
    ctx.publish("kernel", conv1d_values_text(r.kernel));
    ctx.publish("padding", std::to_string(r.pads.left) + "," + std::to_string(r.pads.right));
    ctx.publish("pad_mode", convlab::pad_mode_name(r.mode));
    ctx.publish("stride", r.stride);
    ctx.publish("dilation", r.dilation);
    ctx.publish("output", conv1d_values_text(r.output));
    ctx.publish("output_length", int(r.output.size()));
    ctx.publish("formula", r.formula.text);
    ctx.publish("selected", window_.index);
    std::string taps;
    for (const Conv1dTap& t : window_.taps) taps += (taps.empty() ? "" : ",") + std::to_string(t.position);
    ctx.publish("window", taps);
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.9g", window_.sum);
    ctx.publish("window_sum", sum);
    ctx.publish("window_output", conv1d_values_text({window_.output}));
    ctx.publish("reads_later", int(conv1d_outputs_reading_later(r).size()));
  }

  void visual(LessonContext& ctx, ImVec2 size) override {
    const Conv1dResult& r = model_.result();
    if (r.output.empty()) return;
    Conv1dParams& p = lesson_params<Conv1dParams>(ctx.state);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();

    // The sum of the explained output under the plots, in as many lines as it needs up to a quarter of
    // the box; a small box shows the value alone.
    const bool roomy = size.y >= 200;
    ImGui::PushFont(mono_font());
    const std::vector<std::string> sum =
        roomy ? lines_of("y[" + std::to_string(window_.index) + "] = " + window_.text, size.x)
              : std::vector<std::string>{"y[" + std::to_string(window_.index) + "] = " + short_float(window_.output)};
    const float line_h = ImGui::GetTextLineHeight(), mono_size = ImGui::GetFontSize();
    const float sum_h = std::min(std::max(size.y * 0.25f, line_h), float(sum.size()) * line_h);
    ImGui::PopFont();
    const float gap = 6.0f, plot_h = std::max(40.0f, (size.y - sum_h - gap * 2) * 0.5f);

    // Both plots on the padded input's axis, their data areas lined up.
    const double x0 = -r.pads.left - 0.7, x1 = r.size() + r.pads.right - 0.3;
    float in_lo = 0, in_hi = 0, out_lo = 0, out_hi = 0;
    for (float v : r.padded) in_lo = std::min(in_lo, v), in_hi = std::max(in_hi, v);
    for (float v : r.output) out_lo = std::min(out_lo, v), out_hi = std::max(out_hi, v);
    const float left = std::max(LinePlot::label_room(in_lo, in_hi), LinePlot::label_room(out_lo, out_hi));
    const LinePlot in_view(o, ImVec2(size.x, plot_h), x0, x1, in_lo, in_hi, left);
    const LinePlot out_view(ImVec2(o.x, o.y + plot_h + gap), ImVec2(size.x, plot_h), x0, x1, out_lo, out_hi, left);

    char title[160];
    std::snprintf(title, sizeof title, "input x: %d samples; padding %d + %d, %s (rings)", r.size(), r.pads.left, r.pads.right,
                  convlab::pad_mode_name(r.mode));
    in_view.frame(dl, title);
    in_view.band(dl, x0, -0.5, kPaddingBand);
    in_view.band(dl, r.size() - 0.5, x1, kPaddingBand);
    in_view.band(dl, window_.taps.front().position - 0.5, window_.taps.back().position + 0.5, kWindow);
    std::vector<PlotPoint> input;
    for (int i = -r.pads.left; i < r.size() + r.pads.right; ++i)
      input.push_back({double(i), r.padded[std::size_t(i + r.pads.left)], i < 0 || i >= r.size()});
    in_view.series(dl, input, kInput, true);
    // Padding drawn on top in its own colour, so a ring is never mistaken for a sample.
    std::vector<PlotPoint> pads;
    for (const PlotPoint& q : input)
      if (q.hollow) pads.push_back(q);
    in_view.series(dl, pads, kPadding, false);

    const std::string at = align_word(p.align, r.causal);
    std::snprintf(title, sizeof title, "output y: %d samples, each under its window's %s", int(r.output.size()), at.c_str());
    out_view.frame(dl, title);
    std::vector<PlotPoint> output;
    for (int t = 0; t < int(r.output.size()); ++t) output.push_back({conv1d_output_position(r, p.align, t), r.output[std::size_t(t)], false});
    out_view.series(dl, output, kOutput, true);

    // The explained output, lines to the taps it reads, rings on them.
    const PlotPoint& y = output[std::size_t(window_.index)];
    const ImVec2 from = out_view.at(y.x, y.y);
    for (const Conv1dTap& t : window_.taps)
      dl->AddLine(from, in_view.at(t.position, t.x), IM_COL32(255, 200, 80, 110), 1.0f);
    for (const Conv1dTap& t : window_.taps) in_view.ring(dl, t.position, t.x, kSelected, in_view.dot_radius() + 3.0f);
    out_view.ring(dl, y.x, y.y, kSelected, out_view.dot_radius() + 4.0f);

    // Hover (a mouse) or tap (a finger) on either plot picks the output under the pointer.
    ImGui::SetCursorScreenPos(o);
    ImGui::InvisibleButton("plots", ImVec2(size.x, plot_h * 2 + gap));
    hover_ = -1;
    if (ImGui::IsItemHovered()) {
      const int t = out_view.nearest(output, ImVec2(ImGui::GetIO().MousePos.x, out_view.inner_min().y), 1e9f);
      if (!ctx.touch) hover_ = t;
      if (t >= 0 && ImGui::IsItemClicked()) p.selected = t;
    }

    // Lines past the quarter of the box are cut off: the controls' "One output sample" has them all.
    const float sum_y = o.y + plot_h * 2 + gap * 2;
    dl->PushClipRect(ImVec2(o.x, sum_y), ImVec2(o.x + size.x, sum_y + sum_h), true);
    for (std::size_t i = 0; i < sum.size(); ++i)
      dl->AddText(mono_font(), mono_size, ImVec2(o.x, sum_y + float(i) * line_h), IM_COL32(225, 228, 235, 255), sum[i].c_str());
    dl->PopClipRect();
  }

  void controls(LessonContext& ctx) override {
    Conv1dParams& p = lesson_params<Conv1dParams>(ctx.state);
    const Conv1dResult& r = model_.result();
    const float w = ImGui::GetFontSize() * 9, wc = ImGui::GetFontSize() * 11;  // sliders, combos
    if (ctx.section("signal", "Signal x")) {
      ImGui::SetNextItemWidth(wc);
      if (choice_combo("signal", p.signal, conv1d_signals()) && p.signal == "custom") p.signal_values = r.signal;
      tip("The input: a preset or your own values.");
      ImGui::BeginDisabled(p.signal == "custom");
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("samples", &p.length, 1, kConv1dMaxLength);
      tip("How many samples a preset signal has.");
      ImGui::EndDisabled();
      ImGui::TextDisabled("values (edit, then Enter)");
      std::vector<float> typed;
      if (signal_field_.draw("##signal", r.signal, kConv1dMaxLength, "signal", typed, ctx.error))
        p.signal = "custom", p.signal_values = typed;
      ctx.publish("signal_field_rect", signal_field_.rect());
      tip("Numbers separated by commas or spaces, 1 to 64 of them; editing makes the signal a custom one.");
    }
    if (ctx.section("kernel", "Kernel w")) {
      ImGui::SetNextItemWidth(wc);
      if (choice_combo("kernel", p.kernel, conv1d_kernels())) {
        if (p.kernel == "custom") p.kernel_values = r.kernel;
        if (p.kernel == "recent") p.padding = "causal";  // the running average it stands for
      }
      tip("The weights that slide along the signal.");
      const int fixed = conv1d_fixed_kernel_size(p.kernel);
      ImGui::BeginDisabled(fixed > 0 || p.kernel == "custom");
      int k = fixed > 0 ? fixed : p.kernel == "custom" ? int(p.kernel_values.size()) : p.k;
      ImGui::SetNextItemWidth(w);
      if (ImGui::SliderInt("taps k", &k, 1, kConv1dMaxKernel)) p.k = k;
      tip("How many weights the kernel has.");
      ImGui::EndDisabled();
      ImGui::TextDisabled("weights (edit, then Enter)");
      std::vector<float> typed;
      if (kernel_field_.draw("##kernel", r.kernel, kConv1dMaxKernel, "kernel", typed, ctx.error))
        p.kernel = "custom", p.kernel_values = typed;
      tip("1 to 15 numbers; editing makes the kernel a custom one.");
      for (const Conv1dChoice& c : conv1d_kernels())
        if (p.kernel == c.id && p.kernel != "custom") note("%s", c.text);
      note("A conv layer correlates: y[t] = sum over j of w[j] * x[t*s - left + j*d]. The kernel is not flipped.");
    }
    if (ctx.section("padding", "Padding")) {
      ImGui::SetNextItemWidth(wc);
      choice_combo("amount", p.padding, conv1d_paddings());
      tip("How many samples are added on each side.");
      if (p.padding == "custom") {
        ImGui::SetNextItemWidth(w);
        ImGui::SliderInt("left", &p.pad_left, 0, kConv1dMaxPad);
        ImGui::SetNextItemWidth(w);
        ImGui::SliderInt("right", &p.pad_right, 0, kConv1dMaxPad);
      }
      ImGui::SetNextItemWidth(wc);
      if (ImGui::BeginCombo("fill", p.pad_mode.c_str())) {
        for (convlab::PadMode m : {convlab::PadMode::Zeros, convlab::PadMode::Reflect, convlab::PadMode::Symmetric,
                                   convlab::PadMode::Replicate, convlab::PadMode::Circular})
          if (ImGui::Selectable(convlab::pad_mode_name(m), p.pad_mode == convlab::pad_mode_name(m))) p.pad_mode = convlab::pad_mode_name(m);
        ImGui::EndCombo();
      }
      tip("What the padding holds: zeros, a mirror without the edge (reflect), with it (symmetric), the edge sample "
          "repeated (replicate), or the other end (circular). See the Padding lesson.");
      for (const Conv1dChoice& c : conv1d_paddings())
        if (p.padding == c.id) note("%s", c.text);
      note("Here: %d on the left, %d on the right (d*(k-1) = %d).", r.pads.left, r.pads.right, r.span() - 1);
      if (r.causal) {
        const std::vector<int> later = conv1d_outputs_reading_later(r);
        if (later.empty())
          note("Causal: output t sits under input i = t*s (its last tap) and reads only x[i - %d] ... x[i], never a "
               "later sample. In PyTorch: F.pad(x, (%d, 0)) then conv1d.", r.span() - 1, r.span() - 1);
        else
          note("Not causal with %s padding: %d output(s), from y[%d], read later samples copied into the left padding. "
               "Zeros or replicate keep it causal.", convlab::pad_mode_name(r.mode), int(later.size()), later.front());
      }
      if (p.padding == "same" && p.stride > 1)
        note("PyTorch accepts padding='same' only at stride 1; here the same amounts are padded explicitly.");
    }
    if (ctx.section("stride", "Stride and dilation")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("stride s", &p.stride, 1, kConv1dMaxStride);
      tip("How far the window moves between one output and the next: s = 2 halves the output.");
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("dilation d", &p.dilation, 1, kConv1dMaxDilation);
      tip("Gaps between the taps: they read every d-th sample, so the window spans d*(k-1) + 1 samples.");
      ImGui::SetNextItemWidth(wc);
      choice_combo("draw outputs at", p.align, conv1d_aligns());
      tip("Where each output sample is drawn along the input's axis.");
    }
    // A link that failed from the start (an empty custom list) has no output yet to explain.
    if (!r.output.empty() && ctx.section("sample", "One output sample")) {
      int t = window_.index;
      ImGui::SetNextItemWidth(w);
      if (ImGui::SliderInt("output t", &t, 0, int(r.output.size()) - 1)) p.selected = t;
      tip("The output explained; hovering or tapping the plots picks one too.");
      const Conv1dWindow& win = window_;
      ImGui::TextWrapped("y[%d] reads positions %d to %d (every %d), its window:", win.index, win.taps.front().position,
                         win.taps.back().position, r.dilation);
      ImGui::PushFont(mono_font());
      ImGui::TextWrapped("y[%d] = %s", win.index, win.text.c_str());
      ImGui::PopFont();
      int padded = 0;
      for (const Conv1dTap& tap : win.taps) padded += tap.position < 0 || tap.position >= r.size();
      if (padded > 0) note("%d of its %d taps fall on the padding.", padded, int(win.taps.size()));
      if (win.reads_later()) note("It reads x[%d], later than its last tap %d.", win.latest, win.taps.back().position);
    }
    if (ctx.section("formula", "Output length")) {
      help("PyTorch's Conv1d: floor((n + left + right - (d*(k-1) + 1)) / s) + 1.");
      ImGui::PushFont(mono_font());
      ImGui::TextWrapped("%s", r.formula.text.c_str());
      ImGui::PopFont();
      if (!r.formula.note.empty()) note("%s", r.formula.note.c_str());
      ImGui::TextWrapped("The core's conv2d on a 1 x %d input with a 1 x %d kernel, padded %d left and %d right: 1 x %d.",
                         r.size(), int(r.kernel.size()), r.pads.left, r.pads.right, int(r.output.size()));
    }
  }

 private:
  static std::string align_word(const std::string& align, bool causal) {
    const std::string a = align == "auto" ? (causal ? "end" : "centre") : align;
    return a == "start" ? "first tap" : a == "end" ? "last tap" : "centre";
  }
  // The text in lines no wider than `width` in the current font, broken at spaces only (ImGui's own
  // wrapping also breaks after a '.', inside a number).
  static std::vector<std::string> lines_of(const std::string& text, float width) {
    std::vector<std::string> lines(1);
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(start, end - start);
      const std::string joined = lines.back().empty() ? word : lines.back() + " " + word;
      if (!lines.back().empty() && ImGui::CalcTextSize(joined.c_str()).x > width) lines.push_back(word);
      else lines.back() = joined;
      start = end + 1;
    }
    return lines;
  }
  static std::string short_float(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", double(v));
    return buf;
  }

  Conv1dModel model_;
  Conv1dWindow window_;
  int hover_ = -1;  // last frame's hovered output
  ValuesField signal_field_, kernel_field_;
};

}  // namespace

REGISTER_LESSON_VIEW("conv1d", Conv1dView);
