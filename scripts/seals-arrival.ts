/**
 * Diagnoses GAIL on seals/MountainCar-v0: trains the `sealsMountainCar` preset once, then compares
 * where and when the learner reaches the flag with the shipped expert on the runs' 50 evaluation
 * episodes (seeds 100000..), and what the discriminator's reward pays per step at their frozen
 * arrival states (push left, push right), and along whole episodes: the mean reward a step before
 * the flag and after it (the frozen state), whose difference is what arriving one step sooner is
 * worth to the learner. Writes nothing.
 *
 *   npx tsx scripts/seals-arrival.ts [trajectories=4] [seed=0] [steps=300000] ['{"option": value}']
 */
import { GanrlError, initBackend } from "../lib/core";
import { GAIL } from "../lib/imitation";
import { loadDemos, takeTrajectories } from "../lib/data";
import { makeEnv } from "../lib/envs";
import { EVAL_SEED, getPreset } from "../lib/experiments/gail";
import { CategoricalPolicy } from "../lib/nn";
import * as fs from "fs";
async function main() {
  const [n, seed, steps] = [process.argv[2] ?? "4", process.argv[3] ?? "0", process.argv[4] ?? "300000"].map(Number);
  let overrides: Record<string, unknown> = {};
  try { overrides = JSON.parse(process.argv[5] ?? "{}"); } catch { throw new GanrlError(`the overrides (5th argument) are not JSON: ${process.argv[5]}; give e.g. '{"discSteps": 5}'`); }
  if (![1, 4, 7, 10].includes(n) || !Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(steps) || steps < 1000) {
    throw new GanrlError("usage: npx tsx scripts/seals-arrival.ts [trajectories: 1|4|7|10] [seed ≥ 0] [steps ≥ 1000]");
  }
  await initBackend({ quiet: true });
  const preset = getPreset("sealsMountainCar");
  const demos = takeTrajectories(loadDemos(`data/demos/seals/MountainCar-v0/traj-${n}.json`, "seals/MountainCar-v0"), n);
  const g = new GAIL({ ...preset.gail, ...overrides, envId: "seals/MountainCar-v0", demos, seed } as never);
  await g.learn(steps);
  const expert = CategoricalPolicy.fromJSON(JSON.parse(fs.readFileSync("data/experts/seals/MountainCar-v0.json", "utf8")));
  const rf = g.learnedReward;
  // every step of the 50 episodes: its pair, and whether it came after the flag (env reward 0)
  const steps2: { obs: number[]; act: number[]; frozen: number[] }[] = [];
  const arrivals = (act: (o: Float32Array) => number) => {
    const out: { t: number; x: number; v: number }[] = [];
    const env = makeEnv("seals/MountainCar-v0");
    const rec = { obs: [] as number[], act: [] as number[], frozen: [] as number[] };
    for (let i = 0; i < 50; i++) {
      let o = env.reset(EVAL_SEED + i); let t = 0; let arr: { t: number; x: number; v: number } | null = null;
      for (;;) {
        const a = act(o); const r = env.step(a); t++;
        rec.obs.push(o[0], o[1]); rec.act.push(a); rec.frozen.push(r.reward === 0 ? 1 : 0);
        if (!arr && r.reward === 0) arr = { t, x: o[0], v: o[1] };
        o = r.obs; if (r.truncated || r.terminated) break;
      }
      out.push(arr ?? { t: 200, x: NaN, v: NaN });
    }
    steps2.push(rec);
    return out;
  };
  const perStep = async (rec: { obs: number[]; act: number[]; frozen: number[] }) => {
    const n = rec.act.length; const obs = Float32Array.from(rec.obs);
    const r = await rf({ n, obsDim: 2, obs, actions: Int32Array.from(rec.act), nextObs: obs, terminated: new Uint8Array(n), truncated: new Uint8Array(n), envRewards: new Float32Array(n) } as never);
    let pre = 0, np = 0, post = 0, nf = 0;
    for (let i = 0; i < n; i++) if (rec.frozen[i]) { post += r[i]; nf++; } else { pre += r[i]; np++; }
    return `mean reward a step before the flag ${(pre / np).toFixed(3)} (${np} steps), after it ${(post / Math.max(1, nf)).toFixed(3)} (${nf}); arriving a step sooner is worth ${((post / Math.max(1, nf)) - pre / np).toFixed(3)}`;
  };
  const pol = g.policy as unknown as CategoricalPolicy;
  const L = arrivals((o) => pol.act(o, { deterministic: true }).actions[0]);
  const E = arrivals((o) => expert.act(o, { deterministic: true }).actions[0]);
  const s = (a: { t: number; x: number; v: number }[]) => { const f = a.filter((z) => z.t < 200); const m = (k: "t" | "x" | "v") => f.reduce((p, z) => p + z[k], 0) / f.length; return `reached ${f.length}/50, mean step ${m("t").toFixed(1)}, arrival x ${m("x").toFixed(4)} v ${m("v").toFixed(4)}`; };
  console.log("learner:", s(L)); console.log("expert: ", s(E));
  console.log("learner's episodes:", await perStep(steps2[0]));
  console.log("expert's episodes: ", await perStep(steps2[1]));
  // D's reward on a frozen step at the learner's and the expert's arrival states (action 0 and 2)
  const pay = async (x: number, v: number, a: number) => {
    const obs = new Float32Array([x, v]);
    const r = await rf({ n: 1, obsDim: 2, obs, actions: new Int32Array([a]), nextObs: obs, terminated: new Uint8Array(1), truncated: new Uint8Array(1), envRewards: new Float32Array(1) } as never);
    return r[0];
  };
  for (const [name, arr] of [["learner", L], ["expert", E]] as const) {
    const f = arr.filter((z) => z.t < 200).slice(0, 5);
    const rows = [];
    for (const z of f) rows.push(`(${z.x.toFixed(3)},${z.v.toFixed(4)}) r0 ${(await pay(z.x, z.v, 0)).toFixed(2)} r2 ${(await pay(z.x, z.v, 2)).toFixed(2)}`);
    console.log(name, rows.join(" | "));
  }
}
main().catch((e) => {
  console.error(e instanceof GanrlError ? `seals-arrival: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
