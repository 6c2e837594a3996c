"""cnn_torch: training throughput of the bench/cnn.sh architecture in PyTorch.

Usage: cnn_torch.py POS.fa NEG.fa THREADS EPOCHS [TEST_POS.fa TEST_NEG.fa]
  -> prints "sequences/s sequences/CPU-s test_auROC" (auROC NaN without test
  files); CPU seconds are the process's, all threads, over the training loop.
One-hot DNA (N: all zero) -> Conv1d(4, 32, 19) -> ReLU -> global max pool ->
Linear(32, 1) -> BCE with logits; AdamW (lr 1e-3, weight decay 1e-4), batch
64, EPOCHS epochs in a seeded order; only the training loop is timed, as the
`train_seq_per_s` of `tessera train` (forward, backward, optimiser step).
auROC is the Mann-Whitney statistic with midranks, as tessera's.
Run by bench/cnn.sh only when /usr/bin/python3 can import torch.
"""
import sys
import time

import torch


def read_fasta(path):
    seqs, cur = [], []
    with open(path) as f:
        for line in f:
            if line.startswith(">"):
                if cur:
                    seqs.append("".join(cur))
                cur = []
            else:
                cur.append(line.strip())
    if cur:
        seqs.append("".join(cur))
    return seqs


def one_hot(seqs):
    code = {"A": 0, "C": 1, "G": 2, "T": 3}
    x = torch.zeros(len(seqs), 4, len(seqs[0]))
    for i, s in enumerate(seqs):
        for j, c in enumerate(s.upper()):
            b = code.get(c)
            if b is not None:
                x[i, b, j] = 1
    return x


def auroc(score, label):
    order = torch.argsort(score)
    s = score[order]
    ranks = torch.empty(len(s), dtype=torch.float64)
    i = 0
    while i < len(s):  # midranks of tied scores
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    lab = label[order]
    n_pos = float(lab.sum())
    n_neg = len(lab) - n_pos
    return float((ranks[lab == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main():
    pos, neg, threads, epochs = read_fasta(sys.argv[1]), read_fasta(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = one_hot(pos + neg)
    y = torch.cat([torch.ones(len(pos)), torch.zeros(len(neg))])
    net = torch.nn.Sequential(torch.nn.Conv1d(4, 32, 19), torch.nn.ReLU(), torch.nn.AdaptiveMaxPool1d(1),
                              torch.nn.Flatten(), torch.nn.Linear(32, 1))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    n, batch = len(y), 64
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        order = torch.randperm(n)
        for b in range(0, n, batch):
            idx = order[b:b + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]).squeeze(1), y[idx])
            loss.backward()
            opt.step()
    rate = n * epochs / (time.perf_counter() - t0)
    rate_cpu = n * epochs / (time.process_time() - c0)
    auc = float("nan")
    if len(sys.argv) > 6:
        tp, tn = read_fasta(sys.argv[5]), read_fasta(sys.argv[6])
        with torch.no_grad():
            score = net(one_hot(tp + tn)).squeeze(1)
        auc = auroc(score, torch.cat([torch.ones(len(tp)), torch.zeros(len(tn))]))
    print("%.0f %.0f %.4f" % (rate, rate_cpu, auc))


if __name__ == "__main__":
    main()
