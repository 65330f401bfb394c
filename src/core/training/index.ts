// Public API of the training engine (used by the webview and the CLI).
export * from './types';
export { trainBatch } from './batchTrainer';
export { trainOnline } from './onlineTrainer';
export { selectBackend, type BackendEnvironment, type BackendPreference } from './backend';
export { closedFormLeastSquares, NormalEquations, type LeastSquaresSolution } from './closedForm';
export { affineScanBlock } from './affineScan';
export { registerOnlineKernels, ONLINE_GLM_KERNEL } from './onlineKernel';
export { SeededRandom, seededPermutation } from './rng';
export { resolveTask, lossName, type LossKind, type Task } from './task';
