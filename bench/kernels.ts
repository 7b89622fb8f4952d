/**
 * The floor under a PPO update on this backend: what one TF.js kernel call costs before it
 * computes anything, what a matrix product of our layer shapes costs, how many kernels one PPO
 * minibatch step runs, and the lower bound they give for the rl-zoo CartPole workload (100,000
 * steps = 7,800 minibatch steps of 256). Issue 19's PPO target (a third of SB3's wall time) is
 * checked against this bound: when the bound alone exceeds the target, no rearrangement of our
 * code on this backend can meet it, and only fewer kernels or a faster backend can move it.
 *
 *   dispatch   tf.add of two [256] tensors, disposed at once (median of 5 runs of 20,000)
 *   literal    the same with a number literal (tf.add(x, 1)): the literal becomes a tensor each call
 *   matMul     [m, k] × [k, n] for the shapes of a 64-64 policy on a minibatch of 256, the paper's
 *              100-100 networks on 5,000 pairs, in µs and GFLOP/s (median of 5 runs)
 *   PPO step   one PPO_CARTPOLE_ZOO update under tf.profile: kernels per minibatch step by name,
 *              the profiled time of its matrix products, and the unprofiled time per step
 *
 * Run: `npm run bench -- kernels` (pin for one-core figures: `taskset -c 1 npm run bench -- kernels`).
 */
import { tf, initBackend, describeBackend } from "../lib/core";
import { PPO, PPO_CARTPOLE_ZOO } from "../lib/rl";

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;
import { freshPeerFigures, median } from "./peers";

export interface KernelBench {
  dispatchUs: number;
  literalUs: number;
  matMul: { shape: [number, number, number]; us: number; gflops: number }[];
  ppo: {
    kernelsPerStep: number;
    byName: [string, number][];
    matMulMsPerStep: number;
    msPerStep: number;
    stepsPer100k: number;
  };
}

function timeUs(f: () => void, n: number, runs = 5): number {
  for (let i = 0; i < Math.min(n, 200); i++) f();
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    out.push(((performance.now() - t0) * 1000) / n);
  }
  return median(out);
}

const MATMUL_SHAPES: [number, number, number][] = [
  [256, 4, 64],
  [256, 64, 64],
  [256, 64, 2],
  [64, 64, 64],
  [5000, 100, 100],
];

export async function benchKernels(): Promise<KernelBench> {
  await initBackend({ quiet: true });
  const a = tf.randomNormal([256]);
  const dispatchUs = timeUs(() => tf.add(a, a).dispose(), 20_000);
  const literalUs = timeUs(() => tf.add(a, 1).dispose(), 20_000);
  a.dispose();
  const matMul = MATMUL_SHAPES.map(([m, k, n]) => {
    const x = tf.randomNormal([m, k]), w = tf.randomNormal([k, n]);
    const us = timeUs(() => tf.matMul(x, w).dispose(), m * k * n > 1e6 ? 50 : 2000);
    tf.dispose([x, w]);
    return { shape: [m, k, n] as [number, number, number], us, gflops: (2 * m * k * n) / us / 1e3 };
  });

  // one zoo update, profiled, after warm-up iterations
  const zoo = PPO_CARTPOLE_ZOO as { numEnvs: number; nSteps: number; batchSize: number; nEpochs: number };
  const perIter = zoo.numEnvs * zoo.nSteps;
  const stepsPerUpdate = zoo.nEpochs * Math.max(1, Math.floor(perIter / zoo.batchSize));
  const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed: 0 });
  // warm-up: the first iterations run slower (V8 and the wasm kernels settle)
  for (let i = 0; i < 30; i++) await t.trainIteration();
  // unprofiled time per minibatch step, from the trainer's own update timer
  let secs = 0;
  const n = 30;
  for (let i = 0; i < n; i++) secs += (await t.trainIteration())["time/update"];
  const msPerStep = (secs * 1000) / (n * stepsPerUpdate);
  const host = t as unknown as { update: (b: unknown) => unknown };
  const original = host.update.bind(t);
  let info = undefined as Promise<ProfileInfo> | undefined;
  host.update = (b: unknown) => {
    let out: unknown;
    if (!info) info = tf.profile(() => void (out = original(b)));
    else out = original(b);
    return out;
  };
  await t.trainIteration();
  t.dispose();
  if (!info) throw new Error("bench kernels: the PPO update was not called");
  const prof = await info;
  const counts = new Map<string, number>();
  let mm = 0;
  for (const k of prof.kernels) {
    counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
    if (/MatMul/.test(k.name) && typeof k.kernelTimeMs === "number") mm += k.kernelTimeMs;
  }
  const byName = [...counts.entries()].map(([k, v]) => [k, v / stepsPerUpdate] as [string, number]).sort((x, y) => y[1] - x[1]);
  return {
    dispatchUs,
    literalUs,
    matMul,
    ppo: { kernelsPerStep: prof.kernels.length / stepsPerUpdate, byName, matMulMsPerStep: mm / stepsPerUpdate, msPerStep, stepsPer100k: Math.ceil(100_000 / perIter) * stepsPerUpdate },
  };
}

export function formatKernels(r: KernelBench): string {
  const p = r.ppo;
  const floorMs = (p.kernelsPerStep * r.dispatchUs) / 1000 + p.matMulMsPerStep;
  const peers = freshPeerFigures();
  const lines = [
    `kernel dispatch (tf.add, [256] + [256]):         ${r.dispatchUs.toFixed(1)} µs`,
    `the same with a number literal (tf.add(x, 1)):   ${r.literalUs.toFixed(1)} µs`,
    "",
    "matMul [m, k] × [k, n]        µs    GFLOP/s",
    ...r.matMul.map((m) => `  ${m.shape.join(" × ").padEnd(20)} ${m.us.toFixed(1).padStart(8)} ${m.gflops.toFixed(2).padStart(9)}`),
    "",
    `PPO_CARTPOLE_ZOO minibatch step (256 pairs, 64-64 policy and value): ${p.kernelsPerStep.toFixed(0)} kernels`,
    `  most frequent: ${p.byName.slice(0, 12).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`,
    `  matrix products (profiled): ${p.matMulMsPerStep.toFixed(2)} ms; dispatch floor ${p.kernelsPerStep.toFixed(0)} × ${r.dispatchUs.toFixed(1)} µs = ${((p.kernelsPerStep * r.dispatchUs) / 1000).toFixed(2)} ms`,
    `  measured (unprofiled): ${p.msPerStep.toFixed(2)} ms a step; floor (dispatch + products): ${floorMs.toFixed(2)} ms`,
    `  100,000 zoo steps = ${p.stepsPer100k.toLocaleString("en-US")} minibatch steps: updates measured ${((p.msPerStep * p.stepsPer100k) / 1000).toFixed(1)} s, floor ${((floorMs * p.stepsPer100k) / 1000).toFixed(1)} s, the products alone ${((p.matMulMsPerStep * p.stepsPer100k) / 1000).toFixed(1)} s` +
      (peers ? `; a third of SB3's ${peers.sb3PpoZooSeconds100k.toFixed(1)} CPU s is ${(peers.sb3PpoZooSeconds100k / 3).toFixed(1)} s (${peers.source})` : "; run `npm run bench -- peers` for SB3's figure"),
  ];
  return lines.join("\n");
}

if (require.main === module) {
  (async () => {
    const b = await initBackend({ quiet: true });
    console.log(describeBackend(b));
    console.log(formatKernels(await benchKernels()));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
