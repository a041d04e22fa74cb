# Tests that build and run real containers with podman (label `containers`,
# also `buildpack`): tests/containers/dockerfile_test.sh builds the install
# docs' Dockerfiles (the release tarball's, and npm's from a local
# verdaccio), runs `slugwright release` in them against PostgreSQL, and
# starts several containers of one commit at once (docs/install.md
# "Containers", docs/platforms.md). Root only; skipped (77) without podman
# and runc (tools/install-deps test) or where podman cannot start a
# container. Included from the packaged-buildpack block of CMakeLists.txt,
# which sets SLUGWRIGHT_BUILDPACK_OUT.
add_test(NAME containers.dockerfile
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/containers/dockerfile_test.sh)
set_tests_properties(containers.dockerfile PROPERTIES
  FIXTURES_REQUIRED "slugwright_buildpack;slugwright_arm64"
  LABELS "containers;buildpack;postgres"
  SKIP_RETURN_CODE 77 TIMEOUT 1200
  ENVIRONMENT "SLUGWRIGHT_BUILDPACK_TGZ=${SLUGWRIGHT_BUILDPACK_OUT}/slugwright-buildpack-${PROJECT_VERSION}.tgz;SLUGWRIGHT_BIN=$<TARGET_FILE:slugwright>;SLUGWRIGHT_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
