/**
 * The command line (`npx ganrl`) and the data it ships: the demonstration sets load and
 * validate and are nested as the paper's; every expert loads and beats a random policy by far
 * in a few episodes; `eval --json`'s last line has the exact keys; bad input exits 2 with one
 * clear line and writes nothing; `train-expert --resume` continues a checkpoint.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile } from "child_process";
import { initBackend, Rng, repoRoot } from "../../lib/core";
import { ENV_IDS, EnvId, getEnvSpec } from "../../lib/envs";
import { CategoricalPolicy } from "../../lib/nn";
import { loadDemos } from "../../lib/data";
import { evaluateActor, loadActorFor, shortFloat32 } from "../../bin/commands/common";

const CLI = path.join(repoRoot, "bin", "ganrl.cjs");
const SIZES = [1, 4, 7, 10];

/** A uniform-random policy's mean return (measured, `EnvSpec.reference.random`). */
const RANDOM = Object.fromEntries(ENV_IDS.map((id) => [id, getEnvSpec(id).reference.random.mean])) as Record<EnvId, number>;
/** What a few expert episodes must beat: far above random. */
const EXPERT_FLOOR: Record<EnvId, number> = {
  "CartPole-v1": 400,
  "CartPole-v0": 190,
  "Acrobot-v1": -120,
  "Acrobot-v0": -120,
  "MountainCar-v0": -130,
  "seals/CartPole-v0": 450,
  "seals/MountainCar-v0": -130,
};

/**
 * Ids whose expert and demonstrations are not shipped yet (see data/experts/README.md); today
 * none. Shipping one must remove it from this list: the test below fails while the list and
 * data/ disagree.
 */
const NOT_YET_SHIPPED: readonly string[] = [];
const SHIPPED = ENV_IDS.filter((id) => !NOT_YET_SHIPPED.includes(id));

test("the shipped data covers every environment but the listed ones", () => {
  for (const env of ENV_IDS) {
    const has = fs.existsSync(path.join(repoRoot, "data", "experts", `${env}.json`)) && fs.existsSync(path.join(repoRoot, "data", "demos", env, "pool-50.json"));
    assert.equal(has, !NOT_YET_SHIPPED.includes(env), `${env}: shipped ${has}, listed as not yet shipped ${NOT_YET_SHIPPED.includes(env)}`);
  }
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/ganrl.cjs ...args` (asynchronously, so independent runs can overlap). */
function runCli(args: string[], cwd = repoRoot): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, GANRL_QUICK: "" }, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-cli-"));
}

/** An input error: exit code 2, one `ganrl: error` line on stderr that contains `pattern`. */
function assertUsageError(r: CliRun, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code ${r.code}; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one error line, got:\n${r.stderr}`);
  assert.match(lines[0], /^ganrl: error/);
  assert.match(lines[0], pattern);
}

before(async () => {
  await initBackend({ quiet: true });
});

test("shipped demonstration sets load, validate, and are nested (1 ⊂ 4 ⊂ 7 ⊂ 10 ⊂ pool)", () => {
  for (const env of SHIPPED) {
    const dir = path.join(repoRoot, "data", "demos", env);
    const pool = loadDemos(path.join(dir, "pool-50.json"), env);
    assert.ok(pool.trajectories.length >= 50, `${env} pool has ${pool.trajectories.length} trajectories`);
    for (const k of SIZES) {
      const set = loadDemos(path.join(dir, `traj-${k}.json`), env);
      assert.equal(set.trajectories.length, k);
      assert.deepEqual(set.trajectories, pool.trajectories.slice(0, k), `${env} traj-${k} is not the first ${k} of the pool`);
    }
    assert.ok(pool.expertStats.meanReturn > RANDOM[env] + 0.5 * (EXPERT_FLOOR[env] - RANDOM[env]), `${env} demonstrations return ${pool.expertStats.meanReturn}`);
  }
});

