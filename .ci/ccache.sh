# Sourced by .ci/run and .ci/start: compile through ccache (in .ci/packages), so that a clone on a
# machine that has built dnsd before compiles only what changed. Paths are hashed relative to the
# clone (CCACHE_BASEDIR) and the build folder's path is not hashed (CCACHE_NOHASHDIR), so any
# folder hits; the objects are the same as a plain build's. Without ccache: plain builds.
ccache_launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
  ccache_launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
