#!/usr/bin/env python3
"""Line plot of a soak's RSS samples as a self-contained SVG (standard library only).

usage: plot_rss.py RSS_CSV OUT_SVG [--warmup SECONDS] [--title TEXT]

RSS_CSV is bench/load/soak.sh's rss.csv: a header, then `seconds,rss_kib` rows.
"""
import argparse
import csv
import math
import sys
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50  # margins around the plot area


def read_samples(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    samples = []
    for row in rows[1:]:
        samples.append((float(row[0]), int(row[1]) / 1024.0))  # seconds, MiB
    if not samples:
        sys.exit(f"{path}: no samples")
    return samples


def nice_step(span, ticks):
    """A 1, 2 or 5 times a power of ten step giving about `ticks` intervals over `span`."""
    raw = span / ticks if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def svg(samples, warmup, title):
    t_max = max(t for t, _ in samples) or 1.0
    lo = min(r for _, r in samples)
    hi = max(r for _, r in samples)
    # From zero, so a flat line looks flat; headroom above the maximum.
    y_step = nice_step(hi * 1.1, 5)
    y_max = y_step * math.ceil(hi * 1.1 / y_step)
    x_step = nice_step(t_max, 10)
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t):
        return LEFT + pw * t / t_max

    def y(r):
        return TOP + ph * (1 - r / y_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    v = 0.0
    while v <= y_max + 1e-9:
        out.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT + pw}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        v += y_step
    v = 0.0
    while v <= t_max + 1e-9:
        out.append(f'<line x1="{x(v):.1f}" y1="{TOP}" x2="{x(v):.1f}" y2="{TOP + ph}" stroke="#eee"/>')
        out.append(f'<text x="{x(v):.1f}" y="{TOP + ph + 16}" text-anchor="middle">{v:g}</text>')
        v += x_step
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
    out.append(f'<text x="{LEFT + pw / 2}" y="{HEIGHT - 10}" text-anchor="middle">time (s)</text>')
    out.append(f'<text transform="translate(18 {TOP + ph / 2}) rotate(-90)" text-anchor="middle">'
               'RSS (MiB)</text>')
    if 0 < warmup < t_max:
        out.append(f'<line x1="{x(warmup):.1f}" y1="{TOP}" x2="{x(warmup):.1f}" y2="{TOP + ph}" '
                   'stroke="#c60" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x(warmup) + 4:.1f}" y="{TOP + 14}" fill="#c60">end of warm-up</text>')
    points = " ".join(f"{x(t):.1f},{y(r):.1f}" for t, r in samples)
    out.append(f'<polyline points="{points}" fill="none" stroke="#1f5fbf" stroke-width="1.5"/>')
    out.append(f'<text x="{LEFT + pw - 4}" y="{TOP + ph - 8}" text-anchor="end" fill="#555">'
               f'min {lo:.1f} MiB, max {hi:.1f} MiB, {len(samples)} samples</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("svg")
    parser.add_argument("--warmup", type=float, default=0.0, help="mark the end of the warm-up")
    parser.add_argument("--title", default="dnsd RSS during the soak")
    args = parser.parse_args()
    with open(args.svg, "w") as f:
        f.write(svg(read_samples(args.csv), args.warmup, args.title))


if __name__ == "__main__":
    main()
