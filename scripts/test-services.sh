#!/usr/bin/env bash
# Installs the Debian packages whose real servers and clients the integration
# and e2e tests use (DESIGN.md §7). Idempotent and quiet: a second run that
# finds everything present does nothing.
set -euo pipefail

# python3-serial-asyncio: pymodbus 3.0 imports it from pymodbus.client even for TCP.
# socat: the pseudo-terminal pairs the simulator serves Modbus RTU serial lines on.
# postgresql: the centre's store; its tests start their own server in a temp dir, never the system one.
# prometheus: for promtool, which lints /metrics; its service is never started.
packages=(mosquitto mosquitto-clients postgresql influxdb victoria-metrics python3-pymodbus python3-serial-asyncio mbpoll chromium socat openssl prometheus)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "test-services: all present (${packages[*]})"
  exit 0
fi

echo "test-services: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# Services must not start system-wide: the tests start their own instances on
# free loopback ports. policy-rc.d answering 101 keeps apt from starting them.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ "$created_policy" -eq 0 ] || $SUDO rm -f "$policy"
echo "test-services: installed ${missing[*]}"
