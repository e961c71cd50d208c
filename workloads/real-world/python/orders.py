"""wasm-arena real-world workload: a small order-processing job for CPython.

Run as `python orders.py N`. It makes N synthetic orders (a fixed xorshift
generator, so every run is the same), writes them out as JSON lines and parses
them back, reads a matching access log with regular expressions, folds both
into per-category and per-customer reports, renders the report as text and
prints a short summary with CRC-32s of the rendered text. Nothing depends on
the clock, the environment or string hashing (no set or hash order leaks into
the output), so the printed text is the same on every runtime.
"""

import json
import re
import sys
import zlib
from collections import Counter, defaultdict

CATEGORIES = ("books", "garden", "kitchen", "toys", "tools", "audio")
ADJECTIVES = ("red", "compact", "deluxe", "solar", "quiet", "classic", "smart", "folding")
NOUNS = ("lamp", "kettle", "drill", "speaker", "novel", "hose", "robot", "blender", "atlas")
FIRST = ("ada", "brian", "chen", "dana", "elif", "farid", "grace", "hiro", "ines", "jonas")
LAST = ("kowalski", "li", "martin", "nakamura", "okafor", "perez", "quinn", "rossi")
COUNTRIES = ("DE", "FR", "JP", "NG", "US", "BR", "IN", "SE")
ACTIONS = ("view", "search", "cart", "checkout", "refund")
LEVELS = ("INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR")


