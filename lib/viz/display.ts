/**
 * Rich output for Jupyter (tslab kernel), with a plain-text fallback elsewhere.
 *
 * tslab's public `display` sends one MIME type per output; figures and tables want a
 * bundle (e.g. `text/html` with a `text/plain` fallback), so we write through the
 * kernel's display hook directly when it is there. Outside a kernel (CLI, scripts,
 * tests without the notebook runner) the `text/plain` part is printed instead.
 */

/** A MIME bundle: MIME type → content. */
export type MimeBundle = Record<string, string>;

type WriteDisplayData = (msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

function kernelHook(): WriteDisplayData | null {
  try {
    // critical: resolved from this file, so it is the same module instance the kernel uses
    // (tslab's kernel prefers the project's local node_modules/tslab).
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** True inside a running tslab kernel (or the in-process notebook runner). */
export function inKernel(): boolean {
  return kernelHook() !== null;
}

/** Displays one output built from a MIME bundle. */
export function displayBundle(data: MimeBundle, metadata: object = {}): void {
  const hook = kernelHook();
  if (hook) {
    hook({ data, metadata, transient: {} }, false);
  } else if (data["text/plain"] !== undefined) {
    console.log(data["text/plain"]);
  }
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
