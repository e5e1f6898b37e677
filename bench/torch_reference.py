#!/usr/bin/env python3
"""The lab's hot computations in PyTorch, for `npm run bench` to time side by side.

What a student would write instead of the lab: the same sizes and the same steps, in
plain PyTorch on the CPU with one thread (the lab's WASM backend runs on one thread too).

  ppo     one PPO iteration (bench/measure.ts's benchConfig with the PPO defaults):
          sample B = 64 responses (Gumbel-max, token by token), score them under π, π_ref,
          the value net and the reward MLP, per-token k1 penalty, GAE(γ = 1, λ = 0.95),
          whitening, then 4 epochs × 4 minibatches of the clipped policy + value loss with
          Adam on policy and value. Bandit: tabular policy (T = 1); helpful: the transformer
          (d = 32, one block, T = 4, V = 6).
  judge   one Bradley–Terry step of the reward MLP (bandit sizes, batch 256).

Every network carries the population axis P first, as in the lab (batched matmuls). Prints
one JSON object per line: {"what", "task", "P", "ms"} (median of `--measured` after
`--warmup`, or of more runs until `--min-ms` of them, at most `--max-measured`). Needs only torch; exits 3 when torch is missing, so the bench can say so.
"""
import argparse
import json
import math
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the bench prints "skipped" for these rows
    print(json.dumps({"error": "python3 cannot import torch"}))
    sys.exit(3)

TASKS = {"bandit": dict(n_prompts=3, V=6, T=1), "helpful": dict(n_prompts=3, V=6, T=4)}


def normal(*dims, std):
    return (torch.randn(*dims) * std).requires_grad_()


def zeros(*dims):
    return torch.zeros(*dims, requires_grad=True)


def ones(*dims):
    return torch.ones(*dims, requires_grad=True)


class Transformer:
    """The lab's models/transformer.ts: pre-norm, single head, causal, P members."""

    def __init__(self, P, n_prompts, V, T, out, d=32):
        self.T, self.d = T, d
        self.params = [normal(P, V, d, std=0.3), normal(P, n_prompts, d, std=0.3), normal(P, T, d, std=0.1),
                       ones(P, 1, d), normal(P, d, d, std=d ** -0.5), normal(P, d, d, std=d ** -0.5),
                       normal(P, d, d, std=d ** -0.5), normal(P, d, d, std=0.5 * d ** -0.5), ones(P, 1, d),
                       normal(P, d, 4 * d, std=d ** -0.5), zeros(P, 1, 4 * d), normal(P, 4 * d, d, std=0.5 * (4 * d) ** -0.5),
                       zeros(P, 1, d), ones(P, 1, d), zeros(P, d, out), zeros(P, 1, out)]
        self.mask = torch.triu(torch.full((T, T), -1e9), 1)

    def __call__(self, prompts, tokens, params=None):
        tok, prm, pos, g1, Wq, Wk, Wv, Wo, g2, W1, b1, W2, b2, gf, Wout, bout = params or self.params
        P, B = prompts.shape
        T, d = self.T, self.d
        rows = torch.arange(P)[:, None]
        x = [prm[rows, prompts][:, :, None]]
        if T > 1:
            x.append(tok[rows[:, :, None], tokens[:, :, :-1]])
        x = (torch.cat(x, 2) + pos[:, None]).reshape(P, B * T, d)
        norm = lambda h, g: h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + 1e-5) * g
        h = norm(x, g1)
        q, k, v = ((h @ W).reshape(P * B, T, d) for W in (Wq, Wk, Wv))
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d) + self.mask, -1)
        x = x + (att @ v).reshape(P, B * T, d) @ Wo
        x = x + torch.relu(norm(x, g2) @ W1 + b1) @ W2 + b2
        return (norm(x, gf) @ Wout + bout).reshape(P, B, T, -1)


class Table:
    """The lab's models/tabular.ts for T = 1: one row of outputs per prompt."""

    def __init__(self, P, n_prompts, V, T, out):
        assert T == 1
        self.params = [zeros(P, n_prompts, out)]

    def __call__(self, prompts, tokens, params=None):
        table = (params or self.params)[0]
        return table[torch.arange(prompts.shape[0])[:, None], prompts][:, :, None]


