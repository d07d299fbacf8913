// The OpenCL C kernels, compiled once per context for T = float and (where the device
// reports fp64) T = double. Operation codes are the raw values of the Swift enums in
// Device/BackendOperations.swift; the formulas follow the CPU's (the same sigmoid and
// softplus forms, NaN-propagating max and min in reductions).
//
// Geometry: every elementwise kernel receives its shape and up to four operands'
// strides and offsets by value in one struct (out, a, b, c). Work item i handles output
// position i in row-major order of the shape. Indices are 32-bit (buffers up to 2^31 - 1
// scalars; the backend checks).

extension OpenCLSource {
    static let kernels = OpenCLSource(name: "wengert-kernels", text: #"""
/* OpenCL C contracts a * b + c into one fused operation by default; the CPU does not,
   so results would differ in the last bit. matmul asks for mad() explicitly. */
#pragma OPENCL FP_CONTRACT OFF
#if defined(WENGERT_DOUBLE)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#if defined(WENGERT_FP64) && !defined(WENGERT_DOUBLE)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#define MAX_RANK 8
typedef struct {
    int rank;
    int count;
    int shape[MAX_RANK];
    int offset[4];
    int stride[4][MAX_RANK];
} geometry;

/* The positions of operands 0..3 for output index i. */
#define POSITIONS(g, i) \
    int p0 = g.offset[0], p1 = g.offset[1], p2 = g.offset[2], p3 = g.offset[3]; \
    { int rest = i; \
      for (int d = g.rank - 1; d >= 0; --d) { \
        int c = rest % g.shape[d]; rest /= g.shape[d]; \
        p0 += c * g.stride[0][d]; p1 += c * g.stride[1][d]; \
        p2 += c * g.stride[2][d]; p3 += c * g.stride[3][d]; } }

T unary_op(int op, T x) {
    switch (op) {
    case 0: return x;
    case 1: return -x;
    case 2: return fabs(x);
    case 3: return exp(x);
    case 4: return expm1(x);
    case 5: return log(x);
    case 6: return log1p(x);
    case 7: return log2(x);
    case 8: return log10(x);
    case 9: return sqrt(x);
    case 10: return cbrt(x);
    case 11: return sin(x);
    case 12: return cos(x);
    case 13: return tan(x);
    case 14: return asin(x);
    case 15: return acos(x);
    case 16: return atan(x);
    case 17: return sinh(x);
    case 18: return cosh(x);
    case 19: return tanh(x);
    case 20: return erf(x);
    case 21: if (x >= (T)0) return (T)1 / ((T)1 + exp(-x)); else { T e = exp(x); return e / ((T)1 + e); }
    case 22: return fmax(x, (T)0) + log1p(exp(-fabs(x)));
    case 23: return (x > (T)0 || isnan(x)) ? x : (T)0;
    case 24: return x * x;
    case 25: return (T)1 / x;
    case 26: return x > (T)0 ? (T)1 : x < (T)0 ? (T)-1 : x;
    }
    return x;
}

T binary_op(int op, T a, T b) {
    switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return pow(a, b);
    case 5: return atan2(a, b);
    case 6: return hypot(a, b);
    case 7: return (b < a || (isnan(b) && !isnan(a))) ? b : a;
    case 8: return (b > a || (isnan(b) && !isnan(a))) ? b : a;
    case 9: return (a == (T)0 || b == (T)0) ? (T)0 : a * b;
    }
    return a;
}

int compare_op(int op, T a, T b) {
    switch (op) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return a < b;
    case 3: return a <= b;
    case 4: return a > b;
    case 5: return a >= b;
    }
    return 0;
}

__kernel void unary(int op, geometry g, __global T *out, __global const T *x) {
    int i = get_global_id(0);
    if (i >= g.count) return;
    POSITIONS(g, i)
    out[p0] = unary_op(op, x[p1]);
}

__kernel void binary(int op, geometry g, __global T *out, __global const T *a, __global const T *b) {
    int i = get_global_id(0);
    if (i >= g.count) return;
    POSITIONS(g, i)
    out[p0] = binary_op(op, a[p1], b[p2]);
}

__kernel void compare(int op, geometry g, __global T *out, __global const T *a, __global const T *b) {
    int i = get_global_id(0);
    if (i >= g.count) return;
    POSITIONS(g, i)
    out[p0] = compare_op(op, a[p1], b[p2]) ? (T)1 : (T)0;
}

