"""A deterministic, seeded PNCP world with a clock.

Every record is derived from ``(seed, entity, publication day, index)``, so any day can be
generated on demand, in any order, and always comes out the same. Records are amended after
publication (``dataAtualizacao`` moves, values and situação change, sometimes with a backdated
stamp) and some disappear. ``World.now`` decides what is visible: the API views and the
ground-truth views both answer "as of" that clock.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterable

from . import records

ENTITIES = ("contratacoes", "contratos", "atas")
EPOCH = date(2021, 1, 1)
MAX_PER_ORGAO_DAY = 2700  # sequencial = (day of year - 1) * 2700 + n keeps (cnpj, ano, seq) unique


@dataclass(frozen=True)
class Volume:
    """Records published per weekday (weekends carry ``weekend_factor`` of that)."""

    contratacoes: float = 6500
    contratos: float = 8500
    atas: float = 2400
    weekend_factor: float = 0.2
    noise: float = 0.15
    amend_rate: dict = field(default_factory=lambda: {"contratacoes": 0.25, "contratos": 0.3, "atas": 0.2})
    delete_rate: float = 0.01
    backdate_rate: float = 0.1
    horizon_days: int = 45  # amendments happen within this many days of publication
    burst_share: float = 0.2  # share of records bulk-loaded in the same second

    def scaled(self, factor: float) -> "Volume":
        return Volume(
            contratacoes=self.contratacoes * factor,
            contratos=self.contratos * factor,
            atas=self.atas * factor,
            weekend_factor=self.weekend_factor,
            noise=self.noise,
            amend_rate=dict(self.amend_rate),
            delete_rate=self.delete_rate,
            backdate_rate=self.backdate_rate,
            horizon_days=self.horizon_days,
            burst_share=self.burst_share,
        )


PROFILES = {
    "realistic": Volume(),
    "small": Volume().scaled(0.01),
    "medium": Volume().scaled(0.1),
}


@dataclass(frozen=True)
class DriftRule:
    """Schema drift from a publication date on: a field added, removed or retyped."""

    entity: str
    field: str
    since: date
    kind: str = "add"  # add | remove | retype
    value: object = None  # for add: the value; for retype: a callable old -> new or None for str()

    def applies(self, entity: str, published: date) -> bool:
        return entity == self.entity and published >= self.since

    def apply(self, record: dict) -> dict:
        out = dict(record)
        if self.kind == "add":
            out[self.field] = self.value(record) if callable(self.value) else self.value
        elif self.kind == "remove":
            out.pop(self.field, None)
        elif self.kind == "retype":
            old = out.get(self.field)
            if old is not None:
                out[self.field] = self.value(old) if callable(self.value) else str(old)
        else:  # pragma: no cover - guarded by construction
            raise ValueError(f"unknown drift kind {self.kind!r}")
        return out


def _emenda(record: dict):
    return None if int(record["sequencialCompra"]) % 3 else False


# What the real API already did: contratações gained `emendaParlamentar` (absent in the 2024
# captures, present in the 2025-26 ones).
DEFAULT_DRIFT = (DriftRule("contratacoes", "emendaParlamentar", date(2025, 1, 1), "add", _emenda),)


def rng_for(*parts) -> random.Random:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


@dataclass(frozen=True, slots=True)
class Stub:
    """What is decided about a record without building its body."""

    idx: int
    published_at: datetime
    orgao: int
    unidade: int
    sequencial: int
    modalidade: int  # contratações only; 0 otherwise


@dataclass(frozen=True, slots=True)
class Event:
    idx: int
    n: int
    kind: str  # "U" amendment, "D" deletion
    visible_at: datetime  # when the API starts showing it
    stamped_at: datetime  # what dataAtualizacao says (earlier when backdated)


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or(self, key, make: Callable):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class World:
    """The sandbox's ground truth.

    ``now`` is a naive America/Sao_Paulo timestamp. With ``now=None`` the clock is fixed at the
    end of yesterday (UTC-3) when the world is created; move it with :meth:`advance` or
    :meth:`set_now`.
    """

    def __init__(
        self,
        seed: int = 1,
        volume: Volume | str = "small",
        now: datetime | None = None,
        drift: Iterable[DriftRule] = DEFAULT_DRIFT,
        first_day: date = EPOCH,
    ):
        self.seed = seed
        self.volume = PROFILES[volume] if isinstance(volume, str) else volume
        if now is None:
            today = (datetime.now(timezone.utc) - timedelta(hours=3)).date()
            now = datetime.combine(today, time())
        self.now = now
        self.drift = list(drift)
        self.first_day = first_day
        self.orgaos = records.orgao_pool(seed)
        self._lock = threading.RLock()
        self._stubs = _LRU(256)
        self._events = _LRU(512)
        self._bodies = _LRU(8)
        self._views = _LRU(16)
        self._stub_index = _LRU(64)

    # ---- clock -------------------------------------------------------------------------
    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self.now = self.now + delta
            return self.now

    def set_now(self, now: datetime) -> None:
        with self._lock:
            self.now = now

    # ---- generation ----------------------------------------------------------------------
    def count(self, entity: str, day: date) -> int:
        if day < self.first_day:
            return 0
        rng = rng_for(self.seed, entity, day.toordinal(), "count")
        base = getattr(self.volume, entity)
        if day.weekday() >= 5:
            base *= self.volume.weekend_factor
        base *= 1 + rng.uniform(-self.volume.noise, self.volume.noise)
        whole = int(base)
        n = whole + (1 if rng.random() < base - whole else 0)
        # Ata control numbers encode (day of year, index) in six digits: at most 2,699 a day.
        return min(n, MAX_PER_ORGAO_DAY - 1) if entity == "atas" else n

    def _modalidade_counts(self, day: date, total: int) -> list[tuple[int, int]]:
        rng = rng_for(self.seed, "contratacoes", day.toordinal(), "mix")
        mix = records.DAILY_MIX
        weight = sum(mix.values())
        out, left = [], total
        for mod, share in sorted(mix.items(), key=lambda kv: -kv[1]):
            exact = total * share / weight
            n = min(left, int(exact) + (1 if rng.random() < exact - int(exact) else 0))
            out.append((mod, n))
            left -= n
        if left:
            out[0] = (out[0][0], out[0][1] + left)
        return out

    def stubs(self, entity: str, day: date) -> list[Stub]:
        with self._lock:
            return self._stubs.get_or((entity, day), lambda: self._make_stubs(entity, day))

    def _make_stubs(self, entity: str, day: date) -> list[Stub]:
        n = self.count(entity, day)
        rng = rng_for(self.seed, entity, day.toordinal(), "stubs")
        if entity == "contratacoes":
            mods = [m for m, k in self._modalidade_counts(day, n) for _ in range(k)]
            rng.shuffle(mods)
        else:
            mods = [0] * n
        n_orgaos = len(self.orgaos)
        per_orgao: dict[int, int] = {}
        doy = day.timetuple().tm_yday
        seconds = self._publication_seconds(rng, n)
        out = []
        for idx in range(n):
            o = min(int(rng.paretovariate(1.2)) - 1, n_orgaos - 1) if rng.random() < 0.3 else rng.randrange(n_orgaos)
            while per_orgao.get(o, 0) >= MAX_PER_ORGAO_DAY - 1:
                o = rng.randrange(n_orgaos)
            per_orgao[o] = per_orgao.get(o, 0) + 1
            seq = (doy - 1) * MAX_PER_ORGAO_DAY + per_orgao[o]
            unidade = rng.randrange(len(self.orgaos[o].unidades))
            published = datetime.combine(day, time()) + timedelta(seconds=seconds[idx])
            out.append(Stub(idx, published, o, unidade, seq, mods[idx]))
        # The listing order: by publication second, ties in index order (bulk loads tie a lot).
        out.sort(key=lambda s: (s.published_at, s.idx))
        return out

    def _publication_seconds(self, rng: random.Random, n: int) -> list[int]:
        secs: list[int] = []
        while len(secs) < n:
            if rng.random() < self.volume.burst_share and n - len(secs) > 3:
                burst = min(n - len(secs), rng.randint(5, 60))
                second = rng.randint(0, 86399)
                secs.extend([second] * burst)
            else:
                hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
                secs.append(hour * 3600 + rng.randrange(3600))
        rng.shuffle(secs)
        return secs[:n]

    def events(self, entity: str, day: date) -> dict[int, list[Event]]:
        with self._lock:
            return self._events.get_or((entity, day), lambda: self._make_events(entity, day))

    def _make_events(self, entity: str, day: date) -> dict[int, list[Event]]:
        stubs = {s.idx: s for s in self.stubs(entity, day)}
        n = len(stubs)
        rng = rng_for(self.seed, entity, day.toordinal(), "events")
        v = self.volume
        out: dict[int, list[Event]] = {}
        horizon = v.horizon_days * 86400
        k_amend = int(round(n * v.amend_rate.get(entity, 0.0)))
        for idx in sorted(rng.sample(range(n), k_amend)) if n else []:
            t = stubs[idx].published_at
            stamped_prev = t
            evs = []
            for k in range(rng.choice((1, 1, 1, 2, 2, 3))):
                t = t + timedelta(seconds=min(horizon, int(rng.expovariate(1 / (4 * 86400))) + 60))
                stamped = t
                if rng.random() < v.backdate_rate:
                    # Backdated: stamped days before it became visible, yet after the last stamp.
                    stamped = max(stamped_prev + timedelta(seconds=1), t - timedelta(days=rng.randint(1, 10)))
                stamped_prev = stamped
                evs.append(Event(idx, k + 1, "U", t, stamped))
            out[idx] = evs
        k_del = int(round(n * v.delete_rate))
        for idx in rng.sample(range(n), k_del) if n else []:
            last = out[idx][-1].visible_at if idx in out else stubs[idx].published_at
            t = last + timedelta(seconds=int(rng.uniform(3600, horizon)))
            out.setdefault(idx, []).append(Event(idx, 99, "D", t, t))
        return out

    def _base_bodies(self, entity: str, day: date) -> dict[int, dict]:
        with self._lock:
            return self._bodies.get_or((entity, day), lambda: self._make_bodies(entity, day))

    def _make_bodies(self, entity: str, day: date) -> dict[int, dict]:
        out = {}
        for s in self.stubs(entity, day):
            out[s.idx] = self._body(entity, day, s)
        return out

    def _body(self, entity: str, day: date, s: Stub) -> dict:
        rng = rng_for(self.seed, entity, day.toordinal(), s.idx, "body")
        orgao = self.orgaos[s.orgao]
        unidade = orgao.unidades[s.unidade]
        if entity == "contratacoes":
            return records.contratacao(
                rng, orgao=orgao, unidade=unidade, ano=day.year, sequencial=s.sequencial,
                modalidade_id=s.modalidade, published_at=s.published_at,
            )
        if entity == "contratos":
            return records.contrato(
                rng, orgao=orgao, unidade=unidade, ano=day.year, sequencial=s.sequencial,
                published_at=s.published_at, compra=None,
            )
        # An ata comes out of an SRP compra published some weeks earlier.
        compra_day = day - timedelta(days=rng.randint(10, 120))
        compra = records.contratacao(
            rng, orgao=orgao, unidade=unidade, ano=compra_day.year,
            sequencial=(compra_day.timetuple().tm_yday - 1) * MAX_PER_ORGAO_DAY + MAX_PER_ORGAO_DAY - 1 - s.idx % 50,
            modalidade_id=6, published_at=datetime.combine(compra_day, time(10)),
        )
        # Unique per publication day and index, so no two atas share numeroControlePNCPAta.
        sequencial_ata = (day.timetuple().tm_yday - 1) * MAX_PER_ORGAO_DAY + s.idx + 1
        return records.ata(rng, compra=compra, sequencial_ata=sequencial_ata, published_at=s.published_at)

    # ---- state at a time -------------------------------------------------------------------
    def _state(self, entity: str, day: date, stub: Stub, as_of: datetime) -> tuple[dict | None, datetime]:
        """(record or None if deleted/unpublished, its dataAtualizacaoGlobal stamp)."""
        if stub.published_at > as_of:
            return None, stub.published_at
        body = self._base_bodies(entity, day)[stub.idx] if self._bodies_cached(entity, day) else self._body(entity, day, stub)
        stamp = stub.published_at
        for ev in self.events(entity, day).get(stub.idx, ()):
            if ev.visible_at > as_of:
                break
            if ev.kind == "D":
                return None, ev.stamped_at
            body = records.amend(rng_for(self.seed, entity, day.toordinal(), stub.idx, "amend", ev.n), entity, body, ev.stamped_at)
            stamp = ev.stamped_at
        for rule in self.drift:
            if rule.applies(entity, day):
                body = rule.apply(body)
        return body, stamp

    def _bodies_cached(self, entity: str, day: date) -> bool:
        return (entity, day) in self._bodies

    # ---- views -------------------------------------------------------------------------------
    def published(self, entity: str, day: date, as_of: datetime | None = None, modalidade: int | None = None) -> list[dict]:
        """Records published on ``day`` as the API lists them at ``as_of`` (default: now), in API order."""
        as_of = as_of or self.now
        with self._lock:
            rows = self._views.get_or(("pub", entity, day, as_of), lambda: self._published(entity, day, as_of))
        return _by_modalidade(rows, modalidade)

    def _published(self, entity: str, day: date, as_of: datetime) -> list[dict]:
        if day > as_of.date():
            return []
        self._base_bodies(entity, day)
        out = []
        for s in self.stubs(entity, day):
            body, _ = self._state(entity, day, s, as_of)
            if body is not None:
                out.append(body)
        return out

    def updated(self, entity: str, day: date, as_of: datetime | None = None, modalidade: int | None = None) -> list[dict]:
        """Records whose dataAtualizacaoGlobal falls on ``day`` as of ``as_of``, sorted by it."""
        as_of = as_of or self.now
        with self._lock:
            rows = self._views.get_or(("upd", entity, day, as_of), lambda: self._updated(entity, day, as_of))
        return _by_modalidade(rows, modalidade)

    def _updated(self, entity: str, day: date, as_of: datetime) -> list[dict]:
        found: list[tuple[datetime, int, int, dict]] = []
        for back in range(self.volume.horizon_days + 12):
            pday = day - timedelta(days=back)
            if pday < self.first_day:
                break
            events = self.events(entity, pday)
            for s in self.stubs(entity, pday):
                stamp = _stamp(s, events.get(s.idx, ()), as_of)
                if stamp is None or stamp.date() != day:
                    continue
                body, _ = self._state(entity, pday, s, as_of)
                found.append((stamp, pday.toordinal(), s.idx, body))
        found.sort(key=lambda t: t[:3])
        return [t[3] for t in found]

    def changes(self, entity: str, since: datetime, until: datetime | None = None) -> list[tuple[str, str, datetime]]:
        """Ground-truth change log: (key, "U"/"D", visible_at) for events visible in (since, until]."""
        until = until or self.now
        key = KEYS[entity]
        out = []
        day = since.date() - timedelta(days=self.volume.horizon_days + 12)
        while day <= until.date():
            stubs = {s.idx: s for s in self.stubs(entity, day)} if self.count(entity, day) else {}
            for idx, evs in self.events(entity, day).items():
                for ev in evs:
                    if since < ev.visible_at <= until:
                        body = self._body(entity, day, stubs[idx])
                        out.append((body[key], ev.kind, ev.visible_at))
            day += timedelta(days=1)
        out.sort(key=lambda t: (t[2], t[0]))
        return out

    # ---- detail API ---------------------------------------------------------------------------
    def find_compra(self, cnpj: str, ano: int, sequencial: int, as_of: datetime | None = None) -> dict | None:
        """The contratação (current state) behind a detail-API path, or None if unknown/deleted."""
        as_of = as_of or self.now
        doy = (sequencial - 1) // MAX_PER_ORGAO_DAY + 1
        try:
            day = date(ano, 1, 1) + timedelta(days=doy - 1)
        except (OverflowError, ValueError):
            return None
        if day.year != ano or day < self.first_day or day > as_of.date():
            return None
        for s in self.stubs("contratacoes", day):
            if s.sequencial == sequencial and self.orgaos[s.orgao].cnpj == cnpj:
                body, _ = self._state("contratacoes", day, s, as_of)
                return body
        return None

    def itens(self, compra: dict) -> list[dict]:
        """The itens of this version of a compra: generated from the compra as first published, then
        amended along with it (each amendment of the compra up to this version may change a few)."""
        key = compra["numeroControlePNCP"]
        rng = rng_for(self.seed, "itens", key)
        first = {**compra, "dataAtualizacao": compra.get("dataInclusao")}
        out = records.itens(rng, first, records.itens_count(rng))
        for ev in self._compra_amendments(compra):
            out = records.amend_itens(rng_for(self.seed, "itens", key, "amend", ev.n), out, ev.stamped_at)
        return out

    def _compra_amendments(self, compra: dict) -> list[Event]:
        """The amendments (in order) that made this version of a compra, from its stamp."""
        stamp = compra.get("dataAtualizacaoGlobal")
        if not stamp or stamp == compra.get("dataPublicacaoPncp"):
            return []
        seq, ano = compra.get("sequencialCompra"), compra.get("anoCompra")
        try:
            day = date(ano, 1, 1) + timedelta(days=(seq - 1) // MAX_PER_ORGAO_DAY)
        except (TypeError, OverflowError, ValueError):
            return []
        with self._lock:
            index = self._stub_index.get_or(day, lambda: {(self.orgaos[s.orgao].cnpj, s.sequencial): s
                                                          for s in self.stubs("contratacoes", day)})
        stub = index.get(((compra.get("orgaoEntidade") or {}).get("cnpj"), seq))
        if stub is None:
            return []
        until = datetime.fromisoformat(stamp)
        return [ev for ev in self.events("contratacoes", day).get(stub.idx, ())
                if ev.kind == "U" and ev.stamped_at.replace(microsecond=0) <= until]

    def arquivos(self, compra: dict) -> list[dict]:
        rng = rng_for(self.seed, "arquivos", compra["numeroControlePNCP"])
        return records.arquivos(rng, compra, records.arquivos_count(rng))

    def resultados(self, compra: dict, item: dict) -> list[dict]:
        if not item.get("temResultado"):
            return []
        rng = rng_for(self.seed, "resultados", compra["numeroControlePNCP"], item["numeroItem"])
        return records.resultados(rng, compra, item)

    def compra_detalhe(self, compra: dict) -> dict:
        itens = self.itens(compra)
        return records.compra_detalhe(compra, existe_resultado=any(i.get("temResultado") for i in itens))


def _stamp(stub: Stub, events, as_of: datetime) -> datetime | None:
    """dataAtualizacaoGlobal as of ``as_of`` without building the body; None if not visible."""
    if stub.published_at > as_of:
        return None
    stamp = stub.published_at
    for ev in events:
        if ev.visible_at > as_of:
            break
        if ev.kind == "D":
            return None
        stamp = ev.stamped_at
    return stamp


def _by_modalidade(rows: list[dict], modalidade: int | None) -> list[dict]:
    if modalidade is None:
        return rows
    return [r for r in rows if r.get("modalidadeId") == modalidade]


KEYS = {"contratacoes": "numeroControlePNCP", "contratos": "numeroControlePNCP", "atas": "numeroControlePNCPAta"}

# Publications by hour of day (Brasília): business hours dominate, a night tail from batch loads.
_HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 4, 8, 12, 13, 12, 8, 9, 12, 13, 12, 10, 6, 4, 3, 3, 2, 2]
