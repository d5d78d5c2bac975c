#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh. Stop the bot first (systemctl stop disclosure-bot /
# docker compose stop bot): a restore replaces the whole store.
#
#   deploy/restore.sh --yes FILE.dump              into $DATABASE_URL (else .env) — PostgreSQL
#   deploy/restore.sh --yes FILE.sqlite            into the SQLite file of $DATABASE_URL (else ./data/disclosure.db)
#   deploy/restore.sh --yes --compose FILE.dump    into the PostgreSQL of docker compose
# Afterwards: `disclosure-bot migrate` (a backup from an older version is upgraded), then start the bot.
set -euo pipefail

YES=0
COMPOSE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --yes) YES=1; shift ;;
        --compose) COMPOSE=1; shift ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
FILE="${1:-}"
[ -n "$FILE" ] && [ -f "$FILE" ] || { echo "usage: $0 --yes [--compose] BACKUP_FILE" >&2; exit 2; }
[ "$YES" = 1 ] || { echo "this replaces the whole store; run again with --yes to confirm" >&2; exit 2; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

url="${DATABASE_URL:-}"
if [ -z "$url" ] && [ -f .env ]; then
    url="$(sed -n 's/^[[:space:]]*DATABASE_URL[[:space:]]*=[[:space:]]*//p' .env | tail -n 1 | tr -d '"'"'"'')"
fi

case "$FILE" in
    *.dump)
        if [ "$COMPOSE" = 1 ]; then
            docker compose -f "$HERE/compose.yaml" exec -T postgres \
                sh -c 'pg_restore -U "$POSTGRES_USER" -d "$POSTGRES_DB" --clean --if-exists --no-owner --single-transaction' <"$FILE"
        else
            [[ "$url" == postgres* ]] || { echo "DATABASE_URL is not a PostgreSQL URL" >&2; exit 2; }
            pg_url="${url/postgresql+psycopg:/postgresql:}"
            pg_url="${pg_url/postgresql+psycopg2:/postgresql:}"
            pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$pg_url" "$FILE"
        fi
        ;;
    *.sqlite | *.db)
        path="${url#sqlite:///}"
        [ -n "$url" ] || path="data/disclosure.db"
        [[ "$url" != postgres* ]] || { echo "DATABASE_URL is PostgreSQL; this is a SQLite backup" >&2; exit 2; }
        ok="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$FILE")"
        [ "$ok" = ok ] || { echo "backup fails its integrity check: $ok" >&2; exit 1; }
        mkdir -p "$(dirname "$path")"
        # The backup API writes the pages atomically and also replaces the WAL contents.
        python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' "$FILE" "$path"
        ;;
    *) echo "unknown backup type: $FILE (expected .dump or .sqlite)" >&2; exit 2 ;;
esac
echo "restored $FILE; now run: disclosure-bot migrate" >&2
