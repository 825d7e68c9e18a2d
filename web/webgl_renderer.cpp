#include "webgl_renderer.h"

#include <GLES3/gl3.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "imgui.h"

namespace webgl_renderer {
namespace {

struct Objects {
  GLuint program = 0, vao = 0, vbo = 0, ebo = 0, font = 0;
  GLint u_scale = -1, u_offset = -1, u_texture = -1;
  std::vector<ImDrawVert> vertices;  // every draw list of a frame, back to back: one upload per buffer
  std::vector<ImDrawIdx> indices;
} g;

// Positions are ImGui's display coordinates (origin top-left, y down); scale and offset map them to
// clip space, so no matrix is needed.
const char* kVertexShader = R"(#version 300 es
uniform vec2 u_scale;
uniform vec2 u_offset;
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_colour;
out vec2 v_uv;
out vec4 v_colour;
void main() {
  v_uv = a_uv;
  v_colour = a_colour;
  gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0);
}
)";

const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D u_texture;
in vec2 v_uv;
in vec4 v_colour;
out vec4 o_colour;
void main() { o_colour = v_colour * texture(u_texture, v_uv); }
)";

GLuint compile(GLenum kind, const char* source) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = "";
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    std::fprintf(stderr, "webgl_renderer: %s shader: %s\n", kind == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
  }
  return shader;
}

// The vertex layout of ImDrawVert from `first_vertex` on: 16-bit indices cannot address more than 64K
// vertices and WebGL2 has no base-vertex draw, so each draw list points the attributes at its own vertices.
void point_attributes(std::size_t first_vertex) {
  const std::size_t base = first_vertex * sizeof(ImDrawVert);
  const auto at = [base](std::size_t field) { return reinterpret_cast<const void*>(base + field); };
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, col)));
}

void setup_state(const ImDrawData* data) {
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glUseProgram(g.program);
  const ImVec2 pos = data->DisplayPos, size = data->DisplaySize;
  glUniform2f(g.u_scale, 2.0f / size.x, -2.0f / size.y);
  glUniform2f(g.u_offset, -1.0f - 2.0f * pos.x / size.x, 1.0f + 2.0f * pos.y / size.y);
  glUniform1i(g.u_texture, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
}

}  // namespace

bool init() {
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "convlab_webgl2";
  const GLuint vs = compile(GL_VERTEX_SHADER, kVertexShader), fs = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  g.program = glCreateProgram();
  glAttachShader(g.program, vs);
  glAttachShader(g.program, fs);
  glLinkProgram(g.program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(g.program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[1024] = "";
    glGetProgramInfoLog(g.program, sizeof log, nullptr, log);
    std::fprintf(stderr, "webgl_renderer: link: %s\n", log);
    return false;
  }
  g.u_scale = glGetUniformLocation(g.program, "u_scale");
  g.u_offset = glGetUniformLocation(g.program, "u_offset");
  g.u_texture = glGetUniformLocation(g.program, "u_texture");

  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vbo);
  glGenBuffers(1, &g.ebo);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.ebo);  // part of the vertex array's state from here on
  for (GLuint i = 0; i < 3; ++i) glEnableVertexAttribArray(i);
  glBindVertexArray(0);
  return true;
}

void new_frame() {
  if (g.font) return;
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  glGenTextures(1, &g.font);
  glBindTexture(GL_TEXTURE_2D, g.font);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(g.font)));
}

void render(const ImDrawData* data) {
  const float fb_w = data->DisplaySize.x * data->FramebufferScale.x;
  const float fb_h = data->DisplaySize.y * data->FramebufferScale.y;
  if (fb_w <= 0 || fb_h <= 0 || data->TotalVtxCount == 0) return;

  g.vertices.clear();
  g.indices.clear();
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    g.vertices.insert(g.vertices.end(), list->VtxBuffer.begin(), list->VtxBuffer.end());
    g.indices.insert(g.indices.end(), list->IdxBuffer.begin(), list->IdxBuffer.end());
  }
  setup_state(data);
  // Whole-buffer uploads: the driver may hand out fresh storage instead of waiting on the last frame's.
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(g.vertices.size() * sizeof(ImDrawVert)), g.vertices.data(), GL_STREAM_DRAW);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(g.indices.size() * sizeof(ImDrawIdx)), g.indices.data(), GL_STREAM_DRAW);

  const ImVec2 clip_off = data->DisplayPos, clip_scale = data->FramebufferScale;
  GLuint bound_texture = 0;
  std::size_t first_vertex = 0, first_index = 0;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    point_attributes(first_vertex);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
          setup_state(data);
          point_attributes(first_vertex);
          bound_texture = 0;
        } else {
          cmd.UserCallback(list, &cmd);
        }
        continue;
      }
      const float x0 = (cmd.ClipRect.x - clip_off.x) * clip_scale.x, y0 = (cmd.ClipRect.y - clip_off.y) * clip_scale.y;
      const float x1 = (cmd.ClipRect.z - clip_off.x) * clip_scale.x, y1 = (cmd.ClipRect.w - clip_off.y) * clip_scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      glScissor(int(x0), int(fb_h - y1), int(x1 - x0), int(y1 - y0));
      const GLuint texture = GLuint(reinterpret_cast<std::intptr_t>(cmd.GetTexID()));
      if (texture != bound_texture) {
        glBindTexture(GL_TEXTURE_2D, texture);
        bound_texture = texture;
      }
      glDrawElements(GL_TRIANGLES, GLsizei(cmd.ElemCount), sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     reinterpret_cast<const void*>((first_index + cmd.IdxOffset) * sizeof(ImDrawIdx)));
    }
    first_vertex += std::size_t(list->VtxBuffer.Size);
    first_index += std::size_t(list->IdxBuffer.Size);
  }
  glBindVertexArray(0);  // other GL code (texture uploads) starts from no vertex array bound
}

void shutdown() {
  if (g.font) glDeleteTextures(1, &g.font);
  glDeleteBuffers(1, &g.vbo);
  glDeleteBuffers(1, &g.ebo);
  glDeleteVertexArrays(1, &g.vao);
  glDeleteProgram(g.program);
  ImGui::GetIO().Fonts->SetTexID(nullptr);
  g = Objects{};
}

}  // namespace webgl_renderer
