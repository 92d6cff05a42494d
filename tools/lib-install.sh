# shellcheck shell=bash
# Sourced by ./jbang, tools/install-kernel and tests/run-all: logging, Maven, and keeping the
# den4j library installed and fresh in the local Maven repository (~/.m2), where JBang's
# //DEPS and the notebook kernel find it.
#
# The caller sets DEN4J_ROOT (the repo root) before sourcing. Everything here prints to stderr:
# the stdout of scripts is a contract (e.g. `den fetch` prints only a path).

DEN4J_STATE_DIR="$DEN4J_ROOT/.jbang-cli"
# Touched when `mvn install` of the library starts; moved into place when it succeeds.
DEN4J_LIB_STAMP="$DEN4J_STATE_DIR/lib-installed.stamp"

# The local Maven repository as Maven and JBang see it: Java takes user.home from the password
# database, not from $HOME, and ~/.m2/settings.xml may move the repository.
den4j_m2_repo() {
  local home settings repo=""
  home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)
  [[ -n "$home" ]] || home=$HOME
  settings="$home/.m2/settings.xml"
  if [[ -f "$settings" ]]; then
    repo=$(sed -n 's|.*<localRepository>[[:space:]]*\([^<]*[^<[:space:]]\)[[:space:]]*</localRepository>.*|\1|p' "$settings" | head -n 1)
    # shellcheck disable=SC2016 # the literal Maven expression ${user.home}
    repo=${repo//'${user.home}'/$home}
  fi
  echo "${repo:-$home/.m2/repository}"
}

DEN4J_M2_REPO="${DEN4J_M2_REPO:-$(den4j_m2_repo)}"

den4j_log() {
  echo "[den4j] $*" >&2
}

den4j_die() {
  echo "[den4j] error: $*" >&2
  exit 1
}

den4j_require_mvn() {
  command -v mvn >/dev/null 2>&1 \
    || den4j_die "Maven (mvn) is not on PATH. Install Maven 3.8+ (Debian: apt-get install maven;" \
                 "conda: conda env create -f environment.yml) and run again."
}

# Runs Maven with its output on stderr. Debian's Maven 3.8.7 prints bare ESC[0m resets even
# with -B and style.color=never; drop them so logs stay plain text. Maven uses DEN4J_M2_REPO, the
# repository JBang and the kernel read, also when it names another one than ~/.m2.
den4j_mvn() {
  mvn -B -Dstyle.color=never -Dmaven.repo.local="$DEN4J_M2_REPO" "$@" 2>&1 | sed 's/\x1b\[0m//g' >&2
  return "${PIPESTATUS[0]}"
}

# Takes an exclusive lock on $DEN4J_STATE_DIR/$1.lock on file descriptor 9, so that two
# concurrent runs do not install or download at the same time. No-op without flock(1).
den4j_lock() {
  mkdir -p "$DEN4J_STATE_DIR"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$DEN4J_STATE_DIR/$1.lock"
  flock 9
}

# Releases the lock; call before exec so the launched program does not inherit it.
den4j_unlock() {
  exec 9>&-
}

# Module folders under lib/ that the root pom lists, one per line (e.g. lib/den).
den4j_lib_modules() {
  sed -n 's|.*<module>[[:space:]]*\(lib/[^<[:space:]]*\)[[:space:]]*</module>.*|\1|p' "$DEN4J_ROOT/pom.xml"
}

# Succeeds when the library must be (re)installed: no stamp yet, a pom or a file or folder
# under lib/**/src changed after the stamp (folders catch deleted and renamed files), or the
# den4j artifacts are missing from the local repository.
den4j_lib_is_stale() {
  [[ -f "$DEN4J_LIB_STAMP" ]] || return 0
  [[ "$DEN4J_ROOT/pom.xml" -nt "$DEN4J_LIB_STAMP" ]] && return 0
  if [[ -d "$DEN4J_M2_REPO" && ! -d "$DEN4J_M2_REPO/org/den4j" ]]; then
    return 0
  fi
  local changed
  changed=$(find "$DEN4J_ROOT/lib" -name target -prune \
      -o \( -path '*/src' -o -path '*/src/*' -o -name pom.xml \) -newer "$DEN4J_LIB_STAMP" -print -quit 2>/dev/null)
  [[ -n "$changed" ]]
}

# Installs the library (all modules but the end-to-end tests, tests skipped) into the local
# Maven repository when it is stale. DEN4J_SKIP_BUILD=1 skips the check.
den4j_ensure_lib_installed() {
  if [[ "${DEN4J_SKIP_BUILD:-0}" == 1 ]]; then
    return 0
  fi
  den4j_lock lib-install
  if den4j_lib_is_stale; then
    den4j_require_mvn
    local excludes=()
    if grep -q '<module>[[:space:]]*tests[[:space:]]*</module>' "$DEN4J_ROOT/pom.xml"; then
      excludes=(-pl '!tests')
    fi
    den4j_log "den4j library changed: mvn -q -DskipTests install ${excludes[*]} (DEN4J_SKIP_BUILD=1 skips this)"
    local started=$SECONDS
    touch "$DEN4J_LIB_STAMP.new"
    if ! (cd "$DEN4J_ROOT" && den4j_mvn -q -DskipTests install ${excludes[@]+"${excludes[@]}"}); then
      rm -f "$DEN4J_LIB_STAMP.new"
      den4j_unlock
      den4j_die "could not build and install the den4j library (Maven output above)." \
                "Fix the build, or set DEN4J_SKIP_BUILD=1 to use the den4j jars already in $DEN4J_M2_REPO."
    fi
    mv -f "$DEN4J_LIB_STAMP.new" "$DEN4J_LIB_STAMP"
    den4j_log "den4j library installed in $((SECONDS - started)) s"
  fi
  den4j_unlock
}
