// The playground application: owns the learner's state, the loaded image and the views, and draws one
// ImGui frame at a time. A singleton because the JS bridge and the main loop both reach it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensor.h"
#include "texture.h"

class App {
 public:
  static App& instance();
  void init();
  void frame();

  // From the page's JS: a decoded image, RGBA8 row-major.
  void set_image(const std::string& name, int width, int height, std::vector<std::uint8_t> rgba);

 private:
  void recompute();

  std::string image_name_;
  convlab::Tensor input_;
  convlab::Tensor output_;
  Texture input_texture_, output_texture_;
  int kernel_size_ = 3;
  bool dirty_ = false;
  bool announced_first_frame_ = false;
  std::string error_;
};
