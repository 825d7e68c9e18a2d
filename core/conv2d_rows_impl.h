// The pass kernels of conv2d_rows.h, compiled once per instruction set: conv2d_rows.cpp includes this
// file several times, each inside its own namespace (CONVLAB_ROWS_NS) and target region.
// No include guard on purpose.

namespace CONVLAB_ROWS_NS {

// Two partial sums (even and odd taps) halve the floating-point dependency chain per output element,
// so the out-of-order core keeps enough iterations in flight; then base + (s0 + s1).
template <int NT, bool ACC>
void pass(float* CONVLAB_RESTRICT out, const float* const* ptrs, const float* wts, int n, float bias) noexcept {
  const float* p[NT];
  float w[NT];
  for (int t = 0; t < NT; ++t) {
    p[t] = ptrs[t];
    w[t] = wts[t];
  }
  CONVLAB_IVDEP
  for (int x = 0; x < n; ++x) {
    float s0 = w[0] * p[0][x];
    if constexpr (NT == 1) {
      out[x] = (ACC ? out[x] : bias) + s0;
    } else {
      float s1 = w[1] * p[1][x];
      CONVLAB_UNROLL
      for (int t = 2; t < NT; t += 2) {
        s0 = CONVLAB_MADD(w[t], p[t][x], s0);
        if (t + 1 < NT) s1 = CONVLAB_MADD(w[t + 1], p[t + 1][x], s1);
      }
      out[x] = (ACC ? out[x] : bias) + (s0 + s1);
    }
  }
}

template <int... NT>
PassTable make_table(const char* isa, std::integer_sequence<int, NT...>) {
  return PassTable{isa, {nullptr, &pass<NT + 1, false>...}, {nullptr, &pass<NT + 1, true>...}};
}

}  // namespace CONVLAB_ROWS_NS
