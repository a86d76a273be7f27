"""Run the case-file fuzz test (tests/test_fuzz.py) for longer, with new random seeds.

    python3 bench/fuzz.py            # 2,000 examples
    python3 bench/fuzz.py 20000      # more

CI runs the same property with a fixed, small number of examples. A failure
prints the smallest mutated file hypothesis found and a blob to reproduce it.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    examples = sys.argv[1] if len(sys.argv) > 1 else "2000"
    env = dict(os.environ, KYODO_FUZZ_EXAMPLES=examples, KYODO_FUZZ_RANDOM="1", KYODO_FUZZ_BUILDS=examples,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    started = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
                            "--hypothesis-show-statistics", str(ROOT / "tests" / "test_fuzz.py")], cwd=ROOT, env=env)
    print(f"{examples} 例: {time.perf_counter() - started:.1f} 秒、終了コード {code}")
    sys.exit(code)
