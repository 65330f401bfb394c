"""Real-GPU check of the idea behind the WebGL online path (run on a CUDA machine, not in CI).

One SGD update per sample on squared loss, w <- (I - a x x^T) w + a y x, is an affine map of w.
Maps compose associatively, so a chunk of K sequential updates can be reduced in log2(K) rounds of
batched small matrix products: GPU work. This measures that reduction (float32, on the GPU)
against the sequential float64 loop (CPU, numpy) on 2^20 x 16 data: speed and agreement.
"""
import time

import numpy as np
import torch

rows, features, lr, chunk = 1 << 20, 16, 0.002, 1024  # rows: a whole number of chunks
rng = np.random.default_rng(42)
x = rng.uniform(-1, 1, size=(rows, features)).astype(np.float32)
true_w = rng.normal(size=features)
y = (x @ true_w + 4 + rng.normal(size=rows)).astype(np.float32)
xb = np.hstack([x, np.ones((rows, 1), np.float32)])  # bias as a last constant feature
d = features + 1

# Sequential reference, float64, one update per sample in order.
t0 = time.perf_counter()
w_ref = np.zeros(d)
for i in range(rows):
    xi = xb[i].astype(np.float64)
    w_ref -= lr * (xi @ w_ref - y[i]) * xi
cpu_s = time.perf_counter() - t0

dev = torch.device("cuda")
X = torch.from_numpy(xb).to(dev)
Y = torch.from_numpy(y).to(dev)


def scan_chunks(X, Y):
    n = X.shape[0] // chunk * chunk
    Xc = X[:n].reshape(-1, chunk, d)
    Yc = Y[:n].reshape(-1, chunk)
    eye = torch.eye(d, device=dev)
    # per-sample maps: A = I - lr x x^T, b = lr y x   (shape [chunks, chunk, d, d] and [.., d])
    A = eye - lr * Xc.unsqueeze(-1) * Xc.unsqueeze(-2)
    b = lr * Yc.unsqueeze(-1) * Xc
    # compose pairs: (A2, b2) after (A1, b1) = (A2 A1, A2 b1 + b2), log2(chunk) rounds
    while A.shape[1] > 1:
        A1, A2 = A[:, 0::2], A[:, 1::2]
        b1, b2 = b[:, 0::2], b[:, 1::2]
        A = A2 @ A1
        b = (A2 @ b1.unsqueeze(-1)).squeeze(-1) + b2
    A, b = A[:, 0], b[:, 0]
    w = torch.zeros(d, device=dev)
    for k in range(A.shape[0]):  # chunks in stream order
        w = A[k] @ w + b[k]
    return w


scan_chunks(X[: chunk * 8], Y[: chunk * 8])  # warm-up (kernels, cuBLAS handles)
torch.cuda.synchronize()
t0 = time.perf_counter()
w_gpu = scan_chunks(X, Y)
torch.cuda.synchronize()
gpu_s = time.perf_counter() - t0
w_gpu = w_gpu.double().cpu().numpy()
rel = np.max(np.abs(w_gpu - w_ref) / np.maximum(np.abs(w_ref), 1e-3))
print(f"device: {torch.cuda.get_device_name(0)}")
print(f"sequential float64 (numpy loop, CPU): {rows / cpu_s:,.0f} samples/s")
print(f"affine-map scan float32 (GPU, chunk {chunk}): {rows / gpu_s:,.0f} samples/s  ({cpu_s / gpu_s:,.1f}x)")
print(f"max relative difference of the final weights: {rel:.2e}")
