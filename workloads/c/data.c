/* Untrusted record transformation: parses /input/records.csv (RFC 4180:
 * quoted fields with commas, doubled quotes and line breaks) N times, checks
 * every field, skips and counts malformed rows, aggregates sales per region
 * and per product, and writes the totals to /output/summary.json (integers
 * only, keys sorted). Prints the row counts and the FNV-1a of the JSON. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define NFIELDS 8
#define MAXNAME 64
#define SLOTS 256 /* per table; far more than the distinct names */

struct field { const char *p; uint32_t n; };

struct agg {
    char name[MAXNAME];
    uint32_t len;
    uint64_t count, quantity, revenue, notes;
    uint32_t min_price, max_price;
    int64_t first, last;
};

struct table { struct agg slot[SLOTS]; uint32_t used; };

static struct table regions, products;
static uint64_t rows, malformed, revenue;

static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* ---- CSV ---- */

/* Reads one record from *pp into fields, unquoting into scratch (which must
 * hold a whole record). Returns the field count, 0 at the end of the input,
 * or -1 for a record that breaks the quoting rules; *pp always moves past the
 * record so parsing resumes at the next one. */
static int read_record(const char **pp, const char *end, struct field *fields, char *scratch) {
    const char *p = *pp;
    if (p >= end) return 0;
    int nf = 0, bad = 0;
    char *s = scratch;
    for (;;) {
        const char *start = s;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) { bad = 1; break; } /* unterminated */
                char c = *p++;
                if (c == '"') {
                    if (p < end && *p == '"') { *s++ = '"'; p++; }
                    else break;
                } else *s++ = c;
            }
            /* Anything between the closing quote and the delimiter is an error. */
            while (p < end && *p != ',' && *p != '\r' && *p != '\n') { bad = 1; p++; }
        } else {
            while (p < end && *p != ',' && *p != '\r' && *p != '\n') {
                if (*p == '"') bad = 1;
                *s++ = *p++;
            }
        }
        if (nf < NFIELDS) fields[nf] = (struct field){start, (uint32_t)(s - start)};
        nf++;
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '\r') p++;
        if (p < end && *p == '\n') p++;
        break;
    }
    *pp = p;
    return bad ? -1 : nf;
}

/* ---- Field checks. ---- */

static int digits(struct field f, uint32_t max_len, uint64_t *out) {
    if (f.n == 0 || f.n > max_len) return 0;
    uint64_t v = 0;
    for (uint32_t i = 0; i < f.n; i++) {
        if (f.p[i] < '0' || f.p[i] > '9') return 0;
        v = v * 10 + (uint64_t)(f.p[i] - '0');
    }
    *out = v;
    return 1;
}

/* "123", "123.4" or "123.45" to cents. */
static int price_cents(struct field f, uint32_t *out) {
    const char *dot = memchr(f.p, '.', f.n);
    uint64_t whole, frac = 0;
    if (!digits((struct field){f.p, dot ? (uint32_t)(dot - f.p) : f.n}, 7, &whole)) return 0;
    if (dot) {
        struct field fr = {dot + 1, (uint32_t)(f.p + f.n - dot - 1)};
        if (!digits(fr, 2, &frac)) return 0;
        if (fr.n == 1) frac *= 10;
    }
    *out = (uint32_t)(whole * 100 + frac);
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t num(const char *p, int len) {
    int64_t v = 0;
    for (int i = 0; i < len; i++) v = v * 10 + (p[i] - '0');
    return v;
}

/* "YYYY-MM-DDTHH:MM:SSZ" to seconds since the epoch. */
static int timestamp(struct field f, int64_t *out) {
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (f.n != sizeof shape - 1) return 0;
    for (uint32_t i = 0; i < f.n; i++) {
        if (shape[i] == 'd' ? f.p[i] < '0' || f.p[i] > '9' : f.p[i] != shape[i]) return 0;
    }
    int64_t y = num(f.p, 4), mo = num(f.p + 5, 2), d = num(f.p + 8, 2);
    int64_t h = num(f.p + 11, 2), mi = num(f.p + 14, 2), s = num(f.p + 17, 2);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 || s > 59) return 0;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return 1;
}

/* ---- Aggregation. ---- */

static struct agg *lookup(struct table *t, struct field name) {
    uint32_t i = (uint32_t)fnv1a(0xcbf29ce484222325ull, name.p, name.n) % SLOTS;
    for (;; i = (i + 1) % SLOTS) {
        struct agg *a = &t->slot[i];
        if (a->len == name.n && memcmp(a->name, name.p, name.n) == 0) return a;
        if (a->len == 0) {
            if (t->used == SLOTS - 1) return NULL;
            t->used++;
            memcpy(a->name, name.p, name.n);
            a->len = name.n;
            a->min_price = UINT32_MAX;
            a->first = INT64_MAX;
            a->last = INT64_MIN;
            return a;
        }
    }
}

static void add(struct agg *a, uint64_t qty, uint32_t price, int64_t ts, int has_note) {
    a->count++;
    a->quantity += qty;
    a->revenue += qty * price;
    a->notes += (uint64_t)has_note;
    if (price < a->min_price) a->min_price = price;
    if (price > a->max_price) a->max_price = price;
    if (ts < a->first) a->first = ts;
    if (ts > a->last) a->last = ts;
}

