/* An HTTP/1.1 edge handler, handle_request(url, headers) style: reads a stream
 * of pipelined requests from /input/requests.http and, N passes over it,
 * parses each one (request line, case-insensitive headers, Content-Length
 * body), routes it, and renders a complete response into a buffer. Prints
 * how many requests got each status, the response bytes and their FNV-1a. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

struct slice { const char *p; uint32_t n; };

struct request {
    struct slice method, target, path, query, body;
    struct slice host, accept, cookie, if_none_match, request_id;
    int bad;
};

static const int statuses[] = {200, 201, 204, 304, 400, 404, 405, 406};
#define NSTATUS (sizeof statuses / sizeof statuses[0])

static uint64_t fnv1a(uint64_t h, const void *data, uint32_t n) {
    const uint8_t *p = data;
    for (uint32_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* ETags are FNV-1a 32 of the path: the input generator computes them too. */
static uint32_t fnv1a32(const char *p, uint32_t n) {
    uint32_t h = 0x811c9dc5u;
    for (uint32_t i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 0x01000193u;
    return h;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ieq(struct slice s, const char *lit) {
    uint32_t n = (uint32_t)strlen(lit);
    if (s.n != n) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (lower((unsigned char)s.p[i]) != lit[i]) return 0;
    return 1;
}

static int eq(struct slice s, const char *lit) { return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0; }

static int starts(struct slice s, const char *lit) {
    uint32_t n = (uint32_t)strlen(lit);
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static int contains(struct slice s, const char *lit) {
    uint32_t n = (uint32_t)strlen(lit);
    for (uint32_t i = 0; i + n <= s.n; i++)
        if (memcmp(s.p + i, lit, n) == 0) return 1;
    return 0;
}

/* ---- Growable byte buffers for bodies and responses. ---- */

struct buf { char *p; uint32_t n, cap; };

static void reserve(struct buf *b, uint32_t extra) {
    if (b->n + extra <= b->cap) return;
    while (b->n + extra > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { fprintf(stderr, "out of memory\n"); exit(1); }
}

static void put_n(struct buf *b, const char *s, uint32_t n) { reserve(b, n); memcpy(b->p + b->n, s, n); b->n += n; }
static void put(struct buf *b, const char *s) { put_n(b, s, (uint32_t)strlen(s)); }
static void put_slice(struct buf *b, struct slice s) { put_n(b, s.p, s.n); }

static void put_u64(struct buf *b, uint64_t v) {
    char tmp[24]; int i = sizeof tmp;
    do tmp[--i] = (char)('0' + v % 10); while (v /= 10);
    put_n(b, tmp + i, (uint32_t)(sizeof tmp - i));
}

static void put_hex(struct buf *b, uint64_t v, int digits) {
    char tmp[16];
    for (int i = digits - 1; i >= 0; i--, v >>= 4) tmp[i] = "0123456789abcdef"[v & 15];
    put_n(b, tmp, (uint32_t)digits);
}

/* A JSON string literal; non-ASCII bytes pass through as UTF-8. */
static void put_json_str(struct buf *b, const char *s, uint32_t n) {
    put(b, "\"");
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { char e[2] = {'\\', (char)c}; put_n(b, e, 2); }
        else if (c < 0x20) { put(b, "\\u00"); put_hex(b, c, 2); }
        else put_n(b, (const char *)&c, 1);
    }
    put(b, "\"");
}

/* ---- Request parsing. ---- */

static int is_tchar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The next CRLF-terminated line of [p, end), without its CRLF; 0 if none. */
static int next_line(const char **p, const char *end, struct slice *line) {
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl) return 0;
    line->p = *p;
    line->n = (uint32_t)(nl - *p);
    if (line->n && line->p[line->n - 1] == '\r') line->n--;
    *p = nl + 1;
    return 1;
}

static struct slice trim(struct slice s) {
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) { s.p++; s.n--; }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t')) s.n--;
    return s;
}

/* Parses one request starting at p; returns where the next one starts, or
 * NULL at the end of the stream. A malformed request is marked bad and framed
 * as if it had no body. */
static const char *parse_request(const char *p, const char *end, struct request *rq) {
    memset(rq, 0, sizeof *rq);
    struct slice line;
    if (!next_line(&p, end, &line)) return NULL;

    /* Request line: method SP request-target SP HTTP-version. */
    const char *sp1 = memchr(line.p, ' ', line.n);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line.p + line.n - sp1 - 1)) : NULL;
    if (!sp1 || !sp2) rq->bad = 1;
    else {
        rq->method = (struct slice){line.p, (uint32_t)(sp1 - line.p)};
        rq->target = (struct slice){sp1 + 1, (uint32_t)(sp2 - sp1 - 1)};
        struct slice version = {sp2 + 1, (uint32_t)(line.p + line.n - sp2 - 1)};
        for (uint32_t i = 0; i < rq->method.n; i++)
            if (!is_tchar((unsigned char)rq->method.p[i])) rq->bad = 1;
        if (!rq->method.n || !rq->target.n || rq->target.p[0] != '/') rq->bad = 1;
        if (!eq(version, "HTTP/1.1") && !eq(version, "HTTP/1.0")) rq->bad = 1;
        const char *q = memchr(rq->target.p, '?', rq->target.n);
        rq->path = rq->target;
        if (q) {
            rq->path.n = (uint32_t)(q - rq->target.p);
            rq->query = (struct slice){q + 1, (uint32_t)(rq->target.p + rq->target.n - q - 1)};
        }
    }

    /* Header fields up to the empty line. */
    int have_host = 0, have_length = 0;
    uint64_t length = 0;
    for (;;) {
        if (!next_line(&p, end, &line)) return NULL;
        if (line.n == 0) break;
        const char *colon = memchr(line.p, ':', line.n);
        if (!colon || colon == line.p) { rq->bad = 1; continue; }
        struct slice name = {line.p, (uint32_t)(colon - line.p)};
        for (uint32_t i = 0; i < name.n; i++)
            if (!is_tchar((unsigned char)name.p[i])) rq->bad = 1;
        struct slice value = trim((struct slice){colon + 1, (uint32_t)(line.p + line.n - colon - 1)});
        if (ieq(name, "host")) { rq->host = value; have_host = 1; }
        else if (ieq(name, "accept")) rq->accept = value;
        else if (ieq(name, "cookie")) rq->cookie = value;
        else if (ieq(name, "if-none-match")) rq->if_none_match = value;
        else if (ieq(name, "x-request-id")) rq->request_id = value;
        else if (ieq(name, "content-length")) {
            int ok = value.n > 0 && value.n <= 9 && !have_length;
            length = 0;
            for (uint32_t i = 0; ok && i < value.n; i++) {
                if (value.p[i] < '0' || value.p[i] > '9') ok = 0;
                else length = length * 10 + (uint64_t)(value.p[i] - '0');
            }
            if (!ok) rq->bad = 1;
            have_length = 1;
        }
    }
    if (!have_host) rq->bad = 1;
    if (rq->bad) return p;
    if (length > (uint64_t)(end - p)) { rq->bad = 1; return end; }
    rq->body = (struct slice){p, (uint32_t)length};
    return p + length;
}

