/*
 * count-speakers DSP core: framed real FFT, power/magnitude spectrum and mel filterbank (the
 * GE2E voice encoder's frontend) and the Kaldi log mel filterbank (CAM++'s frontend), compiled
 * freestanding to wasm32 with SIMD128 (see build.sh).
 *
 * Layout choice: SIMD runs ACROSS FRAMES. Each v128 lane holds the same sample/bin of 4
 * consecutive frames, so every butterfly is a plain vector op and any FFT size made of the
 * factors 2, 3, 4, 5 (n_fft = 400 = 2 * 200, 200 = 4*2*5*5) vectorises without shuffles.
 *
 * No libc and no trigonometry here: the TypeScript side computes every twiddle and constant
 * in float64 and passes them in, so results do not depend on a hand-written sin/cos.
 * Memory: a small first-fit free-list allocator over the linear memory (grown on demand);
 * the one TypeScript module that owns this instance frees what it allocates.
 */
#include <wasm_simd128.h>

typedef unsigned int u32;
typedef unsigned long usize;

#define EXPORT(name) __attribute__((export_name(#name)))

/* Freestanding: the compiler may still emit calls to these for loops and struct copies. */
void *memset(void *dst, int c, usize n) {
  unsigned char *d = (unsigned char *)dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}
void *memcpy(void *dst, const void *src, usize n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  while (n--) *d++ = *s++;
  return dst;
}

/* ------------------------------------------------------------------------------------- */
/* Allocator: implicit list of blocks [header | payload], 16-byte aligned, in address order */

extern unsigned char __heap_base;

typedef struct {
  u32 size; /* bytes including this header */
  u32 used;
  u32 pad0, pad1;
} block_t;

static u32 heap_lo; /* first block */
static u32 heap_top; /* end of last block */

static u32 align16(u32 v) { return (v + 15u) & ~15u; }

static void heap_init(void) {
  if (heap_lo == 0) {
    heap_lo = align16((u32)(usize)&__heap_base);
    heap_top = heap_lo;
  }
}

static int ensure_memory(u32 end) {
  u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
  if (end <= have) return 1;
  u32 pages = (end - have + 65535u) / 65536u;
  return __builtin_wasm_memory_grow(0, pages) != (usize)-1;
}

EXPORT(dsp_alloc) void *dsp_alloc(u32 bytes) {
  heap_init();
  if (bytes > 0x7ff00000u) return 0;
  u32 need = align16(bytes) + (u32)sizeof(block_t);
  for (u32 p = heap_lo; p < heap_top;) {
    block_t *b = (block_t *)(usize)p;
    if (!b->used && b->size >= need) {
      if (b->size - need >= 64u) { /* split: keep the tail free */
        block_t *rest = (block_t *)(usize)(p + need);
        rest->size = b->size - need;
        rest->used = 0;
        b->size = need;
      }
      b->used = 1;
      return (void *)(usize)(p + sizeof(block_t));
    }
    p += b->size;
  }
  if (!ensure_memory(heap_top + need)) return 0;
  block_t *b = (block_t *)(usize)heap_top;
  b->size = need;
  b->used = 1;
  heap_top += need;
  return (void *)(usize)((u32)(usize)b + sizeof(block_t));
}

EXPORT(dsp_free) void dsp_free(void *ptr) {
  if (ptr == 0) return;
  block_t *b = (block_t *)((usize)ptr - sizeof(block_t));
  b->used = 0;
  /* Coalesce neighbours and give a free tail back to the top (few blocks: a full pass is cheap). */
  u32 last = 0;
  for (u32 p = heap_lo; p < heap_top;) {
    block_t *c = (block_t *)(usize)p;
    if (!c->used) {
      while (p + c->size < heap_top) {
        block_t *n = (block_t *)(usize)(p + c->size);
        if (n->used) break;
        c->size += n->size;
      }
    }
    last = p;
    p += c->size;
  }
  if (last != 0 && !((block_t *)(usize)last)->used) heap_top = last;
}

/* Bytes currently between the heap base and the top block (for leak tests). */
EXPORT(dsp_heap_used) u32 dsp_heap_used(void) {
  heap_init();
  u32 used = 0;
  for (u32 p = heap_lo; p < heap_top;) {
    block_t *c = (block_t *)(usize)p;
    if (c->used) used += c->size;
    p += c->size;
  }
  return used;
}

static void *zalloc(u32 bytes) {
  unsigned char *p = (unsigned char *)dsp_alloc(bytes);
  if (p) memset(p, 0, bytes);
  return p;
}

/* ------------------------------------------------------------------------------------- */
/* FFT plan                                                                               */

#define MAX_STAGES 24

typedef struct {
  u32 n;        /* real FFT size N */
  u32 m;        /* complex FFT size N/2 */
  u32 bins;     /* N/2 + 1 */
  u32 nstages;
  u32 radix[MAX_STAGES];
  float *stage_tw[MAX_STAGES]; /* per stage: for j < n_s/p, k = 1..p-1: (re, im) of W_{n_s}^{j k} */
  float *split_tw;             /* W_N^k, k = 0..M: (re, im) */
  float c3s, c5c1, c5c2, c5s1, c5s2; /* radix-3/5 butterfly constants */
  v128_t *buf_a, *buf_b;       /* 2*M vectors each (re, im interleaved) */
  v128_t *spec;                /* bins vectors (power / magnitude) */
} plan_t;