class Rng:
    """xorshift32: small, fast and identical everywhere."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF or 1

    def next(self):
        x = self.state
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.state = x
        return x

    def below(self, n):
        return self.next() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]


class Product:
    __slots__ = ("sku", "name", "category", "price_cents")

    def __init__(self, sku, name, category, price_cents):
        self.sku = sku
        self.name = name
        self.category = category
        self.price_cents = price_cents


class Line:
    __slots__ = ("sku", "qty", "unit_cents")

    def __init__(self, sku, qty, unit_cents):
        self.sku = sku
        self.qty = qty
        self.unit_cents = unit_cents

    @property
    def cents(self):
        return self.qty * self.unit_cents


class Order:
    def __init__(self, oid, customer, country, lines, coupon):
        self.oid = oid
        self.customer = customer
        self.country = country
        self.lines = lines
        self.coupon = coupon

    @classmethod
    def from_json(cls, text):
        d = json.loads(text)
        lines = [Line(l["sku"], l["qty"], l["unit_cents"]) for l in d["lines"]]
        return cls(d["id"], d["customer"], d["country"], lines, d.get("coupon"))

    def subtotal(self):
        return sum(line.cents for line in self.lines)

    def discount(self):
        if self.coupon is None:
            return 0
        m = re.fullmatch(r"SAVE(\d{1,2})", self.coupon)
        if m:
            return self.subtotal() * int(m.group(1)) // 100
        if self.coupon == "FREESHIP":
            return 499
        return 0

    def total(self):
        return max(0, self.subtotal() - self.discount())


def make_catalog(rng, count):
    products = []
    for i in range(count):
        name = f"{rng.pick(ADJECTIVES)} {rng.pick(NOUNS)}"
        cat = CATEGORIES[i % len(CATEGORIES)]
        price = 199 + rng.below(25000)
        products.append(Product(f"SKU-{i:04d}", name, cat, price))
    return products


def make_orders(rng, products, n):
    out = []
    for i in range(n):
        lines = []
        for _ in range(1 + rng.below(4)):
            p = rng.pick(products)
            lines.append({"sku": p.sku, "qty": 1 + rng.below(3), "unit_cents": p.price_cents})
        roll = rng.below(10)
        coupon = f"SAVE{5 * (1 + rng.below(4))}" if roll < 2 else ("FREESHIP" if roll == 2 else None)
        rec = {
            "id": f"ORD-{i:06d}",
            "customer": f"{rng.pick(FIRST)}.{rng.pick(LAST)}",
            "country": rng.pick(COUNTRIES),
            "lines": lines,
        }
        if coupon:
            rec["coupon"] = coupon
        out.append(json.dumps(rec, separators=(",", ":")))
    return "\n".join(out) + "\n"


def make_log(rng, n_orders, n):
    lines = []
    for i in range(n):
        t = 1700000000 + i * 7 + rng.below(7)
        day, rem = divmod(t, 86400)
        hh, rem = divmod(rem, 3600)
        mm, ss = divmod(rem, 60)
        lines.append(
            "2024-%02d-%02dT%02d:%02d:%02dZ %-5s order=ORD-%06d user=%s action=%s ms=%d"
            % (
                1 + day % 12,
                1 + day % 28,
                hh,
                mm,
                ss,
                rng.pick(LEVELS),
                rng.below(n_orders),
                rng.pick(FIRST),
                rng.pick(ACTIONS),
                5 + rng.below(400) + (rng.below(2000) if rng.below(50) == 0 else 0),
            )
        )
    return "\n".join(lines) + "\n"


LOG_LINE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>[\d:]{8})Z\s+(?P<level>[A-Z]+)\s+"
    r"order=(?P<order>ORD-\d{6})\s+user=(?P<user>\w+)\s+action=(?P<action>\w+)\s+ms=(?P<ms>\d+)$"
)


def percentile(sorted_values, pct):
    if not sorted_values:
        return 0
    k = (len(sorted_values) - 1) * pct // 100
    return sorted_values[k]


class Report:
    def __init__(self, products):
        self.by_sku = {p.sku: p for p in products}
        self.revenue = defaultdict(int)
        self.units = Counter()
        self.customers = defaultdict(int)
        self.countries = Counter()
        self.coupons = Counter()
        self.orders = 0

    def add(self, order):
        self.orders += 1
        self.customers[order.customer] += order.total()
        self.countries[order.country] += 1
        if order.coupon:
            self.coupons[order.coupon] += 1
        scale = order.total() / order.subtotal() if order.subtotal() else 0.0
        for line in order.lines:
            cat = self.by_sku[line.sku].category
            self.revenue[cat] += round(line.cents * scale)
            self.units[cat] += line.qty

    def render(self, log_stats):
        out = ["== revenue by category =="]
        for cat in sorted(self.revenue, key=lambda c: (-self.revenue[c], c)):
            cents = self.revenue[cat]
            out.append(f"{cat:<10}{cents // 100:>12,}.{cents % 100:02d}  units={self.units[cat]}")
        out.append("== top customers ==")
        top = sorted(self.customers.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        for rank, (who, cents) in enumerate(top, 1):
            first, last = who.split(".")
            out.append("{:>2}. {:<22} {:>10.2f}".format(rank, f"{first.title()} {last.upper()}", cents / 100))
        out.append("== countries ==")
        out.append(", ".join(f"{c}:{n}" for c, n in sorted(self.countries.items())))
        out.append("== coupons ==")
        out.append(", ".join(f"{c}={n}" for c, n in sorted(self.coupons.items())))
        out.append("== log ==")
        for key in sorted(log_stats):
            out.append(f"{key}: {log_stats[key]}")
        return "\n".join(out) + "\n"


def analyse_log(text, known_orders):
    levels = Counter()
    actions = Counter()
    latency = defaultdict(list)
    unmatched = 0
    unknown = 0
    for line in text.splitlines():
        m = LOG_LINE.match(line)
        if not m:
            unmatched += 1
            continue
        levels[m["level"]] += 1
        actions[m["action"]] += 1
        latency[m["action"]].append(int(m["ms"]))
        if m["order"] not in known_orders:
            unknown += 1
    stats = {
        "levels": " ".join(f"{k}={v}" for k, v in sorted(levels.items())),
        "unmatched": unmatched,
        "unknown_orders": unknown,
    }
    for action, values in sorted(latency.items()):
        values.sort()
        stats[f"p50/p95/max {action}"] = "%d/%d/%d ms over %d" % (
            percentile(values, 50),
            percentile(values, 95),
            values[-1],
            len(values),
        )
    return stats


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 200
    rng = Rng(20240229)
    products = make_catalog(rng, 120)
    jsonl = make_orders(rng, products, n)
    log = make_log(rng, n, n * 3)

    report = Report(products)
    known = {}
    for text in jsonl.splitlines():
        order = Order.from_json(text)
        known[order.oid] = order
        report.add(order)
    stats = analyse_log(log, known)
    rendered = report.render(stats)
    summary = {
        "orders": report.orders,
        "revenue_cents": sum(report.revenue.values()),
        "units": sum(report.units.values()),
        "best_category": max(sorted(report.revenue), key=lambda c: report.revenue[c]),
    }
    blob = json.dumps(summary, sort_keys=True)
    print(blob)
    print(rendered.splitlines()[1])
    print(
        "jsonl=%08x log=%08x report=%08x lines=%d"
        % (zlib.crc32(jsonl.encode()), zlib.crc32(log.encode()), zlib.crc32(rendered.encode()), len(rendered.splitlines()))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
