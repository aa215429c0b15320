#!/bin/sh
# Demo worker that fails: exits 3 after complaining on stderr.
echo "flaky: contacting upstream"
echo "flaky: upstream answered 503, giving up" >&2
exit 3