/*
 * table: W_N^j = (cos(2 pi j/N), -sin(2 pi j/N)) for j < N, float32 pairs.
 * consts: [sin(2pi/3), cos(2pi/5), cos(4pi/5), sin(2pi/5), sin(4pi/5)].
 * Returns 0 when N is not a multiple of 4 or N/2 has a prime factor other than 2, 3, 5.
 */
EXPORT(dsp_plan_create) plan_t *dsp_plan_create(u32 n, const float *table, const float *consts) {
  if (n < 8 || (n & 3u) != 0) return 0;
  u32 m = n / 2;
  u32 radix[MAX_STAGES];
  u32 ns = 0;
  u32 rest = m;
  /* Radix 4 first (fewest passes), then 2, 3, 5. */
  while (rest % 4u == 0 && ns < MAX_STAGES) { radix[ns++] = 4; rest /= 4; }
  while (rest % 2u == 0 && ns < MAX_STAGES) { radix[ns++] = 2; rest /= 2; }
  while (rest % 3u == 0 && ns < MAX_STAGES) { radix[ns++] = 3; rest /= 3; }
  while (rest % 5u == 0 && ns < MAX_STAGES) { radix[ns++] = 5; rest /= 5; }
  if (rest != 1) return 0;

  plan_t *pl = (plan_t *)zalloc(sizeof(plan_t));
  if (!pl) return 0;
  pl->n = n;
  pl->m = m;
  pl->bins = m + 1;
  pl->nstages = ns;
  pl->c3s = consts[0];
  pl->c5c1 = consts[1];
  pl->c5c2 = consts[2];
  pl->c5s1 = consts[3];
  pl->c5s2 = consts[4];
  u32 len = m; /* length of the sub-transforms at this stage */
  for (u32 s = 0; s < ns; s++) {
    u32 p = radix[s];
    u32 sub = len / p;
    pl->radix[s] = p;
    float *tw = (float *)dsp_alloc(sub * (p - 1) * 2 * sizeof(float));
    if (!tw) return 0; /* leaks the partial plan; only on out-of-memory */
    pl->stage_tw[s] = tw;
    u32 step = n / len; /* W_len^e = W_N^(e * N/len) */
    for (u32 j = 0; j < sub; j++) {
      for (u32 k = 1; k < p; k++) {
        u32 e = (j * k * step) % n;
        tw[(j * (p - 1) + (k - 1)) * 2] = table[2 * e];
        tw[(j * (p - 1) + (k - 1)) * 2 + 1] = table[2 * e + 1];
      }
    }
    len = sub;
  }
  pl->split_tw = (float *)dsp_alloc((m + 1) * 2 * sizeof(float));
  pl->buf_a = (v128_t *)dsp_alloc(2 * m * sizeof(v128_t));
  pl->buf_b = (v128_t *)dsp_alloc(2 * m * sizeof(v128_t));
  pl->spec = (v128_t *)dsp_alloc((m + 1) * sizeof(v128_t));
  if (!pl->split_tw || !pl->buf_a || !pl->buf_b || !pl->spec) return 0;
  for (u32 k = 0; k <= m; k++) {
    u32 e = k % n;
    pl->split_tw[2 * k] = table[2 * e];
    pl->split_tw[2 * k + 1] = table[2 * e + 1];
  }
  return pl;
}

EXPORT(dsp_plan_destroy) void dsp_plan_destroy(plan_t *pl) {
  if (!pl) return;
  for (u32 s = 0; s < pl->nstages; s++) dsp_free(pl->stage_tw[s]);
  dsp_free(pl->split_tw);
  dsp_free(pl->buf_a);
  dsp_free(pl->buf_b);
  dsp_free(pl->spec);
  dsp_free(pl);
}

/* ------------------------------------------------------------------------------------- */
/* Stockham autosort DIF stages on complex vectors (element e: re at [2e], im at [2e+1]).    */
/* Stage with sub-transform length len = p * sub and stride s:                              */
/*   y[q + s (p j + k)] = W_len^{j k} * sum_r x[q + s (j + sub r)] W_p^{r k}                 */

#define LD(buf, e, re, im) v128_t re = (buf)[2 * (e)], im = (buf)[2 * (e) + 1]
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

static inline void store_tw(v128_t *y, u32 e, v128_t re, v128_t im, const float *w, int twiddle) {
  if (twiddle) {
    v128_t wr = SPLAT(w[0]), wi = SPLAT(w[1]);
    y[2 * e] = SUB(MUL(re, wr), MUL(im, wi));
    y[2 * e + 1] = ADD(MUL(re, wi), MUL(im, wr));
  } else {
    y[2 * e] = re;
    y[2 * e + 1] = im;
  }
}

