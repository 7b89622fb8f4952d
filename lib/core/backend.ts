/**
 * TF.js backend selection.
 *
 * Order of preference: `node-gpu` (@tensorflow/tfjs-node-gpu, CUDA), `node`
 * (@tensorflow/tfjs-node, native libtensorflow on the CPU), `wasm`
 * (@tensorflow/tfjs-backend-wasm, which ships its .wasm inside the package), `cpu`
 * (plain JavaScript). The two native packages are optional dependencies: their
 * installers download libtensorflow, which fails offline, so they are often absent.
 *
 * Override with the environment variable `GANRL_BACKEND=node-gpu|node|wasm|cpu`
 * (or the `backend` option). The choice and the reason each better backend was
 * skipped are returned and, unless `quiet`, printed once.
 */
import * as tf from "@tensorflow/tfjs";
import { GanrlError } from "./validate";

export { tf };

export const BACKENDS = ["node-gpu", "node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** Our name for the chosen backend. */
  name: BackendName;
  /** TF.js's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  /** Why each backend ahead of the chosen one was not used. */
  skipped: { name: BackendName; reason: string }[];
}

export interface BackendOptions {
  /** Force one backend (default: `GANRL_BACKEND`, else the first that works). */
  backend?: BackendName;
  /** Do not print the choice. */
  quiet?: boolean;
}

let chosen: BackendInfo | null = null;

/** Loads a native TF.js package, checking it is the real package (not an alias of plain tfjs). */
function loadNative(pkg: string): void {
  // critical: danfojs-node is served a stand-in named @tensorflow/tfjs-node; only a real one counts.
  const meta = require(`${pkg}/package.json`) as { name: string };
  if (meta.name !== pkg) throw new Error(`${pkg} resolves to ${meta.name}, not the native package`);
  require(pkg);
}

async function tryBackend(name: BackendName): Promise<string> {
  switch (name) {
    case "node-gpu":
      loadNative("@tensorflow/tfjs-node-gpu");
      break;
    case "node":
      loadNative("@tensorflow/tfjs-node");
      break;
    case "wasm":
      require("@tensorflow/tfjs-backend-wasm");
      break;
    case "cpu":
      break;
  }
  const tfName = name === "node-gpu" || name === "node" ? "tensorflow" : name;
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tf.setBackend('${tfName}') returned false`);
  await tf.ready();
  return tfName;
}

function shortReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Cannot find module/.test(msg)) return "package not installed";
  return msg.split("\n")[0].slice(0, 160);
}

/**
 * Picks and initialises the backend (once per process; later calls return the first choice
 * unless a different backend is forced).
 */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const env = process.env.GANRL_BACKEND;
  const forced = opts.backend ?? (env && env.length > 0 ? env : undefined);
  if (forced !== undefined && !(BACKENDS as readonly string[]).includes(forced)) {
    throw new GanrlError(`unknown backend '${forced}' (from ${opts.backend ? "the backend option" : "GANRL_BACKEND"}); valid backends: ${BACKENDS.join(", ")}`);
  }
  if (chosen && (forced === undefined || forced === chosen.name)) return chosen;

  const skipped: BackendInfo["skipped"] = [];
  const candidates: readonly BackendName[] = forced ? [forced as BackendName] : BACKENDS;
  for (const name of candidates) {
    try {
      const tfName = await tryBackend(name);
      chosen = { name, tfName, skipped };
      if (!opts.quiet) console.log(describeBackend(chosen));
      return chosen;
    } catch (e) {
      if (forced) throw new GanrlError(`backend '${name}' was requested but cannot start: ${shortReason(e)}`);
      skipped.push({ name, reason: shortReason(e) });
    }
  }
  throw new GanrlError(`no TF.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

/** One line: the chosen backend and why the better ones were skipped. */
export function describeBackend(info: BackendInfo): string {
  const why = info.skipped.length ? ` (skipped ${info.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")})` : "";
  return `ganrl: TF.js backend '${info.name}'${why}`;
}

/** The backend chosen so far, or null before `initBackend`. */
export function currentBackend(): BackendInfo | null {
  return chosen;
}
