# syntax=docker/dockerfile:1
# Multi-stage build of the lifeline gateway image. The same image runs the
# gateway (default), the firmware simulator and the centre mirror; a separate
# target builds Node-RED with our nodes. Both run as the non-root `node` user.

# ---- build: dependencies (with the toolchain for better-sqlite3), sources, tsc
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY twin/package.json twin/
COPY gateway/package.json gateway/
COPY firmware-sim/package.json firmware-sim/
COPY nodes/package.json nodes/
# Scripts run after the sources are in place (prepare runs tsc).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm rebuild better-sqlite3 @serialport/bindings-cpp \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts

# ---- runtime: the built app on a slim base, non-root
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LIFELINE_STATE_DIR=/var/lib/lifeline
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /var/lib/lifeline /etc/lifeline \
 && chown node:node /var/lib/lifeline
USER node
EXPOSE 8080 1883 8081
VOLUME ["/var/lib/lifeline"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.LIFELINE_HTTP_PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "gateway/bin/lifeline-gateway.js"]
CMD ["run", "--config", "/etc/lifeline/site.yaml"]

# ---- node-red: Node-RED 4.1 (5.x needs Node 22) with node-red-contrib-lifeline, non-root
# The built checkout goes to /opt/lifeline; deploy/node-red/package.json installs
# Node-RED in /usr/src/node-red next to a link to /opt/lifeline/nodes, whose own
# dependencies (the gateway and twin workspaces, mqtt, ws) are already in
# /opt/lifeline/node_modules. Node-RED scans the node_modules it is installed in,
# so the nodes load without touching the user directory /data.
FROM node:20-bookworm-slim AS node-red
ENV NODE_ENV=production
COPY --from=build --chown=node:node /app /opt/lifeline
RUN mkdir -p /usr/src/node-red /data \
 && chown node:node /usr/src/node-red /data
WORKDIR /usr/src/node-red
COPY --chown=node:node deploy/node-red/package.json ./
USER node
RUN npm install --omit=dev --no-audit --no-fund \
 && npm cache clean --force
EXPOSE 1880
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:1880/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "node_modules/node-red/red.js"]
CMD ["--userDir", "/data"]
