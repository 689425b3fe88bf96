# herald_add_plugin(<name> SOURCES <files…> SCHEMA <schema.json> [DOCUMENTATION <README.md>]
#                   [OUTPUT_DIRECTORY <dir>])
#
# Builds <name>.so, a Herald plugin. schema.json and the documentation are compiled into the
# library: include <herald_plugin_files.hpp> and use herald_generated::schema_json /
# herald_generated::documentation in the plugin class.
set(_HERALD_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR} CACHE INTERNAL "where HeraldPlugin.cmake lives")

function(herald_add_plugin name)
  cmake_parse_arguments(ARG "" "SCHEMA;DOCUMENTATION;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "herald_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT ARG_SCHEMA)
    message(FATAL_ERROR "herald_add_plugin(${name}): SCHEMA is required (the plugin's schema.json)")
  endif()
  get_filename_component(schema ${ARG_SCHEMA} ABSOLUTE)
  set(HERALD_SCHEMA_FILE ${schema})
  file(READ ${schema} HERALD_SCHEMA_TEXT)
  set(HERALD_DOC_TEXT "")
  set(deps ${schema})
  if(ARG_DOCUMENTATION)
    get_filename_component(doc ${ARG_DOCUMENTATION} ABSOLUTE)
    file(READ ${doc} HERALD_DOC_TEXT)
    list(APPEND deps ${doc})
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${deps})
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_generated)
  configure_file(${_HERALD_PLUGIN_CMAKE_DIR}/herald_plugin_files.hpp.in ${gen_dir}/herald_plugin_files.hpp @ONLY)

  add_library(${name} MODULE ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${gen_dir})
  if(TARGET herald::sdk)
    target_link_libraries(${name} PRIVATE herald::sdk)
  endif()
  set_target_properties(${name} PROPERTIES PREFIX "" SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()
