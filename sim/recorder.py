"""Outputs recorded into preallocated column arrays, behind Mesa's DataCollector interface.

Mesa's DataCollector calls one reporter per agent and column and keeps a tuple per agent and
step; :class:`Recorder` reads the same reporters a table at a time (all attribute columns of an
agent in one ``attrgetter`` call, functions over all agents in one call where a *column* version
exists) and writes each column into a NumPy array sized from the horizon (rows = steps x agents),
grown when a user steps past it. The frames are the ones Mesa builds: a column holds a NumPy
dtype only when pandas would infer that dtype from the values (all floats, all ints, all bools);
any other column is kept as Python objects and left to pandas' own inference.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from sim.metrics import Attribute

_BOOL = frozenset({bool, np.bool_})
_INT = frozenset({int, np.int64})
_FLOAT = frozenset({float, np.float64}) | _INT
_ALLOWED = {"bool": _BOOL, "int": _INT, "float": _FLOAT, "str": frozenset({str})}
_ARRAY_KINDS = {np.bool_: "bool", np.int64: "int", np.float64: "float"}
_DTYPES = {"bool": np.bool_, "int": np.int64, "float": np.float64, "str": object, "object": object}


def _kind(values: Sequence) -> str:
    """The storage a pandas column of these values needs: exactly what pandas would infer."""
    if isinstance(values, np.ndarray) and values.dtype.type in _ARRAY_KINDS:
        return _ARRAY_KINDS[values.dtype.type]
    types = set(map(type, values))
    if types <= _BOOL:
        return "bool"
    if types <= _INT:
        return "int"
    if types <= _FLOAT:
        return "float"
    return "str" if types <= {str} else "object"


def _fits_as_array(values: Sequence, kind: str) -> bool:
    return isinstance(values, np.ndarray) and _ARRAY_KINDS.get(values.dtype.type) == kind


def _join(a: str, b: str) -> str:
    """The kind of a column holding values of kinds ``a`` and ``b`` (pandas: int+float=float)."""
    if a == b:
        return a
    return "float" if {a, b} == {"int", "float"} else "object"


class Table:
    """One table's columns as arrays, filled a block of rows (a step's agents) at a time; the
    first block sizes them for ``steps`` such blocks. Columns of one kind are the rows of one
    2-D array, so a block is written with one assignment per kind."""

    def __init__(self, names: Sequence[str], steps: int) -> None:
        self.names = list(names)
        self.steps = max(int(steps), 1)
        self.capacity = 0
        self.n = 0
        self.kinds: dict[str, str] = {}
        self.columns: dict[str, np.ndarray] = {}
        self._groups: dict[str, list[str]] = {}
        self._stores: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict:
        # The columns are views into the stores; pickle would copy them apart.
        return {k: v for k, v in self.__dict__.items() if k != "columns"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.columns = {
            name: self._stores[kind][j]
            for kind, names in self._groups.items()
            for j, name in enumerate(names)
        }

    def append(self, block: Mapping[str, Sequence]) -> None:
        """Write one block of rows: a sequence per column, all of the same length."""
        k = len(block[self.names[0]])
        if not self.kinds:
            self.kinds = {name: _kind(block[name]) for name in self.names}
            self._layout(max(self.steps * k, 1))
        elif self._widen(block):
            self._layout(self.capacity)
        if self.n + k > self.capacity:
            self._layout(max(self.n + k, 2 * self.capacity))
        start, end = self.n, self.n + k
        for kind, names in self._groups.items():
            if kind == "object":  # a list value must stay one cell, not broadcast
                for name in names:
                    column = self.columns[name]
                    for i, value in enumerate(block[name]):
                        column[start + i] = value
            else:
                self._stores[kind][:, start:end] = [block[name] for name in names]
        self.n = end

    def _widen(self, block: Mapping[str, Sequence]) -> bool:
        """Widen the kind of every column whose new values do not fit it; True if any did."""
        widened = False
        for kind, names in self._groups.items():
            allowed = _ALLOWED.get(kind)
            if allowed is None:
                continue
            values = [block[n] for n in names]
            if np.ndarray in set(map(type, values)):  # its own dtype fits as it is
                values = [v for v in values if not _fits_as_array(v, kind)]
            if set(map(type, chain.from_iterable(values))) <= allowed:
                continue
            for name in names:
                new = _join(kind, _kind(block[name]))
                widened |= new != kind
                self.kinds[name] = new
        return widened

    def _layout(self, capacity: int) -> None:
        """(Re)allocate the stores for ``capacity`` rows and the columns' kinds, keeping the
        rows written so far."""
        old = {name: self.column(name) for name in self.columns}
        self._groups = {}
        for name in self.names:
            self._groups.setdefault(self.kinds[name], []).append(name)
        for kind, names in self._groups.items():
            store = np.empty((len(names), capacity), _DTYPES[kind])
            for j, name in enumerate(names):
                if name in old:
                    store[j, : self.n] = old[name]
                self.columns[name] = store[j]
            self._stores[kind] = store
        self.capacity = capacity

    def column(self, name: str) -> np.ndarray:
        """The recorded rows of one column (a view; empty before the first block)."""
        return self.columns[name][: self.n] if name in self.columns else np.empty(0, object)

    def data(self, names: Sequence[str]) -> dict[str, Any]:
        """Columns ready for ``pd.DataFrame``: arrays, or lists where pandas must infer."""
        out: dict[str, Any] = {}
        for name in names:
            if name not in self.columns:
                out[name] = []
            elif self.kinds[name] in ("str", "object"):  # pandas infers, as from Mesa's rows
                out[name] = self.column(name).tolist()
            else:
                out[name] = self.column(name).copy()
        return out


class _Plan:
    """How a table's columns are read each step: block functions (several columns over all
    agents at once), attributes (one getter call per agent), then functions of one agent."""

    def __init__(
        self, reporters: Mapping[str, Any], blocks: Sequence[Callable], model: Any, single: bool
    ) -> None:
        self.blocks, self.single = list(blocks), single  # single: one row, blocks give scalars
        done = {name for fn in self.blocks for name in fn(model)}
        self.attrs = {
            name: rep.name if isinstance(rep, Attribute) else rep
            for name, rep in reporters.items()
            if name not in done and isinstance(rep, str | Attribute)
        }
        self.getter = operator.attrgetter(*self.attrs.values()) if self.attrs else None
        self.functions = {
            name: rep
            for name, rep in reporters.items()
            if name not in done and name not in self.attrs
        }

    def columns(self, agents: Sequence, model: Any) -> dict[str, Sequence]:
        """This step's values of every column over ``agents``."""
        out: dict[str, Sequence] = {}
        for fn in self.blocks:
            values = fn(model)
            out.update({k: (v,) for k, v in values.items()} if self.single else values)
        if self.getter is not None:
            out.update(zip(self.attrs, self._attributes(agents), strict=True))
        for name, rep in self.functions.items():
            out[name] = [rep(a) for a in agents]
        return out

    def _attributes(self, agents: Sequence) -> list[Sequence]:
        try:
            rows = list(map(self.getter, agents))
        except AttributeError:  # Mesa reports None for a missing attribute
            return [[getattr(a, attr, None) for a in agents] for attr in self.attrs.values()]
        if len(self.attrs) == 1:
            return [rows]
        return list(zip(*rows, strict=True)) if rows else [()] * len(self.attrs)