test("every shipped expert loads and, in a few episodes, does far better than random", () => {
  for (const env of SHIPPED) {
    const { actor, json } = loadActorFor(path.join(repoRoot, "data", "experts", `${env}.json`), env);
    const meta = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "experts", `${env}.meta.json`), "utf8"));
    assert.equal(meta.envId, env, `${env}.meta.json is the record of ${meta.envId}`);
    // an adopted expert (`ganrl adopt-expert`) says where it was trained, in both files
    const trainedOn = meta.trainedOn ?? env;
    if (meta.trainedOn !== undefined) {
      assert.notEqual(meta.trainedOn, env);
      assert.equal(json.meta?.adoptedFor, env, `${env} expert: its policy file does not say it was adopted for ${env}`);
      assert.equal(getEnvSpec(meta.trainedOn).family, getEnvSpec(env).family, `${env} expert adopted from another family (${meta.trainedOn})`);
    }
    assert.equal(json.meta?.envId === trainedOn || (env === "CartPole-v0" && json.meta?.envId === "CartPole-v1"), true, `${env} expert was trained on ${json.meta?.envId}, its meta says ${trainedOn}`);
    const s = evaluateActor(actor, env, 3, 0, true);
    actor.dispose();
    assert.ok(s.meanReturn >= EXPERT_FLOOR[env], `${env} expert: ${s.meanReturn} over 3 episodes`);
    for (const k of ["command", "seed", "wallSeconds", "evaluation", "curve"]) assert.ok(k in meta, `${env}.meta.json lacks ${k}`);
    // the spec's expert reference is this expert's recorded 100-episode deterministic evaluation
    const ref = getEnvSpec(env).reference.expert;
    const det = meta.evaluation.deterministic;
    assert.equal(det.episodes, ref.episodes, env);
    assert.ok(Math.abs(det.meanReturn - ref.mean) < 1e-4 && Math.abs(det.stdReturn - ref.std) < 1e-3, `${env}: spec expert ${ref.mean} ± ${ref.std}, meta ${det.meanReturn} ± ${det.stdReturn}`);
  }
});

test("eval --json prints exactly env, episodes, meanReturn, stdReturn, meanLength on its last line", async () => {
  const r = await runCli(["eval", "--policy", "data/experts/CartPole-v1.json", "--env", "CartPole-v1", "--episodes", "3", "--seed", "5", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const last = r.stdout.trim().split("\n").pop()!;
  const obj = JSON.parse(last);
  assert.deepEqual(Object.keys(obj), ["env", "episodes", "meanReturn", "stdReturn", "meanLength"]);
  assert.equal(obj.env, "CartPole-v1");
  assert.equal(obj.episodes, 3);
  assert.ok(obj.meanReturn >= EXPERT_FLOOR["CartPole-v1"]);
});

test("bad input: exit code 2 and one clear line naming the fix", async () => {
  const cases: [string[], RegExp][] = [
    [["eval", "--policy", "data/experts/CartPole-v1.json", "--env", "CartPole-v9"], /unknown environment id "CartPole-v9"; valid ids: CartPole-v1/],
    [["eval", "--policy", "data/experts/nope.json", "--env", "CartPole-v1"], /nope\.json does not exist; shipped experts: /],
    [["eval", "--policy", "data/experts/CartPole-v1.json", "--env", "Acrobot-v1"], /takes 4 observations .* Acrobot-v1 has 6 .*pass --env CartPole-v1/],
    [["eval", "--policy", "data/experts/CartPole-v1.json", "--env", "CartPole-v1", "--episodes", "-3"], /expected a positive integer/],
    [["demos", "--policy", "data/experts/CartPole-v1.json", "--env", "CartPole-v1", "--seed", "1.5"], /non-negative integer/],
    [["train-expert", "--env", "CartPole-v1", "--algo", "sarsa"], /--algo.*sarsa.*ppo/],
    [["train-expert", "--env", "CartPole-v1", "--seed", "0x10"], /'0x10' is invalid. expected a non-negative integer \(decimal digits\)/],
    [["eval", "--policy", "data/experts/CartPole-v1.json", "--env", "CartPole-v1", "--episodes", "0b11"], /expected a positive integer/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli(args)));
  runs.forEach((r, i) => assertUsageError(r, cases[i][1]));
});

test("bad demonstration files: malformed JSON, NaN, wrong environment", async () => {
  const dir = tmpDir();
  const good = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "demos", "CartPole-v1", "traj-1.json"), "utf8"));
  const malformed = path.join(dir, "malformed.json");
  fs.writeFileSync(malformed, JSON.stringify(good).slice(0, 500));
  const cases: [string[], RegExp][] = [[["demos-info", malformed], /malformed\.json is not valid JSON .*re-create it with `npx ganrl demos`/]];
  // JavaScript writes NaN as null; Python's json.dumps writes a bare NaN (not JSON at all)
  const withNull = path.join(dir, "nan.json");
  const bad = structuredClone(good);
  bad.trajectories[0].obs[3][2] = null;
  fs.writeFileSync(withNull, JSON.stringify(bad));
  cases.push([["demos-info", withNull], /trajectory 0: obs\[3\]\[2\] is null; observations must be finite numbers/]);
  const withNaN = path.join(dir, "nan-python.json");
  fs.writeFileSync(withNaN, JSON.stringify(good).replace(/"rewards":\[1,/, '"rewards":[NaN,'));
  cases.push([["demos-info", withNaN], /nan-python\.json is not valid JSON/]);
  cases.push([["demos-info", path.join(repoRoot, "data", "demos", "CartPole-v1", "traj-1.json"), "--env", "Acrobot-v1"], /holds demonstrations for CartPole-v1, not Acrobot-v1; .*pass --env CartPole-v1/]);
  cases.push([["demos-info", path.join(dir, "missing.json")], /missing\.json does not exist/]);
  const runs = await Promise.all(cases.map(([args]) => runCli(args)));
  runs.forEach((r, i) => assertUsageError(r, cases[i][1]));
});

