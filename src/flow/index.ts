/** The bot format: loading, validation and the JSON Schema for editors. */
export { loadBotFile, loadBotText, type LoadResult } from './load.ts';
export { validateBot, type ValidateResult } from './validate.ts';
export { formatProblem, hasErrors, problemMessage, PROBLEM_CODES, type Problem, type ProblemCode } from './problem.ts';
export { botJsonSchema } from './json-schema.ts';
export type { Bot } from './bot-schema.ts';