static void stage2(const v128_t *x, v128_t *y, u32 sub, u32 s, const float *tw) {
  for (u32 j = 0; j < sub; j++) {
    const float *w = tw + j * 2;
    int t = j != 0;
    for (u32 q = 0; q < s; q++) {
      LD(x, q + s * j, a0r, a0i);
      LD(x, q + s * (j + sub), a1r, a1i);
      u32 o = q + s * 2 * j;
      store_tw(y, o, ADD(a0r, a1r), ADD(a0i, a1i), 0, 0);
      store_tw(y, o + s, SUB(a0r, a1r), SUB(a0i, a1i), w, t);
    }
  }
}

static void stage4(const v128_t *x, v128_t *y, u32 sub, u32 s, const float *tw) {
  for (u32 j = 0; j < sub; j++) {
    const float *w = tw + j * 6;
    int t = j != 0;
    for (u32 q = 0; q < s; q++) {
      LD(x, q + s * j, a0r, a0i);
      LD(x, q + s * (j + sub), a1r, a1i);
      LD(x, q + s * (j + 2 * sub), a2r, a2i);
      LD(x, q + s * (j + 3 * sub), a3r, a3i);
      v128_t t0r = ADD(a0r, a2r), t0i = ADD(a0i, a2i);
      v128_t t1r = SUB(a0r, a2r), t1i = SUB(a0i, a2i);
      v128_t t2r = ADD(a1r, a3r), t2i = ADD(a1i, a3i);
      v128_t t3r = SUB(a1r, a3r), t3i = SUB(a1i, a3i);
      u32 o = q + s * 4 * j;
      store_tw(y, o, ADD(t0r, t2r), ADD(t0i, t2i), 0, 0);
      /* b1 = t1 - i t3, b3 = t1 + i t3 (W_4 = -i) */
      store_tw(y, o + s, ADD(t1r, t3i), SUB(t1i, t3r), w, t);
      store_tw(y, o + 2 * s, SUB(t0r, t2r), SUB(t0i, t2i), w + 2, t);
      store_tw(y, o + 3 * s, SUB(t1r, t3i), ADD(t1i, t3r), w + 4, t);
    }
  }
}

static void stage3(const v128_t *x, v128_t *y, u32 sub, u32 s, const float *tw, float c3s) {
  v128_t half = SPLAT(0.5f), sn = SPLAT(c3s);
  for (u32 j = 0; j < sub; j++) {
    const float *w = tw + j * 4;
    int t = j != 0;
    for (u32 q = 0; q < s; q++) {
      LD(x, q + s * j, a0r, a0i);
      LD(x, q + s * (j + sub), a1r, a1i);
      LD(x, q + s * (j + 2 * sub), a2r, a2i);
      v128_t sr = ADD(a1r, a2r), si = ADD(a1i, a2i);
      v128_t dr = SUB(a1r, a2r), di = SUB(a1i, a2i);
      v128_t mr = SUB(a0r, MUL(half, sr)), mi = SUB(a0i, MUL(half, si));
      u32 o = q + s * 3 * j;
      store_tw(y, o, ADD(a0r, sr), ADD(a0i, si), 0, 0);
      /* b1 = m - i sin(2pi/3) d, b2 = m + i sin(2pi/3) d */
      store_tw(y, o + s, ADD(mr, MUL(sn, di)), SUB(mi, MUL(sn, dr)), w, t);
      store_tw(y, o + 2 * s, SUB(mr, MUL(sn, di)), ADD(mi, MUL(sn, dr)), w + 2, t);
    }
  }
}

static void stage5(const v128_t *x, v128_t *y, u32 sub, u32 s, const float *tw, const plan_t *pl) {
  v128_t c1 = SPLAT(pl->c5c1), c2 = SPLAT(pl->c5c2), s1 = SPLAT(pl->c5s1), s2 = SPLAT(pl->c5s2);
  for (u32 j = 0; j < sub; j++) {
    const float *w = tw + j * 8;
    int t = j != 0;
    for (u32 q = 0; q < s; q++) {
      LD(x, q + s * j, a0r, a0i);
      LD(x, q + s * (j + sub), a1r, a1i);
      LD(x, q + s * (j + 2 * sub), a2r, a2i);
      LD(x, q + s * (j + 3 * sub), a3r, a3i);
      LD(x, q + s * (j + 4 * sub), a4r, a4i);
      v128_t t1r = ADD(a1r, a4r), t1i = ADD(a1i, a4i);
      v128_t t2r = ADD(a2r, a3r), t2i = ADD(a2i, a3i);
      v128_t d1r = SUB(a1r, a4r), d1i = SUB(a1i, a4i);
      v128_t d2r = SUB(a2r, a3r), d2i = SUB(a2i, a3i);
      /* b1/b4 = a0 + c1 t1 + c2 t2 -/+ i (s1 d1 + s2 d2) */
      v128_t m1r = ADD(a0r, ADD(MUL(c1, t1r), MUL(c2, t2r)));
      v128_t m1i = ADD(a0i, ADD(MUL(c1, t1i), MUL(c2, t2i)));
      v128_t n1r = ADD(MUL(s1, d1r), MUL(s2, d2r));
      v128_t n1i = ADD(MUL(s1, d1i), MUL(s2, d2i));
      /* b2/b3 = a0 + c2 t1 + c1 t2 -/+ i (s2 d1 - s1 d2) */
      v128_t m2r = ADD(a0r, ADD(MUL(c2, t1r), MUL(c1, t2r)));
      v128_t m2i = ADD(a0i, ADD(MUL(c2, t1i), MUL(c1, t2i)));
      v128_t n2r = SUB(MUL(s2, d1r), MUL(s1, d2r));
      v128_t n2i = SUB(MUL(s2, d1i), MUL(s1, d2i));
      u32 o = q + s * 5 * j;
      store_tw(y, o, ADD(a0r, ADD(t1r, t2r)), ADD(a0i, ADD(t1i, t2i)), 0, 0);
      store_tw(y, o + s, ADD(m1r, n1i), SUB(m1i, n1r), w, t);
      store_tw(y, o + 2 * s, ADD(m2r, n2i), SUB(m2i, n2r), w + 2, t);
      store_tw(y, o + 3 * s, SUB(m2r, n2i), ADD(m2i, n2r), w + 4, t);
      store_tw(y, o + 4 * s, SUB(m1r, n1i), ADD(m1i, n1r), w + 6, t);
    }
  }
}

