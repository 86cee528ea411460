# syntax=docker/dockerfile:1
# Multi-stage build of the lifeline gateway image. The same image runs the
# gateway (default), the firmware simulator and the centre mirror; a separate
# target builds Node-RED with our nodes. Runtime runs as the non-root `node` user.

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
