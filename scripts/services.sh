#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer, and that .env holds development secrets.
#  - DATABASE_URL / REDIS_URL set: use those servers as they are (never start or install anything).
#  - otherwise: the local servers on 127.0.0.1; start them when installed but stopped,
#    install them with apt-get when missing (Debian, as root); else stop with what to do.
# Creates the application database when it does not exist.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

ensure_env_file() {
  [ -f .env ] && return 0
  log "writing development secrets to .env (git-ignored)"
  umask 077
  {
    echo "# Generated development defaults. Never commit; production sets these in the environment."
    echo "JWT_SECRET=$(node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))")"
    echo "BSN_ENCRYPTION_KEY=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")"
    echo "BSN_INDEX_KEY=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")"
    echo "ADMIN_EMAIL=admin@taalschool.example"
    echo "ADMIN_PASSWORD=$(node -e "console.log(require('crypto').randomBytes(12).toString('base64url'))")"
  } > .env
}

apt_install() {
  command -v apt-get >/dev/null || die "$1 is not installed and apt-get is not available: install $1, or set ${2}."
  [ "$(id -u)" = 0 ] || die "$1 is not installed; run as root to let this script install it, or set ${2}."
  log "installing $1 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${@:3}" >/dev/null
}

pg_answers() { pg_isready -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" 2>/dev/null; }

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    node scripts/wait-for.js postgres "$DATABASE_URL" || die "DATABASE_URL is set but PostgreSQL does not answer there."
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null && ! command -v pg_isready >/dev/null; then
    apt_install PostgreSQL DATABASE_URL postgresql postgresql-client
  fi
  if ! pg_answers; then
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
    if [ -z "$version" ]; then
      apt_install PostgreSQL DATABASE_URL postgresql postgresql-client
      version=$(ls /etc/postgresql | sort -V | tail -1)
    fi
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
    pg_answers || die "PostgreSQL did not start; see /var/log/postgresql."
    # A fresh Debian cluster only trusts local peers; the app connects over TCP as postgres.
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
      log "allowing trust auth on 127.0.0.1 for development"
      sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    fi
  fi
}

redis_answers() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    node scripts/wait-for.js redis "$REDIS_URL" || die "REDIS_URL is set but Redis does not answer there."
    return 0
  fi
  command -v redis-server >/dev/null || apt_install Redis REDIS_URL redis-server
  if ! redis_answers; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/taalschool.log
    for _ in $(seq 1 20); do redis_answers && break; sleep 0.5; done
    redis_answers || die "Redis did not start; see /var/log/redis/taalschool.log."
  fi
}

ensure_env_file
ensure_postgres
ensure_redis
node scripts/create-database.js
log "PostgreSQL and Redis answer"