class RewardMlp:
    """models/reward_mlp.ts: relu(W₁f + b₁)·w₂ + w_skip·f + b₂ on sparse one-hot (x, y) features."""

    def __init__(self, P, n_prompts, V, T, hidden=32):
        self.shape = (n_prompts, V, T)
        F_ = n_prompts + T * V + T * n_prompts * V
        self.params = [normal(P, F_, hidden, std=0.3), zeros(P, F_, 1), zeros(P, 1, hidden), normal(P, hidden, 1, std=0.1), zeros(P, 1, 1)]
        self.F = F_

    def __call__(self, prompts, tokens):
        n_prompts, V, T = self.shape
        t = torch.arange(T)
        idx = torch.cat([prompts[..., None], n_prompts + t * V + tokens, n_prompts + T * V + (prompts[..., None] * T + t) * V + tokens], 2)
        f = F.one_hot(idx, self.F).sum(2).float()
        W1, skip, b1, W2, b2 = self.params
        return (torch.relu(f @ W1 + b1) @ W2 + f @ skip + b2).squeeze(2)


def token_logp(logits, tokens):
    return torch.log_softmax(logits, -1).gather(-1, tokens[..., None]).squeeze(-1)


def per_member(x):
    return x.reshape(x.shape[0], -1).mean(1)


def ppo_iteration(policy, ref_params, value, reward, opt, beta, task, B=64, epochs=4, minibatches=4):
    n_prompts, V, T = task["n_prompts"], task["V"], task["T"]
    P = beta.shape[0]
    with torch.no_grad():
        # sample: Gumbel-max, token by token.
        prompts = torch.randint(n_prompts, (P, B))
        gumbel = -torch.log(-torch.log(torch.rand(P, B, T, V)))
        tokens = torch.zeros(P, B, T, dtype=torch.long)
        for t in range(T):
            tokens[:, :, t] = (policy(prompts, tokens)[:, :, t] + gumbel[:, :, t]).argmax(-1)
        # score
        logits, logits_ref = policy(prompts, tokens), policy(prompts, tokens, ref_params)
        logp_old, logp_ref = token_logp(logits, tokens), token_logp(logits_ref, tokens)
        values_old = value(prompts, tokens).squeeze(3)
        score = reward(prompts, tokens)
        # advantages: r_t = −β·k1_t, plus r_φ at the last token; GAE(γ = 1, λ = 0.95); whitened per member.
        kl = logp_old - logp_ref
        rewards = -beta[:, None, None] * kl
        rewards[:, :, -1] += score
        adv, last, next_value = torch.zeros_like(rewards), torch.zeros(P, B), torch.zeros(P, B)
        for t in reversed(range(T)):
            last = rewards[:, :, t] + next_value - values_old[:, :, t] + 0.95 * last
            adv[:, :, t], next_value = last, values_old[:, :, t]
        returns = adv + values_old
        m, s = adv.mean((1, 2), keepdim=True), adv.std((1, 2), unbiased=False, keepdim=True)
        A = (adv - m) / (s + 1e-8)
        logpi, logref = torch.log_softmax(logits, -1), torch.log_softmax(logits_ref, -1)
        stats = [per_member(score), (logpi.exp() * (logpi - logref)).sum(-1).sum(2).mean(1), per_member(kl.sum(2)),
                 -(logpi.exp() * logpi).sum(-1).sum(2).mean(1)]
    n = B // minibatches
    rows = torch.arange(P)[:, None]
    sums = torch.zeros(4, P)
    for _ in range(epochs):
        perm = torch.stack([torch.randperm(B) for _ in range(P)])
        for k in range(minibatches):
            i = perm[:, k * n:(k + 1) * n]
            x, y = prompts[rows, i], tokens[rows, i]
            logp = token_logp(policy(x, y), y)
            ratio = torch.exp(logp - logp_old[rows, i])
            a = A[rows, i]
            pg = torch.max(-a * ratio, -a * ratio.clamp(0.8, 1.2)).reshape(P, -1).mean(1)
            v = value(x, y).squeeze(3)
            v_old, R = values_old[rows, i], returns[rows, i]
            v_clipped = v_old + (v - v_old).clamp(-0.2, 0.2)
            vl = 0.5 * torch.max((v - R) ** 2, (v_clipped - R) ** 2).reshape(P, -1).mean(1)
            opt.zero_grad()
            (pg + 0.1 * vl).sum().backward()
            opt.step()
            with torch.no_grad():
                sums += torch.stack([pg, vl, ((ratio - 1).abs() > 0.2).float().reshape(P, -1).mean(1), (ratio - 1 - (logp - logp_old[rows, i])).reshape(P, -1).mean(1)])
    # One readback per iteration, as in the lab.
    return torch.cat(stats + [sums.flatten()]).tolist()