/* Complex FFT of M points on 4 lanes; input in buf_a, returns the buffer holding the result. */
static v128_t *cfft(plan_t *pl) {
  v128_t *x = pl->buf_a, *y = pl->buf_b;
  u32 len = pl->m, s = 1;
  for (u32 st = 0; st < pl->nstages; st++) {
    u32 p = pl->radix[st];
    u32 sub = len / p;
    const float *tw = pl->stage_tw[st];
    switch (p) {
      case 4: stage4(x, y, sub, s, tw); break;
      case 2: stage2(x, y, sub, s, tw); break;
      case 3: stage3(x, y, sub, s, tw, pl->c3s); break;
      default: stage5(x, y, sub, s, tw, pl); break;
    }
    v128_t *tmp = x;
    x = y;
    y = tmp;
    len = sub;
    s *= p;
  }
  return x;
}

/* Load 4 frames (rows starting at in+start[f]) times the window, packed as z[n] = x[2n] + i x[2n+1]. */
static void gather4(plan_t *pl, const float *in, const u32 start[4], const float *window) {
  v128_t *z = pl->buf_a;
  const float *f0 = in + start[0], *f1 = in + start[1], *f2 = in + start[2], *f3 = in + start[3];
  for (u32 n = 0; n < pl->n; n += 4) {
    v128_t w = wasm_v128_load(window + n);
    v128_t v0 = MUL(wasm_v128_load(f0 + n), w);
    v128_t v1 = MUL(wasm_v128_load(f1 + n), w);
    v128_t v2 = MUL(wasm_v128_load(f2 + n), w);
    v128_t v3 = MUL(wasm_v128_load(f3 + n), w);
    /* 4x4 transpose: r_i holds sample n+i of frames 0..3 */
    v128_t t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5);
    v128_t t1 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);
    v128_t t2 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5);
    v128_t t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
    v128_t *o = z + n; /* complex element n/2 starts at vector index n */
    o[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
    o[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
    o[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
    o[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
  }
}

#define KIND_POWER 1u
#define KIND_MAGNITUDE 2u

/*
 * Split the M-point complex result Z into the real spectrum X[k], k = 0..M:
 *   X[k] = 0.5 (A + W_N^k D), A = Z[k] + conj Z[M-k], D = -i (Z[k] - conj Z[M-k]).
 * spec[k] = |X[k]|^2 (kind POWER) or |X[k]| (kind MAGNITUDE).
 */
static void split_real(plan_t *pl, const v128_t *z, u32 kind) {
  u32 m = pl->m;
  v128_t half = SPLAT(0.5f);
  v128_t *out = pl->spec;
  for (u32 k = 0; k <= m; k++) {
    u32 k1 = k == m ? 0 : k;
    u32 k2 = k == 0 ? 0 : m - k;
    v128_t zr = z[2 * k1], zi = z[2 * k1 + 1];
    v128_t cr = z[2 * k2], ci = wasm_f32x4_neg(z[2 * k2 + 1]);
    v128_t ar = ADD(zr, cr), ai = ADD(zi, ci);
    v128_t br = SUB(zr, cr), bi = SUB(zi, ci);
    /* D = -i B = (bi, -br) */
    v128_t dr = bi, di = wasm_f32x4_neg(br);
    v128_t wr = SPLAT(pl->split_tw[2 * k]), wi = SPLAT(pl->split_tw[2 * k + 1]);
    v128_t xr = MUL(half, ADD(ar, SUB(MUL(wr, dr), MUL(wi, di))));
    v128_t xi = MUL(half, ADD(ai, ADD(MUL(wr, di), MUL(wi, dr))));
    v128_t p = ADD(MUL(xr, xr), MUL(xi, xi));
    out[k] = kind == KIND_MAGNITUDE ? wasm_f32x4_sqrt(p) : p;
  }
}

/* ------------------------------------------------------------------------------------- */
/* Mel filterbank: sparse rows compacted from the dense librosa weights.                    */

typedef struct {
  u32 bands, bins;
  u32 *start, *len, *offset;
  float *weights;
  v128_t *acc; /* bands vectors */
} mel_t;

EXPORT(dsp_mel_create) mel_t *dsp_mel_create(u32 bands, u32 bins, const float *dense) {
  mel_t *mel = (mel_t *)zalloc(sizeof(mel_t));
  if (!mel) return 0;
  mel->bands = bands;
  mel->bins = bins;
  mel->start = (u32 *)zalloc(bands * sizeof(u32));
  mel->len = (u32 *)zalloc(bands * sizeof(u32));
  mel->offset = (u32 *)zalloc(bands * sizeof(u32));
  mel->acc = (v128_t *)zalloc(bands * sizeof(v128_t));
  if (!mel->start || !mel->len || !mel->offset || !mel->acc) return 0;
  u32 total = 0;
  for (u32 b = 0; b < bands; b++) {
    const float *row = dense + b * bins;
    u32 lo = 0, hi = 0;
    while (lo < bins && row[lo] == 0.0f) lo++;
    hi = bins;
    while (hi > lo && row[hi - 1] == 0.0f) hi--;
    mel->start[b] = lo;
    mel->len[b] = hi - lo;
    mel->offset[b] = total;
    total += hi - lo;
  }
  mel->weights = (float *)zalloc((total ? total : 1) * sizeof(float));
  if (!mel->weights) return 0;
  for (u32 b = 0; b < bands; b++) {
    for (u32 i = 0; i < mel->len[b]; i++) mel->weights[mel->offset[b] + i] = dense[b * bins + mel->start[b] + i];
  }
  return mel;
}

EXPORT(dsp_mel_destroy) void dsp_mel_destroy(mel_t *mel) {
  if (!mel) return;
  dsp_free(mel->start);
  dsp_free(mel->len);
  dsp_free(mel->offset);
  dsp_free(mel->weights);
  dsp_free(mel->acc);
  dsp_free(mel);
}

/* ------------------------------------------------------------------------------------- */
/* Framed transform                                                                       */

/*
 * Frame t is in[t*hop .. t*hop + N) times window[0..N) (the caller already applied centre
 * padding and padded the analysis window to N). kind: 1 power, 2 magnitude.
 * out is [frames x bands] of the mel-weighted power/magnitude spectrum. Returns 0 on success.
 */
EXPORT(dsp_frames) int dsp_frames(plan_t *pl, const float *in, u32 frames, u32 hop, const float *window,
                                  u32 kind, const mel_t *mel, float *out) {
  if (!pl || !mel || mel->bins != pl->bins || (kind != KIND_POWER && kind != KIND_MAGNITUDE)) return 1;
  float lanes[4];
  for (u32 t0 = 0; t0 < frames; t0 += 4) {
    u32 start[4];
    u32 count = frames - t0 < 4 ? frames - t0 : 4;
    /* Tail block: repeat the last frame in the unused lanes (its input is in range). */
    for (u32 f = 0; f < 4; f++) start[f] = (t0 + (f < count ? f : count - 1)) * hop;
    gather4(pl, in, start, window);
    v128_t *z = cfft(pl);
    split_real(pl, z, kind);
    const v128_t *spec = pl->spec;
    for (u32 b = 0; b < mel->bands; b++) {
      const float *w = mel->weights + mel->offset[b];
      const v128_t *p = spec + mel->start[b];
      v128_t acc = wasm_f32x4_splat(0.0f);
      for (u32 i = 0; i < mel->len[b]; i++) acc = ADD(acc, MUL(SPLAT(w[i]), p[i]));
      mel->acc[b] = acc;
    }
    u32 nb = mel->bands;
    for (u32 b = 0; b < nb; b++) {
      wasm_v128_store(lanes, mel->acc[b]);
      for (u32 f = 0; f < count; f++) out[(t0 + f) * nb + b] = lanes[f];
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------------------- */
/* Kaldi log mel filterbank (CAM++'s frontend), in float64 like src/features/kaldiFbank.ts. */
/* SIMD runs across frames again: each f64x2 lane is one of 2 consecutive frames.          */

/* Natural log in double: x = m 2^e, m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1)). */
static double ln_pos(double x) {
  union { double d; unsigned long long u; } v = {x};
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL; /* m in [1, 2) */
  double m = v.d;
  if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
  double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  /* s^2 <= 0.0295: terms to s^19 leave < 1e-16 */
  double poly = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 +
                 s2 * (1.0 / 13 + s2 * (1.0 / 15 + s2 * (1.0 / 17 + s2 * (1.0 / 19)))))))));
  return e * 0.69314718055994530942 + 2.0 * s * poly;
}

