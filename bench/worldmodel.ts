/**
 * World-model speed:
 *   - training throughput (transitions per second through the generator's update: minibatch 128,
 *     64-64 generator and discriminator), GAN (one D and one G update per step) and MLE (one G
 *     update), CartPole-v1 and Acrobot-v1;
 *   - MPC decision latency (ms per action) in a learned model: CEM, 2 iterations × 128 sequences
 *     × horizon 25 (the experiment's setting; 50 batched model calls per decision), and in the
 *     true simulator for comparison.
 *
 * Run: `npx tsx bench/worldmodel.ts`. (Not registered in bench/index.ts, which belongs to
 * another engineer's files; add `{ name: "worldmodel", run: ... formatWorldModelBench }` there.)
 */
import { initBackend, describeBackend } from "../lib/core";
import { worldSpec, collectEpisodes, toTransitions, WorldModel, MpcController, TrueDynamics } from "../lib/worldmodel";
import { WORLD_EXPERIMENT } from "../lib/worldmodel/experiment";

export interface Row {
  metric: string;
  value: number;
  unit: string;
}

/** Measures the rows above (about half a minute on 2 wasm cores). */
export async function benchWorldModel(opts: { trainSteps?: number; decisions?: number } = {}): Promise<Row[]> {
  await initBackend({ quiet: true });
  const trainSteps = opts.trainSteps ?? 150;
  const decisions = opts.decisions ?? 20;
  const rows: Row[] = [];
  const { episodes: _episodes, ...mpc } = WORLD_EXPERIMENT.mpc;
  for (const envId of ["CartPole-v1", "Acrobot-v1"] as const) {
    const spec = worldSpec(envId);
    const data = toTransitions(spec, collectEpisodes(spec, { noiseStd: 0 }, { steps: 2000, source: "mixed", seed: 0 }));
    for (const kind of ["gan", "mle"] as const) {
      const m = new WorldModel({ ...WORLD_EXPERIMENT.model, envId, kind, seed: 0 });
      m.setData(data);
      m.fit(10); // warm-up: optimiser slots, kernels
      const t0 = process.hrtime.bigint();
      m.fit(trainSteps, { logEvery: trainSteps });
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      rows.push({ metric: `${envId} ${kind} training`, value: (trainSteps * m.opts.batchSize) / secs, unit: "transitions/s" });
      if (kind === "mle") {
        const ctl = new MpcController(m, mpc);
        rows.push({ metric: `${envId} MPC in learned model`, value: latency(ctl, data.states.slice(0, 4), decisions), unit: "ms/action" });
      }
      m.dispose();
    }
    const ctl = new MpcController(new TrueDynamics(spec, { noiseStd: 0 }), mpc);
    rows.push({ metric: `${envId} MPC in true simulator`, value: latency(ctl, data.states.slice(0, 4), decisions), unit: "ms/action" });
  }
  return rows;
}

function latency(ctl: MpcController, state: Float64Array, n: number): number {
  ctl.act(state);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) ctl.act(state);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

export function formatWorldModelBench(rows: Row[]): string {
  const w = Math.max(...rows.map((r) => r.metric.length));
  return rows.map((r) => `${r.metric.padEnd(w)}  ${r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(2)} ${r.unit}`).join("\n");
}

if (require.main === module) {
  (async () => {
    const backend = await initBackend({ quiet: true });
    console.log(`${describeBackend(backend)}; node ${process.version}; ${require("os").cpus().length} cores\n`);
    console.log(formatWorldModelBench(await benchWorldModel()));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
