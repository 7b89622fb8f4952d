/**
 * The ganrl side of `npm run bench -- peers` (bench/peers.ts): one workload per process, the
 * mirror of bench/peers/peers.py, so that both sides start cold in a process of their own, pinned
 * the same way by the caller.
 *
 *   npx tsx bench/peers/ours.ts WORKLOAD OUT.json 'JSON options'
 *
 * Workloads (the same ones the other benchmarks time):
 *   envs  bench/envs.ts's single-env loop at a fixed step count (`stepFixed`), the peer's count
 *         per run, repeated to at least 1 s of stepping (median taken)
 *   bc    bench/targets.ts's BC: the modernCartPole BC preset, `batches` Adam steps of 32
 *   gail  the modernCartPole preset (bench/imitation.ts), its own evaluation switched off and
 *         replaced by the peer's schedule: every `evalEvery` steps, `evalEpisodes` deterministic
 *         episodes from `evalSeed`, timed apart and excluded
 *   gail-same  the same schedule with imitation's own CartPole settings (`IMITATION_GAIL_SETTINGS`:
 *         the peer's PPO, discriminator size and updates per round), so that both sides do the same
 *         work per environment step: the like-for-like speed comparison
 *   ppo   PPO_CARTPOLE_ZOO (bench/rl.ts, bench/targets.ts) for `steps` steps
 * Returns are deterministic-policy means over `evalEpisodes` episodes (episode i seeded seed + i).
 */
import * as os from "os";
import * as path from "path";
import { initBackend, describeBackend, cpuMs, repoRoot, writeJsonAtomic, GanrlError } from "../../lib/core";
import { EnvId, isEnvId } from "../../lib/envs";
import { GAIL, GAILOptions, modernCartPole, trainBC } from "../../lib/imitation";
import { loadDemos } from "../../lib/data";
import { PPO, PPO_CARTPOLE_ZOO, evaluate } from "../../lib/rl";
import { stepFixed } from "../envs";

export interface OursOptions {
  envs?: string[];
  steps?: number;
  repeats?: number;
  seed?: number;
  demos?: string;
  batches?: number;
  evalEpisodes?: number;
  evalEvery?: number;
  evalSeed?: number;
  /** bc-curve: stop at the first evaluation with at least this mean return. */
  threshold?: number;
}

class Clock {
  private w0 = performance.now();
  private c0 = cpuMs();
  read(): { wall: number; cpu: number } {
    return { wall: (performance.now() - this.w0) / 1000, cpu: (cpuMs() - this.c0) / 1000 };
  }
}

function need<T>(v: T | undefined, name: string): T {
  if (v === undefined) throw new GanrlError(`bench/peers/ours.ts: option '${name}' is missing; bench/peers.ts passes it`);
  return v;
}

export async function benchEnvsOurs(o: OursOptions): Promise<unknown> {
  const steps = need(o.steps, "steps");
  const repeats = need(o.repeats, "repeats");
  const seed = o.seed ?? 0;
  const rows = need(o.envs, "envs").map((id) => {
    if (!isEnvId(id)) throw new GanrlError(`bench peers: unknown environment '${id}'`);
    stepFixed(id as EnvId, Math.max(1, Math.floor(steps / 10)), seed); // untimed warm-up, as on the Python side
    // the same step count per run as the peer; ours is so much faster that a run lasts a few tens
    // of milliseconds, where one preemption on a shared machine moves the figure, so runs are
    // repeated (at least `repeats`, up to 1 s of stepping in all) and the median taken
    const runs: ReturnType<typeof stepFixed>[] = [];
    let spent = 0;
    while (runs.length < repeats || (spent < 1 && runs.length < 100)) {
      const r = stepFixed(id as EnvId, steps, seed + runs.length + 1);
      runs.push(r);
      spent += r.wall;
    }
    return { env: id, steps, runs };
  });
  return { rows };
}

