/**
 * Exercises of the derivation notebooks (01–05) and `check(id, answer)`, which tells a right
 * answer from a wrong one. Every expected value is computed here, when `check` is called, by the
 * same library functions the notebooks use (nothing is stored), so an exercise stays right when
 * the library changes. The notebooks' exercise cells carry the tag `exercise`; the worked
 * solutions are in `notebooks/solutions/`, which run every check with `{ strict: true }`.
 */
import { GanrlError, Rng } from "../core";
import {
  randomMDP, softValueIteration, evaluatePolicy, occupancyMeasure, finiteHorizonReturn, sampleTrajectories,
  behaviouralCloning, tightrope, tightropeExpert, gridworld, randomPolicy, minimisePolicyObjective, l1Distance,
  psiGAConjugate, optimalDiscriminator, rewardSlope, tabularGail, TabularMDP, Policy,
} from "../tabular";
import { showMarkdown } from "../viz";
import { EXERCISES_06 } from "./exercises-06";
import { EXERCISES_07 } from "./exercises-07";
import { EXERCISES_08 } from "./exercises-08";
import { EXERCISES_09 } from "./exercises-09";
import { EXERCISES_10 } from "./exercises-10";
import { EXERCISES_11 } from "./exercises-11";
import { EXERCISES_12 } from "./exercises-12";
import { EXERCISES_13 } from "./exercises-13";

/** One exercise: where it is, what it asks, how to compute its answer, how close an answer must be. */
export interface Exercise {
  /** "<notebook>.<n>", e.g. "01.1". */
  id: string;
  /** What the student computes, in one sentence (the notebook states it in full). */
  task: string;
  /** The expected answer, computed with the library. */
  expected: () => number;
  /** Largest accepted relative error |answer − expected| / max(|expected|, 1e-12). */
  relTol: number;
  /** Shown after a wrong answer. */
  hint: string;
}

/** The shared 5-state, 3-action MDP of notebooks 01 and 03–05. */
function sharedMDP(): TabularMDP {
  return randomMDP({ nStates: 5, nActions: 3, seed: 0 });
}

/** The notebooks' expert on the shared MDP: soft-optimal for the reward 5·r at discount γ. */
function sharedExpert(mdp: TabularMDP, gamma: number): Policy {
  return softValueIteration(mdp, gamma, mdp.r.map((row) => row.map((x) => 5 * x))).pi;
}

/** The uniform policy on `nS` states and `nA` actions. */
function uniform(nS: number, nA: number): Policy {
  return Array.from({ length: nS }, () => Array.from({ length: nA }, () => 1 / nA));
}

/** Notebook 01's tightrope: BC from 5 expert demonstrations of 20 steps, add-0.1 smoothing, rope length 10. */
function tightropeBC(): { expert: Policy; bc: Policy; length: number } {
  const length = 10;
  const expert = tightropeExpert(length);
  const demos = sampleTrajectories(tightrope({ length }), expert, 20, 5, new Rng(0));
  return { expert, bc: behaviouralCloning(demos, length + 1, 2, { smoothing: 0.1 }), length };
}

