#include "texture.h"

#include <emscripten.h>

#include "conv_client.h"

namespace {
double g_upload_ms = 0;

// Adds the time of the enclosing scope to g_upload_ms.
struct UploadTimer {
  double t0 = emscripten_get_now();
  ~UploadTimer() { g_upload_ms += emscripten_get_now() - t0; }
};
}  // namespace

double Texture::upload_ms() { return g_upload_ms; }

Texture::~Texture() {
  if (id_) glDeleteTextures(1, &id_);
}

void Texture::upload(const std::uint8_t* rgba, int width, int height) {
  UploadTimer timer;
  if (!id_) glGenTextures(1, &id_);
  glBindTexture(GL_TEXTURE_2D, id_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (width != width_ || height != height_) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    width_ = width;
    height_ = height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  }
}

void Texture::upload(const PooledRgba& rgba, int width, int height) {
  UploadTimer timer;
  if (!id_ || width != width_ || height != height_) upload(nullptr, width, height);  // storage of that size
  rgba.upload(id_);
}

void Texture::upload_rect(const std::uint8_t* rgba, int x, int y, int w, int h) {
  if (!id_ || x < 0 || y < 0 || w < 1 || h < 1 || x + w > width_ || y + h > height_) return;
  UploadTimer timer;
  glBindTexture(GL_TEXTURE_2D, id_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexSubImage2D(GL_TEXTURE_2D, 0, x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}
