# The SDK as a third party uses it (nlohmann's cmake_import test): install the build tree into a
# prefix, configure sdk/examples/hello_notifier with find_package(herald-sdk), build it, and check
# that the plugin it produces exports the entry symbol.
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component Unspecified)
foreach(f include/herald/abi.h include/herald/sdk.hpp lib/cmake/herald-sdk/herald-sdkConfig.cmake
          lib/cmake/herald-sdk/HeraldPlugin.cmake bin/heraldd lib/herald/plugins/rest.so etc/herald/server.yaml)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "install layout: ${prefix}/${f} is missing")
  endif()
endforeach()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/sdk/examples/hello_notifier -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
if(NOT EXISTS ${WORK_DIR}/build/hello.so)
  message(FATAL_ERROR "the example did not produce hello.so")
endif()
execute_process(COMMAND nm -D --defined-only ${WORK_DIR}/build/hello.so OUTPUT_VARIABLE symbols)
if(NOT symbols MATCHES "herald_plugin_entry")
  message(FATAL_ERROR "hello.so does not export herald_plugin_entry:\n${symbols}")
endif()
# The installed heraldd must find its bundled plugins with the sample config unchanged, and load
# the example plugin built against the installed SDK.
file(COPY ${WORK_DIR}/build/hello.so DESTINATION ${prefix}/lib/herald/plugins)
run(${prefix}/bin/heraldd --list-plugins)
execute_process(COMMAND ${prefix}/bin/heraldd --list-plugins OUTPUT_VARIABLE listing)
if(NOT listing MATCHES "hello +notifier" OR NOT listing MATCHES "rest +service")
  message(FATAL_ERROR "the installed heraldd did not list rest and hello:\n${listing}")
endif()
message(STATUS "sdk consumer: OK")
