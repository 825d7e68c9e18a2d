// A lesson model's convolution (or pooling: an ImageJob) of the page's image, off the main thread when the
// page runs a worker pool (web/static/compute_pool.js): dragging a slider over a megapixel image then never
// stalls a frame.
// Without workers (native tests, workers=0, a browser that cannot start them) the same calls compute at
// once on the calling thread, so models behave the same everywhere except for when a result lands.
//
// Requests coalesce: while a job runs, a newer submit replaces any queued one, so only the newest
// setting is computed next; take() never returns an older job than one it already returned.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "image_job.h"
#include "paint.h"
#include "recompute.h"

// A finished job's RGBA bytes, left in the buffers the workers transferred (one per band) rather than
// copied into this module's heap: upload() puts them into a texture; destroyed, the buffers go back to
// the workers to fill again.
class PooledRgba {
 public:
  explicit PooledRgba(int handle) : handle_(handle) {}
  PooledRgba(const PooledRgba&) = delete;
  PooledRgba& operator=(const PooledRgba&) = delete;
  ~PooledRgba();
  // Uploads the bytes into GL texture `texture`, which has the output's size.
  void upload(unsigned texture) const;

 private:
  int handle_;
};

// What ConvClient and MultiClient (multi_client.h) share: the page's pool, the image its workers hold,
// and the page's counts.
namespace pool_link {
int new_slot();
bool results_held();  // ConvClient::hold_results
void busy_changed(bool was_busy, bool busy);
void add_copy_ms(double ms);
// Owns handle `handle` of values held in the pool: the last owner gives them back to the workers.
std::shared_ptr<const int> hold_values(int handle);
// Runs copy() (a LazyTensor's fill from the pool), counted and timed (ConvClient::values_copied, copy_ms).
void copy_values(const std::function<void()>& copy);
// Value (c, y, x) of output `output` of held result `handle`, read where it is (LazyTensor::value).
float peek_value(int handle, int output, int c, int y, int x);
// Gives the workers `input` as generation `generation` unless they hold it: the whole image, or only the
// rectangle painting changed since the generation they hold (ConvClient::input_patched).
void send_input(const convlab::Tensor& input, int generation);
int finished(int slot);     // the id of slot's job the workers finished and nobody took yet; 0: none
void discard(int slot);     // drops that job's result
}  // namespace pool_link

// The bookkeeping both clients keep for their slot in the pool: the ids submitted and taken, what each job
// in the workers was asked with (Asked, until taken), and a result computed on the calling thread.
template <class Result, class Asked>
class PoolSlot {
 public:
  std::map<int, Asked> asked;
  std::optional<Result> ready;

  int slot() const { return slot_; }
  bool busy() const { return submitted_ > taken_; }
  // The id of a job being submitted (the client counts as busy from now on).
  int next_id() {
    pool_link::busy_changed(busy(), true);
    return ++submitted_;
  }
  // The calling thread's result, taken.
  std::optional<Result> take_ready() {
    std::optional<Result> r = std::move(ready);
    ready.reset();
    set_taken(r->id);
    return r;
  }
  // The entry in `asked` of the job the workers finished, or asked.end(): none newer than the last taken,
  // or one not ours (cannot happen), dropped so that no frame waits for it.
  typename std::map<int, Asked>::iterator finished_job() {
    const int id = pool_link::finished(slot_);
    if (id <= taken_) return asked.end();
    const auto it = asked.find(id);
    if (it == asked.end()) pool_link::discard(slot_);
    return it;
  }
  // Job `id` was taken: it and every older one are done with.
  void taken(int id) {
    asked.erase(asked.begin(), asked.upper_bound(id));
    set_taken(id);
  }

 private:
  void set_taken(int id) {
    const bool was_busy = busy();
    taken_ = id;
    pool_link::busy_changed(was_busy, busy());
  }
  int slot_ = pool_link::new_slot();
  int submitted_ = 0, taken_ = 0;
};

struct ConvResult {
  int id = 0;
  ShownOutput output;     // with the colours of the job's display and channel
  double compute_ms = 0;  // the computation: the slowest worker's band, or the main thread's run_image_job
  int workers = 0;        // how many workers computed it (0: the main thread)
  std::string error;      // set when it failed: output.tensor is null
};

