#!/bin/sh
# Entry point of the Parley image (the repository's Dockerfile): runs the service the image was built for
# (PARLEY_SERVICE, from the SERVICE build argument) with its default port and drain window, unless the
# environment (compose, Kubernetes, docker run -e) sets them. `exec`: node becomes PID 1 and gets SIGTERM.
set -eu
case "${PARLEY_SERVICE:?the image was built without --build-arg SERVICE}" in
  gateway)       : "${GATEWAY_PORT:=8080}" "${SHUTDOWN_GRACE_MS:=10000}" "${WEB_DIST:=/app/web/dist}"
                 export GATEWAY_PORT WEB_DIST ;;
  session)       : "${SESSION_PORT:=8081}" "${SHUTDOWN_GRACE_MS:=10000}"; export SESSION_PORT ;;
  turn-pipeline) : "${TURN_PIPELINE_PORT:=8082}" "${SHUTDOWN_GRACE_MS:=30000}"; export TURN_PIPELINE_PORT ;;
  asr)           : "${ASR_PORT:=8083}" "${SHUTDOWN_GRACE_MS:=20000}"; export ASR_PORT ;;
  evaluator)     : "${EVALUATOR_PORT:=8084}" "${SHUTDOWN_GRACE_MS:=45000}"; export EVALUATOR_PORT ;;
  *) echo "unknown PARLEY_SERVICE '$PARLEY_SERVICE'" >&2; exit 64 ;;
esac
export SHUTDOWN_GRACE_MS
exec node "services/$PARLEY_SERVICE/dist/main.js" "$@"
