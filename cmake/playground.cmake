# The playground page: Dear ImGui 1.86 + SDL2 2.26 (both built from Debian's source packages by
# tools/setup.sh) + WebGL2, linked with the core into playground.js/.wasm in build/site.
set(IMGUI_DIR "${CONVLAB_DEPS_DIR}/imgui-1.86")
set(SDL2_WASM_DIR "${CONVLAB_DEPS_DIR}/sdl2-wasm")
if(NOT EXISTS "${IMGUI_DIR}/imgui.cpp" OR NOT EXISTS "${SDL2_WASM_DIR}/lib/libSDL2.a")
  message(FATAL_ERROR "Dear ImGui or SDL2 for wasm missing under ${CONVLAB_DEPS_DIR}: run tools/setup.sh first")
endif()

add_library(imgui STATIC
  "${IMGUI_DIR}/imgui.cpp" "${IMGUI_DIR}/imgui_draw.cpp" "${IMGUI_DIR}/imgui_tables.cpp"
  "${IMGUI_DIR}/imgui_widgets.cpp" "${IMGUI_DIR}/backends/imgui_impl_sdl.cpp")
target_include_directories(imgui PUBLIC "${IMGUI_DIR}" "${IMGUI_DIR}/backends" "${SDL2_WASM_DIR}/include/SDL2")
# Input goes through imgui_impl_sdl; drawing through our own web/webgl_renderer.cpp (WebGL2, no state
# queries), not imgui_impl_opengl3.
target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
target_compile_options(imgui PRIVATE -fexceptions)

file(GLOB CONVLAB_WEB_SOURCES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/web/*.cpp" "${CMAKE_SOURCE_DIR}/web/lessons/*.cpp")
list(REMOVE_ITEM CONVLAB_WEB_SOURCES ${CONVLAB_WEB_STATE_SOURCES})  # compiled once in convlab_web_state_wasm
add_executable(playground ${CONVLAB_WEB_SOURCES})
target_include_directories(playground PRIVATE "${CMAKE_SOURCE_DIR}/web" "${CMAKE_SOURCE_DIR}/web/lessons")
target_compile_options(playground PRIVATE ${CONVLAB_WASM_FLAGS} -Wall -Wextra)
target_link_libraries(playground PRIVATE convlab_web_state_wasm convlab_core imgui "${SDL2_WASM_DIR}/lib/libSDL2.a")
target_link_options(playground PRIVATE
  -fexceptions -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB -sABORTING_MALLOC=0
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2 --bind
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createPlayground -sENVIRONMENT=web
  -sEXPORTED_RUNTIME_METHODS=FS
  "--preload-file=${CMAKE_SOURCE_DIR}/assets/fonts@/fonts")
if(CONVLAB_PROFILING)
  target_link_options(playground PRIVATE --profiling-funcs)  # names in the wasm: no effect on speed, a bigger file
endif()
set_target_properties(playground PROPERTIES SUFFIX ".js" RUNTIME_OUTPUT_DIRECTORY "${CONVLAB_SITE_DIR}")

# Static files of the site, copied on every build (cheap; copy_if_different keeps timestamps).
add_custom_target(site_files ALL
  COMMAND ${CMAKE_COMMAND} -E copy_directory "${CMAKE_SOURCE_DIR}/web/static" "${CONVLAB_SITE_DIR}"
  COMMAND ${CMAKE_COMMAND} -E copy_directory "${CMAKE_SOURCE_DIR}/assets/images" "${CONVLAB_SITE_DIR}/assets/images"
  COMMAND ${CMAKE_COMMAND} -E copy_if_different "${CMAKE_SOURCE_DIR}/wasm/convlab.mjs" "${CMAKE_SOURCE_DIR}/wasm/convlab.d.ts" "${CONVLAB_SITE_DIR}/"
  VERBATIM)

# The compute workers' module (web/static/compute_worker.js loads it, one instance per worker): the core
# and web/image_job.cpp and multi_job.cpp, with C entry points; no ImGui, SDL or embind.
add_executable(compute_worker "${CMAKE_SOURCE_DIR}/web/worker/compute_worker.cpp" "${CMAKE_SOURCE_DIR}/web/image_job.cpp"
  "${CMAKE_SOURCE_DIR}/web/multi_job.cpp" "${CMAKE_SOURCE_DIR}/web/display_choice.cpp")
target_include_directories(compute_worker PRIVATE "${CMAKE_SOURCE_DIR}/web")
target_compile_options(compute_worker PRIVATE ${CONVLAB_WASM_FLAGS} -Wall -Wextra)
target_link_libraries(compute_worker PRIVATE convlab_core)
target_link_options(compute_worker PRIVATE
  -fexceptions -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB -sABORTING_MALLOC=0
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createComputeWorker -sENVIRONMENT=worker -sFILESYSTEM=0
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString)
set_target_properties(compute_worker PROPERTIES OUTPUT_NAME convlab_worker SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY "${CONVLAB_SITE_DIR}")
