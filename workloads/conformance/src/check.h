/* Helpers shared by the conformance tests (both suites).
 *
 * A test prints one short line per behaviour it checked; on a wrong result it
 * prints "FAIL: <what>: <got> (expected <want>)" to stderr and exits 1, so a
 * failing runtime's reason is readable in the runner's report. Sandbox tests
 * that see an escape print "ESCAPED: <what>" and exit 2.
 *
 * Raw calls from <wasi/api.h> are used wherever wasi-libc would rewrite the
 * request (normalise a path, pick the preopen itself, hide an errno), so the
 * runtime is what is tested, not the libc. */
#ifndef CONFORMANCE_CHECK_H
#define CONFORMANCE_CHECK_H
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((noreturn, format(printf, 1, 2)))
static inline void fail(const char *fmt, ...) {
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

__attribute__((noreturn, format(printf, 1, 2)))
static inline void escaped(const char *fmt, ...) {
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    fputs("ESCAPED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* The WASI errno's name, for messages only (never in expected stdout). */
static inline const char *errname(__wasi_errno_t e) {
    static const char *names[] = {
        "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
        "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
        "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
        "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
        "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
        "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
        "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
        "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
        "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
        "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
        "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
    };
    static char other[24];
    if (e < sizeof names / sizeof names[0]) return names[e];
    snprintf(other, sizeof other, "errno %u", (unsigned)e);
    return other;
}

/* A call that must succeed. */
static inline void ok(__wasi_errno_t e, const char *what) {
    if (e != __WASI_ERRNO_SUCCESS) fail("%s: %s (expected success)", what, errname(e));
}

/* A call that must fail with one of the errnos in `allowed` (0-terminated):
 * every errno that the WASI spec or POSIX permits for the case. */
static inline void err_in(__wasi_errno_t e, const char *what, const __wasi_errno_t *allowed) {
    for (const __wasi_errno_t *a = allowed; *a; a++)
        if (e == *a) return;
    char want[160] = "";
    for (const __wasi_errno_t *a = allowed; *a; a++) {
        if (a != allowed) strcat(want, " or ");
        strcat(want, errname(*a));
    }
    fail("%s: %s (expected %s)", what, errname(e), want);
}
#define ERR_IN(e, what, ...) \
    err_in((e), (what), (const __wasi_errno_t[]){__VA_ARGS__, 0})


/* The granted directory of a test with one grant (`root`, or one `dirs`
 * entry): the last preopen, found by scanning from fd 3 as wasi-libc does.
 * A runtime may put one of its own first (Wasmer always preopens its virtual
 * root "/" as fd 3); the grant comes after it. */
static inline __wasi_fd_t preopen_fd(void) {
    __wasi_fd_t found = 0;
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
        if (e == __WASI_ERRNO_BADF) break;
        if (e == __WASI_ERRNO_SUCCESS && ps.tag == __WASI_PREOPENTYPE_DIR) found = fd;
    }
    if (found) return found;
    fail("no preopened directory: none (expected one at fd 3 or after)");
}

/* The rights a path_open under `dir` asks for are what `dir` passes on (as
 * wasi-libc asks), so a host that checks rights never refuses the request
 * itself: rights beyond the directory's inheriting set are ENOTCAPABLE. */
static inline __wasi_rights_t inherit_rights(__wasi_fd_t dir) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(dir, &st)) return 0;
    return st.fs_rights_inheriting;
}

/* The rights that mean writing: asked for, they make a host open the file
 * for writing (so a directory or a read-only file refuses the open). */
#define WRITE_RIGHTS (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | \
                      __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)

/* path_open for reading and writing, following symlinks. */
static inline __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                                     __wasi_fdflags_t fdflags, __wasi_fd_t *out) {
    __wasi_rights_t r = inherit_rights(dir);
    return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, r, r, fdflags,
                            out);
}

/* path_open for reading only, following symlinks. */
static inline __wasi_errno_t open_ro(__wasi_fd_t dir, const char *path, __wasi_fd_t *out) {
    __wasi_rights_t r = inherit_rights(dir);
    return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, r & ~WRITE_RIGHTS, r,
                            0, out);
}

/* path_open of a directory (O_DIRECTORY, no write rights), as opendir does. */
static inline __wasi_errno_t open_dir(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path,
                                      __wasi_fd_t *out) {
    __wasi_rights_t r = inherit_rights(dir);
    return __wasi_path_open(dir, lookup, path, __WASI_OFLAGS_DIRECTORY, r & ~WRITE_RIGHTS, r, 0,
                            out);
}