export async function benchBcOurs(o: OursOptions): Promise<unknown> {
  const batches = need(o.batches, "batches");
  const demos = loadDemos(path.resolve(repoRoot, need(o.demos, "demos")), "CartPole-v1");
  const c = new Clock();
  const r = trainBC(demos, { ...modernCartPole.bc, iterations: batches, batchSize: 32, seed: o.seed ?? 0 });
  const t = c.read();
  const ev = evaluate(r.policy, "CartPole-v1", { episodes: need(o.evalEpisodes, "evalEpisodes"), seed: 0 });
  r.policy.dispose();
  return { transitions: r.nTrain + r.nValidation, nTrain: r.nTrain, batches, batchSize: 32, wall: t.wall, cpu: t.cpu, evalReturn: ev.mean, evalReturnStd: ev.std };
}

/**
 * BC to a return (the mirror of peers.py's bc-curve): the `bc` workload's BC, its current iterate
 * evaluated every `evalEvery` batches on `evalEpisodes` deterministic episodes (seeds evalSeed + i),
 * the evaluations timed apart; stops at the first evaluation ≥ `threshold` or after `batches`.
 */
export async function benchBcCurveOurs(o: OursOptions): Promise<unknown> {
  const batches = need(o.batches, "batches"), every = need(o.evalEvery, "evalEvery"), episodes = need(o.evalEpisodes, "evalEpisodes"), evalSeed = need(o.evalSeed, "evalSeed"), threshold = need(o.threshold, "threshold");
  const demos = loadDemos(path.resolve(repoRoot, need(o.demos, "demos")), "CartPole-v1");
  const evals: { batches: number; evalReturn: number; trainWall: number; trainCpu: number }[] = [];
  let reached: (typeof evals)[number] | null = null;
  let evalWall = 0, evalCpu = 0;
  const c = new Clock();
  const r = trainBC(demos, { ...modernCartPole.bc, iterations: batches, batchSize: 32, seed: o.seed ?? 0 }, {
    every,
    onCheckpoint: (it, policy) => {
      const t = c.read();
      const ev = evaluate(policy, "CartPole-v1", { episodes, seed: evalSeed, deterministic: true });
      const t2 = c.read();
      evals.push({ batches: it, evalReturn: ev.mean, trainWall: t.wall - evalWall, trainCpu: t.cpu - evalCpu });
      evalWall += t2.wall - t.wall;
      evalCpu += t2.cpu - t.cpu;
      if (ev.mean >= threshold) reached = evals[evals.length - 1];
      return reached !== null;
    },
  });
  r.policy.dispose();
  return { batchSize: 32, evalEvery: every, threshold, evals, reached };
}

/**
 * imitation 1.0.1's documented CartPole GAIL settings (bench/peers/peers.py) in ganrl's options:
 * SB3 PPO (8 envs × 2,048 steps a round, minibatch 64, 5 epochs, Adam 4e-4 constant, γ 0.95,
 * λ 0.95, clip 0.2, 64-64 tanh, value coefficient 0.5, gradient norm 0.5, no entropy bonus);
 * BasicRewardNet (state and one-hot action, 32-32 ReLU, inputs standardised), 8 Adam steps at 1e-3
 * a round on 500 expert + 500 policy pairs, reward −log(1 − D). Not reproduced: imitation's reward
 * normalisation (VecNormalize) and its 512-sample generator replay buffer (ganrl's D samples the
 * current round). The point is equal work per environment step, so that steps per second compare.
 */
export const IMITATION_GAIL_SETTINGS: Readonly<Partial<GAILOptions>> = Object.freeze({
  envId: "CartPole-v1",
  demoEvery: 1,
  generator: "ppo" as const,
  generatorOptions: { numEnvs: 8, nSteps: 2048, batchSize: 64, nEpochs: 5, lr: 4e-4, annealLr: false, clipEps: 0.2, annealClip: false, gamma: 0.95, gaeLambda: 0.95, entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, hidden: [64, 64] },
  discHead: "concat" as const,
  discHidden: [32, 32],
  discActivation: "relu" as const,
  discLr: 1e-3,
  discSteps: 8,
  discBatchSize: 500,
  rewardForm: "neglog1mD" as const,
  absorbing: false,
  normalizeDiscInputs: true,
});

