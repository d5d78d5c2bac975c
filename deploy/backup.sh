#!/usr/bin/env bash
# Back up the disclosure-bot store: PostgreSQL with pg_dump (custom format), SQLite with the online
# .backup API (safe while the bot runs). Keeps the newest $KEEP backups.
#
#   deploy/backup.sh [DEST_DIR]            store from $DATABASE_URL (else .env, else ./data/disclosure.db)
#   deploy/backup.sh --compose [DEST_DIR]  PostgreSQL of `docker compose -f deploy/compose.yaml`
#
# Cron example (02:30 Asia/Shanghai every night):
#   30 2 * * *  cd /opt/disclosure-bot && deploy/backup.sh /var/backups/disclosure-bot >>/var/log/disclosure-backup.log 2>&1
set -euo pipefail

COMPOSE=0
if [ "${1:-}" = "--compose" ]; then COMPOSE=1; shift; fi
DEST="${1:-backups}"
KEEP="${KEEP:-14}"
STAMP="$(TZ=Asia/Shanghai date +%Y%m%d-%H%M%S)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$DEST"
umask 077  # backups hold everything the store holds

# DATABASE_URL from the environment, else from ./.env (only that line is read; the file is not sourced).
url="${DATABASE_URL:-}"
if [ -z "$url" ] && [ -f .env ]; then
    url="$(sed -n 's/^[[:space:]]*DATABASE_URL[[:space:]]*=[[:space:]]*//p' .env | tail -n 1 | tr -d '"'"'"'')"
fi

redact() { sed -E 's#(://[^:/@]*:)[^@]*@#\1***@#'; }

if [ "$COMPOSE" = 1 ]; then
    out="$DEST/disclosure-$STAMP.dump"
    docker compose -f "$HERE/compose.yaml" exec -T postgres \
        sh -c 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Fc' >"$out"
    kind=pg
elif [[ "$url" == postgres* ]]; then
    pg_url="${url/postgresql+psycopg:/postgresql:}"
    pg_url="${pg_url/postgresql+psycopg2:/postgresql:}"
    out="$DEST/disclosure-$STAMP.dump"
    echo "backing up $(printf '%s' "$url" | redact)" >&2
    pg_dump --format=custom --no-owner --dbname="$pg_url" --file="$out"
    kind=pg
else
    path="${url#sqlite:///}"
    [ -n "$url" ] || path="data/disclosure.db"
    [ -f "$path" ] || { echo "no SQLite store at $path" >&2; exit 1; }
    out="$DEST/disclosure-$STAMP.sqlite"
    echo "backing up SQLite $path" >&2
    if command -v sqlite3 >/dev/null 2>&1; then
        sqlite3 "$path" ".backup '$out'"
    else
        python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' "$path" "$out"
    fi
    kind=sqlite
fi

# A backup that cannot be read back is not a backup.
if [ "$kind" = pg ]; then
    pg_restore --list "$out" >/dev/null
else
    ok="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$out")"
    [ "$ok" = ok ] || { echo "integrity check failed: $ok" >&2; exit 1; }
fi
echo "$out"

# Retention: newest $KEEP of this kind stay.
ext="${out##*.}"
ls -1t "$DEST"/disclosure-*."$ext" 2>/dev/null | tail -n +"$((KEEP + 1))" | while read -r old; do rm -f -- "$old"; done
