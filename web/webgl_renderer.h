// Dear ImGui's draw lists on WebGL2 (our own renderer; Dear ImGui itself comes from Debian's source package):
// one program, one vertex array and two buffers made once and reused.
// It replaces imgui_impl_opengl3, whose RenderDrawData saves and restores the GL state around every frame
// with glGetIntegerv/glIsEnabled. In the browser each of those is a synchronous getParameter that waits
// for the GPU process to finish the previous frame (~60 ms in Chromium's software WebGL), so the main
// thread and the GPU never overlapped. The page owns its WebGL context, so nothing needs restoring: the
// renderer sets the state it needs on every frame and queries none. ImTextureID is a GL texture name.
#pragma once

struct ImDrawData;

namespace webgl_renderer {

// After ImGui::CreateContext, with the WebGL2 context current. False (and a message on stderr) if the
// shaders do not compile.
bool init();
// Before ImGui::NewFrame: uploads the font atlas the first time (fonts are added after init).
void new_frame();
void render(const ImDrawData* data);
void shutdown();

}  // namespace webgl_renderer
