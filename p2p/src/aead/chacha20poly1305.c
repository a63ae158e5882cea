/*
 * ChaCha20-Poly1305 AEAD (RFC 8439), the cipher of Noise_XX_25519_ChaChaPoly_SHA256, built to a
 * dependency-free wasm32 module (scripts/build-aead.ts). Every mesh frame between agents is one seal on one
 * side and one open on the other, mostly of 50-300 bytes, where the module js-libp2p-noise ships
 * spends about 1.1 µs per call in fixed cost and 6 ns per byte.
 *
 * The caller writes key, nonce, associated data and the message into this module's static
 * buffers (their addresses are exported), calls seal() or open(), and reads the result back from
 * the message buffer, in place: ciphertext then the 16-byte tag for seal, plaintext for open.
 *
 * ChaCha20 is add-rotate-xor; Poly1305 is "donna-32" (five 26-bit limbs, 32x32->64-bit
 * products), with its final reduction by masks and the tag check without early exit, so no
 * branch or memory address depends on a secret.
 */
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define EXPORT(name) __attribute__((export_name(name)))

/* A Noise message is at most 65535 bytes with its tag. */
#define MESSAGE_MAX 65535
#define AD_MAX 64

static u8 key[32];
static u8 nonce[12];
static u8 ad[AD_MAX];
static u8 message[MESSAGE_MAX + 16];

EXPORT("key") u8 *key_at(void) { return key; }
EXPORT("nonce") u8 *nonce_at(void) { return nonce; }
EXPORT("ad") u8 *ad_at(void) { return ad; }
EXPORT("message") u8 *message_at(void) { return message; }
EXPORT("message_max") u32 message_max(void) { return MESSAGE_MAX - 16; }
EXPORT("ad_max") u32 ad_max(void) { return AD_MAX; }

/* wasm32 is little-endian and allows unaligned access. */
static inline u32 load32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static inline void store32(u8 *p, u32 v) { __builtin_memcpy(p, &v, 4); }
static inline u32 rotl(u32 v, int c) { return (v << c) | (v >> (32 - c)); }

#define QUARTER(a, b, c, d)                                                                        \
  a += b; d = rotl(d ^ a, 16);                                                                     \
  c += d; b = rotl(b ^ c, 12);                                                                     \
  a += b; d = rotl(d ^ a, 8);                                                                      \
  c += d; b = rotl(b ^ c, 7);

/* One 64-byte ChaCha20 keystream block for `counter` under the current key and nonce. */
static void chacha_block(u32 counter, u8 out[64]) {
  u32 in[16] = {
      0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
      load32(key), load32(key + 4), load32(key + 8), load32(key + 12),
      load32(key + 16), load32(key + 20), load32(key + 24), load32(key + 28),
      counter, load32(nonce), load32(nonce + 4), load32(nonce + 8),
  };
  u32 x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6],
      x7 = in[7], x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12],
      x13 = in[13], x14 = in[14], x15 = in[15];
  for (int i = 0; i < 10; i++) {
    QUARTER(x0, x4, x8, x12)
    QUARTER(x1, x5, x9, x13)
    QUARTER(x2, x6, x10, x14)
    QUARTER(x3, x7, x11, x15)
    QUARTER(x0, x5, x10, x15)
    QUARTER(x1, x6, x11, x12)
    QUARTER(x2, x7, x8, x13)
    QUARTER(x3, x4, x9, x14)
  }
  u32 x[16] = {x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15};
  for (int i = 0; i < 16; i++) store32(out + 4 * i, x[i] + in[i]);
}

/* XORs message[0..length) with the keystream from block counter 1 on. */
static void chacha_xor(u32 length) {
  u8 stream[64];
  u32 counter = 1;
  for (u32 at = 0; at < length; at += 64, counter++) {
    chacha_block(counter, stream);
    u32 n = length - at < 64 ? length - at : 64;
    if (n == 64) {
      for (int i = 0; i < 64; i += 4) store32(message + at + i, load32(message + at + i) ^ load32(stream + i));
    } else {
      for (u32 i = 0; i < n; i++) message[at + i] ^= stream[i];
    }
  }
}

