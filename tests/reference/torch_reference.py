#!/usr/bin/python3
"""Checks the ConvLab core against PyTorch (and numpy) on fixed-seed random cases.

Usage: /usr/bin/python3 torch_reference.py path/to/convlab_cli [--verbose]

Every case is sent to convlab_cli (protocol in convlab_cli.cpp) in one batch; the expected result
is computed in float64 from the very float32 values the core sees. A case passes when
  - torch accepts it and the core returns the same shape and values within
    1e-4 * (1 + scale), scale = the same op on |inputs| (the magnitude the float32 sums carry), or
  - torch rejects it and the core throws a convlab::Error (with the expected code where one is named).
Cases torch cannot express (symmetric padding, our documented limits) name the expected core
error explicitly. Prints one summary line; exits 1 on any mismatch, printing the failing case in full.
"""
import math
import subprocess
import sys
import time

import warnings

import numpy as np
import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)
warnings.filterwarnings("ignore", message="Using padding='same'")
MODES = ["zeros", "reflect", "symmetric", "replicate", "circular"]
POOLS = ["max", "mean", "min"]
TOL = 1e-4
SEED = 20240607


def f32(a):
    return np.asarray(a, dtype=np.float32)


def t64(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64).copy())


class Case:
    """One request: a header line, float32 arrays, and how to judge the answer."""

    def __init__(self, name, header, arrays, expect):
        self.name, self.header, self.arrays, self.expect = name, header, [f32(a) for a in arrays], expect
        self.inputs = arrays

    def request(self):
        return (self.header + "\n").encode() + b"".join(a.astype("<f4").tobytes() for a in self.arrays)


# ---- torch references (float64) ------------------------------------------------------------------

def pad_ref(x, pads, mode):
    """x [C,H,W] float64 tensor, pads (top, bottom, left, right)."""
    t, b, l, r = pads
    if mode == "symmetric":
        return t64(np.pad(x.numpy(), ((0, 0), (t, b), (l, r)), mode="symmetric"))
    if mode == "zeros":
        return F.pad(x[None], (l, r, t, b))[0]
    return F.pad(x[None], (l, r, t, b), mode=mode)[0]


def conv_ref(x, w, b, stride, dilation, pads, mode, groups, same=False):
    """torch conv2d with nn.Conv2d's padding_mode; `same` goes through nn.Conv2d(padding='same')."""
    if same:
        m = torch.nn.Conv2d(x.shape[0], w.shape[0], tuple(w.shape[2:]), stride=1, padding="same", dilation=dilation,
                            groups=groups, bias=b is not None, padding_mode=mode, dtype=torch.float64)
        m.weight.copy_(w)
        if b is not None:
            m.bias.copy_(b)
        return m(x[None])[0]
    xp = pad_ref(x, pads, mode)
    return F.conv2d(xp[None], w, b, stride=stride, dilation=dilation, groups=groups)[0]


def pool_ref(x, mode, k, s, p, d, ceil, cip):
    if mode == "mean":
        return F.avg_pool2d(x[None], k, s, p, ceil_mode=ceil, count_include_pad=cip)[0], None
    sign = 1.0 if mode == "max" else -1.0
    v, i = F.max_pool2d(sign * x[None], k, s, p, d, ceil_mode=ceil, return_indices=True)
    return sign * v[0], i[0]


# ---- case generators ------------------------------------------------------------------------------

def rand(rng, *shape):
    return rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)


def shrink(rng, o, k, d, room):
    """Most random kernels that would not fit the padded input are shrunk so they do."""
    if (o[k] - 1) * o[d] + 1 > room and rng.random() < 0.75:
        o[d] = 1
        o[k] = min(o[k], room)