/* ---- A small validating JSON reader that picks out the order fields. ---- */

struct json {
    const char *p, *end;
    int err;
    uint32_t keys, items;
    uint64_t customer, total;
};

static void ws(struct json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int hexval(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static struct slice json_string(struct json *j) {
    struct slice s = {0, 0};
    if (j->p >= j->end || *j->p != '"') { j->err = 1; return s; }
    s.p = ++j->p;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        if (c < 0x20) { j->err = 1; return s; }
        if (c != '\\') continue;
        if (j->p >= j->end) break;
        c = (unsigned char)*j->p++;
        if (c == 'u') {
            for (int k = 0; k < 4; k++)
                if (j->p >= j->end || hexval((unsigned char)*j->p++) < 0) { j->err = 1; return s; }
        } else if (!strchr("\"\\/bfnrt", c)) { j->err = 1; return s; }
    }
    if (j->p >= j->end) { j->err = 1; return s; }
    s.n = (uint32_t)(j->p++ - s.p);
    return s;
}

/* A number; its value when it is a non-negative integer that fits, else 0. */
static uint64_t json_number(struct json *j) {
    uint64_t v = 0; int integral = 1, digits = 0;
    if (j->p < j->end && *j->p == '-') { j->p++; integral = 0; }
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (v > 100000000000ull) integral = 0;
        v = v * 10 + (uint64_t)(*j->p++ - '0'); digits++;
    }
    if (!digits) { j->err = 1; return 0; }
    if (j->p < j->end && *j->p == '.') {
        j->p++; integral = 0; digits = 0;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') { j->p++; digits++; }
        if (!digits) { j->err = 1; return 0; }
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++; integral = 0; digits = 0;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') { j->p++; digits++; }
        if (!digits) { j->err = 1; return 0; }
    }
    return integral ? v : 0;
}

static void json_value(struct json *j, int depth, int in_items);