test("demos writes nothing when an argument is bad", async () => {
  const dir = tmpDir();
  const out = path.join(dir, "set", "pool-3.json");
  assertUsageError(await runCli(["demos", "--env", "CartPole-v1", "--policy", "data/experts/CartPole-v1.json", "--n", "3", "--out", out, "--subsets", "1,9"]), /--subsets .* 1\.\.3/);
  assert.equal(fs.existsSync(path.dirname(out)), false);
});

test("demos samples nested sets reproducibly (the first k of n equal a run of k)", async () => {
  const dir = tmpDir();
  const [a, b] = await Promise.all([
    runCli(["demos", "--env", "Acrobot-v1", "--policy", "data/experts/Acrobot-v1.json", "--n", "3", "--seed", "7", "--out", path.join(dir, "pool-3.json"), "--subsets", "1"]),
    runCli(["demos", "--env", "Acrobot-v1", "--policy", "data/experts/Acrobot-v1.json", "--n", "1", "--seed", "7", "--out", path.join(dir, "one.json")]),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const pool = loadDemos(path.join(dir, "pool-3.json"), "Acrobot-v1");
  assert.deepEqual(loadDemos(path.join(dir, "traj-1.json")).trajectories, pool.trajectories.slice(0, 1));
  assert.deepEqual(loadDemos(path.join(dir, "one.json")).trajectories, pool.trajectories.slice(0, 1));
  for (const t of pool.trajectories) for (const row of t.obs) for (const v of row) assert.equal(shortFloat32(v), v);
});

test("train-expert checkpoints and --resume continues to the new budget", async () => {
  const dir = tmpDir();
  const out = path.join(dir, "cp.json");
  const common = ["train-expert", "--env", "CartPole-v1", "--seed", "3", "--out", out, "--eval-episodes", "1", "--no-progress", "--json"];
  assertUsageError(await runCli([...common, "--steps", "512", "--resume"]), /no checkpoint at .*cp\.ckpt\.json; run without --resume/);
  const first = await runCli([...common, "--steps", "512", "--checkpoint-every", "1", "--keep-checkpoint"]);
  assert.equal(first.code, 0, first.stderr);
  const ckpt = JSON.parse(fs.readFileSync(path.join(dir, "cp.ckpt.json"), "utf8"));
  assert.equal(ckpt.trainer.step, 512);
  // (sequential: the second run deletes the checkpoint when it finishes)
  assertUsageError(await runCli([...common.map((x) => (x === "3" ? "4" : x)), "--steps", "1024", "--resume"]), /started with --seed 3, not 4; pass --seed 3/);
  const second = await runCli([...common, "--steps", "1024", "--resume"]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /resuming ppo on CartPole-v1 .* at step 512 of 1024/);
  const summary = JSON.parse(second.stdout.trim().split("\n").pop()!);
  assert.equal(summary.steps, 1024);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "cp.meta.json"), "utf8"));
  assert.equal(meta.commands.length, 2);
  assert.deepEqual(meta.curve.map((p: { step: number }) => p.step), [256, 512, 768, 1024]);
  assert.equal(fs.existsSync(path.join(dir, "cp.ckpt.json")), false, "the checkpoint is removed once training finishes");
  assert.ok(fs.existsSync(path.join(dir, "cp.curve.csv")));
  const policy = CategoricalPolicy.fromJSON(JSON.parse(fs.readFileSync(out, "utf8")), new Rng(0));
  policy.dispose();
});

