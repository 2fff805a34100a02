import { z } from 'zod';
import type { Outcome, OutcomeName, Outputs } from '../vocabulary/outcome.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName, type Variables } from '../vocabulary/variables.ts';
import { blockId, type BlockDefinition, type Edge, type FieldsOf, type IntegrationSpec, type PortDecl, type Settled, type StepContext } from './block.ts';
import type { Label } from './fields.ts';
import { OUTCOME_LABELS } from './labels.ts';
import { templateUses } from './template-uses.ts';

/** A map of extra service fields (`Lead_Source: Chat`), each value a template. */
export const templateMap = z.record(z.string().min(1), z.string());

type PortShape<P extends OutcomeName> = { [K in 'success' | 'failure' | P]: z.ZodOptional<typeof blockId> };

/**
 * `ports:` of an integration block. Every port is optional here so that the bot validator can say
 * "missing success port" in its own words; a port the block does not have is an unknown key.
 */
export function portsSchema<const P extends OutcomeName>(specific: readonly P[]): z.ZodObject<PortShape<P>, z.core.$strict> {
  const names = ['success', 'failure', ...specific];
  // fromEntries cannot carry the key types; PortShape is exactly what the entries hold.
  return z.strictObject(Object.fromEntries(names.map((port) => [port, blockId.optional()])) as PortShape<P>);
}

type SaveShape<O extends string> = { [K in O]: z.ZodOptional<typeof variableName> };

/** `save:` mapping the block's outputs (`id`, `number`) to variables. */
export function outputSaveSchema<const O extends string>(outputs: readonly O[]): z.ZodOptional<z.ZodObject<SaveShape<O>, z.core.$strict>> {
  return z.strictObject(Object.fromEntries(outputs.map((o) => [o, variableName.optional()])) as SaveShape<O>).optional();
}

/** What every integration block config holds besides its inputs. */
export interface IntegrationConfig {
  readonly type: string;
  readonly ports: Readonly<Partial<Record<string, string>>>;
}

export interface IntegrationBlock<Config extends IntegrationConfig, S, Req> {
  readonly type: Config['type'];
  readonly label: Label;
  readonly description: Label;
  readonly schema: S;
  /** Every key of the config, in form order; `ports` is always PORT. */
  readonly fields: FieldsOf<Config>;
  readonly integration: IntegrationSpec<Req>;
  /** Keys of the config whose values (strings, or maps and lists of them) are templates. */
  readonly inputs: readonly (keyof Config & string)[];
  /** The request sent to the connector, merge fields rendered. */
  render(config: Config, vars: Variables): Req;
  /** Variables the block's `save` fills on success and already_exists. */
  savedVariables(config: Config): readonly string[];
  /** Their values from the connector's outputs. */
  saved(config: Config, outputs: Outputs): Record<string, string>;
}

const SAVING_OUTCOMES: ReadonlySet<OutcomeName> = new Set(['success', 'already_exists']);

/**
 * The port an outcome takes: its own name when the block has that port and wires it, else
 * `failure` (advanced error handling left off). `success` always takes `success`.
 * A block type with no `already_exists` port at all (`crm.contact`) "associates" the record:
 * finding the visitor's existing contact is what its author asked for, so it takes `success`.
 */
export function portFor(ports: IntegrationConfig['ports'], specific: readonly OutcomeName[], outcome: OutcomeName): string {
  if (outcome === 'success' || outcome === 'failure') return outcome;
  if (outcome === 'already_exists' && !specific.includes(outcome)) return 'success';
  return specific.includes(outcome) && ports[outcome] !== undefined ? outcome : 'failure';
}

/** Maps `save: { output: variable }` onto the outputs; an output the service did not return saves ''. */
export function savedOutputs(save: Readonly<Partial<Record<string, string>>> | undefined, outputs: Outputs): Record<string, string> {
  const set: Record<string, string> = Object.create(null);
  if (save) {
    for (const [output, variable] of Object.entries(save)) {
      if (variable !== undefined) set[variable] = Object.hasOwn(outputs, output) ? outputs[output]! : '';
    }
  }
  return set;
}

export const renderAll = (map: Readonly<Record<string, string>>, vars: Variables): Record<string, string> => {
  const out: Record<string, string> = Object.create(null);
  for (const key in map) out[key] = render(map[key]!, vars);
  return out;
};

/** `success` and `failure`, then the block's specific outcomes (shown once the author turns them on). */
export const outcomePorts = (specific: readonly OutcomeName[]): PortDecl[] =>
  (['success', 'failure', ...specific] as const).map((name) => ({
    name,
    field: `ports.${name}`,
    label: OUTCOME_LABELS[name],
    advanced: name !== 'success' && name !== 'failure',
  }));

/** An integration block's definition: the optional integration parts of BlockDefinition are always there. */
export type IntegrationDefinition<Config extends IntegrationConfig, S> = BlockDefinition<Config> & {
  readonly schema: S;
  readonly integration: IntegrationSpec;
  settle(config: Config, outcome: Outcome): Settled;
};

/** The shared part of the six integration blocks: edges, templates, the effect, the outcome. */
export function defineIntegration<S extends z.ZodType<IntegrationConfig>, Req>(
  block: IntegrationBlock<z.output<S>, S, Req>,
): IntegrationDefinition<z.output<S>, S> {
  type Config = z.output<S>;
  const { specificPorts } = block.integration;
  return {
    type: block.type,
    category: 'integrations',
    label: block.label,
    description: block.description,
    fields: block.fields,
    ports: () => outcomePorts(specificPorts),
    // z.output<S> is by definition what S parses to; TypeScript cannot see that for a generic S.
    schema: block.schema as S & z.ZodType<Config>,
    integration: block.integration,
    edges(config: Config): Edge[] {
      const saved = block.savedVariables(config);
      return Object.entries(config.ports).flatMap(([port, target]) =>
        target === undefined ? [] : [{ port, field: `ports.${port}`, target, sets: SAVING_OUTCOMES.has(port as OutcomeName) ? saved : [] }],
      );
    },
    templates: (config: Config) => block.inputs.flatMap((key) => templateUses(key, config[key])),
    enter: (config: Config, ctx: StepContext) => ({ kind: 'effect', request: block.render(config, ctx.vars) }),
    settle(config: Config, outcome: Outcome): Settled {
      const port = portFor(config.ports, specificPorts, outcome.outcome);
      // Set on already_exists even when its port is not wired: the record exists and its id is real.
      const set = SAVING_OUTCOMES.has(outcome.outcome) && 'outputs' in outcome ? block.saved(config, outcome.outputs) : {};
      return { port, target: config.ports[port], set };
    },
  };
}