typedef struct {
  u32 win;      /* window samples L */
  u32 n;        /* FFT size, a power of two >= L */
  u32 m;        /* n / 2: complex FFT size */
  u32 bands;
  double preemph;
  double log_floor;
  u32 remove_dc;   /* subtract the frame mean first (Kaldi), or not (SIDEKIT) */
  double *window;  /* L */
  double *tw;      /* W_n^j = (cos, -sin)(2 pi j / n), j < n */
  u32 *rev;        /* bit reversal permutation of m */
  u32 *band_start, *band_len, *band_off;
  double *weights; /* concatenated non-zero weights of each band */
  double *frame;   /* 2 x n: the two frames being prepared */
  v128_t *z;       /* 2 m vectors: complex (re, im) per element, lanes = frames */
  v128_t *power;   /* m vectors: |X[k]|^2, k < m (Kaldi gives the Nyquist bin no weight) */
} kfb_t;

EXPORT(dsp_kfb_destroy) void dsp_kfb_destroy(kfb_t *k) {
  if (!k) return;
  dsp_free(k->window);
  dsp_free(k->tw);
  dsp_free(k->rev);
  dsp_free(k->band_start);
  dsp_free(k->band_len);
  dsp_free(k->band_off);
  dsp_free(k->weights);
  dsp_free(k->frame);
  dsp_free(k->z);
  dsp_free(k->power);
  dsp_free(k);
}