test("train-expert --init starts from a policy: its weights, its provenance in the meta, and its curve continued", async () => {
  const dir = tmpDir();
  const first = path.join(dir, "a.json");
  const common = ["train-expert", "--env", "CartPole-v1", "--steps", "512", "--eval-episodes", "1", "--no-progress", "--json"];
  const r1 = await runCli([...common, "--seed", "3", "--out", first]);
  assert.equal(r1.code, 0, r1.stderr);
  const second = path.join(dir, "b.json");
  const r2 = await runCli([...common, "--seed", "5", "--init", first, "--out", second, "--set", "lr=1e-9", "--set", "annealLr=false", "--set", "nEpochs=1"]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /starting from the policy in .*a\.json \(ppo, 512 steps on CartPole-v1\)/);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "b.meta.json"), "utf8"));
  assert.equal(meta.init.file, first);
  assert.equal(meta.init.seed, 3);
  assert.match(meta.init.sha256, /^[0-9a-f]{64}$/);
  assert.equal(meta.commands.length, 2, "the init's command, then this one");
  assert.equal(meta.totalSteps, 1024);
  assert.deepEqual(meta.curve.map((p: { step: number }) => p.step), [256, 512, 768, 1024], "the curve continues the init's");
  // with a learning rate of 1e-9 the weights stay (to float32 rounding) those of the init, not of seed 5
  const a = JSON.parse(fs.readFileSync(first, "utf8")), b = JSON.parse(fs.readFileSync(second, "utf8"));
  const fresh = path.join(dir, "c.json");
  assert.equal((await runCli([...common, "--seed", "5", "--steps", "256", "--out", fresh, "--set", "lr=1e-9", "--set", "annealLr=false"])).code, 0);
  const c = JSON.parse(fs.readFileSync(fresh, "utf8"));
  const gap = (x: { params: { values: number[] }[] }, y: { params: { values: number[] }[] }) =>
    Math.max(...x.params.flatMap((p, i) => p.values.map((v, j) => Math.abs(v - y.params[i].values[j]))));
  assert.ok(gap(a, b) < 1e-4, `weights moved by ${gap(a, b)} from the init`);
  assert.ok(gap(b, c) > 1e-2, "the run started from seed 5's weights, not the init's");
  assertUsageError(await runCli([...common, "--init", first, "--out", path.join(dir, "d.json"), "--set", "hidden=[32,32]"]), /hidden widths \[64,64\], the run \[32,32\]; pass --set hidden=\[64,64\]/);
  assertUsageError(await runCli([...common, "--init", path.join(dir, "none.json")]), /none\.json does not exist/);
});

test("adopt-expert ships an expert for a same-family twin: evaluated there, provenance in both files", async () => {
  const dir = tmpDir();
  const out = path.join(dir, "seals-cp.json");
  const r = await runCli(["adopt-expert", "--policy", "data/experts/CartPole-v1.json", "--env", "seals/CartPole-v0", "--out", out, "--eval-episodes", "2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "seals-cp.meta.json"), "utf8"));
  const src = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "experts", "CartPole-v1.meta.json"), "utf8"));
  assert.equal(meta.envId, "seals/CartPole-v0");
  assert.equal(meta.trainedOn, "CartPole-v1");
  assert.deepEqual(meta.commands, [...src.commands, meta.command]);
  assert.match(meta.command, /adopt-expert --policy data\/experts\/CartPole-v1\.json --env seals\/CartPole-v0/);
  assert.equal(meta.evaluation.episodes, 2);
  assert.equal(meta.evaluation.deterministic.env, "seals/CartPole-v0");
  assert.deepEqual(meta.curve, src.curve);
  const policy = JSON.parse(fs.readFileSync(out, "utf8"));
  const orig = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "experts", "CartPole-v1.json"), "utf8"));
  assert.deepEqual(policy.params, orig.params, "the weights are the source's");
  assert.equal(policy.meta.envId, "CartPole-v1");
  assert.equal(policy.meta.adoptedFor, "seals/CartPole-v0");
  assert.ok(fs.existsSync(path.join(dir, "seals-cp.curve.csv")));
  assertUsageError(await runCli(["adopt-expert", "--policy", "data/experts/CartPole-v1.json", "--env", "CartPole-v1", "--out", path.join(dir, "x.json")]), /trained on CartPole-v1 itself; nothing to adopt/);
  assertUsageError(await runCli(["adopt-expert", "--policy", "data/experts/CartPole-v1.json", "--env", "MountainCar-v0", "--out", path.join(dir, "y.json")]), /takes 4 observations .* but MountainCar-v0 has 2/);
  assert.equal(fs.existsSync(path.join(dir, "x.json")) || fs.existsSync(path.join(dir, "y.json")), false, "nothing written on bad input");
});