__kernel void select_where(geometry g, __global T *out, __global const T *c, __global const T *a, __global const T *b) {
    int i = get_global_id(0);
    if (i >= g.count) return;
    POSITIONS(g, i)
    out[p0] = c[p1] != (T)0 ? a[p2] : b[p3];
}

__kernel void fill(geometry g, __global T *out, T value) {
    int i = get_global_id(0);
    if (i >= g.count) return;
    POSITIONS(g, i)
    out[p0] = value;
}

/* out[j] = x at the position whose index along `axis` is indices[index along axis]. */
__kernel void gather(int axis, geometry g, __global T *out, __global const T *x, __global const int *indices) {
    int i = get_global_id(0);
    if (i >= g.count) return;
    int p0 = g.offset[0], p1 = g.offset[1], rest = i;
    for (int d = g.rank - 1; d >= 0; --d) {
        int c = rest % g.shape[d]; rest /= g.shape[d];
        p0 += c * g.stride[0][d];
        p1 += (d == axis ? indices[c] : c) * g.stride[1][d];
    }
    out[p0] = x[p1];
}

/* SplitMix64: counter k of a generator seeded with `seed`. */
ulong splitmix(ulong seed, ulong k) {
    ulong z = seed + k * 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

#if defined(WENGERT_FP64)
typedef double U;
#define UNIT(z) ((double)((z) >> 11) * 0x1p-53)
#define TINY 1e-300
#define PI M_PI
#else
typedef float U;
#define UNIT(z) ((float)((z) >> 40) * 0x1p-24f)
#define TINY 1e-30f
#define PI M_PI_F
#endif

__kernel void random_uniform(int count, __global T *out, ulong seed, T lower, T upper) {
    int i = get_global_id(0);
    if (i >= count) return;
    out[i] = lower + (upper - lower) * (T)UNIT(splitmix(seed, (ulong)i + 1));
}

__kernel void random_normal(int count, __global T *out, ulong seed, T mean, T deviation) {
    int i = get_global_id(0);
    if (i >= count) return;
    ulong pair = (ulong)(i & ~1);
    U u1 = fmax(UNIT(splitmix(seed, pair + 1)), (U)TINY), u2 = UNIT(splitmix(seed, pair + 2));
    U r = sqrt((U)-2 * log(u1));
    U angle = (U)2 * PI * u2;
    out[i] = mean + deviation * (T)((i & 1) ? r * sin(angle) : r * cos(angle));
}

T reduce_identity(int op) {
    switch (op) {
    case 1: return (T)1;
    case 3: return -INFINITY;
    case 4: return INFINITY;
    }
    return (T)0;
}

T reduce_combine(int op, T a, T b) {
    switch (op) {
    case 1: return a * b;
    case 3: return (isnan(a) || a >= b) ? a : b;
    case 4: return (isnan(a) || a <= b) ? a : b;
    }
    return a + b;
}

/* One work-group per output position: its items stride over the reduced positions,
   then fold their partial results in local memory (a tree; the group size is a power
   of two). `kept` gives out (operand 0) and x (operand 1) positions of each output;
   `reduced` gives x's offsets (operand 1) over the reduced axes. */
__kernel void reduce_axes(int op, geometry kept, geometry reduced, __global T *out, __global const T *x,
                          __local T *scratch) {
    int o = get_group_id(0), l = get_local_id(0), size = get_local_size(0);
    int po = kept.offset[0], px = kept.offset[1], rest = o;
    for (int d = kept.rank - 1; d >= 0; --d) {
        int c = rest % kept.shape[d]; rest /= kept.shape[d];
        po += c * kept.stride[0][d]; px += c * kept.stride[1][d];
    }
    T acc = reduce_identity(op);
    for (int r = l; r < reduced.count; r += size) {
        int q = px; rest = r;
        for (int d = reduced.rank - 1; d >= 0; --d) {
            int c = rest % reduced.shape[d]; rest /= reduced.shape[d];
            q += c * reduced.stride[1][d];
        }
        acc = reduce_combine(op, acc, x[q]);
    }
    scratch[l] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = size / 2; stride > 0; stride /= 2) {
        if (l < stride) scratch[l] = reduce_combine(op, scratch[l], scratch[l + stride]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0) out[po] = op == 2 ? scratch[0] / (T)reduced.count : scratch[0];
}

/* C[m, n] (+)= A[m, k] B[k, n]. A 16 x 16 work-group computes a 64 x 64 tile of C, each
   item a 4 x 4 block (rows ty + 16 i, columns tx + 16 j) held in registers; A and B
   pass through local memory in 64 x 16 and 16 x 64 slices. Edges load zeros. A and B
   have arbitrary strides (a transposed operand is just a layout). */
#define TM 64
#define TN 64
#define TK 16
__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void matmul(int m, int n, int k,
            __global const T *a, int aoff, int ars, int acs,
            __global const T *b, int boff, int brs, int bcs,
            __global T *c, int coff, int accumulate) {
    __local T as[TK][TM];
    __local T bs[TK][TN + 1];
    int tx = get_local_id(0), ty = get_local_id(1), item = ty * 16 + tx;
    int row0 = get_group_id(1) * TM, col0 = get_group_id(0) * TN;
    T acc[4][4];
    for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) acc[i][j] = (T)0;
    for (int k0 = 0; k0 < k; k0 += TK) {
        for (int e = item; e < TM * TK; e += 256) {
            int r = e / TK, kk = e % TK, gr = row0 + r, gk = k0 + kk;
            as[kk][r] = (gr < m && gk < k) ? a[aoff + gr * ars + gk * acs] : (T)0;
        }
        for (int e = item; e < TK * TN; e += 256) {
            int kk = e / TN, cc = e % TN, gk = k0 + kk, gc = col0 + cc;
            bs[kk][cc] = (gk < k && gc < n) ? b[boff + gk * brs + gc * bcs] : (T)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TK; ++kk) {
            T ar[4], br[4];
            for (int i = 0; i < 4; ++i) ar[i] = as[kk][ty + 16 * i];
            for (int j = 0; j < 4; ++j) br[j] = bs[kk][tx + 16 * j];
            for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) acc[i][j] = mad(ar[i], br[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < 4; ++i) {
        int r = row0 + ty + 16 * i;
        if (r >= m) continue;
        for (int j = 0; j < 4; ++j) {
            int cc = col0 + tx + 16 * j;
            if (cc >= n) continue;
            int at = coff + r * n + cc;
            c[at] = accumulate ? c[at] + acc[i][j] : acc[i][j];
        }
    }
}

/* C[m, n] (+)= A[m, k] B[k, n] for CPU devices (PoCL): no local memory and no barriers,
   which a CPU runtime turns into loops that spill the work items' registers. Work item
   (col, r) computes rows 8r .. 8r + 7 of one column; PoCL vectorises across neighbouring
   columns, so B is read as contiguous vectors once per 8 rows and A is broadcast. Rows
   past m repeat row m - 1 (so the loop has no branch) and are not written. */
__kernel void matmul_rows(int m, int n, int k,
                          __global const T *a, int aoff, int ars, int acs,
                          __global const T *b, int boff, int brs, int bcs,
                          __global T *c, int coff, int accumulate) {
    int col = get_global_id(0), row0 = get_global_id(1) * 8;
    if (col >= n || row0 >= m) return;
    const __global T *pa[8];
    for (int i = 0; i < 8; ++i) pa[i] = a + aoff + min(row0 + i, m - 1) * ars;
    const __global T *pb = b + boff + col * bcs;
    T acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0, acc4 = 0, acc5 = 0, acc6 = 0, acc7 = 0;
    for (int p = 0; p < k; ++p) {
        T bv = pb[p * brs];
        int q = p * acs;
        acc0 = mad(pa[0][q], bv, acc0); acc1 = mad(pa[1][q], bv, acc1);
        acc2 = mad(pa[2][q], bv, acc2); acc3 = mad(pa[3][q], bv, acc3);
        acc4 = mad(pa[4][q], bv, acc4); acc5 = mad(pa[5][q], bv, acc5);
        acc6 = mad(pa[6][q], bv, acc6); acc7 = mad(pa[7][q], bv, acc7);
    }
    T acc[8] = {acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7};
    for (int i = 0; i < 8 && row0 + i < m; ++i) {
        int at = coff + (row0 + i) * n + col;
        c[at] = accumulate ? c[at] + acc[i] : acc[i];
    }
}
"""#)
}
