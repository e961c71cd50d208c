#!/usr/bin/env python3
"""Writes the `large` workload: a WASI command module with thousands of
distinct functions, for measuring how fast runtimes compile (MB/s).

    python3 scripts/gen-large-module.py OUT.wasm [--functions N] [--seed S]

The WebAssembly binary is encoded directly (standard library only), so it
takes seconds instead of the minutes clang needed for the equivalent C, and the
same arguments always give the same bytes.

Each function takes and returns an i64 and mixes i32/i64/f64 arithmetic over
several locals with bounded loops, if/else, br_table switches, loads and stores
to a scratch area, selects, conversions and calls to lower-numbered functions
(so the call graph is acyclic). `_start` calls every function once through the
table, folds the results into a checksum and prints

    large functions=N checksum=<16 hex digits>

Nothing can trap (divisors are forced odd and positive, addresses are masked
into the scratch area, floats reach integers only through the saturating
trunc_sat ops) and no NaN bit pattern can reach an integer (no reinterprets,
f64 values live in their own memory region, copysign only takes constant
signs), so every engine prints the same checksum. Calls are budgeted by an
estimate of the code they execute, which keeps the run to milliseconds: the
work is in compiling, not running.
"""
import argparse
import bisect
import random
import struct
import sys
import time

# --------------------------------------------------------------------------
# Binary encoding layer

I32, I64, F64, FUNCREF = 0x7F, 0x7E, 0x7C, 0x70
EMPTY = 0x40  # block type with no params or results


def uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        done = (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


def vec(items) -> bytes:
    items = list(items)
    return uleb(len(items)) + b"".join(items)


def name(s: str) -> bytes:
    return uleb(len(s.encode())) + s.encode()


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + uleb(len(payload)) + payload


def functype(params, results) -> bytes:
    return b"\x60" + vec(bytes([p]) for p in params) + vec(bytes([r]) for r in results)


def signed(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) else v


# The generator encodes millions of small numbers: look the common ones up.
ULEB = [uleb(n) for n in range(1 << 14)]
SMALL_SLEB = {n: sleb(n) for n in range(-64, 1 << 12)}
F64_BYTES = struct.Struct("<d").pack

# Opcodes.
BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, BR_TABLE, RETURN, CALL, CALL_INDIRECT = (
    0x02, 0x03, 0x04, 0x05, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11)
DROP, SELECT, LOCAL_GET, LOCAL_SET, LOCAL_TEE = 0x1A, 0x1B, 0x20, 0x21, 0x22
I32_CONST, I64_CONST, F64_CONST = 0x41, 0x42, 0x44
I32_EQZ, I64_EQZ, I32_LT_U = 0x45, 0x50, 0x49
I32_ADD, I32_AND, I32_OR, I32_SHL = 0x6A, 0x71, 0x72, 0x74
I64_ADD, I64_SUB, I64_MUL, I64_AND, I64_OR, I64_XOR, I64_SHR_U, I64_ROTL = (
    0x7C, 0x7D, 0x7E, 0x83, 0x84, 0x85, 0x88, 0x89)
F64_ABS, F64_SQRT, F64_COPYSIGN = 0x99, 0x9F, 0xA6
I32_WRAP, I64_EXTEND_S, I64_EXTEND_U, F32_DEMOTE, F64_PROMOTE = 0xA7, 0xAC, 0xAD, 0xB6, 0xBB
F64_CONVERT = {I32: [0xB7, 0xB8], I64: [0xB9, 0xBA]}  # signed, unsigned
PREFIX_FC = 0xFC  # trunc_sat: saturating float->int, never traps, NaN -> 0
TRUNC_SAT = {I32: [2, 3], I64: [6, 7]}  # from f64, signed and unsigned
I32_LOAD8_U, I32_STORE8 = 0x2D, 0x3A

# Per result type: the operators the generator draws from.
BINARY = {I32: [0x6A, 0x6B, 0x6C, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78],
          I64: [0x7C, 0x7D, 0x7E, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A],
          F64: [0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5]}  # f64: add sub mul div min max
BINARY_CONST = {I32: [0x6A, 0x6C, 0x73, 0x71], I64: [0x7C, 0x7E, 0x85, 0x83], F64: [0xA0, 0xA2, 0xA4, 0xA5]}
UNARY = {I32: [0x67, 0x68, 0x69, 0xC0, 0xC1],        # clz ctz popcnt extend8_s extend16_s
         I64: [0x79, 0x7A, 0x7B, 0xC2, 0xC3, 0xC4],  # ... extend32_s
         F64: [0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E]}  # abs neg ceil floor trunc nearest
DIVREM = {I32: [0x6D, 0x6E, 0x6F, 0x70], I64: [0x7F, 0x80, 0x81, 0x82]}  # div_s div_u rem_s rem_u
COMPARE = {I32: list(range(0x46, 0x50)), I64: list(range(0x51, 0x5B)), F64: list(range(0x61, 0x67))}
# Loads and stores as (opcode, access size in bytes).
LOADS = {I32: [(0x28, 4), (0x2C, 1), (0x2D, 1), (0x2E, 2), (0x2F, 2)],
         I64: [(0x29, 8), (0x30, 1), (0x31, 1), (0x32, 2), (0x33, 2), (0x34, 4), (0x35, 4)],
         F64: [(0x2B, 8)]}
STORES = {I32: [(0x36, 4), (0x3A, 1), (0x3B, 2)], I64: [(0x37, 8), (0x3C, 1), (0x3D, 2), (0x3E, 4)],
          F64: [(0x39, 8)]}
ALIGN = {1: 0, 2: 1, 4: 2, 8: 3}

# Linear memory (one 64 KiB page). Integers and floats get separate scratch
# regions, so float bits (maybe a NaN, whose payload and sign differ between
# engines) are never read back as integers. Addresses are the guest's values
# masked to 12 bits plus a static offset below 256.
INT_SCRATCH = 4096    # [4096, 8448)
F64_SCRATCH = 12288   # [12288, 16640)
SCRATCH = {I32: INT_SCRATCH, I64: INT_SCRATCH, F64: F64_SCRATCH}
ADDRESS_MASK = 0xFFF

T_FD_WRITE, T_FUNC, T_START = 0, 1, 2  # type indices

# A function's cost estimates the code it executes, in body bytes weighted by
# loop trip counts, its callees' costs included. Calls are only made while the
# caller stays within the budget, which bounds the whole run to milliseconds.
COST_BUDGET = 2500
# Top-level statements per function: sets the module size (about 600 bytes
# a function on average).
STATEMENTS_MIN, STATEMENTS_MAX = 3, 9


# --------------------------------------------------------------------------
# Function-body generator

class FunctionGen:
    """Generates one `(i64) -> i64` function body.

    Every statement leaves the operand stack as it found it, so statements
    nest freely; `labels` counts the open blocks, for branch depths."""

    def __init__(self, rng: random.Random, ordinal: int, costs: list[int]):
        self.rng = rng
        self.rand = rng.random
        self.ordinal = ordinal      # index among the generated functions
        self.costs = costs          # the cost of every lower function
        self.code = bytearray()
        self.emit = self.code.append
        self.call_cost = 0          # callees' costs, times enclosing trip counts
        self.loop_cost = 0          # loop bodies' bytes, times extra trips
        self.mult = 1               # product of the enclosing loops' trip counts
        self.labels = 0
        self.loop_exits: list[int] = []  # label numbers of the enclosing loops' blocks
        self.nesting = 0

        # Param 0 is x (read-only); then groups of each type in a varied order,
        # then one i32 counter per loop level, which only its loop writes.
        groups = [(I64, self.randint(2, 4)), (I32, self.randint(2, 4)), (F64, self.randint(1, 3))]
        rng.shuffle(groups)
        self.locals = {I64: [], I32: [], F64: []}
        index = 1
        for ty, count in groups:
            self.locals[ty] += range(index, index + count)
            index += count
        self.counters = [index, index + 1]
        self.decls = groups + [(I32, 2)]
        self.readable = {I64: [0] + self.locals[I64], I32: list(self.locals[I32]), F64: self.locals[F64]}

    # -- randomness (float draws: cheaper than randrange, and as deterministic)
    def pick(self, seq):
        return seq[int(self.rand() * len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        return lo + int(self.rand() * (hi - lo + 1))

    @property
    def cost(self) -> int:
        return len(self.code) + self.loop_cost + self.call_cost

    # -- emission
    def local(self, opcode: int, index: int) -> None:
        self.emit(opcode), self.emit(index)  # fewer than 128 locals: one LEB byte

    def memarg(self, opcode: int, size: int, offset: int) -> None:
        self.emit(opcode), self.emit(ALIGN[size]), self.code.extend(ULEB[offset])

    def i32_const(self, v: int) -> None:
        self.emit(I32_CONST), self.code.extend(SMALL_SLEB.get(v) or sleb(v))

    def i64_const(self, v: int) -> None:
        self.emit(I64_CONST), self.code.extend(SMALL_SLEB.get(v) or sleb(v))

    def const(self, ty: int) -> None:
        r = self.rand
        if ty == I32:
            self.i32_const(int(r() * 1064) - 64 if r() < 0.6 else signed(self.rng.getrandbits(32), 32))
        elif ty == I64:
            self.i64_const(int(r() * 1064) - 64 if r() < 0.4 else signed(self.rng.getrandbits(64), 64))
        else:
            self.emit(F64_CONST)
            self.code.extend(F64_BYTES(round(r() * 2000.0 - 1000.0, self.randint(0, 6))))

    def address(self, size: int, ty: int) -> int:
        """Pushes a masked i32 address; returns the memarg offset to use."""
        self.expr(I32, 1)
        self.i32_const(ADDRESS_MASK & ~(size - 1))
        self.emit(I32_AND)
        return SCRATCH[ty] + size * int(self.rand() * (256 // size))

    # -- expressions: one production per shape, drawn by weight per type
    def expr(self, ty: int, depth: int) -> None:
        """Pushes one value of type `ty`; the hottest code, so kept tight."""
        r = self.rand
        if depth <= 0 or r() < 0.2:  # a leaf
            if r() < 0.65:
                readable = self.readable[ty]
                self.emit(LOCAL_GET), self.emit(readable[int(r() * len(readable))])
            else:
                self.const(ty)
            return
        funcs, cumulative = PRODUCTIONS[ty]
        # A production that does not apply (no callee fits the budget)
        # returns False, and another is drawn.
        while not funcs[bisect.bisect(cumulative, r() * cumulative[-1])](self, ty, depth - 1):
            pass

    def p_binary(self, ty, d):
        self.expr(ty, d), self.expr(ty, d), self.emit(self.pick(BINARY[ty]))
        return True

    def p_binary_const(self, ty, d):
        self.expr(ty, d), self.const(ty), self.emit(self.pick(BINARY_CONST[ty]))
        return True

    def p_unary(self, ty, d):
        self.expr(ty, d), self.emit(self.pick(UNARY[ty]))
        return True

    def p_divrem(self, ty, d):
        """The divisor is masked positive and made odd: never zero, never
        INT_MIN / -1."""
        self.expr(ty, d), self.expr(ty, d)
        if ty == I32:
            self.i32_const(0xFFFF), self.emit(I32_AND), self.i32_const(1), self.emit(I32_OR)
        else:
            self.i64_const(self.pick([0xFF, 0xFFFF, 0xFFFFFF])), self.emit(I64_AND)
            self.i64_const(1), self.emit(I64_OR)
        self.emit(self.pick(DIVREM[ty]))
        return True

    def p_compare(self, ty, d):
        src = self.pick([I32, I32, I64, I64, F64])
        self.expr(src, d), self.expr(src, d), self.emit(self.pick(COMPARE[src]))
        return True

    def p_eqz(self, ty, d):
        src = self.pick([I32, I64])
        self.expr(src, d), self.emit(I32_EQZ if src == I32 else I64_EQZ)
        return True

    def p_convert(self, ty, d):
        src = self.pick([t for t in (I32, I64, F64) if t != ty])
        self.expr(src, d)
        if src == F64:
            self.emit(PREFIX_FC), self.emit(self.pick(TRUNC_SAT[ty]))
        elif ty == F64:
            self.emit(self.pick(F64_CONVERT[src]))
        else:
            self.emit(I32_WRAP if ty == I32 else self.pick([I64_EXTEND_S, I64_EXTEND_U]))
        return True

    def p_round_f32(self, ty, d):
        self.expr(F64, d), self.emit(F32_DEMOTE), self.emit(F64_PROMOTE)
        return True

    def p_sqrt(self, ty, d):  # of a magnitude, as real code guards it
        self.expr(F64, d), self.emit(F64_ABS), self.emit(F64_SQRT)
        return True

    def p_copysign(self, ty, d):  # the sign comes from a constant, never a NaN
        self.expr(F64, d), self.const(F64), self.emit(F64_COPYSIGN)
        return True

    def p_load(self, ty, d):
        opcode, size = self.pick(LOADS[ty])
        self.memarg(opcode, size, self.address(size, ty))
        return True

    def p_select(self, ty, d):
        self.expr(ty, d), self.expr(ty, d), self.expr(I32, d), self.emit(SELECT)
        return True

    def p_if(self, ty, d):
        self.expr(I32, d), self.emit(IF), self.emit(ty)
        self.labels += 1
        self.expr(ty, d), self.emit(ELSE), self.expr(ty, d), self.emit(END)
        self.labels -= 1
        return True

    def p_tee(self, ty, d):
        self.expr(ty, d), self.local(LOCAL_TEE, self.pick(self.locals[ty]))
        return True

    def p_call(self, ty, d):
        """`f_j(expr)` for a lower j (the call graph stays acyclic) that fits
        the cost budget."""
        for _ in range(4 if self.ordinal else 0):
            j = self.ordinal - 1 - int(self.rand() * min(self.ordinal, 400))
            added = self.mult * self.costs[j]
            if self.cost + added <= COST_BUDGET:
                self.expr(I64, 2)
                self.emit(CALL), self.code.extend(uleb(j + 1))  # function 0 is fd_write
                self.call_cost += added
                return True
        return False

    # -- statements
    def block(self, count: int) -> None:
        for _ in range(count):
            self.stmt()

    def stmt(self) -> None:
        if self.nesting >= 3:
            table = STMTS_FLAT
        elif self.loop_exits:
            table = STMTS_IN_LOOP if len(self.loop_exits) < 2 and self.mult <= 4 else STMTS_IN_DEEP_LOOP
        else:
            table = STMTS_TOP
        funcs, cumulative = table
        funcs[bisect.bisect(cumulative, self.rand() * cumulative[-1])](self)

    def s_set(self):
        ty = self.pick([I64, I64, I64, I32, I32, F64, F64])
        self.expr(ty, self.randint(1, 4)), self.local(LOCAL_SET, self.pick(self.locals[ty]))

    def s_store(self):
        ty = self.pick([I64, I64, I32, I32, F64])
        opcode, size = self.pick(STORES[ty])
        offset = self.address(size, ty)
        self.expr(ty, self.randint(1, 3)), self.memarg(opcode, size, offset)

    def s_call(self):
        if self.p_call(I64, 0):
            if self.rand() < 0.8:
                self.local(LOCAL_SET, self.pick(self.locals[I64]))
            else:
                self.emit(DROP)

    def s_if(self):
        self.expr(I32, 2), self.emit(IF), self.emit(EMPTY)
        self.labels += 1
        self.nesting += 1
        self.block(self.randint(1, 3))
        if self.rand() < 0.1:  # an early return, as guard clauses do
            self.expr(I64, 2), self.emit(RETURN)
        if self.rand() < 0.7:
            self.emit(ELSE), self.block(self.randint(1, 3))
        self.emit(END)
        self.nesting -= 1
        self.labels -= 1

    def s_loop(self):
        """A do-while loop over its own counter: 1-6 trips, the bound sometimes
        taken from x so that it cannot be fully unrolled."""
        counter = self.counters[len(self.loop_exits)]
        base, spread = self.randint(1, 3), self.pick([0, 1, 3])
        trips = base + spread
        self.i32_const(0), self.local(LOCAL_SET, counter)
        self.loop_exits.append(self.labels)
        self.emit(BLOCK), self.emit(EMPTY), self.emit(LOOP), self.emit(EMPTY)
        self.labels += 2
        self.nesting += 1
        self.readable[I32].append(counter)
        outer_mult, self.mult = self.mult, self.mult * trips
        body_start = len(self.code)
        self.block(self.randint(1, 4))
        self.local(LOCAL_GET, counter), self.i32_const(1), self.emit(I32_ADD), self.local(LOCAL_TEE, counter)
        if spread:
            self.local(LOCAL_GET, 0), self.emit(I32_WRAP), self.i32_const(spread), self.emit(I32_AND)
            self.i32_const(base), self.emit(I32_ADD)
        else:
            self.i32_const(base)
        self.emit(I32_LT_U), self.emit(BR_IF), self.emit(0), self.emit(END), self.emit(END)
        self.loop_cost += (len(self.code) - body_start) * outer_mult * (trips - 1)
        self.mult = outer_mult
        self.readable[I32].pop()
        self.nesting -= 1
        self.labels -= 2
        self.loop_exits.pop()

    def s_break(self):
        self.expr(I32, 2)
        self.emit(BR_IF), self.emit(self.labels - 1 - self.pick(self.loop_exits))

    def s_switch(self):
        """A dense switch as compilers lower it: a block per case around a
        br_table, each case breaking out or falling through."""
        cases, size = self.randint(2, 5), self.pick([4, 8])
        exit_label = self.labels
        self.code.extend(bytes([BLOCK, EMPTY]) * (cases + 1))
        self.labels += cases + 1
        self.nesting += 1
        self.expr(I32, 2), self.i32_const(size - 1), self.emit(I32_AND)
        self.emit(BR_TABLE), self.emit(size)
        for _ in range(size + 1):  # the targets, then the default
            self.emit(int(self.rand() * cases))
        for case in range(cases):
            self.emit(END)
            self.labels -= 1
            self.block(self.randint(1, 2))
            if case < cases - 1 and self.rand() < 0.8:
                self.emit(BR), self.emit(self.labels - 1 - exit_label)
        self.emit(END)
        self.labels -= 1
        self.nesting -= 1

    # -- the whole function
    def generate(self, statements: int) -> bytes:
        for ty in (I64, I32, F64):  # start every local from x
            for index in self.locals[ty]:
                self.expr(ty, 2), self.local(LOCAL_SET, index)
        self.block(statements)
        # The result folds in every local; floats only through trunc_sat.
        self.local(LOCAL_GET, 0)
        for ty in (I64, I32, F64):
            for index in self.locals[ty]:
                self.local(LOCAL_GET, index)
                if ty == I32:
                    self.emit(I64_EXTEND_U)
                elif ty == F64:
                    self.emit(PREFIX_FC), self.emit(TRUNC_SAT[I64][0])
                self.emit(self.pick([I64_ADD, I64_SUB, I64_XOR, I64_ROTL]))
        self.emit(END)
        return vec(ULEB[count] + bytes([ty]) for ty, count in self.decls) + bytes(self.code)


def weighted(**weights) -> tuple[list, list[float]]:
    """(functions, cumulative weights) for drawing with bisect."""
    funcs, cumulative, total = [], [], 0.0
    for method, weight in weights.items():
        total += weight
        funcs.append(getattr(FunctionGen, method))
        cumulative.append(total)
    return funcs, cumulative


PRODUCTIONS = {
    I64: weighted(p_binary=35, p_binary_const=15, p_unary=6, p_divrem=4, p_convert=10, p_load=7,
                  p_select=4, p_call=5, p_if=3, p_tee=4),
    I32: weighted(p_binary=28, p_binary_const=10, p_compare=18, p_eqz=3, p_unary=5, p_divrem=3,
                  p_convert=12, p_load=7, p_select=3, p_if=2, p_tee=3),
    F64: weighted(p_binary=32, p_binary_const=12, p_unary=8, p_sqrt=3, p_convert=14, p_load=7,
                  p_select=4, p_copysign=3, p_round_f32=3, p_if=3, p_tee=4),
}
STMTS_FLAT = weighted(s_set=40, s_store=12, s_call=4)
STMTS_TOP = weighted(s_set=40, s_store=12, s_call=4, s_if=9, s_switch=4, s_loop=8)
STMTS_IN_LOOP = weighted(s_set=40, s_store=12, s_call=4, s_if=9, s_switch=4, s_loop=8, s_break=3)
STMTS_IN_DEEP_LOOP = weighted(s_set=40, s_store=12, s_call=4, s_if=9, s_switch=4, s_break=3)


# --------------------------------------------------------------------------
# _start: call every function through the table, checksum, print

def start_body(n: int, prefix_len: int, line_addr: int, hex_addr: int) -> bytes:
    """Locals: 0 i (i32), 1 k (i32), 2 h (i64), 3 r (i64)."""
    i, k, h, r = 0, 1, 2, 3
    c = bytearray()
    c += bytes([I64_CONST]) + sleb(signed(0xCBF29CE484222325, 64)) + bytes([LOCAL_SET, h])
    # do { r = table[i]((i ^ r) & 63); h = (h ^ r) * FNV_PRIME; h ^= h >> 29; } while (++i < n)
    c += bytes([LOOP, EMPTY, LOCAL_GET, i, I64_EXTEND_U, LOCAL_GET, r, I64_XOR, I64_CONST]) + sleb(63)
    c += bytes([I64_AND, LOCAL_GET, i, CALL_INDIRECT]) + uleb(T_FUNC) + uleb(0) + bytes([LOCAL_SET, r])
    c += bytes([LOCAL_GET, h, LOCAL_GET, r, I64_XOR, I64_CONST]) + sleb(0x100000001B3) + bytes([I64_MUL, LOCAL_TEE, h])
    c += bytes([LOCAL_GET, h, I64_CONST]) + sleb(29) + bytes([I64_SHR_U, I64_XOR, LOCAL_SET, h])
    c += bytes([LOCAL_GET, i, I32_CONST, 1, I32_ADD, LOCAL_TEE, i, I32_CONST]) + sleb(n)
    c += bytes([I32_LT_U, BR_IF, 0, END])
    # do { line[prefix + k] = hex[(h >> (60 - 4k)) & 15]; } while (++k < 16)
    c += bytes([LOOP, EMPTY, LOCAL_GET, k, LOCAL_GET, h, I64_CONST]) + sleb(60)
    c += bytes([LOCAL_GET, k, I32_CONST, 2, I32_SHL, I64_EXTEND_U, I64_SUB, I64_SHR_U, I32_WRAP])
    c += bytes([I32_CONST, 15, I32_AND, I32_LOAD8_U, 0]) + uleb(hex_addr)
    c += bytes([I32_STORE8, 0]) + uleb(line_addr + prefix_len)
    c += bytes([LOCAL_GET, k, I32_CONST, 1, I32_ADD, LOCAL_TEE, k, I32_CONST, 16, I32_LT_U, BR_IF, 0, END])
    # fd_write(stdout, iovec at 0, 1 iovec, nwritten at 8); the result is ignored.
    c += bytes([I32_CONST, 1, I32_CONST, 0, I32_CONST, 1, I32_CONST, 8, CALL, 0, DROP, END])
    return vec([uleb(2) + bytes([I32]), uleb(2) + bytes([I64])]) + bytes(c)


# --------------------------------------------------------------------------
# Module assembler

def build_module(n: int, seed: int) -> tuple[bytes, int]:
    """Returns the module and the estimated work of one run (see COST_BUDGET)."""
    rng = random.Random(seed)
    bodies, costs, seen = [], [], set()
    for ordinal in range(n):
        while True:
            gen = FunctionGen(rng, ordinal, costs)
            body = gen.generate(statements=gen.randint(STATEMENTS_MIN, STATEMENTS_MAX))
            if body not in seen:  # every body distinct (a repeat is vanishingly rare)
                break
        seen.add(body)
        bodies.append(body)
        costs.append(gen.cost)

    # Data: iovec {buf, len} at 0, nwritten at 8, the line at 16, hex digits after it.
    prefix = f"large functions={n} checksum=".encode()
    line = prefix + b"0" * 16 + b"\n"
    line_addr = 16
    hex_addr = line_addr + len(line)
    data = struct.pack("<II", line_addr, len(line)) + bytes(8) + line + b"0123456789abcdef"
    assert len(data) <= INT_SCRATCH

    start_index = n + 1  # after the import and the generated functions
    types = [functype([I32] * 4, [I32]), functype([I64], [I64]), functype([], [])]
    imports = [name("wasi_snapshot_preview1") + name("fd_write") + b"\x00" + uleb(T_FD_WRITE)]
    i32_const0 = bytes([I32_CONST, 0, END])
    sections = [
        section(1, vec(types)),
        section(2, vec(imports)),
        section(3, vec([uleb(T_FUNC)] * n + [uleb(T_START)])),
        section(4, vec([bytes([FUNCREF, 0x01]) + uleb(n) + uleb(n)])),  # table, min = max = n
        section(5, vec([b"\x00" + uleb(1)])),  # memory: one page, no maximum
        section(7, vec([name("memory") + b"\x02" + uleb(0), name("_start") + b"\x00" + uleb(start_index)])),
        section(9, vec([b"\x00" + i32_const0 + vec(uleb(f) for f in range(1, n + 1))])),
        section(10, vec(uleb(len(b)) + b for b in bodies + [start_body(n, len(prefix), line_addr, hex_addr)])),
        section(11, vec([b"\x00" + i32_const0 + uleb(len(data)) + data])),
    ]
    return b"\x00asm" + struct.pack("<I", 1) + b"".join(sections), sum(costs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="the .wasm file to write")
    ap.add_argument("--functions", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=20240611)
    args = ap.parse_args()
    if args.functions < 1:
        ap.error("--functions must be at least 1")
    began = time.perf_counter()
    module, work = build_module(args.functions, args.seed)
    with open(args.out, "wb") as f:
        f.write(module)
    sys.stderr.write(f"wrote {args.out}: {args.functions} functions, {len(module):,} bytes "
                     f"in {time.perf_counter() - began:.1f} s (run work estimate {work:,})\n")


if __name__ == "__main__":
    main()
