#!/bin/sh
# BookIT releases on the deploy host (run there; scripts/deploy calls it over SSH).
#
#   <DEPLOY_PATH>/releases/<id>/   one directory per release: the tree rsynced by CI, no .git
#   <DEPLOY_PATH>/current          symlink to the release that runs
#   <DEPLOY_PATH>/shared/.env      the host's secrets, written once by the operator, never in git
#
#   release.sh activate <id>   render <id>/.env, start <id> with compose, point `current` at it
#   release.sh rollback        activate the release before the current one (no rebuild)
#   release.sh list            the kept releases, the running one marked with *
#
# Every release runs as the same compose project (`name: bookit`), so activating one recreates
# only the app containers whose image or settings changed; PostgreSQL, Redis, MinIO and their
# volumes keep running. Each release has its own image tag (bookit:<id>), kept as long as the
# release directory, so a rollback starts the old image at once instead of rebuilding it.
set -eu

KEEP_RELEASES="${KEEP_RELEASES:-5}"
# Physical paths: called as current/deploy/release.sh, `..` must not follow the symlink back.
here="$(cd -P "$(dirname "$0")/.." && pwd)"
base="${DEPLOY_PATH:-$(dirname "$(dirname "$here")")}"
releases="$base/releases"

die() { echo "release.sh: $*" >&2; exit 1; }

current_id() {
  [ -L "$base/current" ] || return 0
  basename "$(readlink "$base/current")"
}

# Release ids sort by age: <UTC timestamp>-<commit>.
release_ids() {
  for path in "$releases"/*; do
    name="${path##*/}"
    if [ -d "$path" ] && echo "$name" | grep -Eq '^[0-9]{14}-[0-9a-zA-Z._-]+$'; then
      echo "$name"
    fi
  done | sort
}

activate() {
  id="$1"
  dir="$releases/$id"
  [ -d "$dir" ] || die "no release $id in $releases"
  [ -f "$base/shared/.env" ] || die "missing $base/shared/.env: copy .env.example there and fill in the secrets (first deploy, docs/deployment.md)"
  # The release's .env: the host's secrets plus the image tag of this release (read by
  # docker-compose.yml), so `cd current && docker compose ps|logs|exec` needs nothing else.
  umask 077
  { grep -v '^BOOKIT_RELEASE=' "$base/shared/.env" || true; echo "BOOKIT_RELEASE=$id"; } > "$dir/.env.tmp"
  mv -f "$dir/.env.tmp" "$dir/.env"
  cd "$dir"
  build=""
  docker image inspect "bookit:$id" >/dev/null 2>&1 || build="--build"
  # No `docker compose down` first: it would stop PostgreSQL, Redis and MinIO too, a full outage
  # for nothing. `up -d` replaces what changed; --remove-orphans drops services a release removed.
  # shellcheck disable=SC2086
  docker compose up -d $build --remove-orphans
  # Switched only once the stack is up: a failed start leaves `current` on the release before.
  ln -sfn "releases/$id" "$base/.current.tmp"
  mv -Tf "$base/.current.tmp" "$base/current"
  echo "release.sh: $id is running"
  prune
}

prune() {
  keep="$(release_ids | tail -n "$KEEP_RELEASES")"
  running="$(current_id)"
  for id in $(release_ids); do
    if echo "$keep" | grep -qx "$id" || [ "$id" = "$running" ]; then
      continue
    fi
    rm -rf "${releases:?}/$id"
    docker image rm "bookit:$id" >/dev/null 2>&1 || true
    echo "release.sh: pruned $id"
  done
}

rollback() {
  running="$(current_id)"
  [ -n "$running" ] || die "no current release to roll back from"
  previous="$(release_ids | awk -v cur="$running" '$0 == cur { print prev; exit } { prev = $0 }')"
  [ -n "$previous" ] || die "no release older than $running is kept"
  echo "release.sh: rolling back from $running to $previous"
  activate "$previous"
}

case "${1:-}" in
  activate) [ $# -eq 2 ] || die "usage: release.sh activate <id>"; activate "$2" ;;
  rollback) rollback ;;
  list)
    running="$(current_id)"
    for id in $(release_ids); do
      if [ "$id" = "$running" ]; then echo "* $id"; else echo "  $id"; fi
    done
    ;;
  *) die "usage: release.sh activate <id> | rollback | list" ;;
esac
