/** Polls `check` every 50 ms until it holds, for at most `timeoutMs`: for what happens after commit, asynchronously. */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}