# Plans shared by the recorders of the same reporters and blocks (every model of a run): making
# one calls each block to learn its columns, which a new model would otherwise pay at its first
# collect. A block must name the same columns for every model.
_SHARED_PLANS: dict[tuple, _Plan] = {}
_SHARED_PLANS_KEEP = 64


class Recorder:
    """Mesa's DataCollector interface over column arrays (``sim/metrics.py`` has the reporters).

    Args:
        model_reporters: name -> function of the model (one row per collect).
        agenttype_reporters: agent class -> {name: attribute name, :class:`Attribute` or
            function of an agent}.
        blocks: agent class -> functions of the model returning {name: values over that class's
            agents in order}; they replace the per-agent reporters of those names (same values,
            one call per step instead of one per agent). The key ``None`` holds functions
            returning {name: value} for model reporters.
        steps: steps to allocate for (the horizon; the arrays grow past it).
    """

    def __init__(
        self,
        model_reporters: Mapping[str, Callable] | None = None,
        agenttype_reporters: Mapping[type, Mapping[str, Any]] | None = None,
        blocks: Mapping[type, Sequence[Callable]] | None = None,
        steps: int = 1,
    ) -> None:
        self.model_reporters = dict(model_reporters or {})
        self.agenttype_reporters = {t: dict(r) for t, r in (agenttype_reporters or {}).items()}
        self.agent_reporters: dict[str, Any] = {}
        self._agent_records: dict[int, list] = {}  # read by mesa.batch_run: no agent reporters
        self.tables: dict[str, dict] = {}
        self.blocks = {t: list(fns) for t, fns in (blocks or {}).items()}
        self._plans: dict[type | None, _Plan] = {}
        self._model = Table(self.model_reporters, steps)
        self._types = {
            t: Table(["Step", "AgentID", *reps], steps)
            for t, reps in self.agenttype_reporters.items()
        }

    def collect(self, model: Any) -> None:
        """Record one row of model metrics and one row per agent of each recorded type."""
        if self.model_reporters:
            self._model.append(self._plan(None, model).columns((model,), model))
        for agent_type, table in self._types.items():
            agents = list(model.agents_by_type.get(agent_type, ()))
            if not agents:
                continue
            block = self._plan(agent_type, model).columns(agents, model)
            block["Step"] = [model.steps] * len(agents)
            block["AgentID"] = [a.unique_id for a in agents]
            table.append(block)

    def _plan(self, agent_type: type | None, model: Any) -> _Plan:
        plan = self._plans.get(agent_type)
        if plan is None:
            if agent_type is None:  # a model reporter is a function of the model: an "agent"
                reporters = self.model_reporters
            else:
                reporters = self.agenttype_reporters[agent_type]
            blocks = tuple(self.blocks.get(agent_type, ()))
            try:
                key = (agent_type, tuple(reporters.items()), blocks)
                plan = _SHARED_PLANS.get(key)
            except TypeError:  # an unhashable reporter: this recorder's own plan
                key = None
            if plan is None:
                plan = _Plan(reporters, blocks, model, single=agent_type is None)
                if key is not None and len(_SHARED_PLANS) < _SHARED_PLANS_KEEP:
                    _SHARED_PLANS[key] = plan
            self._plans[agent_type] = plan
        return plan

    @property
    def model_vars(self) -> dict[str, list]:
        """name -> list of values, one per collect (as Mesa's ``model_vars``)."""
        return {name: self._model.column(name).tolist() for name in self.model_reporters}

    def column(self, agent_type: type | None, name: str) -> np.ndarray:
        """The recorded values of one column (``agent_type`` None: a model metric)."""
        table = self._model if agent_type is None else self._types[agent_type]
        return table.column(name)

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per collect, one column per model reporter."""
        return pd.DataFrame(self._model.data(list(self.model_reporters)))

    def get_agenttype_vars_dataframe(self, agent_type: type) -> pd.DataFrame:
        """One row per collect and agent of ``agent_type``, indexed by (Step, AgentID)."""
        if agent_type not in self._types:  # as Mesa: a warning and an empty frame
            warnings.warn(
                f"No agent-type reporters have been defined for {agent_type} in the "
                "DataCollector, returning empty DataFrame.",
                UserWarning,
                stacklevel=2,
            )
            return pd.DataFrame()
        table, names = self._types[agent_type], list(self.agenttype_reporters[agent_type])
        if not table.n:  # as Mesa builds it from no records
            columns = ["Step", "AgentID", *names]
            return pd.DataFrame.from_records(iter(()), columns=columns, index=["Step", "AgentID"])
        index = pd.MultiIndex.from_arrays(
            [table.column("Step").astype(np.int64), table.column("AgentID").astype(np.int64)],
            names=["Step", "AgentID"],
        )
        data = table.data(names)
        return pd.DataFrame(data, index=index, columns=list(data))

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """Mesa's all-agents table: this model records by agent type only."""
        raise UserWarning("No agent reporters are defined; use get_agenttype_vars_dataframe.")