def bench_ppo(task_id, P, warmup, measured):
    task = TASKS[task_id]
    net = Transformer if task["T"] > 1 else Table
    policy = net(P, task["n_prompts"], task["V"], task["T"], task["V"])
    value = net(P, task["n_prompts"], task["V"], task["T"], 1)
    ref_params = [p.detach().clone() for p in policy.params]
    reward = RewardMlp(P, task["n_prompts"], task["V"], task["T"])
    for p in reward.params:
        p.requires_grad_(False)
    opt = torch.optim.Adam(policy.params + value.params, lr=0.01)
    beta = torch.tensor([0.01 * 100 ** (i / (P - 1)) if P > 1 else 0.01 for i in range(P)])
    return timed(lambda: ppo_iteration(policy, ref_params, value, reward, opt, beta, task), warmup, measured)


def bench_judge(P, warmup, measured, batch=256, n_train=2048):
    task = TASKS["bandit"]
    reward = RewardMlp(P, task["n_prompts"], task["V"], task["T"])
    opt = torch.optim.Adam(reward.params, lr=0.01)
    prompts = torch.randint(task["n_prompts"], (P, n_train))
    chosen = torch.randint(task["V"], (P, n_train, task["T"]))
    rejected = torch.randint(task["V"], (P, n_train, task["T"]))
    rows = torch.arange(P)[:, None]

    def step():
        i = torch.stack([torch.randperm(n_train)[:batch] for _ in range(P)])
        x = prompts[rows, i]
        loss = F.softplus(reward(x, rejected[rows, i]) - reward(x, chosen[rows, i])).mean(1)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()

    return timed(step, warmup, measured)


# Set from the command line: keep timing past `measured` runs until MIN_MS of them, at most
# MAX_MEASURED runs (bench/measure.ts's timeRuns samples the same way).
MIN_MS = 0.0
MAX_MEASURED = 100


def timed(fn, warmup, measured):
    for _ in range(warmup):
        fn()
    ms = []
    while len(ms) < measured or (sum(ms) < MIN_MS and len(ms) < MAX_MEASURED):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--populations", default="1,4,16")
    parser.add_argument("--tasks", default="bandit,helpful")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--measured", type=int, default=5)
    parser.add_argument("--min-ms", type=float, default=0.0)
    parser.add_argument("--max-measured", type=int, default=100)
    args = parser.parse_args()
    global MIN_MS, MAX_MEASURED
    MIN_MS, MAX_MEASURED = args.min_ms, args.max_measured
    torch.set_num_threads(1)
    torch.manual_seed(0)
    populations = [int(p) for p in args.populations.split(",")]
    for task in args.tasks.split(","):
        for P in populations:
            print(json.dumps({"what": "ppo", "task": task, "P": P, "ms": bench_ppo(task, P, args.warmup, args.measured)}), flush=True)
    for P in populations:
        print(json.dumps({"what": "judge", "task": "bandit", "P": P, "ms": bench_judge(P, args.warmup * 5, args.measured * 5)}), flush=True)


if __name__ == "__main__":
    main()
