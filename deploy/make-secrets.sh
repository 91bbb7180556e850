#!/bin/sh
# Creates deploy/secrets/: one file per secret, random values. docker-compose.yml mounts them as Docker secrets;
# nothing secret is written in the compose file or in the environment. The folder is yours alone (700); the files
# are 644 because compose mounts them with their host modes, and the containers read them as unprivileged users.
#   sh deploy/make-secrets.sh            # once; it never overwrites an existing file
#   sh deploy/make-secrets.sh DIR        # somewhere else
set -eu
dir="${1:-$(dirname "$0")/secrets}"
mkdir -p "$dir"
chmod 700 "$dir"
umask 022

random() { openssl rand -hex 24; }

# write NAME VALUE: only when NAME does not exist yet, so running the script again keeps the secrets in use.
write() {
  if [ -e "$dir/$1" ]; then echo "kept    $dir/$1"; else printf '%s\n' "$2" > "$dir/$1"; echo "created $dir/$1"; fi
}

write postgres_password "$(random)"
write redis_password "$(random)"
write api_key "$(random)"
write worker_token "$(random)"
write admin_password "$(random)"
# The node's connection URLs carry the same passwords as the servers' own secrets.
write postgres_url "postgres://worcr:$(cat "$dir/postgres_password")@postgres:5432/worcr"
write redis_url "redis://:$(cat "$dir/redis_password")@redis:6379"
