"""Demo worker run through python3 by extension (it is deliberately not executable)."""
import os
import sys

print(f"cleanup: would prune files older than {sys.argv[1] if len(sys.argv) > 1 else '?'} days")
print(f"cleanup: job={os.environ.get('CHIEF_JOB_NAME', '?')}")