static int process(const char *data, size_t len, char *scratch) {
    static const char *const header[NFIELDS] = {"id", "timestamp", "region", "product", "quantity", "unit_price", "customer", "note"};
    memset(&regions, 0, sizeof regions);
    memset(&products, 0, sizeof products);
    rows = malformed = revenue = 0;
    const char *p = data, *end = data + len;
    struct field f[NFIELDS];
    if (read_record(&p, end, f, scratch) != NFIELDS) return 0;
    for (int i = 0; i < NFIELDS; i++)
        if (f[i].n != strlen(header[i]) || memcmp(f[i].p, header[i], f[i].n) != 0) return 0;
    for (;;) {
        if (p < end && (*p == '\r' || *p == '\n')) { p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1; continue; }
        int nf = read_record(&p, end, f, scratch);
        if (nf == 0) break;
        uint64_t id, qty;
        uint32_t price;
        int64_t ts;
        struct agg *r, *pr;
        if (nf != NFIELDS || !digits(f[0], 9, &id) || !timestamp(f[1], &ts) || f[2].n == 0 || f[2].n > MAXNAME ||
            f[3].n == 0 || f[3].n > MAXNAME || !digits(f[4], 6, &qty) || qty == 0 || !price_cents(f[5], &price) ||
            f[6].n == 0 || !(r = lookup(&regions, f[2])) || !(pr = lookup(&products, f[3]))) {
            malformed++;
            continue;
        }
        rows++;
        revenue += qty * price;
        add(r, qty, price, ts, f[7].n > 0);
        add(pr, qty, price, ts, f[7].n > 0);
    }
    return 1;
}

/* ---- Output. ---- */

struct buf { char *p; size_t n, cap; };

static void put_n(struct buf *b, const char *s, size_t n) {
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { fprintf(stderr, "out of memory\n"); exit(1); }
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void put(struct buf *b, const char *s) { put_n(b, s, strlen(s)); }

static void put_int(struct buf *b, int64_t v) {
    char tmp[24];
    put_n(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "%" PRId64, v));
}

static void put_str(struct buf *b, const char *s, uint32_t n) {
    put(b, "\"");
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { char e[2] = {'\\', (char)c}; put_n(b, e, 2); }
        else if (c < 0x20) { char e[8]; put_n(b, e, (size_t)snprintf(e, sizeof e, "\\u%04x", c)); }
        else put_n(b, (const char *)&c, 1);
    }
    put(b, "\"");
}

/* Byte order, so the key order does not depend on any locale. */
static int by_name(const void *x, const void *y) {
    const struct agg *a = *(const struct agg *const *)x, *b = *(const struct agg *const *)y;
    int c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void put_table(struct buf *b, const char *key, struct table *t) {
    struct agg *sorted[SLOTS];
    uint32_t n = 0;
    for (int i = 0; i < SLOTS; i++) if (t->slot[i].len) sorted[n++] = &t->slot[i];
    qsort(sorted, n, sizeof sorted[0], by_name);
    put(b, "  \""); put(b, key); put(b, "\": {\n");
    for (uint32_t i = 0; i < n; i++) {
        struct agg *a = sorted[i];
        put(b, "    "); put_str(b, a->name, a->len);
        put(b, ": {\"count\": "); put_int(b, (int64_t)a->count);
        put(b, ", \"quantity\": "); put_int(b, (int64_t)a->quantity);
        put(b, ", \"revenue_cents\": "); put_int(b, (int64_t)a->revenue);
        put(b, ", \"min_price_cents\": "); put_int(b, a->min_price);
        put(b, ", \"max_price_cents\": "); put_int(b, a->max_price);
        put(b, ", \"first\": "); put_int(b, a->first);
        put(b, ", \"last\": "); put_int(b, a->last);
        put(b, ", \"with_note\": "); put_int(b, (int64_t)a->notes);
        put(b, i + 1 < n ? "},\n" : "}\n");
    }
    put(b, "  }");
}

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 1;
    FILE *f = fopen("input/records.csv", "rb");
    if (!f) { perror("input/records.csv"); return 1; }
    struct buf in = {0};
    static char chunk[65536]; /* static: the wasm stack is only 64 KiB */
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) put_n(&in, chunk, got);
    fclose(f);
    char *scratch = malloc(in.n + 1);

    struct buf json = {0};
    bench_start();
    for (int pass = 0; pass < passes; pass++)
        if (!process(in.p, in.n, scratch)) { fprintf(stderr, "records.csv: unexpected header\n"); return 1; }
    put(&json, "{\n  \"rows\": "); put_int(&json, (int64_t)rows);
    put(&json, ",\n  \"malformed\": "); put_int(&json, (int64_t)malformed);
    put(&json, ",\n  \"revenue_cents\": "); put_int(&json, (int64_t)revenue);
    put(&json, ",\n");
    put_table(&json, "products", &products);
    put(&json, ",\n");
    put_table(&json, "regions", &regions);
    put(&json, "\n}\n");
    FILE *out = fopen("output/summary.json", "wb");
    if (!out) { perror("output/summary.json"); return 1; }
    if (fwrite(json.p, 1, json.n, out) != json.n || fclose(out) != 0) { perror("output/summary.json"); return 1; }
    bench_end();
    printf("data rows=%" PRIu64 " malformed=%" PRIu64 " regions=%" PRIu32 " products=%" PRIu32 " json=%zu fnv=%016" PRIx64 "\n",
           rows, malformed, regions.used, products.used, json.n, fnv1a(0xcbf29ce484222325ull, json.p, json.n));
    return 0;
}
