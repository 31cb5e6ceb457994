/**
 * The Node.js flags a zoco server process runs with: the Dockerfile's ENTRYPOINT, `npm start` / `npm run zoco`, the
 * `zoco` bin's shebang (test/node-flags.test.ts checks that each carries them), and every server the benchmarks start
 * (bench/child-process.ts: zoco and the plain-SQL baseline alike). `zoco serve --workers N` forks its processes with
 * the primary's flags (node:cluster's default execArgv). V8 reads them when the process starts: they cannot be set
 * from inside it (`v8.setFlagsFromString` leaves the young generation's size as it was).
 *
 * `--max-semi-space-size=64` (MB; V8's default on 64-bit: 16): a young generation large enough that a request's
 * objects die in it. Under 50 concurrent CATALOG requests (~70-100 ms each) V8 scavenged every ~100 ms with the
 * default, so the objects of the requests in flight survived two scavenges and were promoted: ~4.5 MB to the old
 * generation per scavenge, a mark-compact every ~2 s, and garbage collection took ~240 µs of the page's ~1,500 µs of
 * server CPU (perf; bench/RESULTS.md section catalog-gc). At 64 MB: a scavenge every ~225 ms, ~0.2 MB promoted each, no
 * mark-compact in steady state; CATALOG server CPU -24 to -37% at 50 connections (the plain-SQL baseline: no change,
 * its requests keep little alive); PRODUCT (one product per request): no change beyond the noise. 128 MB measured the
 * same as 64, 32 as badly as 16: a semi-space should hold a few times what the requests in flight allocate (here 50 x
 * ~430 KB; the ratio does not depend on the machine's speed, since both the requests' lifetime and the time between
 * scavenges scale with the throughput). The cost: up to ~100 MB more resident memory per process once the young generation has grown (measured
 * under the bench's load). Closed-loop A/Bs with 4 clients (few requests in flight, nothing promoted) do not show it.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
