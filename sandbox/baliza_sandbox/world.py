"""A deterministic, seeded PNCP world with a clock.

Every record is derived from ``(seed, entity, publication day, index)``, so any day can be
generated on demand, in any order, and always comes out the same. Records are amended after
publication (``dataAtualizacao`` moves, values and situação change, sometimes with a backdated
stamp) and some disappear. ``World.now`` decides what is visible: the API views and the
ground-truth views both answer "as of" that clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
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
class Lifetime:
    """When a record is amended after publication: ``per_record`` amendments expected over its life,
    at ages (days after publication) drawn from weighted bands, uniform inside each band."""

    per_record: float
    bands: tuple[tuple[float, int, int], ...]  # (share, first age, last age)

    def density(self, age: int) -> float:
        """Expected share of a record's amendments that fall on the day ``age`` days after publication."""
        return sum(share / (last - first + 1) for share, first, last in self.bands if first <= age <= last)

    @property
    def horizon(self) -> int:
        return max(last for _, _, last in self.bands)


# Calibrated against the real update captures (../shared/pncp/samples, API.md §9):
# - contratações: a July 2024 /contratacoes/atualizacao page holds compras published 75 and 104 days
#   before the update beside the month's own; amendments run over months (homologation, retificação);
# - contratos: 9,673 updated a day against 8,803 published, so about 0.1 amendment per contrato a day
#   across the archive; aditivos and apostilamentos come over the contract's whole life, years;
# - atas: a July 2024 /atas/atualizacao page holds atas published 12-13 months before (a year's
#   vigência ending or renewed), beside early corrections.
LIFETIMES = {
    "contratacoes": Lifetime(0.10, ((0.35, 1, 14), (0.35, 15, 120), (0.30, 121, 365))),
    "contratos": Lifetime(0.12, ((0.25, 1, 30), (0.30, 31, 365), (0.45, 366, 1826))),
    "atas": Lifetime(0.25, ((0.30, 1, 60), (0.70, 330, 400))),
}


