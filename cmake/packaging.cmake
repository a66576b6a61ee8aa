# Where an installed caora's files go (FHS on Linux), and the .deb CPack makes
# from them (scripts/package.sh). Recipes and the unit table are built into the
# binary; the copies under share/caora/ are there for `--recipes` and for reading.

# Man pages: gzipped as Debian policy asks (-n: no name or time inside, so two
# builds of the same pages give the same package).
file(GLOB caora_man_pages CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.1 ${CMAKE_SOURCE_DIR}/man/*.5)
find_program(GZIP_PROGRAM gzip)
if(GZIP_PROGRAM AND NOT WIN32)
  set(caora_man_gz "")
  foreach(page ${caora_man_pages})
    get_filename_component(name ${page} NAME)
    set(gz ${CMAKE_BINARY_DIR}/man-gz/${name}.gz)
    add_custom_command(OUTPUT ${gz}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man-gz
      COMMAND ${GZIP_PROGRAM} -9n -c ${page} > ${gz}.tmp
      COMMAND ${CMAKE_COMMAND} -E rename ${gz}.tmp ${gz}
      DEPENDS ${page} VERBATIM)
    list(APPEND caora_man_gz ${gz})
  endforeach()
  add_custom_target(caora_man_gz ALL DEPENDS ${caora_man_gz})
  install(DIRECTORY ${CMAKE_BINARY_DIR}/man-gz/ DESTINATION share/man/man1 FILES_MATCHING PATTERN "*.1.gz")
  install(DIRECTORY ${CMAKE_BINARY_DIR}/man-gz/ DESTINATION share/man/man5 FILES_MATCHING PATTERN "*.5.gz")
else()
  install(DIRECTORY man/ DESTINATION share/man/man1 FILES_MATCHING PATTERN "*.1")
  install(DIRECTORY man/ DESTINATION share/man/man5 FILES_MATCHING PATTERN "*.5")
endif()

# Completions where bash-completion, zsh and fish look for a vendor's; PowerShell
# has no such place, so its script is installed with caora's data for a profile to
# dot-source.
install(FILES completions/caora.bash DESTINATION share/bash-completion/completions RENAME caora)
install(FILES completions/_caora DESTINATION share/zsh/vendor-completions)
install(FILES completions/caora.fish DESTINATION share/fish/vendor_completions.d)
install(FILES completions/caora.ps1 DESTINATION share/caora)
install(DIRECTORY recipes/ DESTINATION share/caora/recipes)
install(FILES data/units.json data/site-profile.json data/face-models.sha256 NOTICE DESTINATION share/caora)

# The face self-test's model files, from the folder scripts/face-models.sh filled
# (checked there against data/face-models.sha256). The 68-landmark model stays
# Debian's (libdlib-data): a link to it, not a second 100 MB copy.
set(CAORA_PACKAGE_MODELS_DIR "" CACHE PATH "Folder with the face model files to install (default: CAORA_MODELS_DIR, else /usr/local/share/caora/models)")
set(caora_package_depends "")
if(TARGET caora_selftest)
  set(models_dir "${CAORA_PACKAGE_MODELS_DIR}")
  if(NOT models_dir)
    if(DEFINED ENV{CAORA_MODELS_DIR})
      set(models_dir "$ENV{CAORA_MODELS_DIR}")
    else()
      set(models_dir /usr/local/share/caora/models)
    endif()
  endif()
  set(model_files face_recognition_model.bin face_recognition_model-weights_manifest.json face-api.LICENSE)
  set(have_models TRUE)
  foreach(f ${model_files})
    if(NOT EXISTS ${models_dir}/${f})
      set(have_models FALSE)
    endif()
  endforeach()
  if(have_models)
    foreach(f ${model_files})
      install(FILES ${models_dir}/${f} DESTINATION share/caora/models)
    endforeach()
    install(CODE "file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/caora/models\")
      file(CREATE_LINK /usr/share/dlib/shape_predictor_68_face_landmarks.dat
           \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/caora/models/shape_predictor_68_face_landmarks.dat\" SYMBOLIC)")
    set(caora_package_depends "libdlib-data")
  else()
    message(WARNING "face model files not found in ${models_dir} (scripts/face-models.sh installs them): "
                    "the package will not carry them")
  endif()
endif()

set(CPACK_PACKAGE_NAME caora)
set(CPACK_PACKAGE_VENDOR "caora")
set(CPACK_PACKAGE_CONTACT "caora maintainers <caora@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "install and support the Caora face-recognition card reader")
set(CPACK_PACKAGE_DESCRIPTION "caora checks, diagnoses and repairs the Caora face-recognition card reader\n"
    "and its software on the terminals used for online health-insurance\nqualification checks, from recipes built into the binary.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Dependencies from the libraries caora and caora-selftest actually link
# (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${caora_package_depends}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
