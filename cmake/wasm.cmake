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

# ---- the page's state, URL keys and lessons' models, compiled once for the playground and lesson_pages --
# (an object library: every model's static registration is linked, none is dropped as unused)
add_library(convlab_web_state_wasm OBJECT ${CONVLAB_WEB_STATE_SOURCES})
target_include_directories(convlab_web_state_wasm PUBLIC "${CMAKE_SOURCE_DIR}/web" "${CMAKE_SOURCE_DIR}/web/lessons")
target_compile_options(convlab_web_state_wasm PRIVATE ${CONVLAB_WASM_FLAGS} -Wall -Wextra)
target_link_libraries(convlab_web_state_wasm PUBLIC convlab_core)

# ---- the playground page: Dear ImGui + SDL2 + WebGL2 ------------------------------------------------
include("${CMAKE_SOURCE_DIR}/cmake/playground.cmake")

# ---- the per-lesson files: oEmbed JSON and discovery pages, from the lesson registry -----------------
# A small wasm program with the lessons' models (web/site/lesson_pages_main.cpp), run under Node at build
# time; it runs again whenever a lesson's registration (or the public URL) changes. oEmbed's HTML goes
# into other sites' pages, so its addresses are absolute: set CONVLAB_PUBLIC_URL to where the site is hosted.
set(CONVLAB_PUBLIC_URL "http://127.0.0.1:8000/" CACHE STRING "The address the site is served from (absolute, for oEmbed)")
set(CONVLAB_SITE_TOOLS_DIR "${CMAKE_BINARY_DIR}/site_tools")
file(WRITE "${CONVLAB_SITE_TOOLS_DIR}/package.json" "{\"type\": \"commonjs\"}\n")  # the repository's is "module"
add_executable(lesson_pages "${CMAKE_SOURCE_DIR}/web/site/lesson_pages_main.cpp" "${CMAKE_SOURCE_DIR}/web/site/lesson_pages.cpp")
target_include_directories(lesson_pages PRIVATE "${CMAKE_SOURCE_DIR}/web/site")
target_compile_options(lesson_pages PRIVATE ${CONVLAB_WASM_FLAGS})
target_link_libraries(lesson_pages PRIVATE convlab_web_state_wasm convlab_core)
# SINGLE_FILE: the wasm inside the .js, so that Node never fetch()es it (Emscripten 3.1.6 would, and fail).
target_link_options(lesson_pages PRIVATE -fexceptions -sENVIRONMENT=node -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -sSINGLE_FILE=1)
set_target_properties(lesson_pages PROPERTIES SUFFIX ".js" RUNTIME_OUTPUT_DIRECTORY "${CONVLAB_SITE_TOOLS_DIR}")
add_custom_command(OUTPUT "${CONVLAB_SITE_TOOLS_DIR}/lesson_pages.stamp"
  COMMAND ${CMAKE_COMMAND} -E rm -rf "${CONVLAB_SITE_DIR}/oembed" "${CONVLAB_SITE_DIR}/lessons"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${CONVLAB_SITE_DIR}/oembed" "${CONVLAB_SITE_DIR}/lessons"
  COMMAND ${CMAKE_CROSSCOMPILING_EMULATOR} "$<TARGET_FILE:lesson_pages>" "${CONVLAB_SITE_DIR}" "${CONVLAB_PUBLIC_URL}"
  COMMAND ${CMAKE_COMMAND} -E touch "${CONVLAB_SITE_TOOLS_DIR}/lesson_pages.stamp"
  DEPENDS lesson_pages
  COMMENT "Writing the oEmbed JSON and page of every lesson"
  VERBATIM)
add_custom_target(lesson_pages_site ALL DEPENDS "${CONVLAB_SITE_TOOLS_DIR}/lesson_pages.stamp")
