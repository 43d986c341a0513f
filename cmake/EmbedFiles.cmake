# herald_embed_files(<target> ROOT <dir> NAMESPACE <c++ namespace> FUNCTION <name> GLOBS <glob>...)
# Builds a static library <target> whose one generated source defines
#   std::span<const herald::EmbeddedFile> <namespace>::<name>();
# holding every file under ROOT that matches a glob, with its path relative to ROOT, sorted by
# path. The source is regenerated when a file changes or one is added or removed.
function(herald_embed_files target)
  cmake_parse_arguments(EMBED "" "ROOT;NAMESPACE;FUNCTION" "GLOBS" ${ARGN})
  set(patterns)
  foreach(glob ${EMBED_GLOBS})
    list(APPEND patterns ${EMBED_ROOT}/${glob})
  endforeach()
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${patterns})
  list(SORT files)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${target}_files.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DROOT=${EMBED_ROOT} -DOUTPUT=${output} -DNAMESPACE=${EMBED_NAMESPACE}
            -DFUNCTION=${EMBED_FUNCTION} "-DFILES=${files}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_files_script.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files_script.cmake
    COMMENT "Embedding ${target} (${EMBED_ROOT})"
    VERBATIM)
  add_library(${target} STATIC ${output})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()
