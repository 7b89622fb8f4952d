// bench/peers.ts's table logic on hand-made results of the two sides (the run itself needs the
// Python peers venv and minutes; `npm run bench -- peers --quick` is its smoke test).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { peersRows, formatPeers, peersCsv, peersArgs, PeersReport, PEERS_BUDGETS } from "../../bench/peers";
import { GanrlError } from "../../lib/core";

const envRuns = (sps: number[]) => sps.map((s) => ({ stepsPerSec: s, stepsPerCpuSec: 2 * s }));
const gailEvals = (returns: number[], every = 16_384) => returns.map((r, i) => ({ step: (i + 1) * every, return: r, std: 1, trainWall: 10 * (i + 1), trainCpu: 5 * (i + 1) }));

function raw(): PeersReport["raw"] {
  const envs = (scale: number) => ({ rows: ["CartPole-v1", "Acrobot-v1", "MountainCar-v0"].map((env) => ({ env, steps: 100, runs: envRuns([3 * scale, 1 * scale, 2 * scale]) })) });
  return {
    envs: { peer: envs(1000), ours: envs(50_000), load: [] },
    bc: { peer: { wall: 8, cpu: 4, batches: 5000, evalReturn: 500, evalReturnStd: 0 }, ours: { wall: 2, cpu: 1, batches: 5000, evalReturn: 480, evalReturnStd: 3 }, load: [] },
    gail: {
      peer: { steps: 98_304, stepsPerSec: 4000, stepsPerCpuSec: 4200, demoBatchSize: 500, evals: gailEvals([100, 200, 480, 300, 500, 500]) },
      ours: { steps: 100_096, stepsPerSec: 2000, stepsPerCpuSec: 2100, evals: gailEvals([476, 500, 470, 500, 500, 500]) },
      load: [],
    },
    ppo: { peer: { wall: 30, cpu: 28, steps: 100_000, evalReturn: 500, evalReturnStd: 0 }, ours: { wall: 60, cpu: 56, steps: 100_096, evalReturn: 490, evalReturnStd: 5 }, load: [] },
  };
}
const versions = { gymnasium: "0.29.1", imitation: "1.0.1", "stable-baselines3": "2.2.1", python: "3.11.2", torch: "1.13", numpy: "1.24.2", ganrl: "0.1.0", node: "v20", tfjs: "4.22.0", backend: "wasm" };

test("peersRows: medians, ratio directions, returns at the budgets and the first evaluation ≥ 475", () => {
  const rows = peersRows(raw(), versions, PEERS_BUDGETS.full);
  assert.equal(rows.length, 3 + 1 + 3 + 1);
  const cart = rows[0];
  assert.equal(cart.peerValue, 2000); // median of 3000, 1000, 2000
  assert.equal(cart.oursCpuValue, 200_000);
  assert.equal(cart.ratio, 50); // a speed: ours / peer
  const bc = rows[3];
  assert.equal(bc.ratio, 4); // a time: peer / ours
  assert.equal(bc.ratioCpu, 4);
  assert.match(bc.oursReturn, /^480\.0 ± 3\.0/);
  const [speed, steps, secs] = rows.slice(4, 7);
  assert.equal(speed.ratio, 0.5);
  assert.match(speed.peerReturn, /49\.2k: 480\.0 ± 1\.0; 98\.3k: 500\.0 ± 1\.0/);
  assert.equal(steps.peerValue, 3 * 16_384); // 480 is the first ≥ 475, not the 500s after it
  assert.equal(steps.oursValue, 16_384);
  assert.equal(steps.ratio, 3);
  assert.equal(secs.peerValue, 30);
  assert.equal(secs.oursCpuValue, 5);
  const ppo = rows[7];
  assert.equal(ppo.ratio, 0.5);
});

test("peersRows: a side that never reaches 475 has no figure and no ratio", () => {
  const r = raw();
  (r.gail.ours as { evals: unknown }).evals = gailEvals([100, 200, 300]);
  const rows = peersRows(r, versions, PEERS_BUDGETS.full);
  const steps = rows[5];
  assert.equal(steps.oursValue, null);
  assert.equal(steps.ratio, null);
  assert.match(steps.oursReturn, /not reached within 100,096/);
  assert.match(rows[4].oursReturn, /98\.3k: not run/);
});

