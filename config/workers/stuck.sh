#!/bin/sh
# Demo worker that hangs past its timeout, with a child that ignores SIGTERM, to show that
# Chief ends the whole process group.
echo "stuck: starting a helper that ignores SIGTERM"
sh -c 'trap "" TERM; while :; do sleep 1; done' &
while :; do sleep 1; done
