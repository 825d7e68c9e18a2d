#include "lazy_tensor.h"

namespace cl = convlab;

LazyTensor::LazyTensor(std::shared_ptr<const cl::Tensor> values) {
  if (!values) return;
  state_ = std::make_shared<Lazy>();
  state_->values = std::move(values);
}

LazyTensor::LazyTensor(cl::Tensor allocated, Fill fill, Peek peek) : state_(std::make_shared<Lazy>()) {
  state_->tensor = std::make_shared<cl::Tensor>(std::move(allocated));
  state_->fill = std::move(fill);
  state_->peek = std::move(peek);
}

float LazyTensor::value(int c, int y, int x) const {
  if (state_ && !state_->values && state_->peek) return state_->peek(c, y, x);
  return shared()->at(c, y, x);
}

LazyTensor LazyTensor::borrow(const cl::Tensor& t) {
  return LazyTensor(std::shared_ptr<const cl::Tensor>(std::shared_ptr<const cl::Tensor>(), &t));
}

LazyTensor::Shape LazyTensor::shape() const {
  if (!state_) return {};
  const cl::Tensor& t = state_->values ? *state_->values : *state_->tensor;
  return {t.c, t.h, t.w};
}

const std::shared_ptr<const cl::Tensor>& LazyTensor::shared() const {
  static const std::shared_ptr<const cl::Tensor> none;
  if (!state_) return none;
  if (!state_->values) {
    state_->fill(*state_->tensor);
    state_->fill = nullptr;  // lets go of what it filled from
    state_->peek = nullptr;
    state_->values = std::move(state_->tensor);
  }
  return state_->values;
}

const cl::Tensor* LazyTensor::if_filled() const { return state_ ? state_->values.get() : nullptr; }
