// A test guest for the host: what it does is chosen by argv[1].
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cat(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) { perror(path); return 2; }
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

static int put(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) { perror(path); return 2; }
  fputs(text, f);
  return fclose(f) == 0 ? 0 : 2;
}

// Kept in a global so the compiler cannot drop the allocations as unused.
void *volatile bomb_head;

static int bomb(void) {
  for (;;) {
    char *p = malloc(1 << 20);
    if (!p) abort();
    memset(p, 1, 1 << 20);
    *(void **)p = bomb_head;
    bomb_head = p;
  }
}

static int loop(void) {
  volatile unsigned long n = 0;
  for (;;) n++;
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "hello";
  if (!strcmp(cmd, "hello")) { printf("hello from wasm\n"); return 0; }
  if (!strcmp(cmd, "exit")) exit(atoi(argv[2]));
  if (!strcmp(cmd, "env")) { for (char **e = environ; *e; e++) printf("%s\n", *e); return 0; }
  if (!strcmp(cmd, "args")) { for (int i = 0; i < argc; i++) printf("%s\n", argv[i]); return 0; }
  if (!strcmp(cmd, "cat")) return cat(argv[2]);
  if (!strcmp(cmd, "put")) return put(argv[2], argv[3]);
  if (!strcmp(cmd, "bomb")) return bomb();
  if (!strcmp(cmd, "loop")) return loop();
  if (!strcmp(cmd, "trap")) __builtin_trap();
  fprintf(stderr, "unknown command %s\n", cmd);
  return 64;
}