test("distill-expert: a task without an exact oracle or a bad --out is a usage error naming the fix, and nothing is written", async () => {
  const dir = tmpDir();
  assertUsageError(await runCli(["distill-expert", "--env", "CartPole-v1", "--out", path.join(dir, "c.json")]), /exact oracle only for MountainCar-v0 .*train-expert --env CartPole-v1/);
  assertUsageError(await runCli(["distill-expert", "--env", "MountainCar-v0", "--out", path.join(dir, "m.txt")]), /--out must name a \.json file/);
  assert.deepEqual(fs.readdirSync(dir), []);
  // the shipped MountainCar-v0 expert records its oracle and rounds
  const meta = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "experts", "MountainCar-v0.meta.json"), "utf8"));
  assert.equal(meta.algo, "dagger");
  assert.equal(meta.oracle.kind, "MountainCarMinimumTime");
  assert.equal(meta.curve.length, meta.options.rounds + 1);
  assert.ok(meta.evaluation.deterministic.meanReturn >= meta.oracle.evaluation.deterministic.meanReturn - 1, "the network is within a step of the optimum on the same episodes");
});

test("train-expert refuses a checkpoint that is the policy file, a sidecar, or an unrelated existing file", async () => {
  const dir = tmpDir();
  const out = path.join(dir, "p.json");
  const common = ["train-expert", "--env", "CartPole-v1", "--steps", "256", "--eval-episodes", "1", "--no-progress", "--out", out];
  const unrelated = path.join(dir, "notes.json");
  fs.writeFileSync(unrelated, '{"mine": true}');
  const [a, b, c] = await Promise.all([
    runCli([...common, "--checkpoint", out]),
    runCli([...common, "--checkpoint", path.join(dir, "p.meta.json")]),
    runCli([...common, "--checkpoint", unrelated]),
  ]);
  assertUsageError(a, /--checkpoint .*p\.json is --out \(the policy file\).*choose another file/);
  assertUsageError(b, /is the \.meta\.json beside --out/);
  assertUsageError(c, /notes\.json exists and is not a train-expert checkpoint; refusing to overwrite/);
  assert.equal(fs.readFileSync(unrelated, "utf8"), '{"mine": true}');
  assert.equal(fs.existsSync(out), false);
});

test("broken policies and checkpoints are named errors (exit 2), never silent: non-finite weights, bad obsNorm, missing nets", async () => {
  const dir = tmpDir();
  const good = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "experts", "Acrobot-v1.json"), "utf8"));
  assert.ok(good.obsNorm, "the Acrobot-v1 expert normalises its observations");
  const variants: [string, (j: any) => void, RegExp][] = [
    ["nan-string", (j) => (j.params[0].values[3] = "NaN"), /values\[3\] is "NaN": not a finite number/],
    ["null", (j) => (j.params[1].values[0] = null), /values\[0\] is null: not a finite number/],
    ["huge", (j) => (j.params[2].values[5] = 1e300), /values\[5\] is 1e\+300: beyond float32 range/],
    ["negvar", (j) => (j.obsNorm.var[2] = -1), /obsNorm\.var\[2\] is -1: a variance cannot be negative/],
    ["shortnorm", (j) => (j.obsNorm.mean = j.obsNorm.mean.slice(0, 4)), /obsNorm mean and var must have length 6 \(the network's input size\), got 4 and 6/],
    ["nanmean", (j) => (j.obsNorm.mean[0] = null), /obsNorm\.mean\[0\] is null/],
  ];
  const runs = await Promise.all(
    variants.map(([name, edit]) => {
      const j = structuredClone(good);
      edit(j);
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(j));
      return runCli(["eval", "--policy", file, "--env", "Acrobot-v1", "--episodes", "1"]);
    }),
  );
  runs.forEach((r, i) => assertUsageError(r, variants[i][2]));
  // demos from a broken expert writes nothing
  const demosOut = path.join(dir, "demos", "d.json");
  assertUsageError(await runCli(["demos", "--env", "Acrobot-v1", "--policy", path.join(dir, "huge.json"), "--n", "1", "--out", demosOut]), /beyond float32 range/);
  assert.equal(fs.existsSync(demosOut), false);
  // a checkpoint without its networks
  const out = path.join(dir, "c.json");
  const common = ["train-expert", "--env", "CartPole-v1", "--seed", "1", "--out", out, "--eval-episodes", "1", "--no-progress", "--steps", "256", "--checkpoint-every", "1", "--keep-checkpoint"];
  const first = await runCli(common);
  assert.equal(first.code, 0, first.stderr);
  const ckptFile = path.join(dir, "c.ckpt.json");
  const ckpt = JSON.parse(fs.readFileSync(ckptFile, "utf8"));
  delete ckpt.trainer.nets;
  fs.writeFileSync(ckptFile, JSON.stringify(ckpt));
  assertUsageError(await runCli([...common.map((x) => (x === "256" ? "512" : x)), "--resume"]), /checkpoint field 'nets' is missing; .*delete it and start afresh/);
});

