/**
 * RL training speed on CartPole-v1 (PPO):
 *   - training throughput: env steps/s including updates (SB3 zoo config, 8 envs);
 *   - PPO gradient updates/s at minibatch 64 and 256 (batch 1024, 64-64 tanh policy + value);
 *   - time (s) and env steps until the mean return of the last 100 episodes reaches 475,
 *     from scratch with the SB3 rl-zoo config (8 envs, n_steps 32, batch 256, 20 epochs,
 *     λ 0.8, γ 0.98, lr 1e-3 linear, clip 0.2 linear, 64-64 tanh).
 * SB3 side by side on one core: `npm run bench -- peers`.
 *
 * Run: `npx tsx bench/rl.ts` (or `npm run bench -- rl` once registered in bench/index.ts).
 */
import { initBackend, describeBackend } from "../lib/core";
import { PPO, PPO_CARTPOLE_ZOO } from "../lib/rl";

export interface Row {
  metric: string;
  value: number;
  unit: string;
  /** Comparison figure, where one exists. */
  reference?: string;
}

/** Measures the rows above (about 1–2 minutes on 2 wasm cores). */
export async function benchRl(opts: { seed?: number; solveBudget?: number } = {}): Promise<Row[]> {
  await initBackend({ quiet: true });
  const seed = opts.seed ?? 1;
  const rows: Row[] = [];

  // 1. throughput with updates (zoo config), after one warm-up iteration
  {
    const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed });
    await t.trainIteration();
    const s0 = t.step, t0 = Date.now();
    while (t.step - s0 < 8192) await t.trainIteration();
    rows.push({ metric: "PPO train throughput (8 envs, zoo config, incl. 20 epochs of updates)", value: (t.step - s0) / ((Date.now() - t0) / 1000), unit: "env steps/s", reference: "SB3: `npm run bench -- peers` (same run)" });
    t.dispose();
  }

  // 2. gradient updates per second at two minibatch sizes
  for (const mb of [64, 256]) {
    const t = new PPO({ seed, numEnvs: 8, nSteps: 128, batchSize: mb, nEpochs: 4 });
    await t.trainIteration();
    let secs = 0, updates = 0;
    for (let i = 0; i < 2; i++) {
      const m = await t.trainIteration();
      secs += m["time/update"];
      updates += m["train/epochs"] * Math.floor(1024 / mb);
    }
    rows.push({ metric: `PPO updates/s at minibatch ${mb}`, value: updates / secs, unit: "updates/s" });
    t.dispose();
  }

  // 3. time and steps to mean return 475
  {
    const budget = opts.solveBudget ?? 150000;
    const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed });
    const t0 = Date.now();
    let solvedAt = -1;
    await t.learn(budget, {
      callback: ({ step, metrics }) => {
        if ((metrics["gen/epReturn"] ?? 0) >= 475) {
          solvedAt = step;
          return false;
        }
        return true;
      },
    });
    const secs = (Date.now() - t0) / 1000;
    rows.push({ metric: `PPO time to mean return 475 (seed ${seed})`, value: solvedAt > 0 ? secs : NaN, unit: "s", reference: "SB3: `npm run bench -- peers` (same run)" });
    rows.push({ metric: `PPO env steps to mean return 475 (seed ${seed})`, value: solvedAt > 0 ? solvedAt : NaN, unit: "steps", reference: solvedAt > 0 ? undefined : `not reached in ${budget}` });
    t.dispose();
  }
  return rows;
}

/** The rows as a table. */
export function formatRlBench(rows: Row[]): string {
  const lines = [`${"metric".padEnd(72)} ${"value".padStart(10)}  unit          reference`, "-".repeat(120)];
  for (const r of rows) {
    const v = Number.isFinite(r.value) ? (r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(1)) : "—";
    lines.push(`${r.metric.padEnd(72)} ${v.padStart(10)}  ${r.unit.padEnd(13)} ${r.reference ?? ""}`);
  }
  return lines.join("\n");
}

if (require.main === module) {
  (async () => {
    const b = await initBackend({ quiet: true });
    console.log(`${describeBackend(b)}; node ${process.version}`);
    console.log(formatRlBench(await benchRl()));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
