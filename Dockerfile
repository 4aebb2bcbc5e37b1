# syntax=docker/dockerfile:1
# Multi-stage: the build stage compiles TypeScript and generates the Prisma client; the runtime stage holds
# production dependencies, the compiled code and the migrations, and runs as the unprivileged "node" user.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
# The heap cap: without it V8 grows the heap lazily to ~450 MB. It is enough at Cloudflare's real limit and at an
# unlimited budget with 100,000 invites (BENCHMARKS.md, row 3). Two malloc arenas instead of one per thread, and a
# fixed mmap threshold (glibc's own starting value, 128 KiB, which it otherwise raises up to 32 MiB once large
# blocks are freed, so that later ones stay in the brk heap and fragment it), trim an idle daemon's RSS from about
# 113 to 93-95 MB (row 8). The benchmarks run the daemon with these settings (scripts/bench/imageRuntime.ts).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=128 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma ./prisma
COPY prisma.config.ts ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["start"]
