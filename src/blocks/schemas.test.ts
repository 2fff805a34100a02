import { describe, expect, it } from 'vitest';
import { BLOCKS, BLOCK_TYPES, type BlockConfig } from './index.ts';

/** A minimal valid block of each type. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  message: { type: 'message', text: 'Hi', next: 'b' },
  ask: { type: 'ask', kind: 'email', prompt: 'Email?', save: 'visitor.email', next: 'b' },
  choice: { type: 'choice', prompt: 'Pick', save: 'p', options: [{ label: 'A', value: 'a', next: 'b' }] },
  consent: { type: 'consent', text: 'We keep your details.', link: { url: 'https://example.com/privacy' }, next: 'b' },
  condition: { type: 'condition', rules: [], else: 'b' },
  set: { type: 'set', values: { x: '1' }, next: 'b' },
  goto: { type: 'goto', target: 'b' },
  end: { type: 'end' },
  handoff: { type: 'handoff', reason: 'human' },
  'crm.lead': { type: 'crm.lead', ports: { success: 'b', failure: 'c' } },
  'crm.contact': { type: 'crm.contact', ports: { success: 'b', failure: 'c' } },
  'crm.deal': { type: 'crm.deal', name: 'D', stage: 'S', ports: { success: 'b', failure: 'c' } },
  'helpdesk.ticket': { type: 'helpdesk.ticket', subject: 'S', ports: { success: 'b', failure: 'c' } },
  'mailing.subscribe': { type: 'mailing.subscribe', list: 'News', ports: { success: 'b', failure: 'c' } },
  webhook: { type: 'webhook', url: 'https://example.com', ports: { success: 'b', failure: 'c' } },
};

const parse = (block: Record<string, unknown>) => BLOCKS[block.type as keyof typeof BLOCKS].schema.safeParse(block);
const parsed = (block: Record<string, unknown>): BlockConfig => {
  const result = parse(block);
  if (!result.success) throw new Error(result.error.message);
  return result.data as BlockConfig;
};
const issuePaths = (block: Record<string, unknown>) => {
  const result = parse(block);
  return result.success ? [] : result.error.issues.map((i) => `${i.code}:${i.path.join('.')}`);
};

describe('the registry', () => {
  it('holds exactly the block types of the format, each under its own type', () => {
    expect(Object.keys(BLOCKS).sort()).toEqual([...BLOCK_TYPES].sort());
    for (const [type, def] of Object.entries(BLOCKS)) expect(def.type).toBe(type);
  });

  it.each(BLOCK_TYPES)('%s accepts its minimal form, name and position, and refuses an unknown key', (type) => {
    expect(parse(MINIMAL[type]!).success).toBe(true);
    expect(issuePaths({ ...MINIMAL[type]!, nxet: 'b' })).toEqual(['unrecognized_keys:']);
    expect(issuePaths({ ...MINIMAL[type]!, position: { x: 1, y: 2 } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL[type]!, position: { x: 1 } })).toEqual(['invalid_type:position.y']);
  });

  it('only integration blocks have an integration, and they settle outcomes', () => {
    for (const def of Object.values(BLOCKS)) {
      expect(def.integration !== undefined).toBe(def.category === 'integrations');
      expect('settle' in def).toBe(def.category === 'integrations');
      expect('answer' in def).toBe(def.category === 'inputs');
    }
  });
});

describe('block schemas', () => {
  it('applies the documented defaults', () => {
    expect(parsed(MINIMAL.ask!)).toMatchObject({ retries: 2 });
    expect(parsed(MINIMAL.choice!)).toMatchObject({ retries: 2 });
    expect(parsed(MINIMAL.consent!)).toMatchObject({ save: 'consent' });
    expect(parsed(MINIMAL['crm.lead']!)).toMatchObject({
      name: '%visitor.name%',
      email: '%visitor.email%',
      phone: '%visitor.phone%',
      company: '%visitor.company%',
      fields: {},
    });
    expect(parsed(MINIMAL['mailing.subscribe']!)).toMatchObject({ name: '%visitor.name%', email: '%visitor.email%', phone: '%visitor.phone%' });
    expect(parsed(MINIMAL.webhook!)).toMatchObject({ method: 'POST', headers: {}, save: {}, timeout_ms: 10_000 });
  });

  it('refuses an ask kind, retries or save variable outside the rules', () => {
    expect(issuePaths({ ...MINIMAL.ask!, kind: 'color' })).toEqual(['invalid_value:kind']);
    expect(issuePaths({ ...MINIMAL.ask!, retries: -1 })).toEqual(['too_small:retries']);
    expect(issuePaths({ ...MINIMAL.ask!, retries: 1.5 })).toEqual(['invalid_type:retries']);
    expect(issuePaths({ ...MINIMAL.ask!, save: 'Visitor Name' })).toEqual(['invalid_format:save']);
    expect(issuePaths({ ...MINIMAL.ask!, save: 'visitor.age' })).toEqual(['invalid_format:save']);
  });

  it('refuses a choice without options or with two options of the same value', () => {
    expect(issuePaths({ ...MINIMAL.choice!, options: [] })).toEqual(['too_small:options']);
    expect(
      issuePaths({
        ...MINIMAL.choice!,
        options: [
          { label: 'A', value: 'x', next: 'b' },
          { label: 'B', value: 'x', next: 'b' },
        ],
      }),
    ).toEqual(['custom:options.1.value']);
  });

  it('refuses a condition rule without a value unless its op needs none', () => {
    const rule = (when: Record<string, unknown>) => ({ ...MINIMAL.condition!, rules: [{ when, next: 'b' }] });
    expect(issuePaths(rule({ var: 'x', op: 'equals' }))).toEqual(['custom:rules.0.when.value']);
    expect(issuePaths(rule({ var: 'x', op: 'is_set' }))).toEqual([]);
    expect(issuePaths(rule({ var: 'x', op: 'matches', value: 'a' }))).toEqual(['invalid_value:rules.0.when.op']);
  });

  it('refuses an empty set, a message image that is not an http URL, and a handoff without reason', () => {
    expect(issuePaths({ ...MINIMAL.set!, values: {} })).toEqual(['custom:values']);
    expect(issuePaths({ ...MINIMAL.message!, image: 'javascript:alert(1)' })).toEqual(['invalid_format:image']);
    expect(issuePaths({ type: 'handoff' })).toEqual(['invalid_type:reason']);
  });

  it('allows every port of an integration block to be left out, but no port the block does not have', () => {
    expect(issuePaths({ ...MINIMAL['crm.lead']!, ports: {} })).toEqual([]);
    expect(issuePaths({ ...MINIMAL['crm.lead']!, ports: { already_exists: 'b' } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL['crm.contact']!, ports: { success: 'b', already_exists: 'b' } })).toEqual(['unrecognized_keys:ports']);
    expect(issuePaths({ ...MINIMAL['helpdesk.ticket']!, ports: { department_invalid: 'b', assignee_invalid: 'b', integration_invalid: 'b' } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL.webhook!, ports: { success: 'b', integration_invalid: 'b' } })).toEqual(['unrecognized_keys:ports']);
  });

  it('lets save name only the block outputs', () => {
    expect(issuePaths({ ...MINIMAL['crm.lead']!, save: { id: 'lead_id' } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL['crm.lead']!, save: { number: 'n' } })).toEqual(['unrecognized_keys:save']);
    expect(issuePaths({ ...MINIMAL['helpdesk.ticket']!, save: { id: 'i', number: 'n' } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL['mailing.subscribe']!, save: { id: 'x' } })).toEqual(['unrecognized_keys:save']);
    expect(issuePaths({ ...MINIMAL['mailing.subscribe']!, save: { status: 'subscription' } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL.webhook!, save: { plan: '$.data.items[0].plan' } })).toEqual([]);
    expect(issuePaths({ ...MINIMAL.webhook!, save: { plan: 'data.plan' } })).toEqual(['invalid_format:save.plan']);
    expect(issuePaths({ ...MINIMAL.webhook!, method: 'GET' })).toEqual(['invalid_value:method']);
  });
});

describe('edges', () => {
  const edgesOf = (block: Record<string, unknown>) => {
    const config = parsed(block);
    return BLOCKS[config.type].edges(config as never);
  };

  it('name every outgoing reference by its field, with the variables it sets', () => {
    expect(edgesOf(MINIMAL.message!)).toEqual([{ port: 'next', field: 'next', target: 'b', sets: [] }]);
    expect(edgesOf({ ...MINIMAL.ask!, invalid: 'c' })).toEqual([
      { port: 'next', field: 'next', target: 'b', sets: ['visitor.email'] },
      { port: 'invalid', field: 'invalid', target: 'c', sets: [] },
    ]);
    expect(
      edgesOf({
        ...MINIMAL.choice!,
        options: [
          { label: 'A', value: 'a', next: 'b' },
          { label: 'B', value: 'b', next: 'c' },
        ],
      }),
    ).toEqual([
      { port: 'options.0', field: 'options.0.next', target: 'b', sets: ['p'] },
      { port: 'options.1', field: 'options.1.next', target: 'c', sets: ['p'] },
    ]);
    expect(edgesOf({ ...MINIMAL.condition!, rules: [{ when: { var: 'x', op: 'is_set' }, next: 'c' }] })).toEqual([
      { port: 'rules.0', field: 'rules.0.next', target: 'c', sets: [] },
      { port: 'else', field: 'else', target: 'b', sets: [] },
    ]);
    expect(edgesOf({ ...MINIMAL.set!, values: { x: '1', y: '2' } })).toEqual([{ port: 'next', field: 'next', target: 'b', sets: ['x', 'y'] }]);
    expect(edgesOf(MINIMAL.goto!)).toEqual([{ port: 'target', field: 'target', target: 'b', sets: [] }]);
    expect(edgesOf(MINIMAL.end!)).toEqual([]);
    expect(edgesOf(MINIMAL.handoff!)).toEqual([]);
  });

  it('of an integration block set its save variables on success and already_exists only', () => {
    expect(
      edgesOf({ type: 'crm.lead', save: { id: 'lead_id' }, ports: { success: 'a', failure: 'b', already_exists: 'c', integration_invalid: 'd' } }),
    ).toEqual([
      { port: 'success', field: 'ports.success', target: 'a', sets: ['lead_id'] },
      { port: 'failure', field: 'ports.failure', target: 'b', sets: [] },
      { port: 'integration_invalid', field: 'ports.integration_invalid', target: 'd', sets: [] },
      { port: 'already_exists', field: 'ports.already_exists', target: 'c', sets: ['lead_id'] },
    ]);
    expect(edgesOf({ ...MINIMAL['helpdesk.ticket']!, save: { number: 'ticket_number' } })[0]).toEqual({
      port: 'success',
      field: 'ports.success',
      target: 'b',
      sets: ['ticket_number'],
    });
    expect(edgesOf({ ...MINIMAL.webhook!, save: { plan: '$.plan' } })[0]?.sets).toEqual(['plan']);
    expect(edgesOf({ type: 'crm.deal', name: 'D', stage: 'S', ports: { failure: 'c' } })).toEqual([
      { port: 'failure', field: 'ports.failure', target: 'c', sets: [] },
    ]);
  });
});

describe('templates', () => {
  const templatesOf = (block: Record<string, unknown>) => {
    const config = parsed(block);
    return BLOCKS[config.type].templates(config as never).map((t) => `${t.field}=${t.text}`);
  };

  it('list every text with merge fields by its path', () => {
    expect(templatesOf(MINIMAL.message!)).toEqual(['text=Hi']);
    expect(templatesOf(MINIMAL.ask!)).toEqual(['prompt=Email?']);
    expect(templatesOf(MINIMAL.choice!)).toEqual(['prompt=Pick']);
    expect(
      templatesOf({
        ...MINIMAL.condition!,
        rules: [
          { when: { var: 'x', op: 'is_set' }, next: 'b' },
          { when: { var: 'x', op: 'equals', value: '%y%' }, next: 'b' },
        ],
      }),
    ).toEqual(['rules.1.when.value=%y%']);
    expect(templatesOf({ ...MINIMAL.set!, values: { a: '%b%' } })).toEqual(['values.a=%b%']);
    expect(templatesOf(MINIMAL.goto!)).toEqual([]);
    expect(templatesOf({ type: 'end', text: 'Bye %x%' })).toEqual(['text=Bye %x%']);
    expect(templatesOf({ type: 'handoff', reason: 'r', text: '%y%' })).toEqual(['text=%y%']);
  });

  it('include the defaults of integration inputs and walk nested maps', () => {
    expect(templatesOf({ ...MINIMAL['crm.lead']!, fields: { Lead_Source: 'Chat %src%' } })).toEqual([
      'name=%visitor.name%',
      'email=%visitor.email%',
      'phone=%visitor.phone%',
      'company=%visitor.company%',
      'fields.Lead_Source=Chat %src%',
    ]);
    expect(templatesOf({ ...MINIMAL['crm.deal']!, contact: '%contact_id%' })).toEqual([
      'name=D',
      'stage=S',
      'closing_date=',
      'amount=',
      'contact=%contact_id%',
    ]);
    expect(templatesOf(MINIMAL['helpdesk.ticket']!)).toEqual([
      'subject=S',
      'description=',
      'status=',
      'priority=',
      'classification=',
      'department=',
      'assignee=',
    ]);
    expect(templatesOf(MINIMAL['mailing.subscribe']!)).toEqual(['list=News', 'name=%visitor.name%', 'email=%visitor.email%', 'phone=%visitor.phone%']);
    expect(
      templatesOf({
        ...MINIMAL.webhook!,
        headers: { 'X-Token': '%token%' },
        body: { customer: { name: '%visitor.name%' }, items: [1, '%a%'], ok: true },
      }),
    ).toEqual(['url=https://example.com', 'headers.X-Token=%token%', 'body.customer.name=%visitor.name%', 'body.items.1=%a%']);
  });
});
