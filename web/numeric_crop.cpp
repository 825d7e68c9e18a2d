#include "numeric_crop.h"

#include <algorithm>
#include <cmath>

NumericCrop busiest_crop(const convlab::Tensor& input, int h, int w, int step) {
  NumericCrop crop;
  crop.grey = convlab::Tensor(1, std::min(h, input.h), std::min(w, input.w));
  convlab::Tensor& c = crop.grey;
  crop.y = (input.h - c.h) / 2;
  crop.x = (input.w - c.w) / 2;
  double best = -1;
  for (int y = 0; y + c.h <= input.h; y += step)
    for (int x = 0; x + c.w <= input.w; x += step) {
      double sum = 0, sq = 0;
      for (int yy = 0; yy < c.h; ++yy)
        for (int xx = 0; xx < c.w; ++xx) {
          const double v = input.at(0, y + yy, x + xx);
          sum += v, sq += v * v;
        }
      const double n = double(c.h) * c.w, var = sq / n - (sum / n) * (sum / n);
      if (var > best + 1e-12) best = var, crop.y = y, crop.x = x;
    }
  for (int y = 0; y < c.h; ++y)
    for (int x = 0; x < c.w; ++x) {
      float sum = 0;
      for (int ch = 0; ch < input.c; ++ch) sum += input.at(ch, crop.y + y, crop.x + x);
      c.at(0, y, x) = std::round(sum / float(input.c) * 100.0f) / 100.0f;
    }
  return crop;
}