def conv_case(rng, idx, forced=None):
    o = dict(cg=rng.integers(1, 4), groups=rng.integers(1, 4), og=rng.integers(1, 3), h=rng.integers(1, 13),
             w=rng.integers(1, 13), kh=rng.integers(1, 8), kw=rng.integers(1, 8), sh=rng.integers(1, 4),
             sw=rng.integers(1, 4), dh=rng.integers(1, 4), dw=rng.integers(1, 4), mode=MODES[rng.integers(0, 5)],
             bias=bool(rng.integers(0, 2)), same=rng.random() < 0.15)
    if rng.random() < 0.5:  # keep most cases valid: small dilation for big kernels
        o["dh"], o["dw"] = 1, 1
    if o["same"]:
        o["sh"] = o["sw"] = 1
    o.update(forced or {})
    c, a, g = o.get("c", o["cg"] * o["groups"]), o["og"] * o["groups"], o["groups"]
    h, w, mode = o["h"], o["w"], o["mode"]

    def rpad(size):
        top = {"reflect": size - 1, "symmetric": size, "circular": size}.get(mode, 4)
        return int(rng.integers(0, max(top, 0) + 1))
    if o["same"]:
        th, tw = o["dh"] * (o["kh"] - 1), o["dw"] * (o["kw"] - 1)
        pads = (th // 2, th - th // 2, tw // 2, tw - tw // 2)
    else:
        pads = (rpad(h), rpad(h), rpad(w), rpad(w))
    pads = o.get("pads", pads)
    if not forced:
        shrink(rng, o, "kh", "dh", h + pads[0] + pads[1])
        shrink(rng, o, "kw", "dw", w + pads[2] + pads[3])
    x, wt = rand(rng, c, h, w), rand(rng, a, c // g, o["kh"], o["kw"])
    wt = o.get("weight", wt)
    b = rand(rng, wt.shape[0]) if o["bias"] else np.zeros(0, np.float32)
    b = o.get("bias_values", b)
    header = "conv2d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d" % (
        c, h, w, *wt.shape, o["sh"], o["sw"], o["dh"], o["dw"], *pads, MODES.index(mode), g, len(b))
    name = "conv2d_%d_c%d_%dx%d_a%d_k%dx%d_s%dx%d_d%dx%d_p%s_%s_g%d%s%s" % (
        idx, c, h, w, wt.shape[0], wt.shape[2], wt.shape[3], o["sh"], o["sw"], o["dh"], o["dw"],
        "-".join(map(str, pads)), mode, g, "_bias" if len(b) else "", "_same" if o["same"] else "")

    def expect():
        bb = t64(b) if len(b) else None
        if mode == "symmetric" and max(pads[:2]) > h or mode == "symmetric" and max(pads[2:]) > w:
            return "InvalidPadding"  # numpy mirrors again; the core takes one reflection like torch's modes
        args = ((o["sh"], o["sw"]), (o["dh"], o["dw"]), pads, mode, g)
        ref = conv_ref(t64(x), t64(wt), bb, *args, same=o["same"] and mode != "symmetric")
        scale = conv_ref(t64(np.abs(x)), t64(np.abs(wt)), None if bb is None else bb.abs(), *args,
                         same=o["same"] and mode != "symmetric")
        return [(ref, scale)]
    return Case(name, header, [x, wt, b], expect)


def pad_case(rng, idx, forced=None):
    o = dict(c=rng.integers(1, 4), h=rng.integers(1, 10), w=rng.integers(1, 10), mode=MODES[rng.integers(0, 5)])
    o.update(forced or {})
    mode, h, w = o["mode"], o["h"], o["w"]
    lim = {"reflect": (h - 1, w - 1), "symmetric": (h, w), "circular": (h, w)}.get(mode, (6, 6))
    pads = o.get("pads", (int(rng.integers(0, lim[0] + 1)), int(rng.integers(0, lim[0] + 1)),
                          int(rng.integers(0, lim[1] + 1)), int(rng.integers(0, lim[1] + 1))))
    x = rand(rng, o["c"], h, w)
    header = "pad %d %d %d %d %d %d %d %d" % (o["c"], h, w, *pads, MODES.index(mode))
    name = "pad_%d_c%d_%dx%d_p%s_%s" % (idx, o["c"], h, w, "-".join(map(str, pads)), mode)

    def expect():
        if mode == "symmetric" and (max(pads[:2]) > h or max(pads[2:]) > w):
            return "InvalidPadding"
        ref = pad_ref(t64(x), pads, mode)
        return [(ref, torch.zeros_like(ref))]
    return Case(name, header, [x], expect)


def transpose_case(rng, idx, steps=False, forced=None):
    o = dict(cg=rng.integers(1, 4), groups=rng.integers(1, 4), og=rng.integers(1, 3), h=rng.integers(1, 8),
             w=rng.integers(1, 8), kh=rng.integers(1, 6), kw=rng.integers(1, 6), sh=rng.integers(1, 4),
             sw=rng.integers(1, 4), dh=rng.integers(1, 3), dw=rng.integers(1, 3), bias=bool(rng.integers(0, 2)))
    o.update(forced or {})
    o.setdefault("ph", int(rng.integers(0, (o["dh"] * (o["kh"] - 1)) // 2 + 2)))
    o.setdefault("pw", int(rng.integers(0, (o["dw"] * (o["kw"] - 1)) // 2 + 2)))
    o.setdefault("oph", int(rng.integers(0, max(o["sh"], o["dh"]))))
    o.setdefault("opw", int(rng.integers(0, max(o["sw"], o["dw"]))))
    c, g = o.get("c", o["cg"] * o["groups"]), o["groups"]
    x, wt = rand(rng, c, o["h"], o["w"]), rand(rng, c, o["og"], o["kh"], o["kw"])
    wt = o.get("weight", wt)
    nb = wt.shape[1] * g
    b = rand(rng, nb) if o["bias"] else np.zeros(0, np.float32)
    b = o.get("bias_values", b)
    stride, pad, opad, dil = (o["sh"], o["sw"]), (o["ph"], o["pw"]), (o["oph"], o["opw"]), (o["dh"], o["dw"])
    op = "conv_transpose2d_steps" if steps else "conv_transpose2d"
    header = "%s %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d" % (
        op, c, o["h"], o["w"], *wt.shape, *stride, *pad, *opad, *dil, g, len(b))
    name = "%s_%d_c%d_%dx%d_o%d_k%dx%d_s%dx%d_p%dx%d_op%dx%d_d%dx%d_g%d%s" % (
        op, idx, c, o["h"], o["w"], nb, wt.shape[2], wt.shape[3], *stride, *pad, *opad, *dil, g,
        "_bias" if len(b) else "")

    def expect():
        bb = t64(b) if len(b) else None
        X, W = t64(x), t64(wt)
        ref = F.conv_transpose2d(X[None], W, bb, stride, pad, opad, g, dil)[0]
        scale = F.conv_transpose2d(X.abs()[None], W.abs(), None if bb is None else bb.abs(), stride, pad, opad, g,
                                   dil)[0]
        if not steps:
            return [(ref, scale)]
        # The lesson's construction, built here with torch: zero insertion, pad (negative = crop), a
        # stride-1 correlation with the rotated, channel-swapped kernel.
        C, H, Wd = X.shape
        zi = torch.zeros(C, (H - 1) * stride[0] + 1, (Wd - 1) * stride[1] + 1, dtype=torch.float64)
        zi[:, ::stride[0], ::stride[1]] = X
        kh, kw = W.shape[2:]
        t = dil[0] * (kh - 1) - pad[0]
        l = dil[1] * (kw - 1) - pad[1]
        pads = (t, t + opad[0], l, l + opad[1])
        padded = F.pad(zi[None], (pads[2], pads[3], pads[0], pads[1]))[0]
        cin_g, cout_g = C // g, W.shape[1]
        rot = torch.flip(W, dims=(2, 3)).reshape(g, cin_g, cout_g, kh, kw).transpose(1, 2).reshape(
            g * cout_g, cin_g, kh, kw)
        rebuilt = F.conv2d(padded[None], rot, bb, 1, 0, dil, g)[0]
        zero = lambda a: torch.zeros_like(a)
        return [(zi, zero(zi)), (padded, zero(padded)), (rot, zero(rot)), (rebuilt, scale),
                (torch.tensor(pads, dtype=torch.float64), torch.zeros(4, dtype=torch.float64))]
    return Case(name, header, [x, wt, b], expect)


def pool_case(rng, idx, argmax=False, forced=None):
    o = dict(c=rng.integers(1, 4), h=rng.integers(1, 11), w=rng.integers(1, 11), mode=POOLS[rng.integers(0, 3)],
             kh=rng.integers(1, 6), kw=rng.integers(1, 6), ceil=bool(rng.integers(0, 2)),
             cip=bool(rng.integers(0, 2)), ties=rng.random() < 0.3, nan=rng.random() < 0.1)
    if argmax:
        o["mode"] = POOLS[2 * int(rng.integers(0, 2))]
    o.update(forced or {})
    o.setdefault("sh", int(rng.integers(0, 4)))  # 0: stride = kernel
    o.setdefault("sw", int(rng.integers(0, 4)))
    o.setdefault("ph", int(rng.integers(0, o["kh"] // 2 + 1)))
    o.setdefault("pw", int(rng.integers(0, o["kw"] // 2 + 1)))
    mean = o["mode"] == "mean"
    o.setdefault("dh", 1 if mean or rng.random() < 0.5 else int(rng.integers(1, 4)))
    o.setdefault("dw", 1 if mean or rng.random() < 0.5 else int(rng.integers(1, 4)))
    if not forced:
        for k, d, p, n in (("kh", "dh", "ph", "h"), ("kw", "dw", "pw", "w")):
            if (o[k] - 1) * o[d] + 1 > o[n] + 2 * o[p] and rng.random() < 0.75:
                o[d] = 1
                o[k] = max(1, min(o[k], o[n] + 2 * o[p]))
                o[p] = min(o[p], o[k] // 2)
    x = rand(rng, o["c"], o["h"], o["w"])
    if o["ties"]:
        x = np.floor(x * 2.0).astype(np.float32)  # values -2..1: many equal maxima
    if o["nan"]:
        x.flat[rng.integers(0, x.size, size=2)] = np.nan
    k, p, d = (o["kh"], o["kw"]), (o["ph"], o["pw"]), (o["dh"], o["dw"])
    s = (o["sh"], o["sw"])
    op = "pool2d_argmax" if argmax else "pool2d"
    header = "%s %d %d %d %d %d %d %d %d %d %d %d %d %d %d" % (
        op, o["c"], o["h"], o["w"], POOLS.index(o["mode"]), *k, *s, *p, *d, o["ceil"], o["cip"])
    name = "%s_%d_%s_c%d_%dx%d_k%dx%d_s%dx%d_p%dx%d_d%dx%d%s%s%s%s" % (
        op, idx, o["mode"], o["c"], o["h"], o["w"], *k, *s, *p, *d, "_ceil" if o["ceil"] else "",
        "" if o["cip"] or not mean else "_exclpad", "_ties" if o["ties"] else "", "_nan" if o["nan"] else "")

    def expect():
        if mean and d != (1, 1):
            return "InvalidArgument"
        stride = tuple(s[i] if s[i] else k[i] for i in range(2))
        v, i = pool_ref(t64(x), o["mode"], k, stride, p, d, o["ceil"], o["cip"])
        if argmax:
            # torch's index of an all-padding window is meaningless; the core documents -1 there
            return [(i.to(torch.float64), torch.zeros_like(v), torch.isinf(v))]
        return [(v, t64(np.abs(np.nan_to_num(x))).max().expand_as(v).clone())]
    return Case(name, header, [x], expect)


def layer_text(layers):
    return " ".join("%d %d %d %d %d %d %d %d %d" % ((0 if l["t"] == "conv" else 1), *l["k"], *l["s"], *l["p"], *l["d"])
                    for l in layers)


def layer_name(layers):
    return "_".join("%s%dx%ds%dx%dp%dx%dd%dx%d" % ((l["t"][0]), *l["k"], *l["s"], *l["p"], *l["d"]) for l in layers)


def random_layers(rng, n, pool_dilation):
    layers = []
    for _ in range(n):
        if rng.random() < 0.7:
            k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
            layers.append(dict(t="conv", k=k, s=(int(rng.integers(1, 3)), int(rng.integers(1, 3))),
                               p=(int(rng.integers(0, 3)), int(rng.integers(0, 3))),
                               d=(int(rng.integers(1, 3)), int(rng.integers(1, 3)))))
        else:
            k = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
            layers.append(dict(t="pool", k=k, s=(int(rng.integers(1, 3)), int(rng.integers(1, 3))),
                               p=(int(rng.integers(0, k[0] // 2 + 1)), int(rng.integers(0, k[1] // 2 + 1))),
                               d=(int(rng.integers(1, 3)), int(rng.integers(1, 3))) if pool_dilation else (1, 1)))
    return layers


def erf_case(rng, idx):
    c, h, w = int(rng.integers(1, 3)), int(rng.integers(3, 17)), int(rng.integers(3, 17))
    relu = int(rng.integers(0, 2))
    while True:
        layers = random_layers(rng, int(rng.integers(1, 4)), pool_dilation=True)
        x = rng.uniform(0.0, 1.0, size=(c, h, w)).astype(np.float32)
        weights = [rand(rng, c, c, *l["k"]) for l in layers if l["t"] == "conv"]
        # A max-pool window made only of padding (dilation can do that) has no argmax: torch 1.13's
        # max_pool2d backward then writes out of bounds (heap corruption), so such networks are redrawn.
        try:
            y, wi = t64(x)[None], 0
            for l in layers:
                if l["t"] == "pool":
                    y = F.max_pool2d(y, l["k"], l["s"], l["p"], l["d"])
                    if torch.isinf(y).any():
                        raise ValueError("all-padding window")
                else:
                    y = F.conv2d(y, t64(weights[wi]), None, l["s"], l["p"], l["d"])
                    wi += 1
            break
        except RuntimeError:
            break  # torch rejects the stack: kept as a rejection case
        except ValueError:
            continue
    header = "erf %d %d %d %d %d %s" % (c, h, w, relu, len(layers), layer_text(layers))
    name = "erf_%d_c%d_%dx%d%s_%s" % (idx, c, h, w, "_relu" if relu else "", layer_name(layers))

    def expect():
        with torch.enable_grad():
            X = t64(x).requires_grad_(True)
            y, wi = X[None], 0
            for i, l in enumerate(layers):
                if l["t"] == "pool":
                    y = F.max_pool2d(y, l["k"], l["s"], l["p"], l["d"])
                    continue
                y = F.conv2d(y, t64(weights[wi]), None, l["s"], l["p"], l["d"])
                wi += 1
                if relu and i + 1 < len(layers):
                    y = F.relu(y)
            uh, uw = y.shape[2] // 2, y.shape[3] // 2
            y[0, 0, uh, uw].backward()
        g = X.grad.detach()
        return [(torch.tensor([uh, uw], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)),
                (g, g.abs().max().expand_as(g).clone())]
    return Case(name, header, [x] + weights, expect)


def rf_case(rng, idx):
    h, w = int(rng.integers(1, 25)), int(rng.integers(1, 25))
    layers = random_layers(rng, int(rng.integers(1, 5)), pool_dilation=False)
    index = int(rng.integers(0, len(layers)))
    # The unit is drawn from the layer's torch output size; an invalid stack asks for unit (0, 0).
    with torch.enable_grad():
        X = torch.ones(1, 1, h, w, dtype=torch.float64, requires_grad=True)
        outs, y, err = [], X, None
        try:
            for l in layers:
                if l["t"] == "pool":  # avg pool: every pixel of the window influences the unit
                    y = F.avg_pool2d(y, l["k"], l["s"], l["p"])
                else:
                    y = F.conv2d(y, torch.ones(1, 1, *l["k"], dtype=torch.float64), None, l["s"], l["p"], l["d"])
                outs.append(y)
        except (RuntimeError, ValueError) as e:
            err = e
        oy = ox = 0
        if err is None:
            oy, ox = int(rng.integers(0, outs[index].shape[2])), int(rng.integers(0, outs[index].shape[3]))
            outs[index][0, 0, oy, ox].backward()
    header = "rf %d %d %d %d %d %d %s" % (h, w, index, oy, ox, len(layers), layer_text(layers))
    name = "rf_%d_%dx%d_layer%d_unit%dx%d_%s" % (idx, h, w, index, oy, ox, layer_name(layers))

    def expect():
        if err is not None:
            raise err
        sizes = torch.tensor([[o.shape[2], o.shape[3]] for o in outs], dtype=torch.float64)
        nz = (X.grad[0, 0] != 0).nonzero()
        if len(nz) == 0:
            rect = torch.zeros(4, dtype=torch.float64)
        else:
            rect = torch.tensor([nz[:, 0].min(), nz[:, 1].min(), nz[:, 0].max() + 1, nz[:, 1].max() + 1],
                                dtype=torch.float64)
        return [(sizes, torch.zeros_like(sizes)), (rect, torch.zeros(4, dtype=torch.float64))]
    return Case(name, header, [], expect)


def separable_case(rng, idx):
    c, h, w = int(rng.integers(1, 4)), int(rng.integers(1, 12)), int(rng.integers(1, 12))
    kh, kw = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    s, d = (int(rng.integers(1, 4)), int(rng.integers(1, 4))), (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    mode = MODES[rng.integers(0, 5)]
    lim = {"reflect": (h - 1, w - 1), "symmetric": (h, w), "circular": (h, w)}.get(mode, (4, 4))
    pads = (int(rng.integers(0, lim[0] + 1)), int(rng.integers(0, lim[0] + 1)), int(rng.integers(0, lim[1] + 1)),
            int(rng.integers(0, lim[1] + 1)))
    o = dict(kh=kh, kw=kw, dh=d[0], dw=d[1])
    shrink(rng, o, "kh", "dh", h + pads[0] + pads[1])
    shrink(rng, o, "kw", "dw", w + pads[2] + pads[3])
    kh, kw, d = o["kh"], o["kw"], (o["dh"], o["dw"])
    groups = c if rng.random() < 0.5 else 1
    x, col, row = rand(rng, c, h, w), rand(rng, kh), rand(rng, kw)
    header = "separable %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d" % (c, h, w, kh, kw, *s, *d, *pads,
                                                                      MODES.index(mode), groups)
    name = "separable_%d_c%d_%dx%d_k%dx%d_s%dx%d_d%dx%d_p%s_%s_g%d" % (idx, c, h, w, kh, kw, *s, *d,
                                                                      "-".join(map(str, pads)), mode, groups)

    def expect():
        k = np.outer(col.astype(np.float64), row.astype(np.float64))
        W = t64(np.repeat(k[None, None], c, axis=0))
        ref = conv_ref(t64(x), W, None, s, d, pads, mode, c)
        scale = conv_ref(t64(np.abs(x)), W.abs(), None, s, d, pads, mode, c)
        return [(ref, scale)]
    return Case(name, header, [x, col, row], expect)


def separate_case(rng, idx):
    kh, kw = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    rank1 = rng.random() < 0.5
    k = np.outer(rand(rng, kh), rand(rng, kw)).astype(np.float32) if rank1 else rand(rng, kh, kw)
    header = "separate %d %d %d" % (kh, kw, 1e6)  # tolerance 1e-6
    name = "separate_%d_%dx%d_%s" % (idx, kh, kw, "rank1" if rank1 else "random")
    return Case(name, header, [k], ("separate", k))


# ---- curated rejections: torch refuses these, so must the core, with this code --------------------

def curated(rng):
    cases = []
    add = lambda c, code: (setattr(c, "code", code), cases.append(c))
    add(conv_case(rng, 900, dict(same=False, mode="reflect", h=3, w=5, pads=(3, 0, 0, 0))), "InvalidPadding")
    add(conv_case(rng, 901, dict(same=False, mode="reflect", h=4, w=2, pads=(0, 0, 0, 2))), "InvalidPadding")
    add(conv_case(rng, 902, dict(same=False, mode="reflect", h=1, w=1, pads=(1, 0, 0, 0))), "InvalidPadding")
    add(conv_case(rng, 903, dict(same=False, mode="circular", h=3, w=3, pads=(0, 4, 0, 0), kh=1, kw=1)), "InvalidPadding")
    add(conv_case(rng, 904, dict(same=False, mode="symmetric", h=3, w=3, pads=(0, 0, 4, 0), kh=1, kw=1)), "InvalidPadding")
    add(pad_case(rng, 905, dict(mode="reflect", h=2, w=6, pads=(2, 0, 0, 0))), "InvalidPadding")
    add(pad_case(rng, 906, dict(mode="circular", h=6, w=2, pads=(0, 0, 0, 3))), "InvalidPadding")
    add(pad_case(rng, 907, dict(mode="symmetric", h=2, w=2, pads=(3, 0, 0, 0))), "InvalidPadding")
    add(conv_case(rng, 910, dict(mode="zeros", h=4, w=4, kh=5, kw=3, dh=1, dw=1, same=False, pads=(0, 0, 0, 0))),
        "KernelTooLarge")
    add(conv_case(rng, 911, dict(mode="zeros", h=4, w=4, kh=3, kw=3, dh=3, dw=1, same=False, pads=(1, 0, 1, 1))),
        "KernelTooLarge")
    add(conv_case(rng, 912, dict(mode="replicate", h=2, w=9, kh=1, kw=7, dh=1, dw=2, same=False,
                                 pads=(0, 0, 1, 2))), "KernelTooLarge")
    add(conv_case(rng, 913, dict(c=3, cg=1, groups=2, og=1, h=5, w=5, same=False, mode="zeros",
                                 pads=(1, 1, 1, 1))), "InvalidGroups")
    add(conv_case(rng, 914, dict(c=3, cg=1, groups=1, og=1, weight=rand(rng, 1, 1, 3, 3), h=5, w=5, same=False,
                                 mode="zeros", pads=(0, 0, 0, 0))), "ShapeMismatch")  # weight wants 1 channel
    add(conv_case(rng, 915, dict(bias=True, bias_values=rand(rng, 7), same=False, mode="zeros",
                                 pads=(0, 0, 0, 0), h=8, w=8, kh=2, kw=2)), "ShapeMismatch")
    add(conv_case(rng, 916, dict(sh=0, same=False, mode="zeros", pads=(0, 0, 0, 0), h=8, w=8, kh=2, kw=2)),
        "InvalidStride")
    add(conv_case(rng, 917, dict(dw=0, same=False, mode="zeros", pads=(0, 0, 0, 0), h=8, w=8, kh=2, kw=2)),
        "InvalidDilation")
    # output_padding must be smaller than stride or dilation
    add(transpose_case(rng, 920, forced=dict(sh=2, dh=1, oph=2, h=3, w=3, ph=0, pw=0)), "InvalidPadding")
    add(transpose_case(rng, 921, forced=dict(sw=1, dw=1, opw=1, h=3, w=3, ph=0, pw=0)), "InvalidPadding")
    add(transpose_case(rng, 922, forced=dict(sh=3, dh=2, oph=3, h=3, w=3, ph=0, pw=0)), "InvalidPadding")
    cases.append(transpose_case(rng, 923, forced=dict(sh=1, dh=3, oph=2, ph=0)))  # allowed: < dilation
    cases.append(transpose_case(rng, 924, forced=dict(sw=2, dw=3, opw=2, pw=0)))  # allowed
    add(transpose_case(rng, 925, forced=dict(h=1, kh=2, sh=1, dh=1, ph=2, oph=0)), "KernelTooLarge")
    add(transpose_case(rng, 926, forced=dict(groups=2, cg=1, og=1, weight=rand(rng, 2, 1, 2, 2), h=3, w=3)),
        None)  # fine: channels 2 groups 2
    add(transpose_case(rng, 927, forced=dict(c=3, groups=2, cg=1, og=1, h=3, w=3, bias=False)), "InvalidGroups")
    # pooling: padding at most half the kernel; output must be >= 1; ceil mode may overhang
    add(pool_case(rng, 930, forced=dict(mode="max", kh=3, ph=2, kw=3, pw=0)), "InvalidPadding")
    add(pool_case(rng, 931, forced=dict(mode="mean", kh=2, ph=0, kw=1, pw=1)), "InvalidPadding")
    add(pool_case(rng, 932, forced=dict(mode="max", h=2, kh=3, ph=0, dh=1, ceil=False)), "KernelTooLarge")
    add(pool_case(rng, 933, forced=dict(mode="min", h=3, kh=2, ph=0, dh=3, ceil=False)), "KernelTooLarge")
    cases.append(pool_case(rng, 938, forced=dict(mode="min", h=3, kh=2, ph=0, dh=3, ceil=True)))  # overhangs: allowed
    cases.append(pool_case(rng, 934, forced=dict(mode="max", h=2, kh=3, sh=2, ph=0, dh=1, ceil=True)))
    cases.append(pool_case(rng, 935, forced=dict(mode="mean", h=2, kh=3, sh=2, ph=1, ceil=True, cip=True)))
    cases.append(pool_case(rng, 936, forced=dict(mode="mean", h=5, kh=2, sh=2, ph=1, ceil=True, cip=False)))
    add(pool_case(rng, 937, forced=dict(mode="mean", dh=2)), "InvalidArgument")
    return cases


# ---- running and judging ----------------------------------------------------------------------------

def parse_answers(raw, n):
    answers, pos = [], 0
    for _ in range(n):
        end = raw.index(b"\n", pos)
        line = raw[pos:end].decode()
        pos = end + 1
        if line.startswith("error "):
            parts = line.split(" ", 2)
            answers.append(("error", parts[1], parts[2] if len(parts) > 2 else ""))
            if parts[1] == "Protocol":
                break
            continue
        arrays = []
        for _ in range(int(line.split()[1])):
            end = raw.index(b"\n", pos)
            dims = [int(v) for v in raw[pos:end].split()][1:]
            pos = end + 1
            cnt = int(np.prod(dims)) if dims else 1
            arrays.append(np.frombuffer(raw[pos:pos + 4 * cnt], dtype="<f4").reshape(dims).astype(np.float64))
            pos += 4 * cnt
        answers.append(("ok", arrays))
    return answers


def judge_separate(k, got):
    """numpy SVD: residual, rank-1 factor product, split and sign conventions."""
    flags, col, row = got
    K = k.astype(np.float64)
    u, s, vt = np.linalg.svd(K)
    norm = np.linalg.norm(K)
    residual = math.sqrt(float(np.sum(s[1:] ** 2))) / norm if norm > 0 else 0.0
    msgs, err = [], 0.0
    e = abs(flags[1] - residual)
    err = max(err, e)
    if e > 1e-5:
        msgs.append("residual %.9g, numpy says %.9g" % (flags[1], residual))
    if bool(flags[0]) != (residual <= 1e-6) and abs(residual - 1e-6) > 1e-6:
        msgs.append("separable flag %d, numpy residual %.3g" % (flags[0], residual))
    best = s[0] * np.outer(u[:, 0], vt[0])
    e = np.max(np.abs(np.outer(col, row) - best)) / (1 + np.max(np.abs(K)))
    err = max(err, e)
    if e > TOL:
        msgs.append("outer(column, row) differs from sigma1 u1 v1^T by %.3g" % e)
    if abs(np.linalg.norm(col) - math.sqrt(s[0])) > 1e-4 * (1 + s[0]) or \
            abs(np.linalg.norm(row) - math.sqrt(s[0])) > 1e-4 * (1 + s[0]):
        msgs.append("scale not split evenly: |column| %.6g |row| %.6g sqrt(sigma1) %.6g" % (
            np.linalg.norm(col), np.linalg.norm(row), math.sqrt(s[0])))
    if col[np.argmax(np.abs(col))] < 0:
        msgs.append("largest |column| entry is negative")
    return msgs, err


def judge(case, answer):
    """Returns (list of problems, max scaled error, kind) with kind 'value' or 'error'."""
    try:
        exp = case.expect() if callable(case.expect) else case.expect
    except (RuntimeError, ValueError, AssertionError) as e:  # torch rejects the case
        exp = ("torch", str(e).split("\n")[0])
    want_code = getattr(case, "code", None)
    if isinstance(exp, str):
        want_code = want_code or exp
        exp = ("core", "")
    if isinstance(exp, tuple) and exp[0] in ("torch", "core"):
        if answer[0] != "error":
            return ["%s rejects this case (%s) but the core returns a result" % (
                "torch" if exp[0] == "torch" else "the spec", exp[1] or want_code)], 0.0, "error"
        if want_code and answer[1] != want_code:
            return ["core error %s (%s), expected %s" % (answer[1], answer[2], want_code)], 0.0, "error"
        return [], 0.0, "error"
    if answer[0] == "error":
        return ["core throws %s: %s; the reference accepts it" % (answer[1], answer[2])], 0.0, "value"
    if want_code:
        return ["expected core error %s, got a result" % want_code], 0.0, "value"
    got = answer[1]
    if isinstance(exp, tuple) and exp[0] == "separate":
        msgs, err = judge_separate(exp[1], got)
        return msgs, err, "value"
    if len(got) != len(exp):
        return ["core returned %d arrays, expected %d" % (len(got), len(exp))], 0.0, "value"
    msgs, worst = [], 0.0
    for n, (g, e) in enumerate(zip(got, exp)):
        ref, scale = e[0].numpy(), e[1].numpy()
        if g.shape != ref.shape:
            msgs.append("array %d: shape %s, expected %s" % (n, g.shape, ref.shape))
            continue
        if len(e) > 2:  # mask of entries whose value is unspecified by the reference
            keep = ~e[2].numpy()
            g, ref, scale = g[keep], ref[keep], scale[keep]
        nan_g, nan_r = np.isnan(g), np.isnan(ref)
        if np.any(nan_g != nan_r):
            msgs.append("array %d: NaN at %s, expected at %s" % (n, np.argwhere(nan_g).tolist(),
                                                                 np.argwhere(nan_r).tolist()))
            continue
        ok = ~nan_r
        inf_mis = np.isinf(ref[ok]) | np.isinf(g[ok])
        if np.any(inf_mis) and np.any(g[ok][inf_mis] != ref[ok][inf_mis]):
            msgs.append("array %d: infinities differ" % n)
            continue
        fin = ok.copy()
        fin[ok] = ~inf_mis
        if not np.any(fin):
            continue
        err = np.abs(g[fin] - ref[fin]) / (1.0 + np.abs(scale[fin]))
        worst = max(worst, float(err.max()))
        if err.max() > TOL:
            i = int(np.argmax(err))
            msgs.append("array %d: scaled error %.3g at flat index %d: got %.9g, expected %.9g" % (
                n, err.max(), i, g[fin][i], ref[fin][i]))
    return msgs, worst, "value"


def main():
    if len(sys.argv) < 2:
        print("usage: torch_reference.py path/to/convlab_cli [--verbose]")
        return 2
    cli, verbose = sys.argv[1], "--verbose" in sys.argv
    t0 = time.time()
    rng = np.random.default_rng(SEED)
    cases = []
    cases += [pad_case(rng, i) for i in range(60)]
    cases += [conv_case(rng, i) for i in range(260)]
    cases += [conv_case(rng, 300 + i, dict(h=int(h), w=int(w), same=False)) for i, (h, w) in
              enumerate([(1, 1), (1, 2), (2, 1), (1, 7), (7, 1), (2, 2), (3, 3)] * 4)]
    cases += [transpose_case(rng, i) for i in range(80)]
    cases += [transpose_case(rng, i, steps=True) for i in range(40)]
    cases += [pool_case(rng, i) for i in range(120)]
    cases += [pool_case(rng, i, argmax=True) for i in range(40)]
    cases += [erf_case(rng, i) for i in range(40)]
    cases += [rf_case(rng, i) for i in range(60)]
    cases += [separable_case(rng, i) for i in range(60)]
    cases += [separate_case(rng, i) for i in range(30)]
    cases += curated(rng)

    proc = subprocess.run([cli], input=b"".join(c.request() for c in cases), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=50)
    answers = parse_answers(proc.stdout, len(cases))
    failures, worst, by_kind, rejected = [], {}, {}, 0
    for case, answer in zip(cases, answers):
        msgs, err, kind = judge(case, answer)
        op = case.header.split()[0]
        worst[op] = max(worst.get(op, 0.0), err)
        by_kind[op] = by_kind.get(op, 0) + 1
        rejected += kind == "error"
        if msgs:
            failures.append((case, answer, msgs))
        elif verbose:
            print("ok   %s%s" % (case.name, " (rejected: %s)" % answer[1] if answer[0] == "error" else ""))
    if len(answers) < len(cases):
        failures.append((cases[len(answers)], ("error", "Protocol", proc.stderr.decode()[-500:]),
                         ["convlab_cli stopped after %d of %d answers (exit %d)" % (len(answers), len(cases),
                                                                                    proc.returncode)]))
    np.set_printoptions(precision=7, linewidth=150, threshold=400)
    for case, answer, msgs in failures:
        print("FAIL %s" % case.name)
        print("  request: %s" % case.header)
        for m in msgs:
            print("  " + m)
        for i, a in enumerate(case.inputs):
            print("  input %d %s:\n%s" % (i, np.shape(a), np.asarray(a, dtype=np.float32)))
        if answer[0] == "ok":
            for i, a in enumerate(answer[1]):
                print("  core output %d %s:\n%s" % (i, a.shape, a))
        else:
            print("  core: error %s %s" % (answer[1], answer[2]))
    print("torch_reference: %d cases (%s), %d expected rejections, %d failures; max scaled error %s; %.1f s" % (
        len(cases), ", ".join("%s %d" % kv for kv in by_kind.items()), rejected, len(failures),
        ", ".join("%s %.2g" % kv for kv in worst.items()), time.time() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
