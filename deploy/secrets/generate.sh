#!/bin/sh
# Creates the compose stack's secrets (docker-compose.yml, top-level
# `secrets:`) with random values, one file each; an existing file is kept, so
# a rerun never changes a secret InfluxDB or Grafana were already set up with.
# Run it once before the first `docker compose up`.
# docs/deployment.md#secrets-and-tokens lists what each one is for.
set -eu
cd "$(dirname "$0")"
# Compose bind-mounts file secrets with their host owner and mode (it ignores
# uid/mode outside Swarm), so the files must be readable by the containers'
# users (node, grafana, influxdb); the folder is what keeps other host users out.
chmod 0700 .
umask 022
# 32 random bytes as 64 hex characters: fits every consumer (the gateway wants
# at least 16 characters, InfluxDB's setup password at least 8).
random() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
for name in influx_admin_password influx_admin_token grafana_admin_password dashboard_operator_token; do
  if [ -s "$name" ]; then
    echo "kept    deploy/secrets/$name"
  else
    random > "$name"
    echo "created deploy/secrets/$name"
  fi
done
