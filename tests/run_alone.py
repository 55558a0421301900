"""Run one notebook top to bottom the way Colab would, in the Python that runs this script.

    python tests/run_alone.py NOTEBOOK.ipynb [TIMEOUT_S]

Used by tests/test_colab_stack.py from a throw-away environment. Cells tagged raises-exception may
raise; any other error stops the run (exit 1) and prints the cell and its error. Writes the executed
notebook next to the input as NAME.executed.ipynb.
"""

import sys
import time

import nbclient
import nbformat

path, timeout = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 900
nb = nbformat.read(path, as_version=4)
client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                                 resources={"metadata": {"path": "."}})
start = time.perf_counter()
try:
    client.execute()
    status = 0
except nbclient.exceptions.CellExecutionError as err:
    print(str(err)[-4000:])
    status = 1
finally:
    nbformat.write(nb, path.replace(".ipynb", ".executed.ipynb"))
print(f"ran {path} in {time.perf_counter() - start:.1f} s: {'ok' if status == 0 else 'FAILED'}")
sys.exit(status)
