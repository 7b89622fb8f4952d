/** lib/experiments/gail: the reproduction tables built from stored runs (synthetic runs, hand-worked values). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { buildTable, buildAblationTable, buildAblationCurves, protocolSpecs, GailRunResult, CurvePoint, PAPER_TABLE, PROTOCOL_DEFAULTS } from "../../lib/experiments/gail";
import { parseStepsText, gailStudy } from "../../lib/experiments/studies";
import { StoredResult } from "../../lib/experiments";

const refs = { "CartPole-v1": { random: 20, expert: 500 } };

function run(id: string, params: Record<string, unknown>, result: Partial<GailRunResult>): StoredResult {
  const full: GailRunResult = { returns: [], lengths: [], meanReturn: 0, stdReturn: 0, envSteps: 0, wallSeconds: 1, stepsToThreshold: null, curve: [], ...result };
  return { id, params: { protocol: "v1", envId: "CartPole-v1", trajectories: 1, evalEpisodes: 2, preset: "modernCartPole", ...params }, result: full, seconds: 1, finishedAt: "" } as StoredResult;
}

const curve = (pts: [number, number | null, number, number, number][]): CurvePoint[] => pts.map(([step, evalReturn, trainReturn, accExpert, accGen]) => ({ step, evalReturn, trainReturn, accExpert, accGen }));

test("buildTable pools every episode of a cell, normalises with the references and reports the per-run spread and budget", () => {
  const rows = buildTable(
    [
      run("a", { algo: "GAIL", seed: 0 }, { returns: [500, 500], meanReturn: 500, envSteps: 1000 }),
      run("b", { algo: "GAIL", seed: 1 }, { returns: [260, 20], meanReturn: 140, envSteps: 3000 }),
      run("c", { algo: "BC", seed: 0 }, { returns: [20], meanReturn: 20 }),
      run("d", { algo: "GAIL", seed: 0, overrides: { discSteps: 5 } }, { returns: [1], meanReturn: 1 }),
    ],
    refs,
  );
  assert.equal(rows.length, 2, "ablation runs (overrides) stay out of the table");
  const [bc, gail] = rows;
  assert.equal(bc.algo, "BC");
  assert.equal(bc.normalizedMean, 0);
  assert.equal(gail.runs, 2);
  assert.equal(gail.meanReturn, 320);
  assert.equal(gail.normalizedMean, 0.625);
  assert.equal(gail.seedMean, 320);
  assert.ok(Math.abs(gail.seedStd - Math.sqrt(2 * 180 ** 2)) < 1e-9, "sample std of the per-run means 500 and 140");
  assert.equal(gail.envSteps, 2000);
  assert.equal(gail.runsAt95, 1, "one of the two runs (500) is ≥ 0.95 normalised, the other (140) is not");
  assert.equal(bc.runsAt95, 0);
});

test("buildTable states GAIL's margin over the best control of its cell (normalised), and only on GAIL rows", () => {
  const rows = buildTable(
    [
      run("g", { algo: "GAIL", seed: 0 }, { returns: [500], meanReturn: 500 }),
      run("c", { algo: "control-const", seed: 0 }, { returns: [452], meanReturn: 452 }),
      run("r", { algo: "control-randomD", seed: 0 }, { returns: [116], meanReturn: 116 }),
      run("g4", { algo: "GAIL", seed: 0, trajectories: 4 }, { returns: [260], meanReturn: 260 }),
    ],
    refs,
  );
  assert.deepEqual(rows.map((r) => `${r.trajectories} ${r.algo}`), ["1 GAIL", "1 control-const", "1 control-randomD", "4 GAIL"]);
  const [g, c, r, g4] = rows;
  assert.equal(c.normalizedMean, 0.9);
  assert.equal(r.normalizedMean, 0.2);
  assert.ok(Math.abs((g.gailMinusBestControl as number) - 0.1) < 1e-12);
  assert.equal(g.bestControl, "control-const");
  assert.equal(c.gailMinusBestControl, undefined);
  assert.equal(g4.gailMinusBestControl, undefined, "no control ran at 4 trajectories");
});

test("buildAblationTable and buildAblationCurves: reach-95% share, late D accuracy and binned trajectories per setting", () => {
  const results = [
    run("s0", { algo: "GAIL", seed: 0, protocol: "ablation", overrides: { discSteps: 1 } }, {
      meanReturn: 500, envSteps: 400,
      curve: curve([[100, 100, 20, 0.9, 0.9], [200, null, 260, 0.8, 0.7], [300, 500, 500, 0.6, 0.5], [400, null, 500, 0.5, 0.5]]),
    }),
    run("s1", { algo: "GAIL", seed: 1, protocol: "ablation", overrides: { discSteps: 1 } }, {
      meanReturn: 20, envSteps: 400,
      curve: curve([[100, 20, 20, 1, 1], [200, null, 20, 1, 1], [300, 20, 20, 1, 1], [400, null, 20, 0.7, 0.9]]),
    }),
  ];
  const [row] = buildAblationTable(results, refs);
  assert.equal(row.option, "discSteps");
  assert.equal(row.runs, 2);
  assert.equal(row.normalizedMean, 0.5);
  assert.equal(row.reached95, 0.5, "one of two runs reached 95% of the expert at an evaluation");
  assert.equal(row.finalAt95, 0.5, "one of two runs ends at the expert");
  const dipped = run("s2", { algo: "GAIL", seed: 2, protocol: "ablation", overrides: { discSteps: 1 } }, {
    meanReturn: 260, envSteps: 400,
    curve: curve([[100, 500, 20, 0.9, 0.9], [200, null, 260, 0.8, 0.7], [300, 260, 500, 0.6, 0.5], [400, null, 500, 0.5, 0.5]]),
  });
  const [row3] = buildAblationTable([...results, dipped], refs);
  assert.ok(Math.abs(row3.reached95 - 2 / 3) < 1e-12, "run 2 reached the expert at its first evaluation");
  assert.ok(Math.abs(row3.finalAt95 - 1 / 3) < 1e-12, "but ended at 0.5: only run 0 ends at ≥ 0.95");
  assert.equal(row.presetDefault, true, "modernCartPole runs one discriminator step");
  assert.ok(Math.abs(row.lateAccExpert - 0.6) < 1e-12, "last quarter: 0.5 and 0.7");
  assert.ok(Math.abs(row.lateAccGen - 0.7) < 1e-12);
  const curves = buildAblationCurves(results, refs, 2);
  assert.deepEqual(curves.map((c) => c.step), [200, 400]);
  assert.ok(Math.abs(curves[0].accExpert - (0.85 + 1) / 2) < 1e-12);
  assert.ok(Math.abs(curves[1].accGen - (0.5 + 0.95) / 2) < 1e-12);
  assert.ok(Math.abs(curves[1].trainNormalized - 0.5) < 1e-12, "run 0 at the expert (1), run 1 at random (0)");
});

test("--steps takes one budget or one per environment; protocolSpecs gives each environment its own", () => {
  assert.equal(parseStepsText("50000"), 50000);
  assert.deepEqual(parseStepsText("CartPole-v0=50000,Acrobot-v0=100000"), { "CartPole-v0": 50000, "Acrobot-v0": 100000 });
  assert.throws(() => parseStepsText("CartPole-v0=50000,Acrobot-v0"), /--steps: "Acrobot-v0" is not env=n/);
  assert.throws(() => parseStepsText("CartPole-v0=5"), /--steps CartPole-v0 must be an integer in \[1000, 1000000000\]/);
  assert.throws(() => parseStepsText("CartPole-v0=5000,CartPole-v0=6000"), /CartPole-v0 is given twice/);
  const specs = protocolSpecs("paper", { seeds: 1, sizes: [1], steps: { "CartPole-v0": 50000, "Acrobot-v0": 100000 } });
  const steps = (env: string, algo: string) => specs.find((s) => s.params.envId === env && s.params.algo === algo)?.params.steps;
  assert.equal(steps("CartPole-v0", "GAIL"), 50000);
  assert.equal(steps("CartPole-v0", "control-const"), 50000);
  assert.equal(steps("Acrobot-v0", "control-randomD"), 100000);
  assert.equal(steps("Acrobot-v0", "BC"), undefined, "BC never steps the environment");
  // the paper's table has FEM and GTAL rows; the other protocols do not
  const algos = (p: "paper" | "v1" | "neutral") => [...new Set(protocolSpecs(p, { seeds: 1, sizes: [1] }).map((s) => s.params.algo))].sort();
  assert.deepEqual(algos("paper"), ["BC", "FEM", "GAIL", "GTAL", "control-const", "control-randomD"]);
  assert.deepEqual(algos("v1"), ["BC", "GAIL", "control-const", "control-randomD"]);
  assert.deepEqual(algos("neutral"), ["BC", "GAIL", "control-const", "control-randomD"]);
  assert.equal(steps("MountainCar-v0", "FEM"), 301 * 5000, "an environment left out of --steps keeps its preset's budget");
  // an environment left out keeps its preset's budget
  const partial = protocolSpecs("paper", { seeds: 1, sizes: [1], steps: { "CartPole-v0": 50000 } });
  assert.equal(partial.find((s) => s.params.envId === "Acrobot-v0" && s.params.algo === "GAIL")?.params.steps, 301 * 5000);
});

test("--algos and --envs choose the runs to run; the plan still covers the whole protocol (the table's rows)", () => {
  const [all] = gailStudy.plan({ protocol: "paper" });
  const [some] = gailStudy.plan({ protocol: "paper", envs: ["MountainCar-v0"], algos: ["GAIL", "control-const"] });
  assert.equal(some.cover.length, all.cover.length);
  assert.equal(some.run.length, 2 * 4 * 7, "2 rows × 4 sizes × 7 seeds");
  assert.ok(some.run.every((s) => s.params.envId === "MountainCar-v0" && (s.params.algo === "GAIL" || s.params.algo === "control-const")));
  assert.throws(() => gailStudy.plan({ protocol: "v1", algos: ["FEM"] }), /--algos: FEM has no runs in the v1 protocol/);
});

test("neutral ablation: one shared baseline per seed stands for every switch's preset value; sizes up to 50 read the pool", () => {
  const specs = protocolSpecs("ablation-neutral", { seeds: 1 });
  const cart = specs.filter((s) => s.params.envId === "seals/CartPole-v0");
  // baseline + gradPenalty 0 + discSteps 5, 20 + genEntCoef 0.01, 0.1 + spectralNorm + labelSmoothing + rewardClip + 4, 10, 50 trajectories
  assert.equal(cart.length, 12);
  assert.equal(new Set(specs.map((s) => s.id)).size, specs.length, "no run planned twice");
  assert.equal(cart.filter((s) => !s.params.overrides && s.params.trajectories === 1).length, 1, "one baseline");
  const pool = cart.find((s) => s.params.trajectories === 50)!;
  const ten = cart.find((s) => s.params.trajectories === 10)!;
  assert.notEqual(pool.params.demosSha256, ten.params.demosSha256, "50 trajectories come from pool-50.json, 10 from traj-10.json");
  const sealsRefs = { "seals/CartPole-v0": { random: 0, expert: 500 } };
  const r = (id: string, params: Record<string, unknown>, meanReturn: number) =>
    run(id, { algo: "GAIL", seed: 0, protocol: "ablation-neutral", envId: "seals/CartPole-v0", preset: "sealsCartPole", ...params }, { meanReturn });
  const rows = buildAblationTable([r("base", {}, 500), r("gp0", { overrides: { gradPenalty: 0 } }, 100), r("clip", { overrides: { rewardClip: 2 } }, 250), r("t50", { trajectories: 50 }, 400)], sealsRefs);
  const at = (option: string, value: unknown) => rows.find((x) => x.option === option && x.value === value);
  assert.equal(at("gradPenalty", 10)?.normalizedMean, 1, "the baseline is the gradient-penalty-10 row (sealsCartPole's own λ)");
  assert.equal(at("gradPenalty", 10)?.presetDefault, true);
  assert.equal(at("gradPenalty", 0)?.normalizedMean, 0.2);
  assert.equal(at("discSteps", 1)?.normalizedMean, 1, "and the one-discriminator-step row");
  assert.equal(at("rewardClip", "none")?.normalizedMean, 1, "no clip: the baseline, written 'none'");
  assert.equal(at("rewardClip", 2)?.normalizedMean, 0.5);
  assert.equal(at("trajectories", 1)?.normalizedMean, 1);
  assert.equal(at("trajectories", 50)?.normalizedMean, 0.8);
  assert.equal(at("trajectories", 50)?.presetDefault, false);
  assert.equal(at("discSteps", 5), undefined, "no run, no row");
  assert.equal(rows.filter((x) => x.runs !== 1).length, 0, "the 50-trajectory run is not a baseline, nor are the ablated runs");
});

test("PAPER_TABLE has every cell of the paper protocol (3 tasks × BC, FEM, GTAL, GAIL × 1, 4, 7, 10), and buildTable puts it beside ours", () => {
  for (const [env] of PROTOCOL_DEFAULTS.paper.envs) {
    for (const algo of ["BC", "FEM", "GTAL", "GAIL"] as const) {
      for (const n of PROTOCOL_DEFAULTS.paper.sizes) {
        const cell = PAPER_TABLE[env]?.[algo]?.[n];
        assert.ok(cell && Number.isFinite(cell[0]) && cell[1] >= 0, `${env} ${algo} ${n}: no published cell`);
      }
    }
  }
  // the released data's MountainCar-v0 GAIL cells (the issue quotes −101.55 to −99.90)
  assert.deepEqual([1, 4, 7, 10].map((n) => PAPER_TABLE["MountainCar-v0"].GAIL![n][0]), [-101.55, -101.35, -99.9, -100.83]);
  const [row] = buildTable([run("m", { algo: "GAIL", seed: 0, protocol: "paper", envId: "MountainCar-v0", preset: "paperMountainCar" }, { returns: [-110, -100], meanReturn: -105, envSteps: 1000 })], { "MountainCar-v0": { random: -200, expert: -100 } });
  assert.equal(row.paperMean, -101.55);
  assert.equal(row.paperStd, 10.32);
});

test("buildTable: runsAtExpert95 counts runs against the expert policy's own score on the evaluation episodes, beside runsAt95", () => {
  // demonstrations' mean −100 (normalised 1), the expert policy −110 on the evaluation episodes, random −200
  const mc = { "MountainCar-v0": { random: -200, expert: -100, expertPolicy: -110 } };
  const rs = [-104, -112, -114, -115].map((m, i) => run(`r${i}`, { algo: "GAIL", seed: i, envId: "MountainCar-v0", preset: "neutralMountainCar" }, { returns: [m], meanReturn: m, envSteps: 10 }));
  const [row] = buildTable(rs, mc);
  assert.equal(row.runsAt95, 1, "only −104 is ≥ −105, 0.95 of the way to the demonstrations");
  assert.equal(row.expertEval, -110);
  assert.equal(row.runsAtExpert95, 3, "−104, −112 and −114 are ≥ −114.5, 0.95 of the way to the expert policy; −115 is not");
  const [plain] = buildTable(rs, { "MountainCar-v0": { random: -200, expert: -100 } });
  assert.equal(plain.runsAtExpert95, undefined, "no expert policy, no column value");
});
