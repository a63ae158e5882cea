/**
 * Sources of the small test components (see wasm-fixtures.ts). WAT where the component only
 * needs fd_write (no C toolchain needed), C with wasi-libc where it needs args, env, files or
 * sleeps, JavaScript for wasi:http. Output formats are part of the contract with the tests.
 */
import { WASI_VERSION } from './wasm-toolchain.ts';

export type FixtureSource =
  | { readonly kind: 'wat'; readonly source: string }
  | { readonly kind: 'c'; readonly source: string; readonly world?: string }
  | { readonly kind: 'js'; readonly source: string; readonly world: string };

/** A WAT string literal with the bytes of `text`. */
function watString(text: string): string {
  return `"${[...Buffer.from(text, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}"`;
}

const WAT_TEXT_OFFSET = 64;

/**
 * A preview1 module whose `_start` writes `text` to `fd`, then runs `rest`. The iovec lives at
 * address 0 and the text at WAT_TEXT_OFFSET.
 */
function watProgram(fd: number, text: string, rest: string, extraData = ''): string {
  const len = Buffer.byteLength(text, 'utf8');
  return `(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const ${WAT_TEXT_OFFSET}) ${watString(text)})
  ${extraData}
  (func $print (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (local $old i32) (local $pages i32)
    (call $print (i32.const ${fd}) (i32.const ${WAT_TEXT_OFFSET}) (i32.const ${len}))
    ${rest})
)`;
}

const HELLO = watProgram(1, 'hello from a wasm component\n', '');

const CRASH = watProgram(2, 'crash: about to trap\n', '(unreachable)');

const SPIN = watProgram(1, 'spin: looping forever\n', '(loop $forever (br $forever))');

/** Pages past which the bomb gives up: a missing cap must not take the test machine down. */
const BOMB_PAGES_MAX = 16384; // 1 GiB
const BOMB_FAILED = 'memory-bomb: memory.grow failed\n';
const BOMB_UNCAPPED = 'memory-bomb: grew to 1 GiB without failing (no memory cap?)\n';
const BOMB_FAILED_AT = 256;
const BOMB_UNCAPPED_AT = 320;

/**
 * Grows linear memory 1 MiB at a time, filling each MiB so it is really committed. When a grow
 * fails it says so on stderr and traps; at 1 GiB it gives up and exits 2.
 */
const MEMORY_BOMB = watProgram(
  2,
  'memory-bomb: growing 1 MiB at a time\n',
  `(loop $grow
      (local.set $old (memory.grow (i32.const 16)))
      (if (i32.eq (local.get $old) (i32.const -1))
        (then
          (call $print (i32.const 2) (i32.const ${BOMB_FAILED_AT})
            (i32.const ${BOMB_FAILED.length}))
          (unreachable)))
      (memory.fill (i32.shl (local.get $old) (i32.const 16)) (i32.const 0x5a)
        (i32.const 0x100000))
      (local.set $pages (i32.add (local.get $old) (i32.const 16)))
      (br_if $grow (i32.lt_u (local.get $pages) (i32.const ${BOMB_PAGES_MAX}))))
    (call $print (i32.const 2) (i32.const ${BOMB_UNCAPPED_AT})
      (i32.const ${BOMB_UNCAPPED.length}))
    (call $proc_exit (i32.const 2))`,
  `(data (i32.const ${BOMB_FAILED_AT}) ${watString(BOMB_FAILED)})
  (data (i32.const ${BOMB_UNCAPPED_AT}) ${watString(BOMB_UNCAPPED)})`,
);

/**
 * wasi:cli/run can only say ok or err (0 or 1); the exact code needs
 * `wasi:cli/exit#exit-with-code`, which the preview1 adapter does not use. So the module imports
 * it directly and gets this world embedded before adaptation.
 */
const EXIT_WORLD = `package wisp:fixtures;
world exit-code {
  import wasi:cli/exit@${WASI_VERSION};
}
`;

const EXIT_CODE = `#include <stdio.h>
#include <stdlib.h>
__attribute__((import_module("wasi:cli/exit@${WASI_VERSION}"), import_name("exit-with-code")))
void exit_with_code(int code);
int main(int argc, char **argv) {
  int code = argc > 1 ? atoi(argv[1]) : 0;
  printf("exit-code: exiting with %d\\n", code);
  fflush(stdout);
  exit_with_code(code & 0xff);
  return code;
}
`;

/**
 * Lines: `read PATH: allowed (N bytes)` | `read PATH: denied (strerror)`, the same for
 * `list DIR` and `write DIR/fs-escape-probe`, then `fs-escape: done`. Each argument is a
 * mounted folder to escape from and to write into.
 */
const FS_ESCAPE = `#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void try_read(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { printf("read %s: denied (%s)\\n", path, strerror(errno)); return; }
  char buf[512];
  ssize_t n = read(fd, buf, sizeof buf);
  int err = errno;
  close(fd);
  if (n < 0) printf("read %s: denied (%s)\\n", path, strerror(err));
  else printf("read %s: allowed (%d bytes)\\n", path, (int)n);
}
static void try_list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("list %s: denied (%s)\\n", dir, strerror(errno)); return; }
  int n = 0;
  while (readdir(d)) n++;
  closedir(d);
  printf("list %s: allowed (%d entries)\\n", dir, n);
}
static void try_write(const char *dir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/fs-escape-probe", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { printf("write %s: denied (%s)\\n", path, strerror(errno)); return; }
  ssize_t n = write(fd, "probe\\n", 6);
  int err = errno;
  close(fd);
  if (n != 6) printf("write %s: denied (%s)\\n", path, strerror(err));
  else printf("write %s: allowed\\n", path);
}
int main(int argc, char **argv) {
  try_read("../../etc/passwd");
  try_read("/etc/passwd");
  try_list("/");
  for (int i = 1; i < argc; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/../../etc/passwd", argv[i]);
    try_read(path);
    try_list(argv[i]);
    try_write(argv[i]);
  }
  printf("fs-escape: done\\n");
  return 0;
}
`;

