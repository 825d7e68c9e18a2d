// Numbers as lessons write them. No ImGui: models and their tests use these too.
#pragma once
#include <string>

#include "lazy_tensor.h"
#include "tensor.h"

std::string shape_text(const convlab::Tensor& t);  // "3x300x451" (C x H x W)
std::string shape_text(const LazyTensor::Shape& s);
std::string grouped(long long v);                  // 1234567 -> "1,234,567"
