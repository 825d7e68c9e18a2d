// What a lesson model does while its convolution is still in the workers (conv_client.h): the last
// result stays, whole, until the newest setting's lands; settings asked for in between are never shown;
// a refused setting says why and leaves both the shown result and the pending job alone. The workers are
// stood in for by ConvClient::hold_results, which keeps finished results back as a slow pool would.
#include <gtest/gtest.h>

#include "conv_client.h"
#include "kernel_model.h"
#include "reference.h"

namespace cl = convlab;
namespace ref = convlab::reference;

namespace {

struct HeldResults {  // released at the end of a test, even a failed one
  HeldResults() { ConvClient::hold_results(true); }
  ~HeldResults() { ConvClient::hold_results(false); }
};

cl::Weights mean_filter(int k) { return cl::Weights(1, 3, k, k, 1.0f / float(k * k * 3)); }

cl::Conv2dParams same(int k) {
  cl::Conv2dParams p;
  p.padding = cl::same_padding(k, k, {1, 1});
  return p;
}

}  // namespace

TEST(ConvClient, TheLastResultStaysWholeUntilTheNewestSettingLands) {
  const cl::Tensor in = ref::random_tensor(3, 20, 24, 5);
  State s;
  lesson_params<KernelParams>(s).one_filter = true;
  KernelModel m;
  ASSERT_TRUE(m.update(s, in, 1, mean_filter(3), same(3))) << m.error();
  const auto first = m.output;
  const int version = m.version;
  EXPECT_FALSE(m.busy());

  HeldResults held;
  cl::Conv2dParams strided = same(7);
  strided.stride = {2, 2};
  EXPECT_FALSE(m.update(s, in, 1, mean_filter(5), same(5)));  // asked for, not landed
  EXPECT_FALSE(m.update(s, in, 1, mean_filter(7), strided));  // a newer setting replaces it
  EXPECT_TRUE(m.busy());
  EXPECT_EQ(m.output, first);  // the same tensor, not a copy
  EXPECT_EQ(m.version, version);
  EXPECT_EQ(m.kernel_text(), "3x3");  // everything shown is the first result's, not the pending one's
  EXPECT_EQ(m.formula_h.value, 20);

  // A refused setting: a message, and the shown result and the pending job untouched.
  cl::Conv2dParams zero_stride = same(3);
  zero_stride.stride = {0, 1};
  EXPECT_FALSE(m.update(s, in, 1, mean_filter(3), zero_stride));
  EXPECT_NE(m.error().find("stride"), std::string::npos) << m.error();
  EXPECT_EQ(m.output, first);

  ConvClient::hold_results(false);
  // Back to the 7x7 strided setting (asked for again after the refusal): its result lands.
  ASSERT_TRUE(m.update(s, in, 1, mean_filter(7), strided)) << m.error();
  EXPECT_FALSE(m.busy());
  EXPECT_EQ(m.version, version + 1);  // the 5x5 setting was never shown
  EXPECT_EQ(m.kernel_text(), "7x7");
  EXPECT_EQ(m.params.stride.h, 2);
  EXPECT_EQ(m.formula_h.value, 10);
  const cl::Tensor want = ref::conv2d(in, mean_filter(7), strided);
  ASSERT_EQ(m.output->h, want.h);
  ASSERT_EQ(m.output->w, want.w);
  for (std::size_t i = 0; i < want.data.size(); ++i) ASSERT_NEAR(m.output->data[i], want.data[i], 1e-5f) << i;
  // The colours came with it, for the display it was asked with.
  EXPECT_EQ(m.shown.rgba.size(), std::size_t(want.h) * want.w * 4);
  EXPECT_EQ(m.shown.rgba, displayed_rgba(*m.output, "auto"));
}

// Painting tells the client what it changed, so the workers get rectangles instead of whole images: the
// rectangle between two generations is the union along the chain, and a broken chain means "send it all".
TEST(ConvClient, PatchesBetweenGenerationsAreTheUnionOfTheirRectangles) {
  ConvClient::input_patched(9000, 9001, PixelRect{10, 20, 30, 40});
  ConvClient::input_patched(9001, 9002, PixelRect{5, 35, 12, 60});
  ConvClient::input_patched(9002, 9003, PixelRect{100, 100, 101, 101});
  const auto two = ConvClient::patch_between(9000, 9002);
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->x0, 5);
  EXPECT_EQ(two->y0, 20);
  EXPECT_EQ(two->x1, 30);
  EXPECT_EQ(two->y1, 60);
  const auto three = ConvClient::patch_between(9001, 9003);
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->x0, 5);
  EXPECT_EQ(three->y1, 101);
  EXPECT_EQ(three->x1, 101);
  EXPECT_TRUE(ConvClient::patch_between(9003, 9003)->empty());  // nothing changed
  // A generation not made by painting (a new image, say) breaks the chain.
  EXPECT_FALSE(ConvClient::patch_between(8999, 9002).has_value());
  EXPECT_FALSE(ConvClient::patch_between(9000, 9004).has_value());
  // Only the last few are kept: an old chain is forgotten rather than growing without end.
  for (int g = 9004; g < 9200; ++g) ConvClient::input_patched(g, g + 1, PixelRect{0, 0, 1, 1});
  EXPECT_FALSE(ConvClient::patch_between(9000, 9200).has_value());
  EXPECT_TRUE(ConvClient::patch_between(9190, 9200).has_value());
}