/** Lines: `arg I=VALUE` for every argument, then `env KEY=VALUE` for every variable. */
const ENV_DUMP = `#include <stdio.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("arg %d=%s\\n", i, argv[i]);
  for (char **e = environ; e && *e; e++) printf("env %s\\n", *e);
  return 0;
}
`;

/** `sleepy: line I of N` every 100 ms; N is the first argument (default 10). */
const SLEEPY = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  for (int i = 1; i <= n; i++) {
    printf("sleepy: line %d of %d\\n", i, n);
    fflush(stdout);
    if (i < n) {
      struct timespec pause = { 0, 100000000 };
      nanosleep(&pause, NULL);
    }
  }
  return 0;
}
`;

/** The proxy world jco ships plus the environment (for TARGET / POD_NAME). */
export const HTTP_WORLD = (name: string): string => `package wisp:${name};
world ${name} {
  include wasi:http/proxy@${WASI_VERSION};
  import wasi:cli/environment@${WASI_VERSION};
}
`;

/**
 * Every request fetches TARGET (GET, through wasi:http/outgoing-handler) and answers 200
 * `{"status":N,"body":"..."}` or 502 `{"error":"..."}` (the error-code tag, e.g.
 * `HTTP-request-denied`). Blocking calls keep it inside the synchronous handler.
 */
const HTTP_CLIENT = `import { getEnvironment } from 'wasi:cli/environment@${WASI_VERSION}';
import { handle as send } from 'wasi:http/outgoing-handler@${WASI_VERSION}';
import {
  Fields, IncomingBody, OutgoingBody, OutgoingRequest, OutgoingResponse, ResponseOutparam,
} from 'wasi:http/types@${WASI_VERSION}';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bodyBytesMax = 1 << 20;

function env(name) {
  for (const [key, value] of getEnvironment()) if (key === name) return value;
  return undefined;
}

function describe(e) {
  const payload = e && typeof e === 'object' && 'payload' in e ? e.payload : e;
  if (payload && typeof payload === 'object' && 'tag' in payload) {
    return payload.val === undefined ? payload.tag : payload.tag + ': ' + JSON.stringify(payload.val);
  }
  return String(payload && payload.message ? payload.message : payload);
}

function unwrap(result) {
  if (result && typeof result === 'object' && (result.tag === 'ok' || result.tag === 'err')) {
    if (result.tag === 'err') throw { payload: result.val };
    return result.val;
  }
  return result;
}

function readAll(stream) {
  const chunks = [];
  let size = 0;
  for (;;) {
    let chunk;
    try { chunk = stream.blockingRead(65536n); } catch (e) {
      if (e && (e.tag === 'closed' || (e.payload && e.payload.tag === 'closed'))) break;
      throw e;
    }
    size += chunk.length;
    if (size > bodyBytesMax) throw new Error('response body over ' + bodyBytesMax + ' bytes');
    chunks.push(chunk);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return all;
}

function fetchTarget(url) {
  const u = new URL(url);
  const request = new OutgoingRequest(new Fields());
  request.setScheme(u.protocol === 'https:' ? { tag: 'HTTPS' } : { tag: 'HTTP' });
  request.setAuthority(u.host);
  request.setPathWithQuery(u.pathname + u.search);
  const outBody = request.body();
  const future = unwrap(send(request, undefined));
  OutgoingBody.finish(outBody, undefined);
  const ready = future.subscribe();
  ready.block();
  ready[Symbol.dispose]();
  const response = unwrap(unwrap(future.get()));
  const status = response.status();
  const body = unwrap(response.consume());
  const stream = body.stream();
  const bytes = readAll(stream);
  stream[Symbol.dispose]();
  IncomingBody.finish(body);
  return { status, body: decoder.decode(bytes) };
}

function respond(responseOut, status, value) {
  const headers = Fields.fromList([['content-type', encoder.encode('application/json')]]);
  const response = new OutgoingResponse(headers);
  response.setStatusCode(status);
  const body = response.body();
  ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
  const stream = body.write();
  stream.blockingWriteAndFlush(encoder.encode(JSON.stringify(value) + '\\n'));
  stream[Symbol.dispose]();
  OutgoingBody.finish(body, undefined);
}

export const incomingHandler = {
  handle(request, responseOut) {
    const target = env('TARGET');
    if (!target) return respond(responseOut, 500, { error: 'TARGET is not set' });
    let result;
    try {
      result = fetchTarget(target);
    } catch (e) {
      console.log('http-client: GET ' + target + ' failed: ' + describe(e));
      return respond(responseOut, 502, { error: describe(e) });
    }
    console.log('http-client: GET ' + target + ' -> ' + result.status);
    respond(responseOut, 200, result);
  },
};
`;

export const FIXTURE_SOURCES = {
  hello: { kind: 'wat', source: HELLO },
  'exit-code': { kind: 'c', source: EXIT_CODE, world: EXIT_WORLD },
  crash: { kind: 'wat', source: CRASH },
  'memory-bomb': { kind: 'wat', source: MEMORY_BOMB },
  spin: { kind: 'wat', source: SPIN },
  'fs-escape': { kind: 'c', source: FS_ESCAPE },
  'env-dump': { kind: 'c', source: ENV_DUMP },
  sleepy: { kind: 'c', source: SLEEPY },
  'http-client': { kind: 'js', source: HTTP_CLIENT, world: HTTP_WORLD('http-client') },
} as const satisfies Record<string, FixtureSource>;
