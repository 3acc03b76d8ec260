// The training API for Node (file system: token cache, checkpoints), apart from index.ts, which is
// also the browser bundle. `roberta train` is built from these; a program can assemble its own run:
//
//   const data = await loadMaskedLmData({ textFiles: ['train.txt'], tokenizerDir, cacheDir, seqLen: 128, batchSize: 16, seed: 0, split: 'train' });
//   await runToFolder({ model, task: { data }, options, hyperparameters: {}, outDir, source: await folderSource(modelDir) }, { line: console.log, json: true });

export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { parseBatch, type Batch, type Labels } from './batch.js';
export { completeConfig, folderSource, saveCheckpoint, stateDict, type ModelFolderSource } from './checkpoint.js';
export { classificationTask, classifierConfig, loadClassificationData, type ClassificationDataOptions, type ClassificationDataset } from './classification/classificationTask.js';
export { EarlyStopping, EarlyStoppingRule } from './classification/earlyStopping.js';
export { evaluateClassifier, type ClassificationEvaluation } from './classification/evaluate.js';
export { modelMaxLength } from './classification/encodeExamples.js';
export { readExamples, type LabelledExample } from './classification/examples.js';
export { classificationMetrics, type ClassificationMetrics } from './classification/metrics.js';
export { loadMaskedLmData, EVAL_MASKING_SEED, type MaskedLmDataOptions } from './data/maskedLmData.js';
export { lossAndBackward } from './gradients.js';
export { train } from './loop.js';
export { modelLoss } from './modelLoss.js';
export { checkpointDir, saveTrainingCheckpoint } from './trainer/checkpointFolder.js';
export { evaluateLoss } from './trainer/evaluate.js';
export { runTraining, type ResumePoint, type ScheduleOptions, type StepReport, type TrainerEvents, type TrainOptions, type TrainResult } from './trainer/loop.js';
export { lossCurveSvg } from './trainer/lossCurve.js';
export { fixedBatches, type EvalMetrics, type LossFunction, type StoppingRule, type TrainingData, type TrainingTask } from './trainer/task.js';
export { initialTrainerState, readTrainerState, TrainerStateError, type TrainerState } from './trainer/trainerState.js';
export { runToFolder, type FinalReport, type RunOutput, type TrainingRun } from './trainer/trainingRun.js';
export { assertCanTrain, TrainingUnsupportedError } from './trainingOps.js';