/*
 * win: window length L; n: FFT size (power of two >= max(L, 4)); remove_dc: 1 to subtract each frame's
 * mean first; window: L doubles;
 * table: W_n^j as (cos, -sin) double pairs, j < n; band_start/band_len: u32 per band, bins
 * below n/2; weights: the bands' weights back to back (sum of band_len doubles).
 * Returns 0 on a bad size or out of memory (nothing leaks).
 */
EXPORT(dsp_kfb_create) kfb_t *dsp_kfb_create(u32 win, u32 n, u32 bands, double preemph, double log_floor,
                                             u32 remove_dc, const double *window, const double *table,
                                             const u32 *band_start, const u32 *band_len, const double *weights) {
  if (n < 4 || (n & (n - 1)) != 0 || win < 1 || win > n || bands < 1) return 0;
  kfb_t *k = (kfb_t *)zalloc(sizeof(kfb_t));
  if (!k) return 0;
  u32 m = n / 2, total = 0;
  for (u32 b = 0; b < bands; b++) {
    if (band_start[b] + band_len[b] > m) { dsp_kfb_destroy(k); return 0; }
    total += band_len[b];
  }
  k->win = win;
  k->n = n;
  k->m = m;
  k->bands = bands;
  k->preemph = preemph;
  k->log_floor = log_floor;
  k->remove_dc = remove_dc;
  k->window = (double *)zalloc(win * sizeof(double));
  k->tw = (double *)zalloc(2 * n * sizeof(double));
  k->rev = (u32 *)zalloc(m * sizeof(u32));
  k->band_start = (u32 *)zalloc(bands * sizeof(u32));
  k->band_len = (u32 *)zalloc(bands * sizeof(u32));
  k->band_off = (u32 *)zalloc(bands * sizeof(u32));
  k->weights = (double *)zalloc((total ? total : 1) * sizeof(double));
  k->frame = (double *)zalloc(2 * n * sizeof(double));
  k->z = (v128_t *)zalloc(2 * m * sizeof(v128_t));
  k->power = (v128_t *)zalloc(m * sizeof(v128_t));
  if (!k->window || !k->tw || !k->rev || !k->band_start || !k->band_len || !k->band_off || !k->weights ||
      !k->frame || !k->z || !k->power) {
    dsp_kfb_destroy(k);
    return 0;
  }
  for (u32 i = 0; i < win; i++) k->window[i] = window[i];
  for (u32 j = 0; j < 2 * n; j++) k->tw[j] = table[j];
  u32 bits = 0;
  while ((1u << bits) < m) bits++;
  for (u32 j = 0; j < m; j++) {
    u32 r = 0;
    for (u32 b = 0; b < bits; b++) r |= ((j >> b) & 1u) << (bits - 1 - b);
    k->rev[j] = r;
  }
  u32 off = 0;
  for (u32 b = 0; b < bands; b++) {
    k->band_start[b] = band_start[b];
    k->band_len[b] = band_len[b];
    k->band_off[b] = off;
    off += band_len[b];
  }
  for (u32 i = 0; i < total; i++) k->weights[i] = weights[i];
  return k;
}

/* Remove the DC offset (when asked), pre-emphasise (the first sample against itself) and window one frame,
   zero-padded to n; the same operations in the same order as kaldiFbank.ts, so the same doubles. */
static void kfb_prepare(const kfb_t *k, const float *x, double *out) {
  u32 L = k->win;
  double mean = 0.0;
  if (k->remove_dc) {
    for (u32 i = 0; i < L; i++) mean += (double)x[i];
    mean /= (double)L;
  }
  double pre = k->preemph;
  for (u32 i = L - 1; i >= 1; i--) out[i] = ((double)x[i] - mean - pre * ((double)x[i - 1] - mean)) * k->window[i];
  out[0] = ((double)x[0] - mean) * (1.0 - pre) * k->window[0];
  for (u32 i = L; i < k->n; i++) out[i] = 0.0;
}