typedef struct {
  u32 r0, r1, r2, r3, r4;
  u32 h0, h1, h2, h3, h4;
  u32 pad0, pad1, pad2, pad3;
} poly1305;

static void poly_init(poly1305 *p, const u8 k[32]) {
  p->r0 = load32(k) & 0x3ffffff;
  p->r1 = (load32(k + 3) >> 2) & 0x3ffff03;
  p->r2 = (load32(k + 6) >> 4) & 0x3ffc0ff;
  p->r3 = (load32(k + 9) >> 6) & 0x3f03fff;
  p->r4 = (load32(k + 12) >> 8) & 0x00fffff;
  p->h0 = p->h1 = p->h2 = p->h3 = p->h4 = 0;
  p->pad0 = load32(k + 16);
  p->pad1 = load32(k + 20);
  p->pad2 = load32(k + 24);
  p->pad3 = load32(k + 28);
}

/* Absorbs whole 16-byte blocks (in the AEAD every block is whole: tails are zero-padded). */
static void poly_blocks(poly1305 *p, const u8 *m, u32 length) {
  const u32 r0 = p->r0, r1 = p->r1, r2 = p->r2, r3 = p->r3, r4 = p->r4;
  const u32 s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  u32 h0 = p->h0, h1 = p->h1, h2 = p->h2, h3 = p->h3, h4 = p->h4;
  for (; length >= 16; m += 16, length -= 16) {
    h0 += load32(m) & 0x3ffffff;
    h1 += (load32(m + 3) >> 2) & 0x3ffffff;
    h2 += (load32(m + 6) >> 4) & 0x3ffffff;
    h3 += (load32(m + 9) >> 6) & 0x3ffffff;
    h4 += (load32(m + 12) >> 8) | (1 << 24);
    u64 d0 = (u64)h0 * r0 + (u64)h1 * s4 + (u64)h2 * s3 + (u64)h3 * s2 + (u64)h4 * s1;
    u64 d1 = (u64)h0 * r1 + (u64)h1 * r0 + (u64)h2 * s4 + (u64)h3 * s3 + (u64)h4 * s2;
    u64 d2 = (u64)h0 * r2 + (u64)h1 * r1 + (u64)h2 * r0 + (u64)h3 * s4 + (u64)h4 * s3;
    u64 d3 = (u64)h0 * r3 + (u64)h1 * r2 + (u64)h2 * r1 + (u64)h3 * r0 + (u64)h4 * s4;
    u64 d4 = (u64)h0 * r4 + (u64)h1 * r3 + (u64)h2 * r2 + (u64)h3 * r1 + (u64)h4 * r0;
    u32 c = (u32)(d0 >> 26);
    h0 = (u32)d0 & 0x3ffffff;
    d1 += c; c = (u32)(d1 >> 26); h1 = (u32)d1 & 0x3ffffff;
    d2 += c; c = (u32)(d2 >> 26); h2 = (u32)d2 & 0x3ffffff;
    d3 += c; c = (u32)(d3 >> 26); h3 = (u32)d3 & 0x3ffffff;
    d4 += c; c = (u32)(d4 >> 26); h4 = (u32)d4 & 0x3ffffff;
    h0 += c * 5; c = h0 >> 26; h0 &= 0x3ffffff;
    h1 += c;
  }
  p->h0 = h0; p->h1 = h1; p->h2 = h2; p->h3 = h3; p->h4 = h4;
}

/* Absorbs `length` bytes, zero-padding the last block to 16 bytes. */
static void poly_padded(poly1305 *p, const u8 *m, u32 length) {
  u32 whole = length & ~15u;
  poly_blocks(p, m, whole);
  if (whole == length) return;
  u8 last[16] = {0};
  for (u32 i = 0; i < length - whole; i++) last[i] = m[whole + i];
  poly_blocks(p, last, 16);
}

