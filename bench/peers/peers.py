"""The Python side of `npm run bench -- peers` (bench/peers.ts): one workload per process.

    python bench/peers/peers.py WORKLOAD --out result.json [options]

WORKLOAD is one of
  envs  raw stepping of Gymnasium environments (gym.make, its default wrappers), random actions
        drawn up front, reset when an episode ends; steps/s per repeat
  bc    imitation's BC (its defaults: FeedForward32Policy, Adam 1e-3, ent_weight 1e-3) on the ganrl
        demonstrations converted to imitation Trajectories, `--batches` batches of 32
  gail  imitation's GAIL with its documented CartPole settings (PPO batch 64, lr 4e-4, gamma 0.95,
        5 epochs, n_steps 2048 x 8 envs = 16,384 steps a round; BasicRewardNet + RunningNorm;
        8 discriminator updates a round, generator replay 512); the demonstration batch is
        min(1024, transitions) because imitation refuses a batch larger than the demonstrations
  ppo   stable-baselines3 PPO with the rl-zoo CartPole-v1 settings (8 envs, n_steps 32, batch 256,
        20 epochs, lambda 0.8, gamma 0.98, lr and clip linear from 1e-3 and 0.2)

Every timing is given as wall seconds (perf_counter) and CPU seconds of this process
(process_time); evaluation is timed apart and excluded. torch runs on one thread (the caller also
sets OMP_NUM_THREADS=1 and pins the process with taskset). The result (with the versions) is
written as JSON to --out; nothing on stdout is parsed.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # already set by an import
    pass

import gymnasium as gym  # noqa: E402


class Clock:
    """Wall and CPU seconds since construction (or the last `lap`)."""

    def __init__(self):
        self.w0 = time.perf_counter()
        self.c0 = time.process_time()

    def read(self):
        return time.perf_counter() - self.w0, time.process_time() - self.c0


def versions():
    import importlib.metadata as md

    out = {"python": platform.python_version(), "torch": torch.__version__, "torchThreads": torch.get_num_threads()}
    for pkg in ["gymnasium", "stable-baselines3", "imitation", "numpy"]:
        out[pkg] = md.version(pkg)
    return out


def load_ganrl_demos(path, env_id):
    """The ganrl-demos/1 file at `path` (lib/data/trajectories.ts) as imitation TrajectoryWithRew."""
    from imitation.data.types import TrajectoryWithRew

    with open(path) as f:
        d = json.load(f)
    if d.get("format") != "ganrl-demos/1":
        sys.exit(f"peers.py: {path} has format {d.get('format')!r}, expected 'ganrl-demos/1'")
    if d.get("envId") != env_id:
        sys.exit(f"peers.py: {path} holds {d.get('envId')} demonstrations, not {env_id}")
    trajs = []
    for i, t in enumerate(d["trajectories"]):
        obs = np.asarray(t["obs"], dtype=np.float32)
        acts = np.asarray(t["actions"], dtype=np.int64)
        rews = np.asarray(t["rewards"], dtype=np.float32)
        if obs.shape != (len(acts) + 1, d["obsDim"]) or rews.shape != acts.shape:
            sys.exit(f"peers.py: {path}, trajectory {i}: obs {obs.shape}, actions {acts.shape}, rewards {rews.shape} do not fit T+1, T, T")
        # imitation's `terminal`: the episode ended in a terminal state (not cut by the time limit)
        trajs.append(TrajectoryWithRew(obs=obs, acts=acts, infos=None, terminal=bool(t["terminated"]), rews=rews))
    return trajs


def evaluate(policy, env_id, episodes, seed):
    """Mean and std of `episodes` deterministic returns; episode i resets with seed + i."""
    env = gym.make(env_id)
    returns = []
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        total, done = 0.0, False
        while not done:
            action, _ = policy.predict(obs, deterministic=True)
            obs, r, term, trunc, _ = env.step(int(action))
            total += float(r)
            done = term or trunc
        returns.append(total)
    env.close()
    return float(np.mean(returns)), float(np.std(returns))


def bench_envs(a):
    rows = []
    for env_id in a.envs.split(","):
        env = gym.make(env_id)
        n = int(env.action_space.n)
        rng = np.random.default_rng(a.seed)
        runs = []
        for rep in range(-1, a.repeats):  # rep -1: untimed warm-up of steps/10
            count = a.steps if rep >= 0 else max(1, a.steps // 10)
            actions = rng.integers(n, size=count).tolist()
            env.reset(seed=a.seed + rep + 1)
            step, reset = env.step, env.reset
            c = Clock()
            for act in actions:
                _, _, term, trunc, _ = step(act)
                if term or trunc:
                    reset()
            wall, cpu = c.read()
            if rep >= 0:
                runs.append({"wall": wall, "cpu": cpu, "stepsPerSec": count / wall, "stepsPerCpuSec": count / cpu})
        env.close()
        rows.append({"env": env_id, "steps": a.steps, "runs": runs})
    return {"rows": rows}


def make_bc(a):
    """imitation's BC with its defaults on the ganrl demonstrations, batches of 32; (trainer, transitions)."""
    from imitation.algorithms import bc
    from imitation.data import rollout

    trajs = load_ganrl_demos(a.demos, a.env)
    transitions = rollout.flatten_trajectories(trajs)
    env = gym.make(a.env)
    torch.manual_seed(a.seed)
    trainer = bc.BC(
        observation_space=env.observation_space,
        action_space=env.action_space,
        demonstrations=transitions,
        rng=np.random.default_rng(a.seed),
        batch_size=32,
        device="cpu",
    )
    return trainer, transitions