#define F64ADD wasm_f64x2_add
#define F64SUB wasm_f64x2_sub
#define F64MUL wasm_f64x2_mul

/* Power spectrum of the two prepared frames: z[j] = x[2j] + i x[2j+1], radix-2 FFT of m points
   (bit-reversed load, in place), then the real split X[k] = 0.5 (A + W_n^k D), as split_real. */
static void kfb_power(kfb_t *k) {
  u32 m = k->m, n = k->n;
  const double *f0 = k->frame, *f1 = k->frame + n;
  v128_t *z = k->z;
  for (u32 j = 0; j < m; j++) {
    u32 r = k->rev[j];
    z[2 * r] = wasm_f64x2_make(f0[2 * j], f1[2 * j]);
    z[2 * r + 1] = wasm_f64x2_make(f0[2 * j + 1], f1[2 * j + 1]);
  }
  for (u32 len = 2; len <= m; len <<= 1) {
    u32 half = len / 2, step = n / len; /* W_len^j = W_n^(j n / len) */
    for (u32 j = 0; j < half; j++) {
      v128_t wr = wasm_f64x2_splat(k->tw[2 * j * step]), wi = wasm_f64x2_splat(k->tw[2 * j * step + 1]);
      for (u32 i = j; i < m; i += len) {
        v128_t ur = z[2 * i], ui = z[2 * i + 1];
        v128_t xr = z[2 * (i + half)], xi = z[2 * (i + half) + 1];
        v128_t vr = F64SUB(F64MUL(xr, wr), F64MUL(xi, wi));
        v128_t vi = F64ADD(F64MUL(xr, wi), F64MUL(xi, wr));
        z[2 * i] = F64ADD(ur, vr);
        z[2 * i + 1] = F64ADD(ui, vi);
        z[2 * (i + half)] = F64SUB(ur, vr);
        z[2 * (i + half) + 1] = F64SUB(ui, vi);
      }
    }
  }
  v128_t halfv = wasm_f64x2_splat(0.5);
  for (u32 q = 0; q < m; q++) {
    u32 q2 = q == 0 ? 0 : m - q;
    v128_t zr = z[2 * q], zi = z[2 * q + 1];
    v128_t cr = z[2 * q2], ci = wasm_f64x2_neg(z[2 * q2 + 1]);
    v128_t ar = F64ADD(zr, cr), ai = F64ADD(zi, ci);
    v128_t br = F64SUB(zr, cr), bi = F64SUB(zi, ci);
    v128_t dr = bi, di = wasm_f64x2_neg(br); /* D = -i B */
    v128_t wr = wasm_f64x2_splat(k->tw[2 * q]), wi = wasm_f64x2_splat(k->tw[2 * q + 1]);
    v128_t xr = F64MUL(halfv, F64ADD(ar, F64SUB(F64MUL(wr, dr), F64MUL(wi, di))));
    v128_t xi = F64MUL(halfv, F64ADD(ai, F64ADD(F64MUL(wr, di), F64MUL(wi, dr))));
    k->power[q] = F64ADD(F64MUL(xr, xr), F64MUL(xi, xi));
  }
}

/*
 * Frame t is in[t*hop .. t*hop + L) (snip_edges: the caller passes whole frames only).
 * out: [frames x bands] float32 of ln(max(sum_k w[k] |X[k]|^2, log_floor)). Returns 0 on success.
 */