static void poly_finish(poly1305 *p, u8 tag[16]) {
  u32 h0 = p->h0, h1 = p->h1, h2 = p->h2, h3 = p->h3, h4 = p->h4;
  u32 c = h1 >> 26; h1 &= 0x3ffffff;
  h2 += c; c = h2 >> 26; h2 &= 0x3ffffff;
  h3 += c; c = h3 >> 26; h3 &= 0x3ffffff;
  h4 += c; c = h4 >> 26; h4 &= 0x3ffffff;
  h0 += c * 5; c = h0 >> 26; h0 &= 0x3ffffff;
  h1 += c;

  /* g = h + 5 - 2^130; keep g when it did not go negative (h >= p). */
  u32 g0 = h0 + 5; c = g0 >> 26; g0 &= 0x3ffffff;
  u32 g1 = h1 + c; c = g1 >> 26; g1 &= 0x3ffffff;
  u32 g2 = h2 + c; c = g2 >> 26; g2 &= 0x3ffffff;
  u32 g3 = h3 + c; c = g3 >> 26; g3 &= 0x3ffffff;
  u32 g4 = h4 + c - (1u << 26);
  u32 keep_g = (g4 >> 31) - 1; /* all ones when g4 did not borrow */
  u32 keep_h = ~keep_g;
  h0 = (h0 & keep_h) | (g0 & keep_g);
  h1 = (h1 & keep_h) | (g1 & keep_g);
  h2 = (h2 & keep_h) | (g2 & keep_g);
  h3 = (h3 & keep_h) | (g3 & keep_g);
  h4 = (h4 & keep_h) | (g4 & keep_g);

  /* h mod 2^128, plus the pad. */
  u32 w0 = h0 | (h1 << 26);
  u32 w1 = (h1 >> 6) | (h2 << 20);
  u32 w2 = (h2 >> 12) | (h3 << 14);
  u32 w3 = (h3 >> 18) | (h4 << 8);
  u64 f = (u64)w0 + p->pad0;
  store32(tag, (u32)f);
  f = (u64)w1 + p->pad1 + (f >> 32);
  store32(tag + 4, (u32)f);
  f = (u64)w2 + p->pad2 + (f >> 32);
  store32(tag + 8, (u32)f);
  f = (u64)w3 + p->pad3 + (f >> 32);
  store32(tag + 12, (u32)f);
}

/* The RFC 8439 tag over the associated data and message[0..length) (the ciphertext). */
static void aead_tag(u32 length, u32 ad_length, u8 tag[16]) {
  u8 block0[64];
  chacha_block(0, block0);
  poly1305 p;
  poly_init(&p, block0);
  poly_padded(&p, ad, ad_length);
  poly_padded(&p, message, length);
  u8 lengths[16];
  store32(lengths, ad_length);
  store32(lengths + 4, 0);
  store32(lengths + 8, length);
  store32(lengths + 12, 0);
  poly_blocks(&p, lengths, 16);
  poly_finish(&p, tag);
  for (int i = 0; i < 64; i++) ((volatile u8 *)block0)[i] = 0;
}

/* Encrypts message[0..length) in place and writes its tag at message[length..length+16). */
EXPORT("seal") u32 seal(u32 length, u32 ad_length) {
  if (length > MESSAGE_MAX - 16 || ad_length > AD_MAX) return 0;
  chacha_xor(length);
  aead_tag(length, ad_length, message + length);
  return 1;
}

/*
 * Checks the tag at message[length..length+16) and decrypts message[0..length) in place.
 * Returns 1 when the tag matched; on 0 the bytes left in message are not to be used.
 */
EXPORT("open") u32 open(u32 length, u32 ad_length) {
  if (length > MESSAGE_MAX - 16 || ad_length > AD_MAX) return 0;
  u8 tag[16];
  aead_tag(length, ad_length, tag);
  u32 diff = 0;
  for (int i = 0; i < 16; i++) diff |= tag[i] ^ message[length + i];
  if (diff != 0) return 0;
  chacha_xor(length);
  return 1;
}
