// An RGBA8 WebGL texture that can be re-uploaded in place; nearest filtering so zoomed pixels stay crisp.
#pragma once
#include <GLES3/gl3.h>

#include <cstdint>

class PooledRgba;

class Texture {
 public:
  Texture() = default;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  ~Texture();

  void upload(const std::uint8_t* rgba, int width, int height);
  // The same from a worker's result, straight from the buffers it transferred (conv_client.h).
  void upload(const PooledRgba& rgba, int width, int height);
  // Replaces the w x h pixels at (x, y) of the uploaded texture (which must contain them).
  void upload_rect(const std::uint8_t* rgba, int x, int y, int w, int h);
  // Milliseconds spent uploading textures of images, since the start (the page's frame statistics).
  static double upload_ms();
  bool valid() const { return id_ != 0 && width_ > 0; }
  void* imgui_id() const { return reinterpret_cast<void*>(static_cast<std::intptr_t>(id_)); }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  GLuint id_ = 0;
  int width_ = 0, height_ = 0;
};
