#!/bin/sh
# Copies what one service needs at run time into <out>, keeping the repository layout so the npm workspace links in
# node_modules (node_modules/@parley/<lib> -> ../../libs/<lib>) resolve:
#   package.json, services/<service>/{package.json,dist}, every runtime lib's package.json + dist (+ non-source
#   assets such as libs/db/prisma and seed data, + nested node_modules), and with --web the built web client.
# Sources, specs, tsconfig and build info stay behind. Used by the repository's Dockerfile; runs in its `stage` stage.
#
# Usage: deploy/docker/stage-runtime.sh <service> <out> [--web]
set -eu

service="${1:?service name}"
out="${2:?output folder}"
with_web="${3:-}"

[ -f "services/$service/dist/main.js" ] || { echo "services/$service/dist/main.js is missing: run npm run build first" >&2; exit 1; }

copy_tree() { # <from> <to>: copy a folder without sources, specs, tsconfig and build info
  # A workspace's own node_modules (npm nests a dependency there when its version conflicts with the root's) is
  # kept: the code needs it. Dependencies declared at the root come from the pruned root node_modules instead.
  mkdir -p "$2"
  tar -C "$1" \
    --exclude=./src --exclude='*.spec.*' --exclude='*.test.*' \
    --exclude='*.tsbuildinfo' --exclude='tsconfig*.json' --exclude='jest.config.*' \
    -cf - . | tar -C "$2" -xf -
}

mkdir -p "$out"
cp package.json "$out/package.json"
copy_tree "services/$service" "$out/services/$service"

for lib in libs/*/; do
  lib="${lib%/}"
  name="${lib#libs/}"
  [ "$name" = testing ] && continue # test helpers only
  [ -f "$lib/package.json" ] || continue
  copy_tree "$lib" "$out/$lib"
  # Generated code (e.g. the Prisma client) may ship non-TypeScript assets next to the generated sources.
  if [ -d "$lib/src/generated" ]; then
    mkdir -p "$out/$lib/src"
    cp -R "$lib/src/generated" "$out/$lib/src/generated"
  fi
done

if [ "$with_web" = "--web" ]; then
  [ -f web/dist/index.html ] || { echo "web/dist/index.html is missing: the web build did not run" >&2; exit 1; }
  mkdir -p "$out/web"
  cp web/package.json "$out/web/package.json"
  cp -R web/dist "$out/web/dist"
fi

echo "staged $service into $out:"
du -sh "$out"/services/* "$out"/libs/* 2>/dev/null | sed 's/^/  /'
