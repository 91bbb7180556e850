# Sourced by the scripts: installs a Debian package when something is missing and we are root,
# otherwise says exactly what to install. CI runs on a fresh machine, so nothing may be assumed.
need() {
  local check="$1" package="$2"
  if eval "$check" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "worcr: installing $package (apt-get)..." >&2
    if [ -z "${WORCR_APT_UPDATED:-}" ]; then apt-get update -qq >&2; export WORCR_APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    eval "$check" >/dev/null 2>&1 && return 0
  fi
  echo "worcr: $package is required. Install it (Debian: sudo apt-get install $package) and run again." >&2
  exit 1
}