class ConvClient {
 public:
  using Job = ImageJob;
  using Result = ConvResult;
  // Starts `job` on `input` (its generation tells the workers when to take a new copy), after checking
  // its arguments here: a bad one throws convlab::Error at once, as conv2d would. Returns the job's id.
  int submit(const convlab::Tensor& input, int input_generation, const ImageJob& job);
  // The newest finished job not yet taken (older finished ones are dropped).
  std::optional<ConvResult> take();
  // A job was submitted whose result has not been taken.
  bool busy() const { return pool_.busy(); }

  // Milliseconds this thread has spent allocating and copying workers' values into its heap, since the
  // start (the page's frame statistics report it: what threads sharing memory would save).
  static double copy_ms();
  // How many workers' outputs had their values copied into this heap (each when first read), since the start.
  static int values_copied();

  // Workers in the page's pool (0: computing on the calling thread).
  static int workers();
  // Some client waits for a result (the page announces its first frame only once none does).
  static bool any_busy();
  // The app changed its input in place (painting): generation `to` differs from `from` only in `rect`.
  // When the workers hold `from` (or an earlier generation linked to `to` by such changes), submit sends
  // them only the changed rectangle instead of the whole image.
  static void input_patched(int from, int to, const PixelRect& rect);
  // The rectangle that turns generation `from` into `to`, if a chain of input_patched links them.
  static std::optional<PixelRect> patch_between(int from, int to);
  // The page replaced its pool (playground.setWorkers): jobs in the old one never finish, so every
  // PendingConv asks again for what it last asked.
  static void pool_replaced();
  static int pool_epoch();
  // Tests: while held, take() returns nothing, as if the workers were still computing; results wait
  // (the newest per client) until released.
  static void hold_results(bool hold);

 private:
  struct Asked {
    std::string display;
    int channel = -1;
    int c = 0, h = 0, w = 0;  // the output's shape
  };
  PoolSlot<ConvResult, Asked> pool_;
};


// What a lesson model keeps between asking for a convolution and showing it: the key it last asked for,
// what each job's result must be shown with (Meta: the weights, formulas, text worked out when asking),
// and the last error. The model's update():
//   conv_.ask(key, input, generation, [&] { ...; return std::pair{job, meta}; });  // a throw is a refusal
//   if (auto landed = conv_.take()) { adopt landed->result and landed->meta together }
// Client is ConvClient (one convolution) or MultiClient (a job of several outputs, multi_client.h).
template <class Meta, class Client = ConvClient>
class PendingConv {
 public:
  using Job = typename Client::Job;
  using Result = typename Client::Result;
  struct Landed {
    Result result;
    Meta meta;
  };

  // True when `key` differs from the key last asked for (a refused key is not tried every frame).
  bool new_key(const CacheKey& key) {
    if (!key_.empty() && key == key_ && epoch_ == ConvClient::pool_epoch()) return false;
    key_ = key;
    epoch_ = ConvClient::pool_epoch();
    error_.clear();
    return true;
  }
  // Throws convlab::Error for a bad argument, before anything is submitted.
  void submit(const convlab::Tensor& input, int generation, const Job& job, Meta meta) {
    meta_[client_.submit(input, generation, job)] = std::move(meta);
  }
  void refuse(std::string message) { error_ = std::move(message); }
  // new_key, then submit what make() returns ({ImageJob, Meta}); whatever throws (make or the job's
  // arguments) becomes error(), and the previous result stays.
  template <class Make>
  void ask(const CacheKey& key, const convlab::Tensor& input, int generation, Make&& make) {
    if (!new_key(key)) return;
    try {
      auto [job, meta] = make();
      submit(input, generation, job, std::move(meta));
    } catch (const std::exception& e) {
      refuse(e.what());
    }
  }
  // Jobs asked for and not landed will not be shown (a newer setting was computed elsewhere).
  void drop_pending() { meta_.clear(); }
  // The newest finished result to show, with its meta; a failed job's message becomes error() instead.
  std::optional<Landed> take() {
    std::optional<Result> r = client_.take();
    if (!r) return std::nullopt;
    std::optional<Landed> landed;
    const auto meta = meta_.find(r->id);
    if (!r->error.empty()) {
      error_ = r->error;
    } else if (meta != meta_.end()) {
      landed = Landed{std::move(*r), std::move(meta->second)};
    }
    meta_.erase(meta_.begin(), meta_.upper_bound(landed ? landed->result.id : r->id));
    return landed;
  }
  bool busy() const { return client_.busy(); }
  const std::string& error() const { return error_; }

 private:
  Client client_;
  CacheKey key_;
  int epoch_ = 0;
  std::map<int, Meta> meta_;  // by job id, until its result (or a newer one) is taken
  std::string error_;
};
