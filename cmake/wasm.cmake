# The WebAssembly side of the build (included from CMakeLists.txt when EMSCRIPTEN is set).
# Everything the site needs lands in build/site: the JS API module, the playground page and its assets.
set(CONVLAB_SITE_DIR "${CMAKE_SOURCE_DIR}/build/site" CACHE PATH "The static site")
file(MAKE_DIRECTORY "${CONVLAB_SITE_DIR}")

# C++ exceptions cross no boundary (bindings catch them), but the core throws, so they must work.
set(CONVLAB_WASM_FLAGS -fexceptions -msimd128)
target_compile_options(convlab_core PRIVATE ${CONVLAB_WASM_FLAGS})
set(CONVLAB_WASM_LINK
  -fexceptions -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB -sABORTING_MALLOC=0
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sENVIRONMENT=web,worker -sFILESYSTEM=0)

# ---- the JS API module: convlab_core.mjs/.wasm (emscripten) + convlab.mjs (our wrapper) ------------
add_executable(convlab_core_js "${CMAKE_SOURCE_DIR}/wasm/bindings.cpp")
target_compile_options(convlab_core_js PRIVATE ${CONVLAB_WASM_FLAGS})
target_link_libraries(convlab_core_js PRIVATE convlab_core)
target_link_options(convlab_core_js PRIVATE ${CONVLAB_WASM_LINK} --bind -sEXPORT_NAME=createConvLabCore)
set_target_properties(convlab_core_js PROPERTIES OUTPUT_NAME convlab_core SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY "${CONVLAB_SITE_DIR}")

# ---- the playground page: Dear ImGui + SDL2 + WebGL2 ------------------------------------------------
include("${CMAKE_SOURCE_DIR}/cmake/playground.cmake")
