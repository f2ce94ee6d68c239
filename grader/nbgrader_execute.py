"""The autograder's executor for the nbgrader course: nbgrader's ``Execute``, surviving a lost kernel.

nbgrader aborts a whole submission when its kernel dies (``os._exit`` in a learner's cell, a crash, the
out-of-memory killer) and waits out the cell timeout on every remaining cell when the kernel ignores the
interrupt after a timeout. Here both end the run of that notebook: the cell where it happened and every
code cell after it get an error output, so their tests score nothing and say why, and nbgrader goes on
to save the grades and to grade the next submission. nbgrader_config.py puts it in
``Autograde.autograde_preprocessors`` in place of ``Execute``.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Float

__all__ = ["ExecuteUntilDeath"]


def _error(text: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename="KernelLost", evalue=text, traceback=[f"KernelLost: {text}"])


class ExecuteUntilDeath(Execute):
    """Execute every code cell; after the kernel is lost, mark the cells that could not run."""

    interrupt_grace = Float(10.0, help="Seconds the kernel has to answer again after a timed-out cell was "
                                       "interrupted; after that it is given up for lost.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._lost: str | None = None
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._lost is not None:
            cell.outputs = [_error(f"not run: {self._lost}")]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
            timed_out = any(out.get("ename") == "CellTimeoutError" for out in cell.get("outputs", []))
        except DeadKernelError:
            self.log.error("The kernel died in cell %d; the cells after it are not run.", index + 1)
            self._lost = f"the kernel died in cell {index + 1}"
            cell.outputs.append(_error("the kernel died while this cell ran (os._exit, a crash, or out of memory)"))
            return cell, resources
        except CellTimeoutError as error:  # the cell's reply came (or timed out) but its outputs never ended
            cell.outputs.append(_error(str(error).splitlines()[0]))
            timed_out = True
        if timed_out and not run_sync(self._async_answers)():
            self.log.error("The kernel ignored the interrupt after cell %d timed out; the cells after it are "
                           "not run.", index + 1)
            self._lost = f"the kernel did not stop after cell {index + 1} timed out"
            cell.outputs.append(_error(f"the kernel did not stop within {self.interrupt_grace:g} s of the interrupt"))
        return cell, resources

    async def _async_answers(self) -> bool:
        """Whether the kernel, interrupted after a timeout, answers a kernel_info request within the grace
        period (its shell handles one request at a time, so it answers only once the cell stopped)."""
        assert self.kc is not None
        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + self.interrupt_grace
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return False
            if msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False