def bench_bc(a):
    trainer, transitions = make_bc(a)
    c = Clock()
    trainer.train(n_batches=a.batches, progress_bar=False)
    wall, cpu = c.read()
    mean, std = evaluate(trainer.policy, a.env, a.eval_episodes, 0)
    return {"transitions": len(transitions), "batches": a.batches, "batchSize": 32, "wall": wall, "cpu": cpu, "evalReturn": mean, "evalReturnStd": std}


def bench_bc_curve(a):
    """BC to a return: the same BC as bench_bc, trained `eval_every` batches at a time; after each
    block the current policy plays `eval_episodes` deterministic episodes (seeds eval_seed + i),
    timed apart; stops at the first evaluation >= `threshold` or after `batches` batches."""
    trainer, _ = make_bc(a)
    wall = cpu = 0.0
    done, evals, reached = 0, [], None
    while done < a.batches:
        n = min(a.eval_every, a.batches - done)
        c = Clock()
        trainer.train(n_batches=n, progress_bar=False)
        w, u = c.read()
        wall, cpu, done = wall + w, cpu + u, done + n
        mean, _ = evaluate(trainer.policy, a.env, a.eval_episodes, a.eval_seed)
        evals.append({"batches": done, "evalReturn": mean, "trainWall": wall, "trainCpu": cpu})
        if mean >= a.threshold:
            reached = evals[-1]
            break
    return {"batchSize": 32, "evalEvery": a.eval_every, "threshold": a.threshold, "evals": evals, "reached": reached}


