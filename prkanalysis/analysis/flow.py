"""The flow regime as a choice with evidence: the July 2021 pressure exponent and seal inflow.

The July 2021 PrK series (hatch closed, 473 mmHg falling to about 154 mmHg over 17 days) is
the record's only decay long enough to show how the leak depends on pressure. Two readings of
its slowing are fitted by :func:`prkanalysis.models.decay.fit_decay`:

* ``"pressure_dependent"``: ``dp/dt = -k p (p/p_ref)^m``. The decay constant goes as ``p^m``
  and the mass flow as ``p^n`` with ``n = 1 + m``. A choked orifice has ``m = 0``
  (``n = 1``); viscous flow through a micrometre gap has ``m = 1`` (``n = 2``).
  :func:`exponent_interval` turns a regime name (``"choked"``, ``"viscous"``, ``"fitted"``) or
  a number into the ``n`` interval that every pressure scaling uses
  (:func:`prkanalysis.physics.pressure_scale`).
* ``"equilibrium"``: ``p = p_inf + (p0 - p_inf) exp(-k t)``, an outflow balanced by an inflow
  across the hatch seal. Read with a *linear* inflow ``k_in (760 - p)`` it gives
  ``k_out = k (1 - p_inf/760)`` and ``k_in = k p_inf/760``; read with a *choked* inflow (the
  station feeds the seal at more than 1/0.528 times the PrK pressure below about 400 mmHg,
  so the inflow does not depend on the PrK pressure) it gives ``k_out = k`` and a constant
  inflow ``q_in = k p_inf`` mmHg/day. The choked reading is the default.

Intervals: Wald (t with the fit's residual degrees of freedom) for ``m`` and ``k``; ``p_inf``
likewise; ``q_in = k p_inf`` by interval products (both positive).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy import stats

from prkanalysis import physics
from prkanalysis.errors import InsufficientDataError, PrkError
from prkanalysis.models.decay import fit_decay

__all__ = ["REGIME_BRACKET", "FlowEvidence", "exponent_interval", "july_2021_flow",
           "resolve_exponent", "trusted_flow"]

#: Mass-flow exponent bracket used when the July 2021 readings are not trusted at the
#: reader's grades: a choked orifice (n = 1) to viscous flow through a gap (n = 2).
REGIME_BRACKET: tuple[float, float] = (1.0, 2.0)

Interval = tuple[float, float]


@dataclass(frozen=True)
class FlowEvidence:
    """What the July 2021 decay says about the flow regime and the seal inflow.

    Attributes:
        episode_id: The episode fitted.
        n_readings: Timed readings used.
        m: Pressure exponent of the decay constant (``k ∝ p^m``).
        m_se: Its standard error.
        m_ci: Its Wald interval.
        n: Mass-flow exponent ``1 + m``.
        n_ci: ``1 + m_ci``.
        k_eq: Decay constant of the equilibrium curve, 1/day.
        k_eq_ci: Its Wald interval.
        p_inf_mmhg: Equilibrium pressure.
        p_inf_ci: Its Wald interval.
        k_out_linear: Outflow constant with a linear inflow, ``k (1 - p_inf/P_s)``.
        k_in_linear: Inflow constant with a linear inflow, ``k p_inf/P_s``.
        k_out_choked: Outflow constant with a choked inflow (``= k_eq``).
        inflow_choked_mmhg_day: Choked inflow ``k p_inf`` (point).
        inflow_choked_ci: Its interval.
        station_pressure_mmhg: ``P_s``.
        alpha: ``1 - alpha`` coverage of the intervals.
    """

    episode_id: str
    n_readings: int
    m: float
    m_se: float
    m_ci: Interval
    n: float
    n_ci: Interval
    k_eq: float
    k_eq_ci: Interval
    p_inf_mmhg: float
    p_inf_ci: Interval
    k_out_linear: float
    k_in_linear: float
    k_out_choked: float
    inflow_choked_mmhg_day: float
    inflow_choked_ci: Interval
    station_pressure_mmhg: float
    alpha: float

    def inflow_mmhg_day(self, pressure_mmhg: float, regime: str = "choked") -> Interval:
        """Seal inflow at ``pressure_mmhg`` (mmHg/day) as an interval, under ``regime``.

        ``"choked"``: the interval of ``k p_inf`` times the subsonic fraction (1 below about
        401 mmHg). ``"linear"``: ``k_in (P_s - p)`` with ``k_in`` over the ``k`` and
        ``p_inf`` intervals.
        """
        if regime == "choked":
            f = physics.orifice_flow_fraction(pressure_mmhg, self.station_pressure_mmhg)
            return (self.inflow_choked_ci[0] * f, self.inflow_choked_ci[1] * f)
        if regime == "linear":
            ps = self.station_pressure_mmhg
            lo = self.k_eq_ci[0] * self.p_inf_ci[0] / ps
            hi = self.k_eq_ci[1] * self.p_inf_ci[1] / ps
            return (lo * (ps - pressure_mmhg), hi * (ps - pressure_mmhg))
        raise PrkError(f"argument 'regime' = {regime!r} is outside the accepted values "
                       "('choked', 'linear')")

    def summary(self) -> str:
        """The fit in words (numbers computed)."""
        return (f"{self.episode_id} ({self.n_readings} readings): pressure exponent of k "
                f"m = {self.m:.2f} ± {self.m_se:.2f} (mass flow ∝ p^{self.n:.2f}; choked "
                f"orifice m = 0, viscous gap m = 1); equilibrium pressure "
                f"{self.p_inf_mmhg:.0f} mmHg; outflow constant {self.k_out_choked:.3f}/day with "
                f"a choked seal inflow of {self.inflow_choked_mmhg_day:.1f} mmHg/day "
                f"({self.k_out_linear:.3f}/day if the inflow were linear in 760 - p).")


def _wald(est: float, se: float, df: float, alpha: float) -> Interval:
    q = float(stats.t.ppf(1 - alpha / 2, df)) if df > 0 else math.inf
    return (est - q * se, est + q * se)


def july_2021_flow(readings: pd.DataFrame, episode_id: str = "E2021-07", *,
                   station_pressure_mmhg: float = 760.0, alpha: float = 0.05) -> FlowEvidence:
    """Fit the pressure-dependent and equilibrium models to an episode (see module doc).

    Args:
        readings: ``pressure_readings``.
        episode_id: The episode (July 2021 by default).
        station_pressure_mmhg: Station pressure feeding the seal.
        alpha: ``1 - alpha`` coverage of the Wald intervals.

    Returns:
        A :class:`FlowEvidence`.

    Raises:
        InsufficientDataError: Fewer than four timed readings.
    """
    from prkanalysis.episodes import episode_readings

    sel = episode_readings(readings, episode_id)
    sel = sel[sel["t_d"].notna()]
    if len(sel) < 4:
        raise InsufficientDataError(f"episode {episode_id} has {len(sel)} timed readings; the "
                                    "three-parameter models need at least four")
    t = sel["t_d"].to_numpy(float)
    p = sel["pressure_mmhg"].to_numpy(float)
    pdep = fit_decay(t, p, "pressure_dependent", alpha=alpha)
    eq = fit_decay(t, p, "equilibrium", alpha=alpha, p_station_mmhg=station_pressure_mmhg)
    par = {name: (est, se) for name, est, se in pdep.params}
    m, m_se = par["m"]
    m_ci = _wald(m, m_se, pdep.df_resid, alpha)
    epar = {name: (est, se) for name, est, se in eq.params}
    k, _ = epar["k"]
    p_inf, p_se = epar["p_inf"]
    p_ci = _wald(p_inf, p_se, eq.df_resid, alpha)
    p_ci = (max(p_ci[0], 0.0), p_ci[1])
    k_ci = (max(eq.k_ci[0], 0.0), eq.k_ci[1])
    ps = float(station_pressure_mmhg)
    return FlowEvidence(
        episode_id=episode_id, n_readings=len(sel), m=m, m_se=m_se, m_ci=m_ci, n=1.0 + m,
        n_ci=(1.0 + m_ci[0], 1.0 + m_ci[1]), k_eq=k, k_eq_ci=k_ci, p_inf_mmhg=p_inf,
        p_inf_ci=p_ci, k_out_linear=k * (1 - p_inf / ps), k_in_linear=k * p_inf / ps,
        k_out_choked=k, inflow_choked_mmhg_day=k * p_inf,
        inflow_choked_ci=(k_ci[0] * p_ci[0], k_ci[1] * p_ci[1]), station_pressure_mmhg=ps,
        alpha=alpha)


def exponent_interval(regime: str | float, flow: FlowEvidence | None = None) -> Interval:
    """Mass-flow pressure exponent ``n`` (``m_dot ∝ p^n``) as an interval.

    ``"choked"``/``"molecular"`` give ``(1, 1)``, ``"viscous"`` ``(2, 2)``, ``"fitted"`` the
    July 2021 interval ``1 + m_ci`` (needs ``flow``), a number ``(n, n)``.

    Example:
        >>> exponent_interval("viscous"), exponent_interval(1.5)
        ((2.0, 2.0), (1.5, 1.5))
    """
    if isinstance(regime, (int, float)):
        n = float(regime)
        return (n, n)
    if regime in physics.REGIME_EXPONENTS:
        n = physics.REGIME_EXPONENTS[regime]
        return (n, n)
    if regime == "fitted":
        if flow is None:
            raise PrkError("argument 'regime' = 'fitted' needs the July 2021 fit (flow=...)")
        return flow.n_ci
    raise PrkError(f"argument 'regime' = {regime!r} is outside the accepted values "
                   f"{(*physics.REGIME_EXPONENTS, 'fitted')} or a number")


def trusted_flow(record: Any, grades: Sequence[str] | None = None, *,
                 episode_id: str = "E2021-07",
                 station_pressure_mmhg: float = 760.0) -> FlowEvidence | None:
    """:func:`july_2021_flow` on the readings trusted at ``grades``, or ``None``.

    The readings are :func:`prkanalysis.episodes.trusted_readings` (best source grade in
    ``grades``, default the judgements table's). With fewer than four trusted timed readings
    (e.g. under P/T, where most July 2021 readings are aggregator relays) the flow regime and
    the seal inflow cannot be determined from the record: ``None``.
    """
    from prkanalysis.episodes import trusted_readings

    try:
        return july_2021_flow(trusted_readings(record, grades), episode_id,
                              station_pressure_mmhg=station_pressure_mmhg)
    except InsufficientDataError:
        return None


def resolve_exponent(regime: str | float, flow: FlowEvidence | None) -> tuple[Interval, str]:
    """The mass-flow exponent interval for ``regime`` and where it comes from, in words.

    ``"fitted"`` without a trusted fit (``flow`` is ``None``) falls back to
    :data:`REGIME_BRACKET` (choked to viscous), said so in the basis text.

    Example:
        >>> resolve_exponent("fitted", None)
        ((1.0, 2.0), 'choked-to-viscous bracket (no trusted July 2021 fit)')
        >>> resolve_exponent("viscous", None)
        ((2.0, 2.0), 'viscous')
    """
    if regime == "fitted" and flow is None:
        return REGIME_BRACKET, "choked-to-viscous bracket (no trusted July 2021 fit)"
    n = exponent_interval(regime, flow)
    basis = "July 2021 fit" if regime == "fitted" else str(regime)
    return n, basis