static void json_object(struct json *j, int depth, int in_items) {
    uint64_t qty = 0, price = 0; int have_qty = 0, have_price = 0;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == '}') { j->p++; return; }
    for (;;) {
        ws(j);
        struct slice key = json_string(j);
        ws(j);
        if (j->err || j->p >= j->end || *j->p != ':') { j->err = 1; return; }
        j->p++;
        ws(j);
        if (depth == 1) j->keys++;
        if (j->p < j->end && (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))) {
            uint64_t v = json_number(j);
            if (depth == 1 && eq(key, "customer_id")) j->customer = v;
            if (in_items && eq(key, "quantity")) { qty = v; have_qty = 1; }
            if (in_items && eq(key, "unit_price_cents")) { price = v; have_price = 1; }
        } else {
            json_value(j, depth + 1, depth == 1 && eq(key, "items"));
        }
        if (j->err) return;
        ws(j);
        if (j->p < j->end && *j->p == ',') { j->p++; continue; }
        if (j->p < j->end && *j->p == '}') { j->p++; break; }
        j->err = 1;
        return;
    }
    if (have_qty && have_price) { j->items++; j->total += qty * price; }
}

static void json_value(struct json *j, int depth, int in_items) {
    ws(j);
    if (depth > 32 || j->p >= j->end) { j->err = 1; return; }
    char c = *j->p;
    if (c == '{') json_object(j, depth, in_items);
    else if (c == '[') {
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == ']') { j->p++; return; }
        for (;;) {
            json_value(j, depth + 1, in_items);
            if (j->err) return;
            ws(j);
            if (j->p < j->end && *j->p == ',') { j->p++; continue; }
            if (j->p < j->end && *j->p == ']') { j->p++; return; }
            j->err = 1;
            return;
        }
    }
    else if (c == '"') json_string(j);
    else if (c == '-' || (c >= '0' && c <= '9')) json_number(j);
    else if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0) j->p += 4;
    else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) j->p += 5;
    else if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) j->p += 4;
    else j->err = 1;
}

/* Parses a whole body that must be one JSON object. */
static int parse_json(struct slice body, struct json *j) {
    memset(j, 0, sizeof *j);
    j->p = body.p;
    j->end = body.p + body.n;
    ws(j);
    if (j->p >= j->end || *j->p != '{') return 0;
    json_value(j, 1, 0);
    ws(j);
    return !j->err && j->p == j->end;
}

/* ---- Routing and rendering. ---- */

struct response {
    int status;
    const char *type;
    struct buf headers; /* extra header lines, each ending in CRLF */
    struct buf body;
};

static const char *reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return "Not Acceptable";
    }
}

/* Percent-decodes into out (never longer than the input); '+' stays '+'. */
static uint32_t pct_decode(const char *s, uint32_t n, char *out) {
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 && (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else out[o++] = s[i];
    }
    return o;
}

/* The decoded pairs of a query string, as JSON members or key=value lines. */
static void query_pairs(struct slice q, struct buf *b, int as_json) {
    char key[256], val[256];
    int first = 1;
    const char *p = q.p, *end = q.p + q.n;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp) amp = end;
        const char *eqs = memchr(p, '=', (size_t)(amp - p));
        const char *kend = eqs ? eqs : amp;
        uint32_t kn = (uint32_t)(kend - p), vn = eqs ? (uint32_t)(amp - eqs - 1) : 0;
        if (kn && kn < sizeof key && vn < sizeof val) {
            kn = pct_decode(p, kn, key);
            vn = eqs ? pct_decode(eqs + 1, vn, val) : 0;
            if (as_json) {
                if (!first) put(b, ",");
                put_json_str(b, key, kn);
                put(b, ":");
                if (eqs) put_json_str(b, val, vn); else put(b, "true");
            } else {
                put_n(b, key, kn);
                put(b, "=");
                put_n(b, val, vn);
                put(b, "\n");
            }
            first = 0;
        }
        p = amp + 1;
    }
}

static struct slice cookie_value(struct slice cookies, const char *name) {
    uint32_t n = (uint32_t)strlen(name);
    const char *p = cookies.p, *end = cookies.p + cookies.n;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ';')) p++;
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        if ((uint32_t)(semi - p) > n && memcmp(p, name, n) == 0 && p[n] == '=')
            return (struct slice){p + n + 1, (uint32_t)(semi - p - n - 1)};
        p = semi;
    }
    return (struct slice){0, 0};
}

/* The numeric id after a prefix, as in /api/users/{id}; -1 when not one. */
static int64_t path_id(struct slice path, const char *prefix) {
    uint32_t n = (uint32_t)strlen(prefix);
    if (path.n <= n || path.n - n > 9) return -1;
    int64_t id = 0;
    for (uint32_t i = n; i < path.n; i++) {
        if (path.p[i] < '0' || path.p[i] > '9') return -1;
        id = id * 10 + (path.p[i] - '0');
    }
    return id;
}

