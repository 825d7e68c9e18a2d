#include "geometry.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "error.h"

namespace convlab {
namespace {

// The tables below were printed by PyTorch 1.13 (/usr/bin/python3), reading the last dimension of
//   F.max_pool2d(zeros(1,1,1,n), (1,k), (1,s), (0,p), (1,d), ceil_mode=c)
//   F.conv2d(zeros(1,1,1,n), zeros(1,1,1,k), None, (1,s), (0,p), (1,d))
//   F.conv_transpose2d(zeros(1,1,1,n), zeros(1,1,1,k), None, (1,s), (0,p), (0,op), 1, (1,d))
// in the loop order of each test; 0 means PyTorch raised an error.
const char* kTorchPool =
    "1111111111110000221101001111010111110000110000001100010011010000000022000000010012000000010011012222"
    "1111111111003322110122121101111100002200010012010100110100001100330000001100220101001100120133332222"
    "1111221144331211222211112212110033111100221111011211000022004411010012002311010012012211444422222222"
    "3322554422123323121222222200442212012312120122121100330055221100220133121100120122125555333322224433"
    "6655232233332212222233115533221133221211221222004411663312002311342212012211231266663333222255447766"
    "3323443422223323442266442312342322122322330055227744220133124423120123123322777744443333665588773433"
    "444423233333553377553322443323123323441166338855231134224533221123123323";
const char* kTorchConv =
    "1,1,3,3,5,5,1,1,2,2,3,3,1,1,1,1,2,2,0,0,2,1,4,3,0,0,1,1,2,2,0,0,1,1,2,1,0,0,1,0,3,1,0,0,1,0,2,1,0,0,"
    "1,0,1,1,0,0,0,0,2,0,0,0,0,0,1,0,0,0,0,0,1,0,2,2,4,4,6,6,1,1,2,2,3,3,1,1,2,2,2,2,1,0,3,2,5,4,1,0,2,1,"
    "3,2,1,0,1,1,2,2,0,0,2,0,4,2,0,0,1,0,2,1,0,0,1,0,2,1,0,0,1,0,3,0,0,0,1,0,2,0,0,0,1,0,1,0,3,3,5,5,7,7,"
    "2,2,3,3,4,4,1,1,2,2,3,3,2,1,4,3,6,5,1,1,2,2,3,3,1,1,2,1,2,2,1,0,3,1,5,3,1,0,2,1,3,2,1,0,1,1,2,1,0,0,"
    "2,0,4,1,0,0,1,0,2,1,0,0,1,0,2,1,4,4,6,6,8,8,2,2,3,3,4,4,2,2,2,2,3,3,3,2,5,4,7,6,2,1,3,2,4,3,1,1,2,2,"
    "3,2,2,0,4,2,6,4,1,0,2,1,3,2,1,0,2,1,2,2,1,0,3,0,5,2,1,0,2,0,3,1,1,0,1,0,2,1,5,5,7,7,9,9,3,3,4,4,5,5,"
    "2,2,3,3,3,3,4,3,6,5,8,7,2,2,3,3,4,4,2,1,2,2,3,3,3,1,5,3,7,5,2,1,3,2,4,3,1,1,2,1,3,2,2,0,4,1,6,3,1,0,"
    "2,1,3,2,1,0,2,1,2,1,6,6,8,8,10,10,3,3,4,4,5,5,2,2,3,3,4,4,5,4,7,6,9,8,3,2,4,3,5,4,2,2,3,2,3,3,4,2,6,"
    "4,8,6,2,1,3,2,4,3,2,1,2,2,3,2,3,0,5,2,7,4,2,0,3,1,4,2,1,0,2,1,3,2,7,7,9,9,11,11,4,4,5,5,6,6,3,3,3,3,"
    "4,4,6,5,8,7,10,9,3,3,4,4,5,5,2,2,3,3,4,3,5,3,7,5,9,7,3,2,4,3,5,4,2,1,3,2,3,3,4,1,6,3,8,5,2,1,3,2,4,3"
    ",2,1,2,1,3,2";
const char* kTorchTranspose =
    "1,1,0,2,0,0,0,0,0,0,0,0,1,1,2,2,0,0,0,0,0,0,0,0,1,1,2,2,3,3,0,0,0,0,1,1,2,3,0,4,0,0,0,1,0,2,0,0,2,3,"
    "3,4,0,0,0,1,1,2,0,0,2,3,3,4,4,5,0,1,1,2,2,3,3,5,0,6,0,0,1,3,0,4,0,0,3,5,4,6,0,0,1,3,2,4,0,0,3,5,4,6,"
    "5,7,1,3,2,4,3,5,4,7,0,8,0,0,2,5,0,6,0,0,4,7,5,8,0,0,2,5,3,6,0,0,4,7,5,8,6,9,2,5,3,6,4,7,2,2,0,3,0,0,"
    "0,0,0,1,0,0,3,3,4,4,0,0,1,1,2,2,0,0,4,4,5,5,6,6,2,2,3,3,4,4,3,4,0,5,0,0,1,2,0,3,0,0,4,5,5,6,0,0,2,3,"
    "3,4,0,0,5,6,6,7,7,8,3,4,4,5,5,6,4,6,0,7,0,0,2,4,0,5,0,0,5,7,6,8,0,0,3,5,4,6,0,0,6,8,7,9,8,10,4,6,5,7"
    ",6,8,5,8,0,9,0,0,3,6,0,7,0,0,6,9,7,10,0,0,4,7,5,8,0,0,7,10,8,11,9,12,5,8,6,9,7,10,3,3,0,4,0,0,1,1,0,"
    "2,0,0,5,5,6,6,0,0,3,3,4,4,0,0,7,7,8,8,9,9,5,5,6,6,7,7,4,5,0,6,0,0,2,3,0,4,0,0,6,7,7,8,0,0,4,5,5,6,0,"
    "0,8,9,9,10,10,11,6,7,7,8,8,9,5,7,0,8,0,0,3,5,0,6,0,0,7,9,8,10,0,0,5,7,6,8,0,0,9,11,10,12,11,13,7,9,8"
    ",10,9,11,6,9,0,10,0,0,4,7,0,8,0,0,8,11,9,12,0,0,6,9,7,10,0,0,10,13,11,14,12,15,8,11,9,12,10,13,4,4,0"
    ",5,0,0,2,2,0,3,0,0,7,7,8,8,0,0,5,5,6,6,0,0,10,10,11,11,12,12,8,8,9,9,10,10,5,6,0,7,0,0,3,4,0,5,0,0,8"
    ",9,9,10,0,0,6,7,7,8,0,0,11,12,12,13,13,14,9,10,10,11,11,12,6,8,0,9,0,0,4,6,0,7,0,0,9,11,10,12,0,0,7,"
    "9,8,10,0,0,12,14,13,15,14,16,10,12,11,13,12,14,7,10,0,11,0,0,5,8,0,9,0,0,10,13,11,14,0,0,8,11,9,12,0"
    ",0,13,16,14,17,15,18,11,14,12,15,13,16";

std::vector<int> parse_list(const char* text) {
  std::vector<int> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) values.push_back(std::stoi(item));
  return values;
}

// Returns the size, or 0 when the formula throws a convlab::Error.
template <typename F>
int size_or_zero(F f) {
  try {
    return f();
  } catch (const Error&) {
    return 0;
  }
}

TEST(Geometry, EffectiveKernel) {
  EXPECT_EQ(effective_kernel(3, 1), 3);
  EXPECT_EQ(effective_kernel(3, 2), 5);
  EXPECT_EQ(effective_kernel(1, 7), 1);
  EXPECT_EQ(effective_kernel(5, 3), 13);
}

TEST(Geometry, ConvLessonExamples9x9Kernel3) {
  EXPECT_EQ(conv_output_size(9, 3, 1, 0, 1), 7);      // no padding: 9 - 3 + 1
  EXPECT_EQ(conv_output_size(9, 3, 1, 2, 1), 9);      // padding 1 on each side keeps the size
  EXPECT_EQ(conv_output_size(9, 3, 2, 2, 1), 5);      // padding 1, stride 2: (11 - 3) / 2 + 1
  EXPECT_EQ(conv_output_size(9, 3, 1, 0, 2), 5);      // dilation 2: span 5
  EXPECT_EQ(conv_output_size(10, 3, 2, 0, 1), 4);     // floor((10 - 3) / 2) + 1
  EXPECT_EQ(conv_output_size(1, 1, 1, 0, 1), 1);
  EXPECT_EQ(conv_output_size(1, 3, 5, 2, 1), 1);      // kernel exactly fills the padded input
}

TEST(Geometry, ConvMatchesTorchSweep) {
  const std::vector<int> want = parse_list(kTorchConv);
  std::size_t i = 0;
  for (int n = 1; n <= 7; ++n)
    for (int k = 1; k <= 4; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int p = 0; p <= 2; ++p)
          for (int d = 1; d <= 2; ++d, ++i) {
            ASSERT_LT(i, want.size());
            EXPECT_EQ(size_or_zero([&] { return conv_output_size(n, k, s, 2 * p, d); }), want[i])
                << "at n=" << n << " k=" << k << " s=" << s << " p=" << p << " d=" << d;
          }
  EXPECT_EQ(i, want.size());
}

TEST(Geometry, PoolCeilModeExamples) {
  // 5 wide, window 2, stride 2: floor drops the last pixel, ceil keeps a half window.
  EXPECT_EQ(pool_output_size(5, 2, 2, 0, 1, false), 2);
  EXPECT_EQ(pool_output_size(5, 2, 2, 0, 1, true), 3);
  // With padding 1 the ceil window starting at 6 - 1 = 5 would start in the right padding: dropped.
  EXPECT_EQ(pool_output_size(5, 2, 2, 1, 1, true), 3);
  EXPECT_EQ(pool_output_size(5, 2, 2, 1, 1, false), 3);
  EXPECT_EQ(pool_output_size(4, 2, 2, 1, 1, true), 3);
  // Ceil mode allows a window larger than the input as long as it starts inside it (as PyTorch).
  EXPECT_EQ(pool_output_size(2, 3, 2, 0, 1, true), 1);
  EXPECT_EQ(pool_output_size(1, 2, 2, 0, 1, true), 1);
}

TEST(Geometry, PoolMatchesTorchSweep) {
  const std::string want = kTorchPool;
  std::size_t i = 0;
  for (int n = 1; n <= 7; ++n)
    for (int k = 1; k <= 4; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int p = 0; p <= k / 2; ++p)
          for (int d = 1; d <= 2; ++d)
            for (bool ceil_mode : {false, true}) {
              ASSERT_LT(i, want.size());
              EXPECT_EQ(size_or_zero([&] { return pool_output_size(n, k, s, p, d, ceil_mode); }), want[i++] - '0')
                  << "at n=" << n << " k=" << k << " s=" << s << " p=" << p << " d=" << d << " ceil=" << ceil_mode;
            }
  EXPECT_EQ(i, want.size());
}

TEST(Geometry, TransposeExamples) {
  EXPECT_EQ(conv_transpose_output_size(4, 3, 1, 0, 0, 1), 6);   // inverse of a valid 3x3 conv: 6 -> 4 -> 6
  EXPECT_EQ(conv_transpose_output_size(5, 3, 2, 1, 0, 1), 9);   // inverse of 9x9 k3 p1 s2 -> 5
  EXPECT_EQ(conv_transpose_output_size(5, 3, 2, 1, 1, 1), 10);  // output padding picks 10 instead of 9
  EXPECT_EQ(conv_transpose_output_size(4, 4, 2, 1, 0, 1), 8);   // the usual 2x upsampling
}

TEST(Geometry, TransposeMatchesTorchSweep) {
  const std::vector<int> want = parse_list(kTorchTranspose);
  std::size_t i = 0;
  for (int n = 1; n <= 4; ++n)
    for (int k = 1; k <= 4; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int p = 0; p <= 1; ++p)
          for (int op = 0; op <= 2; ++op)
            for (int d = 1; d <= 2; ++d, ++i) {
              ASSERT_LT(i, want.size());
              EXPECT_EQ(size_or_zero([&] { return conv_transpose_output_size(n, k, s, p, op, d); }), want[i])
                  << "at n=" << n << " k=" << k << " s=" << s << " p=" << p << " op=" << op << " d=" << d;
            }
  EXPECT_EQ(i, want.size());
}

TEST(Geometry, ExactErrors) {
  expect_error([] { conv_output_size(0, 3, 1, 0, 1, "height"); }, ErrorCode::InvalidShape,
               "input height must be >= 1, got 0");
  expect_error([] { conv_output_size(5, 0, 1, 0, 1, "width"); }, ErrorCode::InvalidKernel,
               "kernel width must be >= 1, got 0");
  expect_error([] { conv_output_size(5, 3, 0, 0, 1, "width"); }, ErrorCode::InvalidStride,
               "stride width must be >= 1, got 0");
  expect_error([] { conv_output_size(5, 3, 1, 0, 0, "height"); }, ErrorCode::InvalidDilation,
               "dilation height must be >= 1, got 0");
  expect_error([] { conv_output_size(5, 3, 1, -1, 1, "height"); }, ErrorCode::InvalidPadding,
               "padding height must be >= 0, got -1");
  expect_error([] { conv_output_size(2, 3, 1, 0, 1, "height"); }, ErrorCode::KernelTooLarge,
               "kernel height 3 (dilated span 3) must fit the padded input height 2, got output height < 1");
  expect_error([] { conv_output_size(4, 3, 1, 0, 2, "width"); }, ErrorCode::KernelTooLarge,
               "kernel width 3 (dilated span 5) must fit the padded input width 4, got output width < 1");
  expect_error([] { pool_output_size(5, 3, 1, 2, 1, false, "height"); }, ErrorCode::InvalidPadding,
               "padding height must be between 0 and half the kernel (1), got 2");
  expect_error([] { pool_output_size(2, 3, 1, 0, 1, false, "width"); }, ErrorCode::KernelTooLarge,
               "pooling window width 3 (dilated span 3) must fit the padded input width 2, got output width < 1");
  expect_error([] { conv_transpose_output_size(3, 3, 2, 0, 2, 1, "width"); }, ErrorCode::InvalidPadding,
               "output padding width must be >= 0 and smaller than stride or dilation, got 2");
  expect_error([] { conv_transpose_output_size(1, 1, 1, 1, 0, 1, "height"); }, ErrorCode::KernelTooLarge,
               "transposed output height must be >= 1, got -1");
  expect_error([] { check_stride(Pair{0, 1}); }, ErrorCode::InvalidStride, "stride must be >= 1, got 0x1");
  expect_error([] { check_dilation(Pair{2, -1}); }, ErrorCode::InvalidDilation, "dilation must be >= 1, got 2x-1");
}

}  // namespace
}  // namespace convlab
