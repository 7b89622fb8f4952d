/**
 * GAIL on CartPole-v1 with ONE expert trajectory (500 transitions), the `modernCartPole` preset:
 * environment steps and wall-clock seconds until the deterministic evaluation return (10
 * episodes, run every 8 rounds = 2,048 steps) first reaches 475, and environment steps per second
 * during training. Seconds are given with and without the time spent in those evaluations.
 *
 * Peer (the Python imitation library, PPO generator with 16,384 steps a round, same machine kind):
 * first evaluation ≥ 475 after 147k, 131k and 180k environment steps for seeds 0–2, about 63 s,
 * 2,350 env-steps/s (see /work/shared/reference/peers.md).
 *
 * Demonstrations: `data/demos/CartPole-v1/traj-1.json` when present, else one episode of the
 * hand-written controller (θ + 0.5·θ̇ > 0 → push right; 500 steps).
 *
 * Run: `npx tsx bench/imitation.ts [seeds, default 0,1,2]`.
 */
import * as fs from "fs";
import * as path from "path";
import { initBackend, describeBackend, repoRoot } from "../lib/core";
import { GAIL, modernCartPole, handCodedExpert, recordDemos, DemoSource } from "../lib/imitation";

export interface Row {
  workload: string;
  seed: number;
  /** Where the expert trajectory came from. */
  demos: string;
  /** Environment steps when the evaluation return first reached 475 (null: not within the budget). */
  stepsTo475: number | null;
  /** Wall seconds to that point, evaluations included. */
  secondsTo475: number | null;
  /** The same without the evaluations' time. */
  secondsTo475NoEval: number | null;
  /** Environment steps per second while training (discriminator and generator updates included). */
  stepsPerSec: number;
  /** Peer figure (imitation library) for this seed: steps to 475. */
  peerSteps: number | null;
}

/** imitation's steps to first evaluation ≥ 475 for seeds 0, 1, 2. */
export const PEER_STEPS_TO_475 = [147_000, 131_000, 180_000];
/** imitation's wall seconds to 475 (about) and training speed. */
export const PEER_SECONDS_TO_475 = 63;
export const PEER_STEPS_PER_SEC = 2_350;

function expertDemos(): { demos: DemoSource; source: string } {
  const file = path.join(repoRoot, "data", "demos", "CartPole-v1", "traj-1.json");
  if (fs.existsSync(file)) return { demos: file, source: "data/demos/CartPole-v1/traj-1.json" };
  return { demos: recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 1, seed: 1000 }), source: "hand-written controller" };
}

/** Runs the benchmark for `seeds` (budget: the preset's 50k steps; stops at the first evaluation ≥ 475). */
export async function benchImitation(seeds: readonly number[] = [0, 1, 2]): Promise<Row[]> {
  const { demos, source } = expertDemos();
  const rows: Row[] = [];
  for (const seed of seeds) {
    const gail = new GAIL({ ...modernCartPole.gail, demos, seed });
    const t0 = Date.now();
    let hit: { step: number; secs: number; evalSecs: number } | null = null;
    const res = await gail.learn(modernCartPole.totalSteps, {
      callback: ({ step, metrics }) => {
        if (metrics["eval/return"] >= 475) {
          hit = { step, secs: (Date.now() - t0) / 1000, evalSecs: metrics["time/eval"] };
          return false;
        }
      },
    });
    const h = hit as { step: number; secs: number; evalSecs: number } | null;
    rows.push({
      workload: "GAIL CartPole-v1, 1 trajectory",
      seed,
      demos: source,
      stepsTo475: h ? h.step : null,
      secondsTo475: h ? h.secs : null,
      secondsTo475NoEval: h ? h.secs - h.evalSecs : null,
      stepsPerSec: res.metrics["time/sps"],
      peerSteps: PEER_STEPS_TO_475[seed] ?? null,
    });
    gail.dispose();
  }
  return rows;
}

/** A markdown table of the rows. */
export function formatImitationBench(rows: readonly Row[]): string {
  const f = (x: number | null, d = 0) => (x === null ? "—" : x.toFixed(d));
  const lines = [
    "| workload | seed | steps to 475 | s to 475 (no eval) | steps/s | imitation: steps to 475 | ratio |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const ratio = r.stepsTo475 !== null && r.peerSteps !== null ? `${(r.peerSteps / r.stepsTo475).toFixed(1)}× fewer` : "—";
    lines.push(`| ${r.workload} | ${r.seed} | ${f(r.stepsTo475)} | ${f(r.secondsTo475, 1)} (${f(r.secondsTo475NoEval, 1)}) | ${f(r.stepsPerSec)} | ${f(r.peerSteps)} | ${ratio} |`);
  }
  lines.push("", `Demonstrations: ${rows[0]?.demos ?? "—"}. Peer: imitation ~${PEER_SECONDS_TO_475} s to 475, ${PEER_STEPS_PER_SEC} steps/s.`);
  return lines.join("\n");
}

if (require.main === module) {
  (async () => {
    const backend = await initBackend({ quiet: true });
    console.log(`${describeBackend(backend)}; node ${process.version}`);
    const seeds = process.argv[2] ? process.argv[2].split(",").map(Number) : [0, 1, 2];
    console.log(formatImitationBench(await benchImitation(seeds)));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