def bench_gail(a):
    from imitation.algorithms.adversarial.gail import GAIL
    from imitation.data.wrappers import RolloutInfoWrapper
    from imitation.rewards.reward_nets import BasicRewardNet
    from imitation.util.networks import RunningNorm
    from imitation.util.util import make_vec_env
    from stable_baselines3 import PPO
    from stable_baselines3.ppo import MlpPolicy

    trajs = load_ganrl_demos(a.demos, a.env)
    n_transitions = sum(len(t.acts) for t in trajs)
    venv = make_vec_env(a.env, rng=np.random.default_rng(a.seed), n_envs=8, post_wrappers=[lambda env, _: RolloutInfoWrapper(env)])
    learner = PPO(env=venv, policy=MlpPolicy, batch_size=64, ent_coef=0.0, learning_rate=0.0004, gamma=0.95, n_epochs=5, seed=a.seed, device="cpu")
    reward_net = BasicRewardNet(observation_space=venv.observation_space, action_space=venv.action_space, normalize_input_layer=RunningNorm)
    demo_batch = min(1024, n_transitions)
    trainer = GAIL(
        demonstrations=trajs,
        demo_batch_size=demo_batch,
        gen_replay_buffer_capacity=512,
        n_disc_updates_per_round=8,
        venv=venv,
        gen_algo=learner,
        reward_net=reward_net,
        allow_variable_horizon=True,
    )
    per_round = trainer.gen_train_timesteps
    if a.eval_every % per_round != 0:
        sys.exit(f"peers.py: --eval-every {a.eval_every} is not a multiple of imitation's round of {per_round} steps")
    evals = []
    eval_wall = [0.0, 0.0]
    clock = []

    def callback(r):
        step = (r + 1) * per_round
        if step % a.eval_every == 0:
            tw, tc = clock[0].read()
            c = Clock()
            mean, std = evaluate(learner.policy, a.env, a.eval_episodes, a.eval_seed)
            w, cp = c.read()
            # training time so far, earlier evaluations excluded
            evals.append({"step": step, "return": mean, "std": std, "trainWall": tw - eval_wall[0], "trainCpu": tc - eval_wall[1]})
            eval_wall[0] += w
            eval_wall[1] += cp

    c = Clock()
    clock.append(c)
    trainer.train(a.steps, callback=callback)
    wall, cpu = c.read()
    steps = (a.steps // per_round) * per_round
    return {
        "transitions": n_transitions,
        "demoBatchSize": demo_batch,
        "stepsPerRound": per_round,
        "steps": steps,
        "wall": wall,
        "cpu": cpu,
        "evalWall": eval_wall[0],
        "evalCpu": eval_wall[1],
        "stepsPerSec": steps / (wall - eval_wall[0]),
        "stepsPerCpuSec": steps / (cpu - eval_wall[1]),
        "evals": evals,
    }


def bench_ppo(a):
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    venv = make_vec_env(a.env, n_envs=8, seed=a.seed)
    lin = lambda v: (lambda progress: progress * v)  # rl-zoo's lin_<v>: progress_remaining 1 -> 0
    model = PPO(
        "MlpPolicy", venv, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20, ent_coef=0.0,
        learning_rate=lin(1e-3), clip_range=lin(0.2), seed=a.seed, device="cpu",
    )
    c = Clock()
    model.learn(a.steps)
    wall, cpu = c.read()
    mean, std = evaluate(model.policy, a.env, a.eval_episodes, 0)
    return {"steps": int(model.num_timesteps), "wall": wall, "cpu": cpu, "evalReturn": mean, "evalReturnStd": std}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload", choices=["envs", "bc", "bc-curve", "gail", "ppo"])
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--env", default="CartPole-v1")
    p.add_argument("--envs", default="CartPole-v1,Acrobot-v1,MountainCar-v0")
    p.add_argument("--steps", type=int, default=200_000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--demos")
    p.add_argument("--batches", type=int, default=5000)
    p.add_argument("--eval-episodes", type=int, default=10)
    p.add_argument("--eval-every", type=int, default=16384)
    p.add_argument("--eval-seed", type=int, default=10_000)
    p.add_argument("--threshold", type=float, default=475.0)
    a = p.parse_args()
    if a.workload in ("bc", "bc-curve", "gail") and not a.demos:
        sys.exit("peers.py: --demos FILE (a ganrl-demos/1 file) is required for bc and gail")
    t0 = time.time()
    result = {"bc": bench_bc, "bc-curve": bench_bc_curve, "envs": bench_envs, "gail": bench_gail, "ppo": bench_ppo}[a.workload](a)
    result.update({"workload": a.workload, "versions": versions(), "seconds": time.time() - t0, "affinity": sorted(os.sched_getaffinity(0))})
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
