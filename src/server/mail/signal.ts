/**
 * "A mail was just queued": the running dispatcher listens, so a sign-in code goes out within a
 * second instead of at the next round. A module of its own with no imports, so the code that
 * queues (the embedded auth module) does not pull in the mail runtime.
 */
const listeners = new Set<() => void>();

export function mailQueued(): void {
  for (const listener of listeners) listener();
}

/** Returns the function that stops listening. */
export function onMailQueued(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