test("peersRows: the like-for-like GAIL run adds its three rows, against the same peer run", () => {
  const r = raw();
  r["gail-same"] = {
    peer: r.gail.peer,
    ours: { steps: 294_912, stepsPerSec: 6000, stepsPerCpuSec: 6300, evals: gailEvals([100, 300, 476, 500]) },
    load: [],
  };
  const rows = peersRows(r, versions, PEERS_BUDGETS.full);
  assert.equal(rows.length, 3 + 1 + 3 + 3 + 1);
  const [speed, steps] = rows.slice(7, 9);
  assert.match(speed.workload, /imitation's settings/);
  assert.equal(speed.peerValue, 4000); // the same peer run as the modernCartPole rows
  assert.equal(speed.ratio, 1.5);
  assert.equal(speed.ratioCpu, 6300 / 4200);
  assert.equal(steps.oursValue, 3 * 16_384);
  assert.equal(steps.ratio, 1);
  assert.match(rows[10].workload, /^PPO/);
});

test("peersRows: BC to a return, the first evaluation ≥ 475 on both sides and the training time to it", () => {
  const r = raw();
  const evals = (rets: number[]) => rets.map((x, i) => ({ batches: 100 * (i + 1), evalReturn: x, trainWall: 0.2 * (i + 1), trainCpu: 0.1 * (i + 1) }));
  const pe = evals([130, 370, 480]), oe = evals([493]);
  r["bc-curve"] = { peer: { evalEvery: 100, evals: pe, reached: pe[2] }, ours: { evalEvery: 100, evals: oe, reached: oe[0] }, load: [] };
  const rows = peersRows(r, versions, PEERS_BUDGETS.full);
  assert.equal(rows.length, 3 + 1 + 2 + 3 + 1);
  const [batches, secs] = rows.slice(4, 6);
  assert.match(batches.workload, /^BC: batches of 32 to the first evaluation ≥ 475 \(every 100 batches/);
  assert.equal(batches.peerValue, 300);
  assert.equal(batches.oursValue, 100);
  assert.equal(batches.ratio, 3); // fewer batches: peer / ours
  assert.ok(Math.abs((secs.ratio as number) - 0.6 / 0.2) < 1e-12);
  assert.ok(Math.abs((secs.ratioCpu as number) - 0.3 / 0.1) < 1e-12);
  assert.match(batches.peerReturn, /first ≥ 475: 480\.0/);
  r["bc-curve"] = { peer: { evalEvery: 100, evals: evals([100]), reached: null }, ours: { evalEvery: 100, evals: oe, reached: oe[0] }, load: [] };
  const none = peersRows(r, versions, PEERS_BUDGETS.full)[4];
  assert.equal(none.ratio, null);
  assert.match(none.peerReturn, /not reached within 5,000 batches/);
  r["bc-curve"] = { peer: { evalEvery: 100, evals: pe, reached: pe[2] }, ours: { evalEvery: 100, evals: oe, reached: oe[0] }, load: [] };
  const report: PeersReport = {
    date: "2026-12-02T07:00:00.000Z", quick: false, command: "npm run bench -- peers", cpuModel: "test", cores: 2, core: 0, seed: 0,
    load: { start: [1, 2, 3], end: [1, 2, 3] }, versions, budgets: PEERS_BUDGETS.full, raw: r, rows: peersRows(r, versions, PEERS_BUDGETS.full),
  };
  assert.match(formatPeers(report), /\| BC: batches of 32 to the first evaluation[^|]*\| imitation 1\.0\.1 \| 300 \| 100 \| 3\.00× fewer \|/);
});

test("formatPeers prints a markdown table with the command; peersCsv quotes its cells", () => {
  const rows = peersRows(raw(), versions, PEERS_BUDGETS.full);
  const report: PeersReport = {
    date: "2026-12-02T07:00:00.000Z", quick: false, command: "npm run bench -- peers", cpuModel: "AMD EPYC, test", cores: 2, core: 0, seed: 0,
    load: { start: [1, 2, 3], end: [1, 2, 3] }, versions, budgets: PEERS_BUDGETS.full, raw: raw(), rows,
  };
  const text = formatPeers(report);
  assert.match(text, /^\| workload \| peer \| peer figure \| ganrl \| ratio \(CPU\) \| returns: peer \/ ganrl \|$/m);
  assert.equal(text.split("\n").filter((l) => l.startsWith("| ")).length, 1 + rows.length);
  assert.match(text, /Command: `npm run bench -- peers`/);
  assert.match(text, /\| 50× \(50×\) \|/);
  const csv = peersCsv(report).trim().split("\n");
  assert.equal(csv.length, 1 + rows.length);
  assert.ok(csv[1].includes('"AMD EPYC, test"'));
});

test("peersArgs: defaults, values, and bad values named with the fix", () => {
  assert.deepEqual(peersArgs(["peers"]), { quick: false, core: 0, seed: 0 });
  assert.deepEqual(peersArgs(["peers", "--quick", "--seed", "3"]), { quick: true, core: 0, seed: 3 });
  assert.throws(() => peersArgs(["--seed", "x"]), (e: unknown) => e instanceof GanrlError && /--seed needs a non-negative integer/.test(e.message));
  assert.throws(() => peersArgs(["--core", "999"]), (e: unknown) => e instanceof GanrlError && /--core 999 does not exist/.test(e.message));
});