@dataclass(frozen=True)
class Volume:
    """Records published per weekday (weekends carry ``weekend_factor`` of that), and their life after."""

    contratacoes: float = 6500
    contratos: float = 8500
    atas: float = 2400
    weekend_factor: float = 0.2
    noise: float = 0.15
    lifetimes: dict = field(default_factory=lambda: dict(LIFETIMES))
    delete_rate: float = 0.01
    delete_within_days: int = 30  # a record published by mistake is withdrawn soon, or never
    backdate_rate: float = 0.1
    backdate_max_days: int = 7  # a backdated stamp is at most this many days before the change became visible
    quiet_days: int = 8  # a record changes at most once within this many days
    burst_share: float = 0.2  # share of records bulk-loaded in the same second

    def scaled(self, factor: float) -> "Volume":
        return dataclasses.replace(self, contratacoes=self.contratacoes * factor, contratos=self.contratos * factor,
                                   atas=self.atas * factor, lifetimes=dict(self.lifetimes))

    @property
    def horizon_days(self) -> int:
        """The oldest age at which any record still changes."""
        return max([life.horizon for life in self.lifetimes.values()] + [self.delete_within_days])


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
        self._pick_cache = _LRU(200_000)
        self._bodies = _LRU(8)
        self._views = _LRU(16)
        self._stub_index = _LRU(512)
        self._itens = _LRU(4096)

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

    # ---- life after publication ------------------------------------------------------------
    # A change of a record published on day P becomes visible on a later day U. Which records of P
    # change on U is decided by (P, U) alone, so both views are cheap: a record's whole life (scan U)
    # and one update day's changes (scan P). A change is kept only if the record had no other change
    # in the ``quiet_days`` before it, and a record is deleted at most once (its first deletion).
    def _picks(self, entity: str, pday: date, uday: date) -> dict[int, tuple[str, int, int]]:
        """{index: (kind U/D, second of the day it becomes visible, days its stamp is backdated)}."""
        age = (uday - pday).days
        n = self.count(entity, pday)
        v = self.volume
        life = v.lifetimes.get(entity)
        lam_u = n * life.per_record * life.density(age) if life and age >= 1 else 0.0
        lam_d = n * v.delete_rate / v.delete_within_days if 1 <= age <= v.delete_within_days else 0.0
        if not n or lam_u + lam_d <= 0:
            return {}
        rng = rng_for(self.seed, entity, pday.toordinal(), uday.toordinal(), "picks")
        k_u, k_d = _poisson(rng, lam_u), _poisson(rng, lam_d)
        out = {}
        for j, idx in enumerate(rng.sample(range(n), min(n, k_u + k_d))):
            kind = "U" if j < k_u else "D"
            second = 7 * 3600 + rng.randrange(13 * 3600)  # office hours: 07:00 to 20:00
            back = rng.randint(1, v.backdate_max_days) if kind == "U" and rng.random() < v.backdate_rate else 0
            out[idx] = (kind, second, back)
        return out

    def _picks_cached(self, entity: str, pday: date, uday: date) -> dict[int, tuple[str, int, int]]:
        with self._lock:
            return self._pick_cache.get_or((entity, pday, uday), lambda: self._picks(entity, pday, uday))

    def _event(self, entity: str, pday: date, idx: int, uday: date, pick: tuple[str, int, int]) -> Event:
        kind, second, back = pick
        visible = datetime.combine(uday, time()) + timedelta(seconds=second)
        stamped = max(visible - timedelta(days=back), datetime.combine(pday + timedelta(days=1), time()))
        return Event(idx, uday.toordinal(), kind, visible, stamped)

    def _valid(self, entity: str, pday: date, idx: int, uday: date, kind: str) -> bool:
        """The rules a raw pick passes to become a change (see above), checked from its neighbours."""
        for back in range(1, self.volume.quiet_days + 1):
            earlier = uday - timedelta(days=back)
            if earlier <= pday:
                break
            if idx in self._picks_cached(entity, pday, earlier):
                return False
        first_deletion = None
        day = pday + timedelta(days=1)
        while day < uday and (day - pday).days <= self.volume.delete_within_days:
            pick = self._picks_cached(entity, pday, day).get(idx)
            if pick and pick[0] == "D":
                first_deletion = day
                break
            day += timedelta(days=1)
        if kind == "D":
            return first_deletion is None
        return first_deletion is None or not self._valid(entity, pday, idx, first_deletion, "D")

    def events(self, entity: str, day: date) -> dict[int, list[Event]]:
        with self._lock:
            return self._events.get_or((entity, day), lambda: self._make_events(entity, day))

    def _make_events(self, entity: str, day: date) -> dict[int, list[Event]]:
        raw: dict[int, list] = {}
        for age in range(1, self.volume.horizon_days + 1):
            uday = day + timedelta(days=age)
            for idx, pick in self._picks(entity, day, uday).items():
                raw.setdefault(idx, []).append((uday, pick))
        quiet = timedelta(days=self.volume.quiet_days)
        out: dict[int, list[Event]] = {}
        for idx, picks in raw.items():
            evs, previous, deletion_seen = [], None, False
            for uday, pick in picks:
                calm = previous is None or uday - previous > quiet
                previous = uday
                if pick[0] == "D":
                    if deletion_seen:
                        continue
                    deletion_seen = True
                    if calm:
                        evs.append(self._event(entity, day, idx, uday, pick))
                        break
                elif calm:
                    evs.append(self._event(entity, day, idx, uday, pick))
            if evs:
                out[idx] = evs
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
        if day > as_of.date() or day < self.first_day:
            return []
        events = self.events(entity, day)  # the day's own publications, unless changed since
        for s in self.stubs(entity, day):
            stamp = _stamp(s, events.get(s.idx, ()), as_of)
            if stamp is not None and stamp.date() == day:
                body, _ = self._state(entity, day, s, as_of)
                found.append((stamp, day.toordinal(), s.idx, body))
        for pday, idx in self._changed_on(entity, day, as_of):
            stub = self._stub(entity, pday, idx)
            stamp = _stamp(stub, self.events(entity, pday).get(idx, ()), as_of)
            if stamp is not None and stamp.date() == day:
                body, _ = self._state(entity, pday, stub, as_of)
                found.append((stamp, pday.toordinal(), idx, body))
        found.sort(key=lambda t: t[:3])
        return [t[3] for t in found]

    def _changed_on(self, entity: str, day: date, as_of: datetime) -> set[tuple[date, int]]:
        """Records published before ``day`` whose change visible by ``as_of`` is stamped on ``day``
        (a backdated change becomes visible up to ``backdate_max_days`` later)."""
        v, out = self.volume, set()
        last = min(day + timedelta(days=v.backdate_max_days), as_of.date())
        pday = max(self.first_day, day - timedelta(days=v.horizon_days + v.backdate_max_days))
        while pday < day:
            uday = max(day, pday + timedelta(days=1))
            while uday <= last:
                for idx, pick in self._picks_cached(entity, pday, uday).items():
                    if pick[0] != "U":
                        continue
                    ev = self._event(entity, pday, idx, uday, pick)
                    if ev.stamped_at.date() == day and ev.visible_at <= as_of and self._valid(entity, pday, idx, uday, "U"):
                        out.add((pday, idx))
                uday += timedelta(days=1)
            pday += timedelta(days=1)
        return out

    def _stub(self, entity: str, day: date, idx: int) -> Stub:
        with self._lock:
            index = self._stub_index.get_or((entity, day), lambda: {s.idx: s for s in self.stubs(entity, day)})
        return index[idx]

    def changes(self, entity: str, since: datetime, until: datetime | None = None) -> list[tuple[str, str, datetime]]:
        """Ground-truth change log: (key, "U"/"D", visible_at) for changes visible in (since, until]."""
        until = until or self.now
        key, out = KEYS[entity], []
        uday = since.date()
        while uday <= until.date():
            pday = max(self.first_day, uday - timedelta(days=self.volume.horizon_days))
            while pday < uday:
                for idx, pick in self._picks_cached(entity, pday, uday).items():
                    ev = self._event(entity, pday, idx, uday, pick)
                    if since < ev.visible_at <= until and self._valid(entity, pday, idx, uday, pick[0]):
                        body = self._body(entity, pday, self._stub(entity, pday, idx))
                        out.append((body[key], ev.kind, ev.visible_at))
                pday += timedelta(days=1)
            uday += timedelta(days=1)
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
        return self._itens_versions(compra)[-1][1]

    def _itens_versions(self, compra: dict) -> list[tuple[Event | None, list[dict]]]:
        """The itens as first published (event None), then after each amendment up to this version
        (cached per version: every item's resultados request asks for them again)."""
        version = (compra["numeroControlePNCP"], compra.get("dataAtualizacaoGlobal"))
        with self._lock:
            return self._itens.get_or(version, lambda: self._make_itens_versions(compra))

    def _make_itens_versions(self, compra: dict) -> list[tuple[Event | None, list[dict]]]:
        key = compra["numeroControlePNCP"]
        rng = rng_for(self.seed, "itens", key)
        first = {**compra, "dataAtualizacao": compra.get("dataInclusao")}
        out = [(None, records.itens(rng, first, records.itens_count(rng)))]
        for ev in self._compra_amendments(compra):
            out.append((ev, records.amend_itens(rng_for(self.seed, "itens", key, "amend", ev.n), out[-1][1], ev.stamped_at)))
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
            index = self._stub_index.get_or(("compras", day), lambda: {(self.orgaos[s.orgao].cnpj, s.sequencial): s
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
        """The results of an item of this version of a compra: none until the version that gave the
        item its result (its publication, or the amendment that homologated it); each amendment after
        that may cancel one."""
        if not item.get("temResultado"):
            return []
        key, n = compra["numeroControlePNCP"], item["numeroItem"]
        versions = self._itens_versions(compra)
        since = next((i for i, (_, its) in enumerate(versions)
                      if any(it["numeroItem"] == n and it.get("temResultado") for it in its)), None)
        if since is None:
            return []
        ev, its = versions[since]
        as_homologated = next(it for it in its if it["numeroItem"] == n)
        rows = records.resultados(rng_for(self.seed, "resultados", key, n), compra, as_homologated,
                                  None if ev is None else ev.stamped_at)
        for later, _ in versions[since + 1:]:
            rows = records.amend_resultados(rng_for(self.seed, "resultados", key, n, "amend", later.n), rows,
                                            later.stamped_at)
        return rows

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


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth's method for small means, a rounded normal beyond)."""
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