/* Writes all of `s` to a file descriptor with one fd_write. */
static inline __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    return __wasi_fd_write(fd, &iov, 1, n);
}

/* Reads up to cap-1 bytes into buf (NUL-terminated) with one fd_read. */
static inline __wasi_errno_t read_str(__wasi_fd_t fd, char *buf, size_t cap, __wasi_size_t *n) {
    __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
    __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, n);
    buf[e == 0 ? *n : 0] = 0;
    return e;
}

/* Creates (or truncates) `path` under `dir` holding `text`. */
static inline void put_file(__wasi_fd_t dir, const char *path, const char *text) {
    __wasi_fd_t fd;
    __wasi_size_t n;
    char what[300];
    snprintf(what, sizeof what, "create %s", path);
    ok(open_at(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd), what);
    ok(write_str(fd, text, &n), what);
    if (n != strlen(text)) fail("%s: wrote %u bytes (expected %zu)", what, (unsigned)n, strlen(text));
    ok(__wasi_fd_close(fd), what);
}

/* The whole content of `path` under `dir` (at most 4 KiB), or NULL with *err. */
static inline const char *get_file(__wasi_fd_t dir, const char *path, __wasi_errno_t *err) {
    static char buf[4096];
    __wasi_fd_t fd;
    __wasi_size_t n, total = 0;
    *err = open_ro(dir, path, &fd);
    if (*err) return NULL;
    for (;;) {
        __wasi_iovec_t iov = {(uint8_t *)buf + total, sizeof buf - 1 - total};
        *err = __wasi_fd_read(fd, &iov, 1, &n);
        if (*err || n == 0) break;
        total += n;
        if (total >= sizeof buf - 1) break;
    }
    (void)__wasi_fd_close(fd);
    if (*err) return NULL;
    buf[total] = 0;
    return buf;
}

/* Content of `path` that must be readable. */
static inline const char *must_read(__wasi_fd_t dir, const char *path) {
    __wasi_errno_t e;
    const char *s = get_file(dir, path, &e);
    if (!s) fail("read %s: %s (expected success)", path, errname(e));
    return s;
}

static inline void expect_str(const char *what, const char *got, const char *want) {
    if (strcmp(got, want)) fail("%s: \"%s\" (expected \"%s\")", what, got, want);
}

static inline void expect_u64(const char *what, uint64_t got, uint64_t want) {
    if (got != want) fail("%s: %llu (expected %llu)", what, (unsigned long long)got, (unsigned long long)want);
}

/* One directory entry as fd_readdir reports it. */
struct entry {
    char name[256];
    uint8_t type;
    uint64_t next;
};

/* Lists the open directory `fd` with fd_readdir from `cookie` on, `bufsize`
 * bytes per call. A full buffer may end in a cut entry, so each next call
 * resumes from the d_next of the last whole entry; a buffer less than full
 * is the end. "." and ".." are skipped: the spec does not say whether a host
 * lists them. Returns the entry count; *calls gets the number of calls. */
static inline int read_dir(__wasi_fd_t fd, size_t bufsize, uint64_t cookie, struct entry *out, int max,
                    int *calls) {
    uint8_t *buf = malloc(bufsize);
    int count = 0;
    *calls = 0;
    for (;;) {
        __wasi_size_t used;
        ok(__wasi_fd_readdir(fd, buf, bufsize, cookie, &used), "fd_readdir");
        ++*calls;
        if (used > bufsize) fail("fd_readdir: used %u bytes of %zu (expected at most all)", (unsigned)used, bufsize);
        size_t off = 0;
        int progress = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used) break; /* cut by the buffer's end */
            const char *name = (const char *)buf + off + sizeof d;
            if (d.d_namlen == 0 || d.d_namlen > 255) fail("fd_readdir: name length %u (expected 1 to 255)", (unsigned)d.d_namlen);
            if (!(d.d_namlen == 1 && name[0] == '.') && !(d.d_namlen == 2 && !memcmp(name, "..", 2))) {
                if (count == max) fail("fd_readdir: more than %d entries (expected fewer)", max);
                memcpy(out[count].name, name, d.d_namlen);
                out[count].name[d.d_namlen] = 0;
                out[count].type = d.d_type;
                out[count].next = d.d_next;
                count++;
            }
            cookie = d.d_next;
            off += sizeof d + d.d_namlen;
            progress = 1;
        }
        if (used < bufsize) break;
        if (!progress) fail("fd_readdir: a full %zu-byte buffer without one whole entry", bufsize);
        if (*calls > 100000) fail("fd_readdir: no end after 100000 calls (expected an end)");
    }
    free(buf);
    return count;
}