async function gailRun(name: string, opts: Readonly<Partial<GAILOptions>>, o: OursOptions): Promise<unknown> {
  const steps = need(o.steps, "steps");
  const evalEvery = need(o.evalEvery, "evalEvery");
  const episodes = need(o.evalEpisodes, "evalEpisodes");
  const evalSeed = need(o.evalSeed, "evalSeed");
  const g = opts.generatorOptions as { numEnvs: number; nSteps: number };
  const perRound = g.numEnvs * g.nSteps;
  if (evalEvery % perRound !== 0) throw new GanrlError(`bench peers: evalEvery ${evalEvery} is not a multiple of ${name}'s round of ${perRound} steps`);
  const gail = new GAIL({ ...opts, demos: path.resolve(repoRoot, need(o.demos, "demos")), seed: o.seed ?? 0, evalEvery: 0 });
  const evals: { step: number; return: number; std: number; trainWall: number; trainCpu: number }[] = [];
  let evalWall = 0, evalCpu = 0;
  const c = new Clock();
  const res = await gail.learn(steps, {
    callback: ({ step }) => {
      if (step % evalEvery !== 0) return;
      const t = c.read();
      const e = new Clock();
      const ev = gail.evaluate(episodes, evalSeed, true);
      const d = e.read();
      evals.push({ step, return: ev.mean, std: ev.std, trainWall: t.wall - evalWall, trainCpu: t.cpu - evalCpu });
      evalWall += d.wall;
      evalCpu += d.cpu;
    },
  });
  const t = c.read();
  gail.dispose();
  return {
    preset: name,
    stepsPerRound: perRound,
    steps: res.step,
    wall: t.wall,
    cpu: t.cpu,
    evalWall,
    evalCpu,
    stepsPerSec: res.step / (t.wall - evalWall),
    stepsPerCpuSec: res.step / (t.cpu - evalCpu),
    evals,
  };
}

export async function benchGailOurs(o: OursOptions): Promise<unknown> {
  return gailRun(modernCartPole.name, modernCartPole.gail, o);
}

export async function benchGailSameOurs(o: OursOptions): Promise<unknown> {
  return gailRun("imitation's settings", IMITATION_GAIL_SETTINGS, o);
}

export async function benchPpoOurs(o: OursOptions): Promise<unknown> {
  const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed: o.seed ?? 0 });
  const c = new Clock();
  const res = await t.learn(need(o.steps, "steps"));
  const d = c.read();
  const ev = evaluate(t.policy, "CartPole-v1", { episodes: need(o.evalEpisodes, "evalEpisodes"), seed: 0 });
  t.dispose();
  return { steps: res.step, wall: d.wall, cpu: d.cpu, evalReturn: ev.mean, evalReturnStd: ev.std };
}

const WORKLOADS: Record<string, (o: OursOptions) => Promise<unknown>> = { envs: benchEnvsOurs, bc: benchBcOurs, "bc-curve": benchBcCurveOurs, gail: benchGailOurs, "gail-same": benchGailSameOurs, ppo: benchPpoOurs };

if (require.main === module) {
  (async () => {
    const [workload, out, json] = process.argv.slice(2);
    const run = WORKLOADS[workload];
    if (!run || !out) throw new GanrlError(`usage: npx tsx bench/peers/ours.ts ${Object.keys(WORKLOADS).join("|")} OUT.json '{options}'`);
    const backend = await initBackend({ quiet: true });
    const t0 = Date.now();
    const result = (await run(JSON.parse(json ?? "{}") as OursOptions)) as Record<string, unknown>;
    const pkg = require(path.join(repoRoot, "package.json")) as { version: string; dependencies: Record<string, string> };
    writeJsonAtomic(out, {
      ...result,
      workload,
      versions: { ganrl: pkg.version, node: process.version, tfjs: pkg.dependencies["@tensorflow/tfjs"], backend: describeBackend(backend) },
      seconds: (Date.now() - t0) / 1000,
      load: os.loadavg(),
    });
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