/** Every exercise, by id. */
export const EXERCISES: readonly Exercise[] = Object.freeze([
  {
    id: "01.1",
    task: "J(π_E) at γ = 0.5 for the expert of notebook 01 (soft-optimal for 5r at γ = 0.9)",
    expected: () => {
      const mdp = sharedMDP();
      return evaluatePolicy(mdp, sharedExpert(mdp, 0.9), 0.5).J;
    },
    relTol: 1e-6,
    hint: "keep π_E from the notebook (computed at γ = 0.9) and only evaluate it at γ = 0.5: evaluatePolicy(mdp, piE, 0.5).J",
  },
  {
    id: "01.2",
    task: "BC's cost gap J_T(π_E) − J_T(π_BC) on the tightrope without recovery, at T = 100",
    expected: () => {
      const { expert, bc, length } = tightropeBC();
      const m = tightrope({ length, recover: 0 });
      return finiteHorizonReturn(m, expert, 100) - finiteHorizonReturn(m, bc, 100);
    },
    relTol: 1e-6,
    hint: "use the notebook's costGap(ropeNoRec, T), or the closed form T − (1 − (1 − ε)^T)/ε with the learned ε",
  },
  {
    id: "02.1",
    task: "the total mass Σ ρ_π(s, a) of notebook 02's random gridworld policy at γ = 0.95",
    expected: () => {
      const grid = gridworld({ width: 4, height: 4, slip: 0.2 });
      return occupancyMeasure(grid, randomPolicy(16, 5, 1), 0.95).flat().reduce((u, v) => u + v, 0);
    },
    relTol: 1e-9,
    hint: "the entries of ρ_π sum to Σ_t γ^t",
  },
  {
    id: "02.2",
    task: "J(π) of notebook 02's random gridworld policy at γ = 0.9, computed as ⟨ρ_π, r⟩",
    expected: () => {
      const grid = gridworld({ width: 4, height: 4, slip: 0.2 });
      return evaluatePolicy(grid, randomPolicy(16, 5, 1), 0.9).J;
    },
    relTol: 1e-9,
    hint: "expectedUnderOccupancy(occupancyMeasure(grid, pi, 0.9), grid.r)",
  },
  {
    id: "03.1",
    task: "‖ρ* − ρ_E‖₁ for the minimiser ρ* of −H(π) + ‖ρ_π − ρ_E‖²/(2α) with α = 2 (notebook 03's MDP and expert)",
    expected: () => {
      const mdp = sharedMDP();
      const rhoE = occupancyMeasure(mdp, sharedExpert(mdp, 0.9), 0.9);
      const alpha = 2;
      const objective = (rho: number[][]) => {
        let value = 0;
        const grad = rho.map((row, s) => row.map((x, a) => { const d = x - rhoE[s][a]; value += (d * d) / (2 * alpha); return d / alpha; }));
        return { value, grad };
      };
      return l1Distance(minimisePolicyObjective({ mdp, gamma: 0.9, objective }).rho, rhoE);
    },
    relTol: 1e-3,
    hint: "psiStarL2(2) from the notebook is the objective; minimisePolicyObjective({ mdp, gamma, objective }).rho is ρ*",
  },
  {
    id: "03.2",
    task: "min_π −H(π) + E_π[c] with c = −r on notebook 03's MDP at γ = 0.5",
    expected: () => -softValueIteration(sharedMDP(), 0.5, sharedMDP().r).J,
    relTol: 1e-6,
    hint: "soft value iteration with reward −c = r gives J = Σ p0 V = max_π E_π[r] + H(π); the minimum asked for is −J",
  },
  {
    id: "04.1",
    task: "ψ_GA*(ρ_π − ρ_E) at γ = 0.5 for the uniform policy, with ρ_E the occupancy of the expert soft-optimal for 5r at γ = 0.5",
    expected: () => {
      const mdp = sharedMDP();
      const rhoE = occupancyMeasure(mdp, sharedExpert(mdp, 0.5), 0.5);
      const rhoPi = occupancyMeasure(mdp, uniform(5, 3), 0.5);
      return psiGAConjugate(rhoPi.map((row, s) => row.map((x, a) => x - rhoE[s][a])), rhoE).value;
    },
    relTol: 1e-6,
    hint: "(2 JS(p_π‖p_E) − log 4)/(1 − γ) with the normalised measures, or psiGAConjugate(rhoPi − rhoE, rhoE).value",
  },
  {
    id: "04.2",
    task: "the optimal discriminator D_E*(s = 0, a = 0) for the uniform policy at γ = 0.9 (notebook 04's MDP and expert)",
    expected: () => {
      const mdp = sharedMDP();
      const rhoE = occupancyMeasure(mdp, sharedExpert(mdp, 0.9), 0.9);
      return optimalDiscriminator(rhoE, occupancyMeasure(mdp, uniform(5, 3), 0.9))[0][0];
    },
    relTol: 1e-9,
    hint: "D_E* = ρ_E/(ρ_E + ρ_π), pair by pair",
  },
  {
    id: "05.1",
    task: "the slope dr/dℓ of the reward −log(1 − D_E) at ℓ = −3",
    expected: () => rewardSlope("neglog1mD", -3),
    relTol: 1e-9,
    hint: "−log(1 − σ(ℓ)) = softplus(ℓ), whose derivative is σ(ℓ)",
  },
  {
    id: "05.2",
    task: "‖ρ_π − ρ_E‖₁ after notebook 05's tabular GAIL run (300 iterations, 5 discriminator steps, policyLr 1) with the reward log D_E instead of −log(1 − D_E)",
    expected: () => {
      const mdp = sharedMDP();
      const rhoE = occupancyMeasure(mdp, sharedExpert(mdp, 0.9), 0.9);
      const g = tabularGail({ mdp, gamma: 0.9, rhoE, iterations: 300, discSteps: 5, policyLr: 1, reward: "logD" });
      return l1Distance(g.rho, rhoE);
    },
    relTol: 1e-6,
    hint: "tabularGail({ ..., reward: \"logD\" }), then l1Distance(result.rho, rhoE)",
  },
  ...EXERCISES_06,
  ...EXERCISES_07,
  ...EXERCISES_08,
  ...EXERCISES_09,
  ...EXERCISES_10,
  ...EXERCISES_11,
  ...EXERCISES_12,
  ...EXERCISES_13,
]);

