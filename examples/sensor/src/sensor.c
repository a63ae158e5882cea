/*
 * sensor: a wasi:cli command that prints one plausible reading and exits, as a CronJob would
 * run it every minute. The reading follows the time of day (coolest around 04:00, warmest
 * around 16:00) plus a little noise from wasi:random. The sensor name is the first argument,
 * else $SENSOR_NAME, else "sensor".
 *
 * No stdio and no malloc: printf alone would triple the size of the component, and libc's
 * argv/environ setup pulls in dlmalloc, so the name is looked up through the WASI calls into
 * fixed buffers.
 *
 *   2025-11-22T16:04:05Z sensor=greenhouse-1 temperature=24.8C humidity=46%
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#define SECONDS_PER_DAY 86400L
#define HALF_DAY 43200L

#define LIST_BYTES_MAX 4096
#define LIST_ITEMS_MAX 64

static char line[256];
static int len;

static void put(const char *s) {
  while (*s && len < (int)sizeof line - 1) line[len++] = *s++;
}

static void put_uint(unsigned long v, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v || n < width);
  while (n && len < (int)sizeof line - 1) line[len++] = digits[--n];
}

/* Days since 1970-01-01 to year/month/day in the proleptic Gregorian calendar. */
static void civil_from_days(long days, long *y, unsigned *m, unsigned *d) {
  long z = days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (long)yoe + era * 400 + (*m <= 2);
}

static void put_timestamp(long now) {
  long y;
  unsigned m, d;
  long secs = now % SECONDS_PER_DAY;
  civil_from_days(now / SECONDS_PER_DAY, &y, &m, &d);
  put_uint((unsigned long)y, 4), put("-"), put_uint(m, 2), put("-"), put_uint(d, 2);
  put("T"), put_uint((unsigned long)(secs / 3600), 2), put(":");
  put_uint((unsigned long)(secs / 60 % 60), 2), put(":"), put_uint((unsigned long)(secs % 60), 2);
  put("Z");
}

static char list_bytes[LIST_BYTES_MAX];
static uint8_t *list_items[LIST_ITEMS_MAX];

/* argv[1] if there is one. */
static const char *first_argument(void) {
  size_t count, bytes;
  if (__wasi_args_sizes_get(&count, &bytes) || count < 2) return 0;
  if (count > LIST_ITEMS_MAX || bytes > LIST_BYTES_MAX) return 0;
  if (__wasi_args_get(list_items, (uint8_t *)list_bytes)) return 0;
  return (const char *)list_items[1];
}

/* The value of an environment variable; reuses the argument buffers. */
static const char *environment(const char *key) {
  size_t count, bytes, key_len = strlen(key);
  if (__wasi_environ_sizes_get(&count, &bytes)) return 0;
  if (count > LIST_ITEMS_MAX || bytes > LIST_BYTES_MAX) return 0;
  if (__wasi_environ_get(list_items, (uint8_t *)list_bytes)) return 0;
  for (size_t i = 0; i < count; i++) {
    const char *entry = (const char *)list_items[i];
    if (!strncmp(entry, key, key_len) && entry[key_len] == '=') return entry + key_len + 1;
  }
  return 0;
}

int main(void) {
  const char *name = first_argument();
  if (!name || !*name) name = environment("SENSOR_NAME");
  if (!name || !*name) name = "sensor";

  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned char noise[2] = { 0, 0 };
  getentropy(noise, sizeof noise);

  /* 0 at 04:00, HALF_DAY at 16:00, back to 0 at 04:00. */
  long phase = (ts.tv_sec + 8 * 3600) % SECONDS_PER_DAY;
  long warmth = phase < HALF_DAY ? phase : SECONDS_PER_DAY - phase;
  long tenths = 150 + warmth * 100 / HALF_DAY + (noise[0] % 11) - 5;
  long humidity = 70 - warmth * 25 / HALF_DAY + (noise[1] % 7) - 3;

  put_timestamp(ts.tv_sec);
  put(" sensor="), put(name);
  put(" temperature="), put_uint((unsigned long)(tenths / 10), 1), put(".");
  put_uint((unsigned long)(tenths % 10), 1), put("C");
  put(" humidity="), put_uint((unsigned long)humidity, 1), put("%\n");
  return write(1, line, (size_t)len) == len ? 0 : 1;
}
