#!/usr/bin/env python3
"""Writes the committed workload inputs (deterministic: same bytes every run)."""
import pathlib
import random
import time

root = pathlib.Path(__file__).resolve().parent.parent / "workloads" / "inputs"

def corpus(path: pathlib.Path, words: int, seed: int) -> None:
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "da", "po", "el", "an", "or", "un"]
    vocab = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(5000)]
    # Zipf-like weights, as in natural text: a few words are very common.
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    lines, line = [], []
    for w in rng.choices(vocab, weights=weights, k=words):
        line.append(w)
        if len(line) >= rng.randint(6, 14):
            lines.append(" ".join(line).capitalize() + ".")
            line = []
    lines.append(" ".join(line))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")

corpus(root / "wordfreq" / "corpus-a.txt", 60_000, 1)
corpus(root / "wordfreq" / "corpus-b.txt", 40_000, 2)


def fnv1a32(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def http_requests(path: pathlib.Path, count: int, seed: int) -> None:
    """A stream of pipelined HTTP/1.1 requests for the `edge` handler: mostly
    well-formed traffic against its routes, plus a few requests each of the
    kinds it must reject (unknown routes, wrong methods, malformed syntax)."""
    rng = random.Random(seed)
    agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
        "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1", "okhttp/4.12.0",
    ]
    accepts = ["application/json", "*/*", "application/json, text/plain;q=0.9", "text/plain",
               "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"]
    hosts = ["api.example.com", "edge.example.net", "localhost:8080", "shop.example.org"]
    words = ["alpha", "beta", "gamma", "delta", "red", "green", "blue", "widget", "gadget", "café", "a b", "x&y", "50%"]
    static_dirs = ["css", "js", "img", "fonts", "assets/v2"]
    static_exts = ["css", "js", "png", "svg", "woff2", "html", "txt"]

    def case(name: str) -> str:
        r = rng.random()
        return name.lower() if r < 0.15 else name.upper() if r < 0.2 else name

    def pct(s: str) -> str:
        return "".join(c if c.isascii() and (c.isalnum() or c in "-_.~") else "".join(f"%{b:02X}" for b in c.encode()) for c in s)

    def query() -> str:
        pairs = [f"{rng.choice(['fields', 'q', 'sort', 'lang', 'ref', 'page'])}={pct(rng.choice(words))}"
                 for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.2:
            pairs.append("verbose")
        return "?" + "&".join(pairs) if pairs else ""

    def order_body() -> str:
        items = ", ".join(
            f'{{"sku": "SKU-{rng.randint(1000, 9999)}", "quantity": {rng.randint(1, 9)}, "unit_price_cents": {rng.randint(99, 49999)}}}'
            for _ in range(rng.randint(1, 6)))
        note = rng.choice(["", "leave at door", 'gift: \\"happy birthday\\"', "floor 3\\nbuzz 42", "caf\\u00e9 order"])
        return f'{{"customer_id": {rng.randint(1, 99999)}, "items": [{items}], "note": "{note}", "express": {rng.choice(["true", "false", "null"])}}}'

    def user_body() -> str:
        n = rng.randint(1, 99999)
        return f'{{"name": "user {n}", "email": "user{n}@example.com", "tags": ["{rng.choice(words)}"], "age": {rng.randint(18, 99)}}}'

    out = []
    for _ in range(count):
        headers = [("Host", rng.choice(hosts)), ("User-Agent", rng.choice(agents)), ("Accept", rng.choice(accepts))]
        body = ""
        r = rng.random()
        if r < 0.30:
            method, target = "GET", f"/api/users/{rng.randint(1, 99999)}{query()}"
        elif r < 0.45:
            method, target, body = "POST", "/api/orders", order_body()
            if rng.random() < 0.08:
                body = body[: rng.randint(5, len(body) - 1)]  # truncated JSON: 400
        elif r < 0.53:
            method, target, body = "PUT", f"/api/users/{rng.randint(1, 99999)}", user_body()
        elif r < 0.58:
            method, target = "DELETE", f"/api/users/{rng.randint(1, 99999)}"
        elif r < 0.78:
            target = f"/static/{rng.choice(static_dirs)}/{rng.choice(words[:9])}-{rng.randint(1, 300)}.{rng.choice(static_exts)}"
            method = "GET"
            if rng.random() < 0.3:  # a revalidation, half of them with the current ETag: 304
                tag = fnv1a32(target.encode()) if rng.random() < 0.5 else rng.getrandbits(32)
                headers.append(("If-None-Match", f'"{tag:08x}"'))
            target += rng.choice(["", "?v=3", "?v=" + str(rng.randint(1, 999))])
        elif r < 0.83:
            method, target = "GET", "/health"
        elif r < 0.90:
            method, target = "GET", rng.choice(["/", "/admin", "/wp-login.php", "/api/unknown", "/api/users/abc", "/static/"]) + query()
        elif r < 0.95:
            method, target = rng.choice([("POST", "/health"), ("PATCH", "/api/users/7"), ("DELETE", "/api/orders"),
                                         ("PUT", "/static/css/site.css"), ("OPTIONS", "/api/users/1")])
        else:
            method, target = "GET", "/health"
        if body:
            headers.append(("Content-Type", "application/json"))
            headers.append(("Content-Length", str(len(body.encode()))))
        extra = [("Accept-Encoding", "gzip, deflate, br"), ("Accept-Language", rng.choice(["en-US,en;q=0.9", "de-DE", "fr"])),
                 ("Cookie", f"session={rng.getrandbits(64):016x}; theme={rng.choice(['dark', 'light'])}; _ga=GA1.2.{rng.randint(1, 10**9)}"),
                 ("Connection", "keep-alive"), ("Cache-Control", "no-cache"),
                 ("X-Forwarded-For", f"203.0.113.{rng.randint(1, 254)}"), ("Referer", f"https://{rng.choice(hosts)}/"),
                 ("Authorization", f"Bearer {rng.getrandbits(128):032x}"), ("X-Request-Id", f"{rng.getrandbits(48):012x}")]
        headers += rng.sample(extra, rng.randint(0, 12 - len(headers)))
        rng.shuffle(headers)
        line = f"{method} {target} HTTP/1.1"
        if r >= 0.95:  # malformed in one of several ways: 400
            kind = rng.randrange(5)
            if kind == 0:
                headers = [h for h in headers if h[0] != "Host"]
            elif kind == 1:
                line = f"GET {target}"
            elif kind == 2:
                headers.append(("X-Broken header without colon", None))
            elif kind == 3:
                headers.append(("Content-Length", "12abc"))
            else:
                line = f"GET {target} HTTP/2.0"
        lines = [line] + [name if value is None else f"{case(name)}: {value}" for name, value in headers]
        out.append("\r\n".join(lines) + "\r\n\r\n" + body)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(out).encode())


