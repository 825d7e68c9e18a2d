// ConvClient's sibling for a job of several outputs (multi_job.h): a lesson model submits it and takes
// its result later, computed by the page's worker pool, or at once on the calling thread when there is
// none (native tests, workers=0). Requests coalesce as ConvClient's do; a model keeps it in a
// PendingConv<Meta, MultiClient> (conv_client.h).
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conv_client.h"
#include "multi_job.h"

struct MultiResult {
  int id = 0;
  std::vector<LazyTensor> outputs;  // in the job's order (a worker's values are copied here when first read)
  std::vector<ShownOutput> shown;  // one per show of the job, in its order, with that show's colours
  std::vector<double> scalars;     // as run_multi_job_band gives them
  double compute_ms = 0;           // the slowest worker's part, or the calling thread's
  int workers = 0;                 // how many workers computed it (0: the calling thread)
  std::string error;               // set when it failed: no outputs
};

class MultiClient {
 public:
  using Job = MultiJob;
  using Result = MultiResult;
  // Checks the job's arguments here (a bad one throws at once), then starts it; returns its id.
  int submit(const convlab::Tensor& input, int input_generation, const MultiJob& job);
  // The newest finished job not yet taken (older finished ones are dropped).
  std::optional<MultiResult> take();
  bool busy() const { return pool_.busy(); }

 private:
  struct Asked {
    std::vector<std::array<int, 3>> shapes;
    std::vector<OutputShow> shows;
  };
  PoolSlot<MultiResult, Asked> pool_;
};
