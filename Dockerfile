# syntax=docker/dockerfile:1
# Multi-stage build of the lifeline gateway image. The same image runs the
# gateway (default), the firmware simulator and the centre mirror; a separate
# target builds Node-RED with our nodes. Both run as the non-root `node` user.
#
# Every base is the Node.js we develop and test on (Node.js 24 LTS, the exact
# patch release of scripts/node-runtime.sh), pinned to a full tag so a rebuild
# gets the same runtime. No stage needs a compiler: better-sqlite3 13 and
# @serialport/bindings-cpp ship prebuilt N-API binaries for linux-x64/arm64
# inside their packages, so installs run with --ignore-scripts.
# Every stage installs from a lockfile (npm ci). `scripts/rehearse-image.ts`
# replays the runtime and node-red stages outside Docker (docs/deployment.md).

# ---- build: all dependencies and the sources tsc needs, then tsc -b
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY twin/package.json twin/
COPY gateway/package.json gateway/
COPY firmware-sim/package.json firmware-sim/
COPY demo/package.json demo/
COPY nodes/package.json nodes/
RUN npm ci --ignore-scripts --no-audit --no-fund
# .dockerignore keeps tests, benches, docs and build output out of the context.
COPY . .
# Type declarations, their maps and tsbuildinfo serve the compiler, not the runtime.
RUN npm run build \
 && find core/dist twin/dist gateway/dist firmware-sim/dist demo/dist nodes/dist \
      \( -name '*.tsbuildinfo' -o -name '*.d.ts' -o -name '*.d.ts.map' \) -delete

# ---- prod-deps: production dependencies only, from the same lockfile
FROM node:24.22.3-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY twin/package.json twin/
COPY gateway/package.json gateway/
COPY firmware-sim/package.json firmware-sim/
COPY demo/package.json demo/
COPY nodes/package.json nodes/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: built output, production dependencies and the data the code
# reads from disk (profiles, dashboard assets, simulator scenarios, the demo
# site); no tests, benches, docs, TypeScript sources or tsbuildinfo.
FROM node:24.22.3-bookworm-slim AS runtime
# NODE_OPTIONS and MALLOC_ARENA_MAX: the bin's memory settings (its shebang
# is not read by `node file`; docs/BENCHMARKS.md "V8 settings"); a site above
# ~25k points raises the limit with `-e NODE_OPTIONS=...` (docs/operations.md "Sizing").
ENV NODE_ENV=production \
    LIFELINE_STATE_DIR=/var/lib/lifeline \
    MALLOC_ARENA_MAX=1 \
    NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=256"
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
# package.json files: the root's bins and workspaces; gateway/package.json is
# also where the gateway reads its version (gateway/src/version.ts).
COPY --from=build /app/package.json package.json
COPY --from=build /app/core/package.json core/package.json
COPY --from=build /app/core/dist core/dist
COPY --from=build /app/twin/package.json twin/package.json
COPY --from=build /app/twin/bin twin/bin
COPY --from=build /app/twin/dist twin/dist
COPY --from=build /app/gateway/package.json gateway/package.json
COPY --from=build /app/gateway/bin gateway/bin
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/firmware-sim/package.json firmware-sim/package.json
COPY --from=build /app/firmware-sim/bin firmware-sim/bin
COPY --from=build /app/firmware-sim/dist firmware-sim/dist
COPY --from=build /app/demo/package.json demo/package.json
COPY --from=build /app/demo/bin demo/bin
COPY --from=build /app/demo/dist demo/dist
# firmware-sim/src/scenarios/load-scenario.ts: built-in scenarios.
COPY firmware-sim/scenarios firmware-sim/scenarios
# core/src/config/load-profile.ts: built-in device profiles.
COPY device-profiles device-profiles
# gateway/src/http/routes/dashboard.ts: the local web dashboard.
COPY dashboards/web dashboards/web
# demo/src/demo.ts: `lifeline-gateway demo` (demo/bin) runs examples/demo/site.yaml.
COPY examples/demo examples/demo
RUN mkdir -p /var/lib/lifeline /etc/lifeline \
 && chown node:node /var/lib/lifeline
USER node
EXPOSE 8080 1883 8081
VOLUME ["/var/lib/lifeline"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.LIFELINE_HTTP_PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "gateway/bin/lifeline-gateway.js"]
CMD ["run", "--config", "/etc/lifeline/site.yaml"]

# ---- node-red: Node-RED 5 with node-red-contrib-lifeline, non-root
# Node-RED installs from its own lockfile (deploy/node-red/package-lock.json)
# rather than from the root one, where it is a devDependency: installing it
# from there would bring every devDependency (TypeScript, mocha, playwright)
# into the image, while its own lockfile holds Node-RED's tree and nothing
# else. The runtime stage's tree goes to /opt/lifeline with the built nodes
# package; deploy/node-red/package.json links node-red-contrib-lifeline to
# /opt/lifeline/nodes (a relative file: path, so the lockfile means the same
# in the image and where it is generated), whose dependencies (the gateway
# core and twin workspaces, mqtt, ws) resolve from /opt/lifeline/node_modules.
# Node-RED scans the node_modules it is installed in, so the nodes load
# without touching the user directory /data.
FROM node:24.22.3-bookworm-slim AS node-red
ENV NODE_ENV=production
COPY --from=runtime /app /opt/lifeline
COPY --from=build /app/nodes/package.json /opt/lifeline/nodes/package.json
COPY --from=build /app/nodes/dist /opt/lifeline/nodes/dist
COPY --from=build /app/nodes/red /opt/lifeline/nodes/red
COPY --from=build /app/nodes/examples /opt/lifeline/nodes/examples
RUN mkdir -p /usr/src/node-red /data \
 && chown node:node /usr/src/node-red /data
WORKDIR /usr/src/node-red
COPY --chown=node:node deploy/node-red/package.json deploy/node-red/package-lock.json ./
USER node
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
EXPOSE 1880
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:1880/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "node_modules/node-red/red.js"]
CMD ["--userDir", "/data"]