test("demonstration values beyond float32 range are rejected (they would become Infinity in training)", async () => {
  const dir = tmpDir();
  const good = JSON.parse(fs.readFileSync(path.join(repoRoot, "data", "demos", "CartPole-v1", "traj-1.json"), "utf8"));
  const huge = structuredClone(good);
  huge.trajectories[0].obs[2][1] = 1e300;
  const file = path.join(dir, "huge.json");
  fs.writeFileSync(file, JSON.stringify(huge));
  const hugeReward = structuredClone(good);
  hugeReward.trajectories[0].rewards[4] = -1e39;
  const file2 = path.join(dir, "huge-reward.json");
  fs.writeFileSync(file2, JSON.stringify(hugeReward));
  const [a, b] = await Promise.all([runCli(["demos-info", file]), runCli(["demos-info", file2])]);
  assertUsageError(a, /obs\[2\]\[1\] is 1e\+300; observations must be finite numbers within float32 range/);
  assertUsageError(b, /rewards\[4\] is -1e\+39; rewards must be finite numbers within float32 range/);
});

test("reproduce: bad options of every study exit 2 before anything runs, and no table is touched", async () => {
  const results = path.join(repoRoot, "data", "results");
  const snapshot = () => fs.readdirSync(results).filter((f) => f.endsWith(".csv")).map((f) => `${f}:${fs.statSync(path.join(results, f)).mtimeMs}`).join("|");
  const before = snapshot();
  const cases: [string[], RegExp][] = [
    [["reproduce", "irl", "--seeds", "abc"], /--seeds must be an integer in \[1, 1000\]/],
    [["reproduce", "irl", "--seeds", "0"], /--seeds must be an integer in \[1, 1000\].*got "0"/],
    [["reproduce", "irl", "--seeds", "-1"], /--seeds/],
    [["reproduce", "irl", "--workers", "abc"], /--workers must be an integer in \[1, 256\]/],
    [["reproduce", "worldmodel", "--workers", "abc"], /--workers must be an integer/],
    [["reproduce", "worldmodel", "--parts", "wm,bogus"], /--parts: "bogus" is not valid; choose from wm, dyna/],
    [["reproduce", "gail", "--sizes", "1,99"], /--sizes entry must be an integer in \[1, 10\].*"99"/],
    [["reproduce", "gail", "--seed", "0x10"], /unknown option '--seed'/],
    [["reproduce", "gail", "--seeds", "0x10"], /written in decimal/],
    [["reproduce", "gail", "stray"], /too many arguments/],
    [["reproduce", "gail", "--protocol", "v2"], /--protocol: "v2" is not valid; choose from quick, v1, paper, neutral, ablation/],
    [["reproduce", "gail", "--protocol", "paper", "--envs", "CartPole-v1"], /--envs: "CartPole-v1" is not in the paper protocol; its environments are CartPole-v0, Acrobot-v0/],
    [["reproduce", "gail", "--protocol", "paper", "--steps", "Acrobot-v1=50000"], /--steps: "Acrobot-v1" is not in the paper protocol; its environments are CartPole-v0, Acrobot-v0/],
    [["reproduce", "gail", "--steps", "CartPole-v1=lots"], /--steps CartPole-v1 must be an integer/],
    [["reproduce", "nope"], /unknown study "nope"; valid studies: gail, irl, worldmodel/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli(args)));
  runs.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i][0].join(" ")}: exit ${r.code}; ${r.stderr}`);
    assert.match(r.stderr, cases[i][1], cases[i][0].join(" "));
    assert.doesNotMatch(r.stdout, /runs; results in/, "nothing was planned or run");
  });
  assert.equal(snapshot(), before);
  const help = await runCli(["reproduce", "irl", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--seeds <n>[\s\S]*Examples:[\s\S]*npx ganrl reproduce irl/);
});