/** The exercise with this id, or a GanrlError listing the valid ids. */
export function exercise(id: string): Exercise {
  const e = EXERCISES.find((x) => x.id === id);
  if (!e) throw new GanrlError(`unknown exercise '${id}'; valid ids: ${EXERCISES.map((x) => x.id).join(", ")}`);
  return e;
}

/** The outcome of a check. */
export interface CheckResult {
  id: string;
  /** The answer is within the exercise's tolerance of the expected value. */
  ok: boolean;
  /** Still NaN (or undefined): the exercise cell has not been filled in. */
  unanswered: boolean;
  /** What the student is told. */
  message: string;
}

/** The verdict on `answer` to exercise `id`, without showing it (what `check` shows). */
export function checkAnswer(id: string, answer: unknown): CheckResult {
  const e = exercise(id);
  if (answer === undefined || (typeof answer === "number" && Number.isNaN(answer))) {
    return { id, ok: false, unanswered: true, message: `Exercise ${id}: not answered yet — replace NaN in the exercise cell by your computation of ${e.task}.` };
  }
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    return { id, ok: false, unanswered: false, message: `Exercise ${id}: the answer must be a finite number, got ${typeof answer === "number" ? String(answer) : typeof answer}.` };
  }
  const expected = e.expected();
  const rel = Math.abs(answer - expected) / Math.max(Math.abs(expected), 1e-12);
  return rel <= e.relTol
    ? { id, ok: true, unanswered: false, message: `Exercise ${id}: ✓ right (${answer}).` }
    : { id, ok: false, unanswered: false, message: `Exercise ${id}: ✗ not right yet (relative error ${rel.toExponential(1)}). Hint: ${e.hint}.` };
}

/**
 * Checks `answer` to exercise `id` and shows the verdict (Markdown in a notebook, text elsewhere);
 * returns nothing, so a notebook cell ending in `check(…)` shows only the verdict. With
 * `strict: true` (the solutions), a wrong or missing answer throws a GanrlError.
 */
export function check(id: string, answer: unknown, opts: { strict?: boolean } = {}): void {
  const result = checkAnswer(id, answer);
  showMarkdown(result.ok ? `**${result.message}**` : result.message);
  if (opts.strict && !result.ok) throw new GanrlError(result.message);
}