def csv_records(path: pathlib.Path, rows: int, seed: int) -> None:
    """Sales records for the `data` workload: RFC 4180 CSV with CRLF line ends,
    quoted fields holding commas, doubled quotes and line breaks, and about one
    row in a hundred malformed in a way the parser must detect and skip."""
    rng = random.Random(seed)
    regions = ["us-east", "us-west", "eu-central", "eu-west", "ap-south", "ap-northeast", "sa-east"]
    products = ["Widget", "Gadget", "Sprocket", "Gizmo", "Doohickey", "Flux capacitor", "Widget, large",
                'Pipe 12"', "Cable (2 m)", "Adapter, USB-C", "Bolt M8", "Nut M8", "Washer", "Bracket",
                "Hinge, left", "Hinge, right", "Lamp", "Bulb E27", "Switch", "Socket", "Relay",
                "Fuse 10A", 'Monitor 27", 4K', "Keyboard", "Mouse", "Café table", "Chair", "Desk", "Shelf",
                "Drawer", "Cabinet", "Mirror", "Rug", "Curtain", "Pillow", "Blanket", "Kettle", "Toaster",
                "Blender", "Mixer"]
    first = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken"]
    last = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton", "O'Brien"]
    notes = ["", "", "", "", "rush order", "gift wrap, please", 'customer said "asap"', "call before delivery",
             "line one\r\nline two", "n/a", "backorder; ship partial", 'quote ""inside""']

    def field(v: str) -> str:
        if any(c in v for c in ',"\r\n') or (v and rng.random() < 0.05):
            return '"' + v.replace('"', '""') + '"'
        return v

    lines = ["id,timestamp,region,product,quantity,unit_price,customer,note"]
    t = 1_704_067_200  # 2024-01-01T00:00:00Z
    for i in range(1, rows + 1):
        t += rng.randint(0, 600)
        y, mo, d, hh, mm, ss = time.gmtime(t)[:6]
        cents = rng.randint(50, 99_999)
        price = f"{cents // 100}.{cents % 100:02d}" if rng.random() < 0.9 else f"{cents // 100}"
        customer = f"{rng.choice(last)}, {rng.choice(first)}" if rng.random() < 0.5 else f"{rng.choice(first)} {rng.choice(last)}"
        row = [str(i), f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z", rng.choice(regions), rng.choice(products),
               str(rng.randint(1, 500)), price, customer, rng.choice(notes)]
        cells = [field(v) for v in row]
        if rng.random() < 0.01:  # malformed in one of several ways
            kind = rng.randrange(6)
            if kind == 0:
                cells = cells[:-2]  # too few fields
            elif kind == 1:
                cells.append("extra")  # too many fields
            elif kind == 2:
                cells[4] = row[4] + "x"  # quantity not a number
            elif kind == 3:
                cells[5] = "12.3.4"  # bad price
            elif kind == 4:
                cells[1] = row[1][:10] + "T25:61:00Z"  # bad time of day
            else:
                cells[2] = f'"{row[2]}"x'  # text after a closing quote
        lines.append(",".join(cells))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def tiny_files(folder: pathlib.Path, count: int, seed: int) -> None:
    """Small files for the `wasiio` workload to open, read, close and list."""
    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():  # the listing is part of the workload's checksum
        old.unlink()
    for i in range(count):
        name = f"{rng.choice(words)}-{i:02d}.{rng.choice(['txt', 'cfg', 'json', 'dat'])}"
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 9)))
        (folder / name).write_text(f"{i}:{text}\n"[:64])


def plugin_request(path: pathlib.Path, seed: int) -> None:
    """The first message the `plugin` host hands its guest: a ~300-byte JSON
    request (later calls pass the guest's previous output back in)."""
    rng = random.Random(seed)
    items = ", ".join(f'{{"sku": "SKU-{rng.randint(1000, 9999)}", "qty": {rng.randint(1, 9)}}}' for _ in range(3))
    text = (f'{{"id": "req-{rng.getrandbits(32):08x}", "method": "transform", "params": {{"user": {{"id": {rng.randint(1, 99999)}, '
            f'"name": "Ada Lovelace"}}, "items": [{items}], '
            f'"options": {{"locale": "en-GB", "dry_run": false}}}}, "meta": {{"trace": "{rng.getrandbits(64):016x}", '
            f'"sent_at": "2024-06-11T09:30:00Z"}}}}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)

http_requests(root / "edge" / "requests.http", 3000, 7)
# One request: the handler as a serverless function or a warm host serves it.
http_requests(root / "edge-request" / "requests.http", 1, 7)
csv_records(root / "data" / "records.csv", 15_000, 11)
tiny_files(root / "wasiio", 50, 13)
plugin_request(root / "plugin" / "request.json", 17)
