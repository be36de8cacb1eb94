/*
 * count-speakers DSP core: framed real FFT, power/magnitude spectrum, mel filterbank and
 * MFCC (log + DCT), compiled freestanding to wasm32 with SIMD128 (see build.sh).
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
  v128_t *spec;                /* bins vectors (power / magnitude) or 2*bins (complex) */
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
  pl->spec = (v128_t *)dsp_alloc(2 * (m + 1) * sizeof(v128_t));
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

#define KIND_COMPLEX 0u
#define KIND_POWER 1u
#define KIND_MAGNITUDE 2u

/*
 * Split the M-point complex result Z into the real spectrum X[k], k = 0..M:
 *   X[k] = 0.5 (A + W_N^k D), A = Z[k] + conj Z[M-k], D = -i (Z[k] - conj Z[M-k]).
 * kind COMPLEX writes (re, im) vectors to spec[2k], spec[2k+1]; POWER/MAGNITUDE write spec[k].
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
    if (kind == KIND_COMPLEX) {
      out[2 * k] = xr;
      out[2 * k + 1] = xi;
    } else {
      v128_t p = ADD(MUL(xr, xr), MUL(xi, xi));
      out[k] = kind == KIND_MAGNITUDE ? wasm_f32x4_sqrt(p) : p;
    }
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
 * padding and padded the analysis window to N). kind: 0 complex, 1 power, 2 magnitude.
 * mel == 0: out is [frames x bins] (complex: [frames x bins x 2]);
 * mel != 0: out is [frames x bands] of the mel-weighted power/magnitude spectrum.
 * Returns 0 on success.
 */
EXPORT(dsp_frames) int dsp_frames(plan_t *pl, const float *in, u32 frames, u32 hop, const float *window,
                                  u32 kind, const mel_t *mel, float *out) {
  if (!pl || (mel && (mel->bins != pl->bins || kind == KIND_COMPLEX))) return 1;
  u32 bins = pl->bins;
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
    if (mel) {
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
    } else if (kind == KIND_COMPLEX) {
      for (u32 k = 0; k < bins; k++) {
        float re[4], im[4];
        wasm_v128_store(re, spec[2 * k]);
        wasm_v128_store(im, spec[2 * k + 1]);
        for (u32 f = 0; f < count; f++) {
          out[((t0 + f) * bins + k) * 2] = re[f];
          out[((t0 + f) * bins + k) * 2 + 1] = im[f];
        }
      }
    } else {
      for (u32 k = 0; k < bins; k++) {
        wasm_v128_store(lanes, spec[k]);
        for (u32 f = 0; f < count; f++) out[(t0 + f) * bins + k] = lanes[f];
      }
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------------------- */
/* MFCC: dB (librosa.power_to_db, ref 1) then DCT-II with a caller-supplied matrix.         */

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

EXPORT(dsp_log10) double dsp_log10(double x) { return ln_pos(x) * 0.43429448190325182765; }

/*
 * mel: [frames x bands] (positive values), dct: [coeffs x bands] row-major.
 * db = max(10 log10(max(amin, mel)), floorDb); out[t][c] = sum_b dct[c][b] db[b].
 * scratch: bands floats.
 */
EXPORT(dsp_mfcc) int dsp_mfcc(const float *mel, u32 frames, u32 bands, float amin, float floor_db,
                              const float *dct, u32 coeffs, float *scratch, float *out) {
  for (u32 t = 0; t < frames; t++) {
    const float *row = mel + t * bands;
    for (u32 b = 0; b < bands; b++) {
      float v = row[b] > amin ? row[b] : amin;
      float db = (float)(10.0 * dsp_log10((double)v));
      scratch[b] = db > floor_db ? db : floor_db;
    }
    for (u32 c = 0; c < coeffs; c++) {
      const float *d = dct + c * bands;
      v128_t acc = wasm_f32x4_splat(0.0f);
      u32 b = 0;
      for (; b + 4 <= bands; b += 4) acc = ADD(acc, MUL(wasm_v128_load(d + b), wasm_v128_load(scratch + b)));
      float lanes[4];
      wasm_v128_store(lanes, acc);
      float sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
      for (; b < bands; b++) sum += d[b] * scratch[b];
      out[t * coeffs + c] = sum;
    }
  }
  return 0;
}
