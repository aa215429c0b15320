# One INTERFACE target carries every warning and instrumentation flag so each
# Chief target opts in with a single link and third-party code stays untouched.
add_library(chief_compiler_flags INTERFACE)
target_compile_options(chief_compiler_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2)
if(CHIEF_WERROR)
  target_compile_options(chief_compiler_flags INTERFACE -Werror)
endif()
if(CHIEF_SANITIZE)
  target_compile_options(chief_compiler_flags INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(chief_compiler_flags INTERFACE -fsanitize=address,undefined)
endif()
if(CHIEF_BUILD_FUZZ)
  # Coverage instrumentation for everything; only the fuzz targets link the libFuzzer driver.
  target_compile_options(chief_compiler_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