EXPORT(dsp_kfb_frames) int dsp_kfb_frames(kfb_t *k, const float *in, u32 frames, u32 hop, float *out) {
  if (!k) return 1;
  u32 nb = k->bands;
  double lanes[2];
  for (u32 t0 = 0; t0 < frames; t0 += 2) {
    u32 count = frames - t0 < 2 ? frames - t0 : 2;
    kfb_prepare(k, in + t0 * hop, k->frame);
    /* Tail: the last frame fills both lanes. */
    kfb_prepare(k, in + (t0 + count - 1) * hop, k->frame + k->n);
    kfb_power(k);
    for (u32 b = 0; b < nb; b++) {
      const double *w = k->weights + k->band_off[b];
      const v128_t *p = k->power + k->band_start[b];
      v128_t acc = wasm_f64x2_splat(0.0);
      for (u32 i = 0; i < k->band_len[b]; i++) acc = F64ADD(acc, F64MUL(wasm_f64x2_splat(w[i]), p[i]));
      wasm_v128_store(lanes, acc);
      for (u32 f = 0; f < count; f++) {
        double e = lanes[f] > k->log_floor ? lanes[f] : k->log_floor;
        out[(t0 + f) * nb + b] = (float)ln_pos(e);
      }
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------------------- */
/* Polyphase resampling filter (src/audio/resample.ts): the inner dot products only.       */
/* The TypeScript side owns positions, streaming state and the table design; each output is */
/* one row of `taps` coefficients against taps consecutive inputs. Float32 with four f32x4  */
/* accumulators (16 partial sums): 2-4x faster than float64 lanes, and within 2 float32 ulps */
/* of the TypeScript loop's float64 sums on full-scale audio (far below the 80 dB filter).  */

static inline float rs_hsum(v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t s = ADD(ADD(a, b), ADD(c, d));
  return (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
         (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
}

static inline float rs_dot(const float *x, const float *h, u32 taps) {
  v128_t a = wasm_f32x4_splat(0.0f), b = a, c = a, d = a;
  u32 j = 0;
  for (; j + 16 <= taps; j += 16) {
    a = ADD(a, MUL(wasm_v128_load(x + j), wasm_v128_load(h + j)));
    b = ADD(b, MUL(wasm_v128_load(x + j + 4), wasm_v128_load(h + j + 4)));
    c = ADD(c, MUL(wasm_v128_load(x + j + 8), wasm_v128_load(h + j + 8)));
    d = ADD(d, MUL(wasm_v128_load(x + j + 12), wasm_v128_load(h + j + 12)));
  }
  for (; j + 4 <= taps; j += 4) a = ADD(a, MUL(wasm_v128_load(x + j), wasm_v128_load(h + j)));
  float s = rs_hsum(a, b, c, d);
  for (; j < taps; j++) s += x[j] * h[j];
  return s;
}

/* Between rows h0 and h1 at weight w: coefficient h0 + w (h1 - h0). */
static inline v128_t rs_blend(const float *h0, const float *h1, v128_t w) {
  v128_t lo = wasm_v128_load(h0);
  return ADD(lo, MUL(w, SUB(wasm_v128_load(h1), lo)));
}

static inline float rs_dot_interp(const float *x, const float *h0, const float *h1, float w, u32 taps) {
  v128_t a = wasm_f32x4_splat(0.0f), b = a, c = a, d = a, wv = SPLAT(w);
  u32 j = 0;
  for (; j + 16 <= taps; j += 16) {
    a = ADD(a, MUL(wasm_v128_load(x + j), rs_blend(h0 + j, h1 + j, wv)));
    b = ADD(b, MUL(wasm_v128_load(x + j + 4), rs_blend(h0 + j + 4, h1 + j + 4, wv)));
    c = ADD(c, MUL(wasm_v128_load(x + j + 8), rs_blend(h0 + j + 8, h1 + j + 8, wv)));
    d = ADD(d, MUL(wasm_v128_load(x + j + 12), rs_blend(h0 + j + 12, h1 + j + 12, wv)));
  }
  for (; j + 4 <= taps; j += 4) a = ADD(a, MUL(wasm_v128_load(x + j), rs_blend(h0 + j, h1 + j, wv)));
  float s = rs_hsum(a, b, c, d);
  for (; j < taps; j++) s += x[j] * (h0[j] + w * (h1[j] - h0[j]));
  return s;
}

/*
 * Exact rational stepping: output k uses in[off .. off + taps) against table row `phase`, then
 * phase += step_num, off += phase / phases, phase %= phases. Starts from state = {off, phase},
 * stops at max_out outputs or when the next output needs in[in_len] or later; writes the next
 * {off, phase} back to state and returns the number of outputs.
 */
EXPORT(dsp_resample_exact) u32 dsp_resample_exact(const float *table, u32 taps, u32 phases, u32 step_num,
                                                  const float *in, u32 in_len, u32 *state, float *out, u32 max_out) {
  u32 off = state[0], phase = state[1], k = 0;
  if (taps == 0 || phases == 0) return 0;
  while (k < max_out && taps <= in_len && off <= in_len - taps) {
    out[k++] = rs_dot(in + off, table + phase * taps, taps);
    u32 p = phase + step_num;
    off += p / phases;
    phase = p % phases;
  }
  state[0] = off;
  state[1] = phase;
  return k;
}

/*
 * Interpolated stepping: output n (from first_out) sits at t = n * step input samples; its taps
 * start at in[floor(t) - origin], its fraction (t - floor(t)) * phases falls between table rows
 * p and p + 1 (the table has phases + 1 rows). Same stopping rule as dsp_resample_exact; state[0]
 * receives the next output's first-tap offset.
 */
EXPORT(dsp_resample_interp) u32 dsp_resample_interp(const float *table, u32 taps, u32 phases, double step,
                                                    double first_out, double origin, const float *in, u32 in_len,
                                                    u32 *state, float *out, u32 max_out) {
  u32 k = 0;
  double n = first_out;
  for (;;) {
    double t = n * step;
    double i = __builtin_floor(t);
    double off = i - origin;
    if (k >= max_out || off < 0.0 || off + (double)taps > (double)in_len) {
      state[0] = off < 0.0 ? 0u : (u32)off;
      break;
    }
    double pf = (t - i) * (double)phases;
    double p = __builtin_floor(pf);
    double w = pf - p;
    const float *h0 = table + (u32)p * taps;
    out[k++] = rs_dot_interp(in + (u32)off, h0, h0 + taps, (float)w, taps);
    n += 1.0;
  }
  state[1] = 0;
  return k;
}
