#include "lazy_tensor.h"

#include <gtest/gtest.h>

namespace cl = convlab;

TEST(LazyTensor, ShapeWithoutFillingAndOneFillAtTheFirstRead) {
  int fills = 0;
  auto source = std::make_shared<int>(7);  // stands for the workers' buffers the fill copies from
  std::weak_ptr<int> held = source;
  LazyTensor t(cl::Tensor::uninitialized(2, 3, 4), [&fills, source](cl::Tensor& out) {
    ++fills;
    for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] = float(i) + float(*source);
  });
  source.reset();
  EXPECT_TRUE(t);
  EXPECT_EQ(t.shape().c, 2);
  EXPECT_EQ(t.shape().h, 3);
  EXPECT_EQ(t.shape().w, 4);
  EXPECT_FALSE(t.empty());
  EXPECT_EQ(t.if_filled(), nullptr);
  EXPECT_EQ(fills, 0);
  EXPECT_FALSE(held.expired()) << "the fill keeps its source until it ran";

  const LazyTensor copy = t;  // copies share one fill
  EXPECT_EQ(copy->at(1, 2, 3), 23.0f + 7.0f);
  EXPECT_EQ(fills, 1);
  EXPECT_TRUE(held.expired()) << "filled: the source is let go (the buffers go back to the workers)";
  EXPECT_EQ((*t).at(0, 0, 0), 7.0f);
  EXPECT_EQ(fills, 1);
  EXPECT_EQ(t.if_filled(), t.shared().get());
  EXPECT_EQ(t, copy);
}

TEST(LazyTensor, OneValueIsPeekedWithoutFillingThenReadFromTheFilledValues) {
  int peeks = 0, fills = 0;
  LazyTensor t(
      cl::Tensor::uninitialized(1, 2, 3), [&fills](cl::Tensor& out) { ++fills, out.data.assign(out.data.size(), 2.0f); },
      [&peeks](int c, int y, int x) { return ++peeks, float(c * 100 + y * 10 + x); });
  EXPECT_EQ(t.value(0, 1, 2), 12.0f);
  EXPECT_EQ(peeks, 1);
  EXPECT_EQ(fills, 0);
  EXPECT_EQ(t->at(0, 1, 2), 2.0f);  // filled now
  EXPECT_EQ(t.value(0, 1, 2), 2.0f) << "filled: read from the values, not peeked";
  EXPECT_EQ(peeks, 1);
  const LazyTensor plain = std::make_shared<const cl::Tensor>(1, 1, 1, 5.0f);
  EXPECT_EQ(plain.value(0, 0, 0), 5.0f);
}

TEST(LazyTensor, ReleasedUnreadNeverFills) {
  int fills = 0;
  auto source = std::make_shared<int>(1);
  std::weak_ptr<int> held = source;
  {
    LazyTensor t(cl::Tensor::uninitialized(1, 2, 2), [&fills, source](cl::Tensor&) { ++fills; });
    source.reset();
  }
  EXPECT_EQ(fills, 0);
  EXPECT_TRUE(held.expired());
}

TEST(LazyTensor, ValuesAlreadyHereAndIdentity) {
  auto values = std::make_shared<const cl::Tensor>(1, 2, 3, 0.5f);
  const LazyTensor a = values, b = values, other = std::make_shared<const cl::Tensor>(1, 2, 3, 0.5f);
  EXPECT_EQ(a.if_filled(), values.get());
  EXPECT_EQ(a.shared(), values);
  EXPECT_EQ(a, b) << "the same values";
  EXPECT_FALSE(a == other) << "equal values, another tensor";
  const LazyTensor none;
  EXPECT_FALSE(none);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.shared(), nullptr);
  EXPECT_FALSE(LazyTensor(std::shared_ptr<const cl::Tensor>()));

  const cl::Tensor kept(1, 1, 2, 3.0f);
  const LazyTensor borrowed = LazyTensor::borrow(kept);
  EXPECT_EQ(&*borrowed, &kept);
  EXPECT_EQ(borrowed.shape().w, 2);
}
