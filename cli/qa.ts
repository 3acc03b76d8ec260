// `roberta qa`: extractive question answering — the span of a context that answers a question.

import { pipeline } from '../pipelines/pipeline.js';
import { flagIsSet, integerFlag, optionalString, requireString } from './args.js';
import { UsageError, type CliCommand, type CommandIO, type ParsedArgs } from './command.js';
import { backendPreference, COMMON_FLAGS, MODEL_FLAGS, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';

/** The context: --context, else all of stdin (a context is a passage, not one line). */
async function readContext(args: ParsedArgs, io: CommandIO): Promise<string> {
  const flag = optionalString(args, 'context');
  if (flag !== undefined) return flag;
  const stdin = io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (stdin.isTTY) throw new UsageError('give the context with --context, or on stdin');
  let data = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) data += chunk as string;
  const context = data.replace(/\r?\n$/, '');
  if (context.length === 0) throw new UsageError('no context given (--context or stdin)');
  return context;
}

export const qaCommand: CliCommand = {
  name: 'qa',
  summary: 'answer a question from a context with a question-answering model',
  usage: ['qa --model ID|DIR --question Q --context C [--top-k K] [--json]', 'qa --model ID|DIR --question Q < context.txt'],
  examples: ['roberta qa --model deepset/roberta-base-squad2 --question "Where do I live?" --context "My name is Wolfgang and I live in Berlin."'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id (a RobertaForQuestionAnswering)' },
    question: { type: 'string', description: 'the question' },
    context: { type: 'string', description: 'the passage holding the answer (default: all of stdin)' },
    'top-k': { type: 'number', description: 'answers to show, best first', default: 1 },
    'handle-impossible-answer': { type: 'boolean', description: 'also offer "no answer" (empty, scored by <s>)' },
    'max-answer-len': { type: 'number', description: 'longest answer, in tokens', default: 15 },
    'max-seq-len': { type: 'number', description: 'tokens per window of a long context (default: min(384, what the model takes))' },
    'doc-stride': { type: 'number', description: 'tokens shared by consecutive windows (default: min(max-seq-len / 2, 128))' },
    json: { type: 'boolean', description: 'one JSON line: [{score, start, end, answer}]' },
    ...MODEL_FLAGS,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const question = requireString(args, 'question');
    const options = {
      topK: integerFlag(args, 'top-k', 1, 1),
      maxAnswerLen: integerFlag(args, 'max-answer-len', 15, 1),
      maxSeqLen: integerFlag(args, 'max-seq-len', undefined, 1),
      docStride: integerFlag(args, 'doc-stride', undefined, 0),
      handleImpossibleAnswer: flagIsSet(args, 'handle-impossible-answer'),
    };
    const backend = backendPreference(args);
    const context = await readContext(args, io);
    const dir = await resolveModel(args, io);
    const qa = await pipeline('question-answering', dir, { backend, log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const answers = await qa.run(question, context, options);
      if (flagIsSet(args, 'json')) io.stdout.write(`${JSON.stringify(answers)}\n`);
      else for (const a of answers) io.stdout.write(`${JSON.stringify(a.answer)}\t${a.score.toFixed(4)}\t${a.start}-${a.end}\n`);
      return 0;
    } finally {
      qa.dispose();
    }
  },
};