static inline int by_entry_name(const void *a, const void *b) {
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static inline const char *type_name(uint8_t t) {
    static const char *names[] = {"unknown", "block_device", "character_device", "directory",
                                  "regular_file", "socket_dgram", "socket_stream", "symbolic_link"};
    return t < 8 ? names[t] : "invalid";
}

/* Sandbox verdicts. A request that climbs out of the preopen must fail,
 * with any errno (ENOTCAPABLE, EPERM, ENOENT, EACCES... all keep the guest
 * in), and then the test prints "<what>: refused", the same line on every
 * runtime that holds. If it succeeded, the test looks at where it landed:
 * somewhere inside the root (a runtime that clamps ".." at the root, as
 * chroot does) breaks the spec but leaks nothing, so it is a FAIL; anywhere
 * else is an ESCAPE. */

/* Identities (device, inode) of the root and everything under it, taken
 * when first needed, without following symlinks. */
static struct { uint64_t dev, ino; } inside_ids[512];
static int inside_count = -1;

static inline void collect_inside(__wasi_fd_t dir, int depth) {
    __wasi_filestat_t st;
    if (__wasi_fd_filestat_get(dir, &st) == 0 && inside_count < 512) {
        inside_ids[inside_count].dev = st.dev;
        inside_ids[inside_count++].ino = st.ino;
    }
    static struct entry ents[8][64];
    int calls, n = read_dir(dir, 4096, 0, ents[depth], 64, &calls);
    for (int i = 0; i < n; i++) {
        const char *name = ents[depth][i].name;
        if (__wasi_path_filestat_get(dir, 0, name, &st) != 0) continue;
        if (st.filetype == __WASI_FILETYPE_DIRECTORY && depth < 7) {
            __wasi_fd_t sub;
            if (open_dir(dir, 0, name, &sub) == 0) {
                collect_inside(sub, depth + 1);
                (void)__wasi_fd_close(sub);
            }
        } else if (inside_count < 512) {
            inside_ids[inside_count].dev = st.dev;
            inside_ids[inside_count++].ino = st.ino;
        }
    }
}

static inline int is_inside(const __wasi_filestat_t *st) {
    if (inside_count < 0) {
        inside_count = 0;
        collect_inside(preopen_fd(), 0);
    }
    for (int i = 0; i < inside_count; i++)
        if (inside_ids[i].dev == st->dev && inside_ids[i].ino == st->ino) return 1;
    return 0;
}

/* A stat that must fail. */
static inline void refuse_stat(__wasi_errno_t e, const __wasi_filestat_t *st, const char *what) {
    if (e == __WASI_ERRNO_SUCCESS) {
        if (is_inside(st)) fail("%s: reached a file inside the root instead (expected an error)", what);
        escaped("%s: succeeded", what);
    }
    printf("%s: refused\n", what);
}

/* An open that must fail; `fd` is what it returned. */
static inline void refuse_open(__wasi_errno_t e, __wasi_fd_t fd, const char *what) {
    if (e == __WASI_ERRNO_SUCCESS) {
        __wasi_filestat_t st;
        if (__wasi_fd_filestat_get(fd, &st) == 0 && is_inside(&st))
            fail("%s: opened a file inside the root instead (expected an error)", what);
        escaped("%s: succeeded", what);
    }
    printf("%s: refused\n", what);
}

/* A change (create, mkdir, rename, link) aimed outside that must fail: if
 * it succeeded, `inside_name` under `root` is where a clamping runtime put
 * the result. */
static inline void refuse_change(__wasi_errno_t e, __wasi_fd_t root, const char *inside_name, const char *what) {
    if (e == __WASI_ERRNO_SUCCESS) {
        __wasi_filestat_t st;
        if (__wasi_path_filestat_get(root, 0, inside_name, &st) == 0)
            fail("%s: made %s inside the root instead (expected an error)", what, inside_name);
        escaped("%s: succeeded", what);
    }
    printf("%s: refused\n", what);
}

/* A request with no inside to land in (libc calls, a missing preopen):
 * success is an escape. */
static inline void must_refuse(__wasi_errno_t e, const char *what) {
    if (e == __WASI_ERRNO_SUCCESS) escaped("%s: succeeded", what);
    printf("%s: refused\n", what);
}

/* The monotonic clock in nanoseconds. */
static inline uint64_t mono_ns(void) {
    __wasi_timestamp_t t;
    ok(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t), "clock_time_get(monotonic)");
    return t;
}
#endif
