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
 *   ppo   PPO_CARTPOLE_ZOO (bench/rl.ts, bench/targets.ts) for `steps` steps
 * Returns are deterministic-policy means over `evalEpisodes` episodes (episode i seeded seed + i).
 */
import * as os from "os";
import * as path from "path";
import { initBackend, describeBackend, cpuMs, repoRoot, writeJsonAtomic, GanrlError } from "../../lib/core";
import { EnvId, isEnvId } from "../../lib/envs";
import { GAIL, modernCartPole, trainBC } from "../../lib/imitation";
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

export async function benchGailOurs(o: OursOptions): Promise<unknown> {
  const steps = need(o.steps, "steps");
  const evalEvery = need(o.evalEvery, "evalEvery");
  const episodes = need(o.evalEpisodes, "evalEpisodes");
  const evalSeed = need(o.evalSeed, "evalSeed");
  const g = modernCartPole.gail.generatorOptions as { numEnvs: number; nSteps: number };
  const perRound = g.numEnvs * g.nSteps;
  if (evalEvery % perRound !== 0) throw new GanrlError(`bench peers: evalEvery ${evalEvery} is not a multiple of modernCartPole's round of ${perRound} steps`);
  const gail = new GAIL({ ...modernCartPole.gail, demos: path.resolve(repoRoot, need(o.demos, "demos")), seed: o.seed ?? 0, evalEvery: 0 });
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
    preset: modernCartPole.name,
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

export async function benchPpoOurs(o: OursOptions): Promise<unknown> {
  const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed: o.seed ?? 0 });
  const c = new Clock();
  const res = await t.learn(need(o.steps, "steps"));
  const d = c.read();
  const ev = evaluate(t.policy, "CartPole-v1", { episodes: need(o.evalEpisodes, "evalEpisodes"), seed: 0 });
  t.dispose();
  return { steps: res.step, wall: d.wall, cpu: d.cpu, evalReturn: ev.mean, evalReturnStd: ev.std };
}

const WORKLOADS: Record<string, (o: OursOptions) => Promise<unknown>> = { envs: benchEnvsOurs, bc: benchBcOurs, gail: benchGailOurs, ppo: benchPpoOurs };

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
