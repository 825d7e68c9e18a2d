// The pointwise lesson's model: what it computes, without ImGui (built into the native tests too).
// A 1 x 1 x 3 kernel is a row of a channel-mixing matrix; every output pixel is that matrix times the
// input pixel's (R, G, B). The modes: RGB -> grey (1 x 3, Rec.601) or RGB -> 8 features (8 x 3).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "conv_client.h"
#include "cost.h"
#include "display_choice.h"
#include "multi_client.h"
#include "recompute.h"
#include "tensor.h"

// The lesson's own settings (its URL keys are registered in pointwise_model.cpp).
struct PointwiseParams {
  std::string mix = "gray";  // gray (RGB -> 1), features (RGB -> 8)
  std::vector<float> values;  // the edited 1x3 or 8x3 matrix, row-major; empty = the default
};

// One output channel: its name, what it shows, and its default weights for R, G, B.
struct MixRow {
  const char* name;
  const char* meaning;
  float weights[3];
};
const std::vector<MixRow>& mix_rows(const std::string& mix);  // the mode's rows ("features" or else grey)

// The matrix in use, rows x 3 row-major: the edited values when they fit the mode, else its defaults.
std::vector<float> mix_matrix(const PointwiseParams& p);

struct PointwiseResult {
  LazyTensor output;                              // [rows, H, W]; null when nothing was mixed (values copied when read)
  std::vector<float> matrix;                      // rows x 3, as used for the output
  convlab::LayerCost cost;
  std::vector<ShownOutput> shown;  // PointwiseModel: each map as its view shows it (all channels for one map)
};

// The 1x1 convolution of a 3-channel `input` by `matrix` (rows x 3) and its cost. A grey (one channel)
// input has nothing to mix: an empty result. Throws convlab::Error for a matrix that is not rows x 3.
PointwiseResult compute_pointwise(const convlab::Tensor& input, const std::vector<float>& matrix);

// Everything the result depends on: the image (by generation) and the matrix values, by their bits.
CacheKey pointwise_key(int input_generation, const std::vector<float>& matrix);

// The job that computes and colours the maps in the workers: the 1x1 convolution, each map shown alone
// with `display` (one map: shown whole).
MultiJob pointwise_job(const std::vector<float>& matrix, const std::string& display);

std::string weight_shape_text(const PointwiseResult& r);   // "8x3x1x1"
std::string matrix_text(const std::vector<float>& matrix);  // "0.299,0.587,0.114" (%g)
// Every channel of t at pixel (y, x), comma-separated with six decimals: "0.250000,-0.100000".
std::string pixel_text(const LazyTensor& t, int y, int x);  // reads the pixel's values alone

class PointwiseModel {
 public:
  // Asks the workers for the maps, coloured with `display`, when anything changed; true when a new
  // result is shown (until it lands the last one stays and busy() is true). A grey image has nothing
  // to mix: an empty result at once. A failure keeps the previous result and error() says why.
  bool update(const convlab::Tensor& input, int input_generation, const PointwiseParams& params,
              const std::string& display = "auto");
  const PointwiseResult& result() const { return result_; }
  const std::string& error() const { return job_.error(); }
  bool busy() const { return job_.busy(); }
  int version() const { return version_; }  // counts results shown
  int workers() const { return workers_; }  // how many workers computed the result (0: this thread)

 private:
  PendingConv<PointwiseResult, MultiClient> job_;  // the meta: the result but its output
  PointwiseResult result_;
  int version_ = 0, workers_ = 0;
};