static void method_not_allowed(struct request *rq, struct response *r, const char *allow) {
    r->status = 405;
    put(&r->headers, "Allow: "); put(&r->headers, allow); put(&r->headers, "\r\n");
    put(&r->body, "{\"error\":\"method not allowed\",\"method\":");
    put_json_str(&r->body, rq->method.p, rq->method.n);
    put(&r->body, "}");
}

static void get_user(struct request *rq, struct response *r, int64_t id) {
    int json = !rq->accept.p || contains(rq->accept, "application/json") || contains(rq->accept, "*/*");
    int text = contains(rq->accept, "text/plain");
    struct slice session = cookie_value(rq->cookie, "session");
    if (json) {
        put(&r->body, "{\"id\":"); put_u64(&r->body, (uint64_t)id);
        put(&r->body, ",\"name\":\"user-"); put_u64(&r->body, (uint64_t)id);
        put(&r->body, "\",\"email\":\"user-"); put_u64(&r->body, (uint64_t)id);
        put(&r->body, "@example.com\",\"session\":");
        if (session.p) put_json_str(&r->body, session.p, session.n); else put(&r->body, "null");
        put(&r->body, ",\"query\":{");
        query_pairs(rq->query, &r->body, 1);
        put(&r->body, "}}");
    } else if (text) {
        r->type = "text/plain; charset=utf-8";
        put(&r->body, "id="); put_u64(&r->body, (uint64_t)id);
        put(&r->body, "\nname=user-"); put_u64(&r->body, (uint64_t)id);
        put(&r->body, "\n");
        query_pairs(rq->query, &r->body, 0);
    } else {
        r->status = 406;
        put(&r->body, "{\"error\":\"not acceptable\",\"available\":[\"application/json\",\"text/plain\"]}");
    }
}

static void static_file(struct request *rq, struct response *r) {
    uint32_t etag = fnv1a32(rq->path.p, rq->path.n);
    char tag[10] = {'"'};
    for (int i = 0; i < 8; i++) tag[1 + i] = "0123456789abcdef"[(etag >> (28 - 4 * i)) & 15];
    tag[9] = '"';
    put(&r->headers, "ETag: "); put_n(&r->headers, tag, 10); put(&r->headers, "\r\n");
    put(&r->headers, "Cache-Control: public, max-age=86400\r\n");
    if (rq->if_none_match.n == 10 && memcmp(rq->if_none_match.p, tag, 10) == 0) { r->status = 304; r->type = NULL; return; }
    const char *dot = NULL;
    for (uint32_t i = 0; i < rq->path.n; i++) if (rq->path.p[i] == '.') dot = rq->path.p + i;
    struct slice ext = dot ? (struct slice){dot + 1, (uint32_t)(rq->path.p + rq->path.n - dot - 1)} : (struct slice){"", 0};
    uint32_t size = 256 + etag % 3840;
    if (eq(ext, "png") || eq(ext, "woff2")) {
        /* Binary assets: bytes from a generator seeded by the ETag. */
        r->type = eq(ext, "png") ? "image/png" : "font/woff2";
        reserve(&r->body, size + 4);
        uint32_t x = etag | 1;
        for (uint32_t i = 0; i < size; i += 4) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            memcpy(r->body.p + i, &x, 4); /* little-endian on both targets */
        }
        r->body.n = size;
        return;
    }
    r->type = eq(ext, "css") ? "text/css" : eq(ext, "js") ? "text/javascript" : eq(ext, "svg") ? "image/svg+xml"
            : eq(ext, "html") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
    /* Text assets: a comment naming the file, repeated to the size. */
    reserve(&r->body, size + rq->path.n + 16);
    while (r->body.n < size) {
        put(&r->body, "/* ");
        put_slice(&r->body, rq->path);
        put(&r->body, " */\n");
    }
    r->body.n = size;
}

static void route(struct request *rq, struct response *r) {
    r->status = 200;
    r->type = "application/json";
    if (rq->bad) {
        r->status = 400;
        r->type = "text/plain; charset=utf-8";
        put(&r->body, "bad request\n");
        return;
    }
    struct slice m = rq->method, path = rq->path;
    int64_t id;
    if (eq(path, "/health")) {
        if (!eq(m, "GET")) { method_not_allowed(rq, r, "GET"); return; }
        r->type = "text/plain; charset=utf-8";
        put(&r->body, "ok\n");
    } else if ((id = path_id(path, "/api/users/")) >= 0) {
        if (eq(m, "GET")) get_user(rq, r, id);
        else if (eq(m, "PUT")) {
            struct json j;
            if (!parse_json(rq->body, &j)) { r->status = 400; put(&r->body, "{\"error\":\"invalid json\"}"); return; }
            put(&r->body, "{\"id\":"); put_u64(&r->body, (uint64_t)id);
            put(&r->body, ",\"updated\":true,\"fields\":"); put_u64(&r->body, j.keys);
            put(&r->body, "}");
        } else if (eq(m, "DELETE")) { r->status = 204; r->type = NULL; }
        else method_not_allowed(rq, r, "GET, PUT, DELETE");
    } else if (eq(path, "/api/orders")) {
        if (!eq(m, "POST")) { method_not_allowed(rq, r, "POST"); return; }
        struct json j;
        if (!parse_json(rq->body, &j) || j.items == 0) { r->status = 400; put(&r->body, "{\"error\":\"invalid order\"}"); return; }
        uint64_t order = fnv1a(0xcbf29ce484222325ull, rq->body.p, rq->body.n);
        r->status = 201;
        put(&r->headers, "Location: /api/orders/"); put_hex(&r->headers, order, 16); put(&r->headers, "\r\n");
        put(&r->body, "{\"order_id\":\""); put_hex(&r->body, order, 16);
        put(&r->body, "\",\"customer_id\":"); put_u64(&r->body, j.customer);
        put(&r->body, ",\"items\":"); put_u64(&r->body, j.items);
        put(&r->body, ",\"total_cents\":"); put_u64(&r->body, j.total);
        put(&r->body, ",\"status\":\"accepted\"}");
    } else if (starts(path, "/static/") && path.n > 8) {
        if (!eq(m, "GET")) { method_not_allowed(rq, r, "GET"); return; }
        static_file(rq, r);
    } else {
        r->status = 404;
        put(&r->body, "{\"error\":\"not found\",\"path\":");
        put_json_str(&r->body, path.p, path.n);
        put(&r->body, "}");
    }
}

static void render(struct request *rq, struct response *r, struct buf *out) {
    put(out, "HTTP/1.1 ");
    put_u64(out, (uint64_t)r->status);
    put(out, " ");
    put(out, reason(r->status));
    put(out, "\r\nServer: wasm-arena-edge\r\n");
    if (r->type) { put(out, "Content-Type: "); put(out, r->type); put(out, "\r\n"); }
    if (r->status != 204 && r->status != 304) { put(out, "Content-Length: "); put_u64(out, r->body.n); put(out, "\r\n"); }
    put(out, "X-Request-Id: ");
    if (rq->request_id.n && rq->request_id.n <= 64) put_slice(out, rq->request_id);
    else put_hex(out, fnv1a(0xcbf29ce484222325ull, rq->target.p, rq->target.n), 16);
    put(out, rq->bad ? "\r\nConnection: close\r\n" : "\r\nConnection: keep-alive\r\n");
    put_n(out, r->headers.p, r->headers.n);
    put(out, "\r\n");
    put_n(out, r->body.p, r->body.n);
}

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 1;
    FILE *f = fopen("input/requests.http", "rb");
    if (!f) { perror("input/requests.http"); return 1; }
    struct buf in = {0};
    static char chunk[65536]; /* static: the wasm stack is only 64 KiB */
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) put_n(&in, chunk, (uint32_t)got);
    fclose(f);

    uint64_t counts[NSTATUS] = {0}, handled = 0, bytes = 0, h = 0xcbf29ce484222325ull;
    struct buf out = {0};
    struct response r = {0};
    bench_start();
    for (int pass = 0; pass < passes; pass++) {
        out.n = 0;
        const char *p = in.p, *end = in.p + in.n;
        struct request rq;
        while (p < end && (p = parse_request(p, end, &rq)) != NULL) {
            r.headers.n = r.body.n = 0;
            route(&rq, &r);
            render(&rq, &r, &out);
            for (unsigned s = 0; s < NSTATUS; s++) if (statuses[s] == r.status) counts[s]++;
            handled++;
        }
        bytes += out.n;
    }
    bench_end();
    /* Every pass renders the same responses: checksum the last one untimed. */
    h = fnv1a(h, out.p, out.n);
    printf("edge requests=%" PRIu64 " bytes=%" PRIu64 " fnv=%016" PRIx64 "\nstatus", handled, bytes, h);
    for (unsigned s = 0; s < NSTATUS; s++) printf(" %d=%" PRIu64, statuses[s], counts[s]);
    printf("\n");
    return 0;
}
